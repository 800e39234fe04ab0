"""The asset graph end to end: Definitions load, a release is materialized in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.build import run_build
from releases import Release
from samples.exam_site import render_exam_site
from samples.textbook_pdf import render_textbook_pdf
from schemas import ContractViolation, ReleaseExistsError

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_definitions_load_with_the_whole_chain() -> None:
    from pipelines.definitions import defs

    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    chain = {
        "source_documents",
        "exam_questions",
        "case_reports",
        "figures",
        "synthesized_items",
        "translated_items",
        "tagged_items",
        "curated_items",
        "duplicate_clusters",
        "reviewed_items",
        "release_candidate",
        "benchmark_release",
    }
    assert chain <= keys
    job = defs.resolve_job_def("build_release")
    assert chain <= {key.to_user_string() for key in job.asset_layer.executable_asset_keys}


def test_defs_are_one_package_per_domain_with_fixed_file_names() -> None:
    import pipelines.defs
    from pipelines.definitions import defs

    root = Path(pipelines.defs.__file__).parent
    domains = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert domains == ["curation", "extract", "release", "review", "sources", "synthesis", "taxonomy"]
    allowed = {"__init__.py", "assets.py", "checks.py", "sensors.py", "partitions.py", "jobs.py"}
    for domain in domains:
        assert {p.name for p in (root / domain).glob("*.py")} <= allowed, domain
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "release_candidate_meets_contract",
        "release_has_no_cross_split_duplicates",
        "curated_items_dedup_counts",
        "synthesized_items_pass_item_checks",
        "translations_are_linked",
        "review_policy_met",
    }
    assert {s.name for s in defs.sensors} == {
        "crawl_sources_sensor",
        "pdf_documents_sensor",
        "label_studio_reviews",
    }
    assert set(defs.resources) == {
        "spec",
        "build",
        "execution",
        "io_manager",
        "step_io_manager",
        "llm",
        "embedder",
        "label_studio",
    }


@pytest.fixture(scope="module")
def small_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small copy of the demo: 2 editions x 8 questions and the textbook PDF."""
    root = tmp_path_factory.mktemp("sources")
    render_exam_site(root / "exam-site", years=range(2021, 2022), per_edition=8)
    render_textbook_pdf(root / "textbook" / "primer.pdf")
    spec = yaml.safe_load((REPO_ROOT / "specs" / "demo.yaml").read_text())
    spec["benchmark"] = "unit-demo"
    spec["base_dir"] = str(root)
    spec["sources"][1]["paths"] = ["textbook/primer.pdf"]
    # only the generated exam site and textbook: the other sources' globs would match nothing here,
    # which is a spec error
    spec["sources"] = [s for s in spec["sources"] if s["id"] in ("demo-exam-site", "demo-textbook")]
    spec["leakage"] = {}
    path = root / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


class RecordingProgress:
    """A progress sink that keeps what the stages reported: (description, total, unit, advanced)."""

    def __init__(self) -> None:
        self.tasks: list[list] = []

    def start(self, description: str, total: int | None, unit: str) -> int:
        self.tasks.append([description, total, unit, 0])
        return len(self.tasks) - 1

    def advance(self, handle: object, steps: int) -> None:
        self.tasks[handle][3] += steps  # type: ignore[index]

    def finish(self, handle: object) -> None:
        return None


BUILD_PROGRESS = RecordingProgress()


@pytest.fixture(scope="module")
def built(small_spec: Path, tmp_path_factory: pytest.TempPathFactory):
    from schemas.progress import progress_sink

    store = tmp_path_factory.mktemp("store")
    with progress_sink(BUILD_PROGRESS):
        outcome = run_build(small_spec, "1.0.0", store, tmp_path_factory.mktemp("work"))
    return store, outcome


def test_stages_report_progress_through_the_dagster_run(built) -> None:
    _, outcome = built
    seen = {
        description: (total, unit, advanced) for description, total, unit, advanced in BUILD_PROGRESS.tasks
    }
    assert seen["exam items"] == (16, "questions", 16)
    assert seen["figures"] == (1, "PDFs", 1)
    total, unit, advanced = seen["tagging"]
    assert unit == "texts" and total == advanced >= outcome.items
    assert all(total is None or advanced == total for _, total, _, advanced in BUILD_PROGRESS.tasks)


def test_build_writes_a_complete_release(built) -> None:
    store, outcome = built
    assert outcome.release_path == store / "unit-demo" / "1.0.0"
    release = Release.open(outcome.release_path)
    manifest = release.manifest
    assert manifest["version"] == "1.0.0" and manifest["content_hash"] == outcome.content_hash
    items = release.items()
    exam_items = [i for i in items if i.source.source_id == "demo-exam-site"]
    # 16 questions: question 7 of the first edition is annulled, question 3 of the second needs an image
    # its page does not carry (both rejected)
    assert len(exam_items) == 14
    assert all(i.release_time.year == 2021 and i.release_time.session in {"1", "2"} for i in exam_items)
    assert all(i.source.uri.startswith("https://exams.demo.medforge.invalid/") for i in exam_items)
    assert {i.split for i in items} <= {"test", "dev"}
    rejected = release.rejections()
    reasons = {(str(r.stage), r.reason_code) for r in rejected}
    assert ("synthesize", "annulled") in reasons and ("synthesize", "needs_image") in reasons
    assert ("ingest", "http_error") not in reasons  # the broken link sits on edition 3, not in this site
    for stage, counts in manifest["stages"].items():
        assert (
            counts["in"] + counts["expanded"] == counts["out"] + counts["rejected"] + counts["quarantined"]
        ), stage
    assert manifest["counts"]["rejected"] == len(rejected)
    assert (outcome.release_path / "README.md").read_text().count("| ") > 10
    assert (outcome.release_path / "clusters.parquet").is_file()


def test_the_built_release_opens_in_datasets_and_croissant(built) -> None:
    import datasets
    import mlcroissant as mlc

    _, outcome = built
    path = outcome.release_path
    manifest = Release.open(path).manifest
    loaded = datasets.load_dataset(str(path))
    assert {split: ds.num_rows for split, ds in loaded.items()} == manifest["counts"]["splits"]
    croissant = mlc.Dataset(jsonld=str(path / "croissant.json"))
    test_rows = list(croissant.records(record_set="test"))
    assert len(test_rows) == manifest["counts"]["splits"]["test"]
    assert {r["test/item_id"].decode() for r in test_rows} == {
        i.item_id for i in Release.open(path).split_items("test")
    }
    views = manifest["eval_views"]["views"]
    assert sum(rows for splits in views.values() for rows in splits.values()) == manifest["counts"]["items"]
    assert manifest["eval_views"]["not_exported"] == {}


def test_same_version_twice_fails_and_names_it(built, small_spec: Path, tmp_path: Path) -> None:
    store, _ = built
    with pytest.raises(ReleaseExistsError, match=r"unit-demo@1\.0\.0"):
        run_build(small_spec, "1.0.0", store, tmp_path / "work")


def test_rebuild_gives_the_same_content_hash(built, small_spec: Path, tmp_path: Path) -> None:
    _, outcome = built
    again = run_build(
        small_spec, "1.0.0", tmp_path / "store", tmp_path / "work", cache_root=tmp_path / "cache"
    )
    assert again.content_hash == outcome.content_hash
    # the cache folder is a setting: the build put its LLM-reply cache there, not in its work folder
    assert (tmp_path / "cache" / "llm").is_dir() and not (tmp_path / "work" / "cache").exists()


def test_contract_blocks_a_release_with_a_broken_item(small_spec: Path, tmp_path: Path, monkeypatch) -> None:
    import annotation.review
    from schemas import StageResult

    def break_one(spec, items):
        items = list(items)
        broken = items[0].with_changes(language="english")
        return StageResult(stage="review", records=[broken, *items[1:]], records_in=len(items))

    monkeypatch.setattr(annotation.review, "review_items", break_one)
    with pytest.raises(ContractViolation, match=r"language.*itm-"):
        run_build(small_spec, "2.0.0", tmp_path / "store", tmp_path / "work")
    assert not (tmp_path / "store" / "unit-demo" / "2.0.0").exists()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )


def test_cli_validate_diff_and_clear_errors(built, tmp_path: Path) -> None:
    _, outcome = built
    ok = _cli("validate", str(outcome.release_path))
    assert ok.returncode == 0 and "meet the contract" in ok.stdout
    rebuilt = _cli("rebuild", str(outcome.release_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (
        f"rebuilt  content hash {outcome.content_hash}" in rebuilt.stdout
        and "same content hash" in rebuilt.stdout
    )
    subset = tmp_path / "subset.parquet"
    selected = _cli(
        "select", str(outcome.release_path), "--where", "modality:CT or icd10:C34", "--out", str(subset)
    )
    assert selected.returncode == 0, selected.stderr
    import pyarrow.parquet as pq

    rows = pq.read_table(subset).to_pylist()
    assert rows and all(any(t["code"] in {"CT", "C34"} for t in row["tags"]) for row in rows)
    same = _cli("diff", str(outcome.release_path), str(outcome.release_path), "--json")
    assert json.loads(same.stdout)["changed"] == []
    missing = _cli("build", "--spec", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert "spec field 'spec': missing file" in missing.stderr and "Traceback" not in missing.stderr
    bad_version = _cli("build", "--spec", "specs/demo.yaml", "--version", "one")
    assert bad_version.returncode == 2 and "'version'" in bad_version.stderr
    unknown = _cli("validate", "nobench@1.0.0", "--store", str(tmp_path))
    assert unknown.returncode == 2 and "no release nobench@1.0.0" in unknown.stderr


def test_cli_validate_names_the_broken_item(tmp_path: Path) -> None:
    from releases import ReleaseInputs, write_release

    good = _item("Which vitamin deficiency causes scurvy?", "A")
    broken = _item("Which vitamin deficiency causes rickets?", "F")
    path = write_release(
        tmp_path,
        ReleaseInputs(
            benchmark="broken",
            version="1.0.0",
            spec={"splits": {"test": 1.0}, "sources": []},
            spec_hash="0",
            items=[good, broken],
            rejections=[],
            stage_counts={},
            input_fingerprints=[],
        ),
    )
    result = _cli("validate", str(path))
    assert result.returncode == 2
    assert broken.item_id in result.stdout + result.stderr and good.item_id not in result.stderr


def _item(question: str, answer: str):
    from schemas import BenchmarkItem, ItemOrigin, Option, SourceRef

    options = [Option(label=k, text=t) for k, t in zip("ABCD", ["C", "D", "B12", "K"], strict=True)]
    return BenchmarkItem(
        item_id=BenchmarkItem.make_id("mcq_single", "en", question, options, [answer]),
        source_key=question,
        task="mcq_single",
        language="en",
        question=question,
        options=options,
        answers=[answer],
        source=SourceRef(source_id="unit", uri="u"),
        licence="CC0-1.0",
        origin=ItemOrigin.SCRAPED,
        split="test",
    )


def test_a_spec_that_yields_nothing_publishes_nothing(tmp_path: Path) -> None:
    from schemas import MedforgeError

    (tmp_path / "pdfs").mkdir()
    (tmp_path / "pdfs" / "broken.pdf").write_bytes(b"not a PDF")  # rejected at ingest: nothing survives
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "benchmark": "empty",
                "sources": [{"id": "none", "kind": "pdf", "licence": "CC-BY-4.0", "paths": ["pdfs/*.pdf"]}],
            }
        )
    )
    with pytest.raises(MedforgeError, match="step benchmark_release failed: no item survived the stages"):
        run_build(spec, "1.0.0", tmp_path / "store", tmp_path / "work")
    assert not (tmp_path / "store" / "empty" / "1.0.0").exists()
