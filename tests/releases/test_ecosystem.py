"""A release opened by the ecosystem's own tools: datasets, huggingface_hub, mlcroissant, lm-eval, inspect."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pyarrow.parquet as pq
import pytest

from releases import ReleaseInputs, write_release
from releases.croissant import CROISSANT, CroissantError, validate_croissant
from releases.eval_exports import EVAL_DIR
from schemas import BenchmarkItem, ImageRef, ItemOrigin, Option, SourceRef, TaskType

CAPTION = "Chest radiograph showing a right-sided tension pneumothorax with mediastinal shift."
EXPLANATION = "The keyed answer follows from the deep sulcus sign."


def _image(root: Path, seed: int) -> ImageRef:
    pixels = np.random.default_rng(seed).integers(0, 255, (32, 48, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".png", pixels)
    assert ok
    data = encoded.tobytes()
    sha = hashlib.sha256(data).hexdigest()
    path = f"{sha[:2]}/{sha}.png"
    (root / sha[:2]).mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    return ImageRef(path=path, sha256=sha, caption=CAPTION)


def _item(task: TaskType, question: str, options: list[str], answers: list[str], split: str, **extra):
    opts = [Option(label="ABCDE"[i], text=t) for i, t in enumerate(options)]
    images = extra.pop("images", [])
    return BenchmarkItem(
        item_id=BenchmarkItem.make_id(task, "en", question, opts, answers, [i.sha256 for i in images]),
        source_key=f"unit/{question}",
        task=task,
        language=extra.pop("language", "en"),
        question=question,
        options=opts,
        answers=answers,
        images=images,
        explanation=EXPLANATION,
        source=SourceRef(source_id="unit", uri="https://example.org/q"),
        licence=extra.pop("licence", "CC-BY-4.0"),
        origin=ItemOrigin.SCRAPED,
        split=split,
        **extra,
    )


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with every task kind: single and multiple answer MCQs, open questions, VQA with images."""
    images = tmp_path_factory.mktemp("images")
    organs = ["Liver", "Pancreas", "Spleen", "Kidney"]
    items = []
    for n in range(12):
        split = "dev" if n < 3 else "test"
        items.append(
            _item(
                TaskType.MCQ_SINGLE,
                f"Which organ is described in vignette {n}?",
                organs,
                ["ABCD"[n % 4]],
                split,
            )
        )
    items.append(_item(TaskType.MCQ_MULTI, "Which are retroperitoneal organs?", organs, ["B", "D"], "test"))
    for n, diagnosis in enumerate(["Acute appendicitis", "Gout", "Diabetic ketoacidosis"]):
        items.append(
            _item(
                TaskType.OPEN_ENDED, f"Case {n}: what is the most likely diagnosis?", [], [diagnosis], "test"
            )
        )
    for n in range(4):
        items.append(
            _item(
                TaskType.VQA,
                f"What does radiograph {n} show?",
                ["Pneumothorax", "Pleural effusion", "Normal chest", "Pneumonia"],
                ["A"],
                "dev" if n == 0 else "test",
                images=[_image(images, n)],
                licence="CC-BY-NC-4.0" if n == 3 else "CC-BY-4.0",
            )
        )
    store = tmp_path_factory.mktemp("store")
    inputs = ReleaseInputs(
        benchmark="eco-bench",
        version="1.0.0",
        spec={
            "benchmark": "eco-bench",
            "description": "every task kind",
            "sources": [{"id": "unit", "kind": "pdf", "licence": "CC-BY-4.0"}],
            "splits": {"test": 0.8, "dev": 0.2},
            "leakage": {"policy": "flag", "references": ["refs/medqa.jsonl"]},
        },
        spec_hash="0" * 64,
        items=items,
        rejections=[],
        stage_counts={},
        input_fingerprints=[],
        image_root=images,
        stage_metadata={
            "curated_items": {
                "leakage_policy": "flag",
                "leakage_methods": ["ngram13-overlap0.30"],
                "leakage_references": {"medqa": {"items": 1273, "leaked_items": 2}},
                "leakage_counts": {"leakage:ngram13": 2},
            }
        },
    )
    return write_release(store, inputs)


def test_card_front_matter_is_what_the_hub_reads(release: Path) -> None:
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(release / "README.md")
    data = card.data.to_dict()
    assert data["license"] == ["cc-by-4.0", "cc-by-nc-4.0"]
    assert data["language"] == ["en"] and data["size_categories"] == ["n<1K"]
    assert data["task_categories"] == ["multiple-choice", "question-answering", "visual-question-answering"]
    configs = {c["config_name"]: c for c in data["configs"]}
    assert configs["default"]["data_files"] == [
        {"split": "dev", "path": "dev.parquet"},
        {"split": "test", "path": "test.parquet"},
    ]
    assert set(configs) == {"default", "rejected", "eval_mcq", "eval_mcq_multi", "eval_open", "eval_vqa"}
    assert "| medqa | 1273 | 2 |" in card.text and "leakage:ngram13 2" in card.text


def test_datasets_loads_exactly_the_splits(release: Path) -> None:
    import datasets

    loaded = datasets.load_dataset(str(release))
    assert sorted(loaded) == ["dev", "test"]  # not 'validation'
    assert (loaded["dev"].num_rows, loaded["test"].num_rows) == (4, 16)
    assert loaded["test"].features["options"].feature["label"].dtype == "string"
    vqa = datasets.load_dataset(str(release), "eval_vqa")
    image = vqa["test"][0]["images"][0]
    assert image.size == (48, 32)  # decoded as an image, not bytes


def test_views_hold_nothing_that_reveals_the_answer(release: Path) -> None:
    for path in (release / EVAL_DIR).rglob("*.parquet"):
        table = pq.read_table(path)
        assert not {"explanation", "tags", "flags", "review_events", "images.caption"} & set(
            table.schema.names
        )
        text = json.dumps(table.drop_columns([c for c in table.schema.names if c == "images"]).to_pylist())
        assert CAPTION not in text and EXPLANATION not in text, path
    multi = pq.read_table(release / EVAL_DIR / "mcq_multi" / "test.parquet").to_pylist()
    assert multi[0]["target"] == "BD" and multi[0]["choices"][1] == "Pancreas"


def test_croissant_validates_and_reads_records(release: Path) -> None:
    import mlcroissant as mlc

    metadata = json.loads((release / CROISSANT).read_text())
    manifest = json.loads((release / "manifest.json").read_text())
    files = {entry["contentUrl"]: entry["sha256"] for entry in metadata["distribution"]}
    assert files["test.parquet"] == manifest["files"]["test.parquet"]["sha256"]
    assert sorted(metadata["license"]) == [
        "https://creativecommons.org/licenses/by-nc/4.0/",
        "https://creativecommons.org/licenses/by/4.0/",
    ]
    assert validate_croissant(release / CROISSANT)["test"] == 1
    records = list(mlc.Dataset(jsonld=str(release / CROISSANT)).records(record_set="dev"))
    assert len(records) == 4
    questions = sorted(r["dev/question"].decode() for r in records)
    assert questions[0] == "What does radiograph 0 show?"
    options = next(r for r in records if r["dev/task"] == b"mcq_single")["dev/options"]
    assert [o["dev/options/text"] for o in options] == [b"Liver", b"Pancreas", b"Spleen", b"Kidney"]


def test_croissant_that_does_not_match_its_file_is_refused(release: Path, tmp_path: Path) -> None:
    metadata = json.loads((release / CROISSANT).read_text())
    for record_set in metadata["recordSet"]:
        for field in record_set["field"]:
            if field["@id"] == "test/question":
                field["source"]["extract"]["column"] = "no_such_column"
    broken = tmp_path / CROISSANT
    broken.write_text(json.dumps(metadata))
    for name in ("test.parquet", "dev.parquet"):
        (tmp_path / name).write_bytes((release / name).read_bytes())
    (tmp_path / EVAL_DIR).symlink_to(release / EVAL_DIR)
    with pytest.raises(CroissantError, match="record set 'test' cannot be read"):
        validate_croissant(broken)


def _oracle_lm(release: Path):
    """An lm-eval model that knows the keyed answers: it scores the key highest and generates it."""
    from lm_eval.api.model import LM

    keys = {}
    for path in (release / EVAL_DIR).rglob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            keys[row["question"].strip()] = row
    prompts: list[str] = []

    def row_of(context: str) -> dict:
        prompts.append(context)
        return next(row for question, row in keys.items() if question in context)

    class Oracle(LM):
        def loglikelihood(self, requests):
            out = []
            for request in requests:
                context, continuation = request.args
                row = row_of(context)
                right = continuation.strip() == row["labels"][row["answer"]]
                out.append((0.0 if right else -10.0, right))
            return out

        def loglikelihood_rolling(self, requests):
            return [(0.0,) for _ in requests]

        def generate_until(self, requests):
            return [row_of(request.args[0])["target"] for request in requests]

    return Oracle(), prompts


def test_lm_eval_runs_the_exported_tasks_offline(release: Path) -> None:
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    model, prompts = _oracle_lm(release)
    manager = TaskManager(include_path=str(release / EVAL_DIR / "lm_eval"))
    tasks = ["eco_bench_mcq", "eco_bench_mcq_multi", "eco_bench_open"]
    results = simple_evaluate(model=model, tasks=tasks, task_manager=manager, limit=None)
    assert results["results"]["eco_bench_mcq"]["acc,none"] == 1.0
    assert results["results"]["eco_bench_mcq_multi"]["exact_match,none"] == 1.0
    assert results["results"]["eco_bench_open"]["exact_match,none"] == 1.0
    assert results["n-samples"]["eco_bench_mcq"]["effective"] == 9  # the test split
    assert any("A. Liver\nB. Pancreas" in p for p in prompts)
    assert not any(CAPTION in p or EXPLANATION in p for p in prompts)
    assert "eco_bench_vqa" in manager.all_tasks and "eco_bench_all" in manager.all_tags


def _register_inspect_oracle(release: Path) -> str:
    """An inspect model provider that answers with the key (usage set, so inspect counts no tokens)."""
    from inspect_ai.model import GenerateConfig, ModelAPI, ModelOutput, ModelUsage, modelapi

    keys = {}
    for path in (release / EVAL_DIR).rglob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            keys[row["question"].strip()] = row["target"]

    class Oracle(ModelAPI):
        def __init__(self, model_name, base_url=None, api_key=None, config=None, **_):
            super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())

        async def generate(self, input, tools, tool_choice, config):
            text = "\n".join(message.text for message in input)
            target = next(key for question, key in keys.items() if question in text)
            output = ModelOutput.from_content(model=self.model_name, content=f"ANSWER: {target}")
            output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
            return output

    modelapi(name="medforge_oracle")(lambda: Oracle)
    return "medforge_oracle/keys"


def test_inspect_runs_the_exported_tasks_offline(release: Path, tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    logs = inspect_eval(
        [
            f"{release / EVAL_DIR / 'inspect_tasks.py'}@{name}"
            for name in ("mcq", "mcq_multi", "open_ended", "vqa")
        ],
        model=_register_inspect_oracle(release),
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert [log.status for log in logs] == ["success"] * 4, [log.error for log in logs]
    counts = {log.eval.task.split("/")[-1]: len(log.samples) for log in logs}
    assert counts == {"mcq": 9, "mcq_multi": 1, "open_ended": 3, "vqa": 3}
    for log in logs:
        (score,) = log.results.scores
        assert score.metrics["accuracy"].value == 1.0, log.eval.task
    vqa = logs[3].samples[0]
    content = vqa.input[0].content
    assert [part.type for part in content] == ["text", "image"]
    assert CAPTION not in json.dumps(vqa.model_dump(mode="json"), default=str)


def test_publish_to_a_folder_writes_the_hub_layout_once(release: Path, tmp_path: Path) -> None:
    import datasets
    from huggingface_hub import DatasetCard

    from releases.publish import PublishError, publish_to_folder

    target = tmp_path / "repo"
    done = publish_to_folder(release, target)
    released = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    written = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert written == released | {".gitattributes"} and done.files == len(written)
    assert "*.parquet filter=lfs" in (target / ".gitattributes").read_text()
    assert DatasetCard.load(target / "README.md").data.to_dict()["license"] == ["cc-by-4.0", "cc-by-nc-4.0"]
    assert sorted(datasets.load_dataset(str(target))) == ["dev", "test"]
    with pytest.raises(PublishError, match=r"eco-bench@1\.0\.0 is already published at"):
        publish_to_folder(release, target)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="not empty and holds no medforge release"):
        publish_to_folder(release, tmp_path / "other")


class _RecordingHub:
    """Stands in for HfApi's four calls (no network here); records what would be sent."""

    def __init__(self, tags: list[str]) -> None:
        self.tags = tags
        self.uploads: list[dict] = []

    def create_repo(self, repo_id: str, **kwargs):
        return repo_id

    def list_repo_refs(self, repo_id: str, **kwargs):
        from types import SimpleNamespace

        return SimpleNamespace(tags=[SimpleNamespace(name=tag) for tag in self.tags])

    def upload_folder(self, **kwargs):
        folder = Path(kwargs["folder_path"])
        self.uploads.append({**kwargs, "files": sorted(p.name for p in folder.rglob("*") if p.is_file())})

    def create_tag(self, repo_id: str, **kwargs):
        self.tags.append(kwargs["tag"])


def test_publish_to_the_hub_tags_the_version_and_never_uploads_it_twice(
    release: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from releases.publish import PublishError, publish_to_hub

    hub = _RecordingHub(tags=["v0.9.0"])
    done = publish_to_hub(release, "hf://medforge-org/eco-bench", api=hub)
    assert done.tag == "v1.0.0" and hub.tags == ["v0.9.0", "v1.0.0"]
    (upload,) = hub.uploads
    assert upload["repo_id"] == "medforge-org/eco-bench" and upload["repo_type"] == "dataset"
    assert {"README.md", "croissant.json", "test.parquet", ".gitattributes"} <= set(upload["files"])
    with pytest.raises(PublishError, match="already published"):
        publish_to_hub(release, "hf://medforge-org/eco-bench", api=hub)
    with pytest.raises(PublishError, match="newer than 1.0.0"):
        publish_to_hub(release, "hf://medforge-org/eco-bench", api=_RecordingHub(tags=["v2.0.0"]))
    assert len(hub.uploads) == 1
    with pytest.raises(PublishError, match="is not hf://ORG/NAME"):
        publish_to_hub(release, "hf://just-a-name", api=hub)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(PublishError, match="needs a Hugging Face token: set HF_TOKEN"):
        publish_to_hub(release, "hf://medforge-org/eco-bench")


def test_cli_publish_says_where_and_refuses_a_second_time(release: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "pipelines.cli", "publish", str(release), "--to", str(tmp_path / "repo")]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "wrote the Hub repository of eco-bench@1.0.0 to" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert "error: eco-bench@1.0.0 is already published at" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
