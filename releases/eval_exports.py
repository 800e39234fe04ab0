"""Evaluation views of a release and the harness tasks that read them (lm-evaluation-harness, inspect).

A view holds only what a model under test may see plus the key: the question, the options, the
images, and the target. Captions, explanations, tags (an open diagnosis item's ICD-10 code names its
answer), flags and review notes stay in the split files, so an evaluation cannot leak them.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from schemas import BenchmarkItem, TaskType

EVAL_DIR = "eval"
LM_EVAL_DIR = "lm_eval"
HARNESS_SOURCES = Path(__file__).parent / "harness"
LM_EVAL_LOADER = "medforge_lm_eval.py"
INSPECT_TASKS = "inspect_tasks.py"

_TEXT = pa.string()
_BASE_FIELDS = [
    pa.field("item_id", _TEXT, nullable=False),
    pa.field("language", _TEXT, nullable=False),
    pa.field("year", pa.int64()),
    pa.field("question", _TEXT, nullable=False),
]
_CHOICE_FIELDS = [
    pa.field("labels", pa.list_(_TEXT)),
    pa.field("choices", pa.list_(_TEXT)),
    pa.field("answer", pa.int64(), nullable=False),
]
_TARGET = pa.field("target", _TEXT, nullable=False)
_IMAGES = pa.field("images", pa.list_(pa.struct([("bytes", pa.binary()), ("path", _TEXT)])))

VIEW_SCHEMAS: dict[str, pa.Schema] = {
    "mcq": pa.schema([*_BASE_FIELDS, *_CHOICE_FIELDS, _TARGET]),
    "mcq_multi": pa.schema([*_BASE_FIELDS, *_CHOICE_FIELDS[:2], _TARGET]),
    "open": pa.schema([*_BASE_FIELDS, _TARGET, pa.field("answers", pa.list_(_TEXT))]),
    "vqa": pa.schema([*_BASE_FIELDS, *_CHOICE_FIELDS, _TARGET, _IMAGES]),
}
"""One view per task kind; the columns are all an evaluation gets."""

VIEW_OF_TASK = {
    TaskType.MCQ_SINGLE: "mcq",
    TaskType.MCQ_MULTI: "mcq_multi",
    TaskType.OPEN_ENDED: "open",
    TaskType.VQA: "vqa",
}


class EvalExportError(ValueError):
    """Raised when an item cannot be put in an evaluation view (a key that names no option)."""


@dataclass(frozen=True)
class EvalView:
    """One written view: its kind and, per split, the file (relative to the release) and its rows."""

    kind: str
    files: dict[str, tuple[str, int]]


def _hf_feature(data_type: pa.DataType, name: str) -> dict[str, object]:
    """The `datasets` feature of a view column, so images decode as images and lists stay lists."""
    if name == "images":
        return {"feature": {"_type": "Image"}, "_type": "List"}
    if pa.types.is_list(data_type):
        return {"feature": _hf_feature(data_type.value_type, ""), "_type": "List"}
    dtype = "int64" if pa.types.is_int64(data_type) else "string"
    return {"dtype": dtype, "_type": "Value"}


def _with_features(schema: pa.Schema) -> pa.Schema:
    features = {field.name: _hf_feature(field.type, field.name) for field in schema}
    return schema.with_metadata({b"huggingface": json.dumps({"info": {"features": features}}).encode()})


def _choice_columns(item: BenchmarkItem) -> dict[str, object]:
    labels = [option.label for option in item.options]
    unknown = [answer for answer in item.answers if answer not in labels]
    if unknown:
        raise EvalExportError(f"item {item.item_id}: answer {unknown[0]!r} names no option ({labels})")
    row: dict[str, object] = {"labels": labels, "choices": [option.text for option in item.options]}
    row["answer"] = labels.index(item.answers[0]) if item.answers else -1
    return row


def view_row(item: BenchmarkItem, image_root: Path | None) -> tuple[str, dict[str, object]]:
    """The view an item goes to and its row there (nothing answer-revealing besides the key)."""
    kind = VIEW_OF_TASK[TaskType(item.task)]
    row: dict[str, object] = {
        "item_id": item.item_id,
        "language": item.language,
        "year": item.release_time.year,
        "question": item.question,
    }
    if kind == "open":
        row.update(target=item.answers[0] if item.answers else "", answers=list(item.answers))
        return kind, row
    if kind == "vqa" and not item.options:
        row.update(labels=[], choices=[], answer=-1, target=item.answers[0] if item.answers else "")
    else:
        row.update(_choice_columns(item))
        row["target"] = "".join(sorted(item.answers)) if kind == "mcq_multi" else item.answers[0]
    if kind == "mcq_multi":
        del row["answer"]
    if kind == "vqa":
        if image_root is None and item.images:
            raise EvalExportError(f"item {item.item_id}: VQA item with images but no image folder")
        row["images"] = [
            {"bytes": (image_root / image.path).read_bytes(), "path": Path(image.path).name}
            for image in item.images
            if image_root is not None
        ]
    return kind, row


def write_eval_views(
    root: Path, items: Sequence[BenchmarkItem], image_root: Path | None
) -> tuple[list[EvalView], dict[str, str]]:
    """Writes `eval/<kind>/<split>.parquet` for every kind and split with items.

    Returns the views and, by item id, why an item was left out of them (it stays in its split file;
    the data contract refuses such items before a build gets here, so this is for hand-made inputs).
    """
    rows: dict[str, dict[str, list[dict[str, object]]]] = {}
    skipped: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i.item_id):
        try:
            kind, row = view_row(item, image_root)
        except (EvalExportError, OSError) as error:
            skipped[item.item_id] = str(error)
            continue
        rows.setdefault(kind, {}).setdefault(item.split, []).append(row)
    views = []
    for kind in sorted(rows):
        folder = root / EVAL_DIR / kind
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for split, split_rows in sorted(rows[kind].items()):
            table = pa.Table.from_pylist(split_rows, schema=_with_features(VIEW_SCHEMAS[kind]))
            pq.write_table(table, folder / f"{split}.parquet", compression="zstd")
            files[split] = (f"{EVAL_DIR}/{kind}/{split}.parquet", len(split_rows))
        views.append(EvalView(kind, files))
    return views, skipped


def harness_task_name(benchmark: str, kind: str) -> str:
    """A task name the harnesses accept: lower case, underscores ('medforge-demo' -> 'medforge_demo_mcq')."""
    return re.sub(r"[^a-z0-9]+", "_", f"{benchmark}_{kind}".lower()).strip("_")


def _splits(view: EvalView) -> tuple[str, str | None]:
    """The split evaluated (test when there is one) and the few-shot split (dev or validation)."""
    names = sorted(view.files)
    test = "test" if "test" in names else names[-1]
    fewshot = next((n for n in ("dev", "validation", "train") if n in names and n != test), None)
    return test, fewshot


_CHOICES_PROMPT = (
    "{{question.strip()}}\n{% for choice in choices %}{{labels[loop.index0]}}. {{choice}}\n{% endfor %}"
)
_EXACT = {"metric": "exact_match", "aggregation": "mean", "higher_is_better": True, "ignore_case": True}


def lm_eval_task(benchmark: str, view: EvalView) -> dict[str, object]:
    """The lm-evaluation-harness task config of one view (loaded by `custom_dataset`)."""
    test, fewshot = _splits(view)
    task: dict[str, object] = {
        "task": harness_task_name(benchmark, view.kind),
        "tag": [harness_task_name(benchmark, "all")],
        "test_split": test,
    }
    if fewshot:
        task["fewshot_split"] = fewshot
    generate = {"until": ["\n\n"], "do_sample": False, "max_gen_toks": 64}
    if view.kind == "mcq":
        task.update(
            output_type="multiple_choice",
            doc_to_text=_CHOICES_PROMPT + "Answer:",
            doc_to_choice="labels",
            doc_to_target="answer",
            metric_list=[
                {"metric": "acc", "aggregation": "mean", "higher_is_better": True},
                {"metric": "acc_norm", "aggregation": "mean", "higher_is_better": True},
            ],
        )
    elif view.kind == "mcq_multi":
        task.update(
            output_type="generate_until",
            doc_to_text=_CHOICES_PROMPT + "Answer with the letters of every correct option, e.g. AC:",
            doc_to_target="target",
            generation_kwargs=generate,
            metric_list=[{**_EXACT, "ignore_punctuation": True, "regexes_to_ignore": [" "]}],
        )
    elif view.kind == "open":
        task.update(
            output_type="generate_until",
            doc_to_text="Question: {{question.strip()}}\nAnswer:",
            doc_to_target="target",
            generation_kwargs=generate,
            metric_list=[{**_EXACT, "ignore_punctuation": True}],
        )
    else:
        task.update(
            output_type="generate_until",
            doc_to_text=_CHOICES_PROMPT + "{% if choices %}Answer with the option's letter.{% endif %}",
            doc_to_image="images",
            doc_to_target="target",
            generation_kwargs=generate,
            metric_list=[{**_EXACT, "ignore_punctuation": True}],
        )
    task["metadata"] = {"version": 1.0, "view": f"{EVAL_DIR}/{view.kind}"}
    return task


def write_harness_tasks(root: Path, benchmark: str, views: Sequence[EvalView]) -> list[str]:
    """lm-eval YAML tasks (one per view) and the inspect task file, beside the views; returns paths."""
    written = []
    lm_dir = root / EVAL_DIR / LM_EVAL_DIR
    lm_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HARNESS_SOURCES / LM_EVAL_LOADER, lm_dir / LM_EVAL_LOADER)
    written.append(f"{EVAL_DIR}/{LM_EVAL_DIR}/{LM_EVAL_LOADER}")
    for view in views:
        config = yaml.safe_dump(lm_eval_task(benchmark, view), sort_keys=False, allow_unicode=True)
        loader = f"custom_dataset: !function {Path(LM_EVAL_LOADER).stem}.load_{view.kind}\n"
        name = f"{harness_task_name(benchmark, view.kind)}.yaml"
        (lm_dir / name).write_text(config + loader, encoding="utf-8")
        written.append(f"{EVAL_DIR}/{LM_EVAL_DIR}/{name}")
    shutil.copyfile(HARNESS_SOURCES / INSPECT_TASKS, root / EVAL_DIR / INSPECT_TASKS)
    written.append(f"{EVAL_DIR}/{INSPECT_TASKS}")
    return written
