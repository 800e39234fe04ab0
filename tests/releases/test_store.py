"""The release store: layout, immutability, atomic writes, deterministic hashes, diff, card."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from releases import (
    Release,
    ReleaseInputs,
    assign_splits,
    content_hash,
    diff_releases,
    next_version,
    resolve_release,
    write_release,
)
from releases.reader import ReleaseReadError
from schemas import Rejection, ReleaseExistsError, ReleaseNotFoundError, Stage, Vocabulary
from schemas.records import TaxonomyTag


def _inputs(items, version: str = "1.0.0", rejections=()) -> ReleaseInputs:
    return ReleaseInputs(
        benchmark="unit-bench",
        version=version,
        spec={
            "benchmark": "unit-bench",
            "description": "unit",
            "sources": [{"id": "unit", "kind": "pdf", "licence": "CC-BY-4.0"}],
            "splits": {"test": 0.5, "dev": 0.5},
        },
        spec_hash="0" * 64,
        items=items,
        rejections=list(rejections),
        stage_counts={
            "curate": {
                "in": len(items) + len(rejections),
                "out": len(items),
                "rejected": len(rejections),
                "quarantined": 0,
                "reasons": {},
            }
        },
        input_fingerprints=[{"source_id": "unit", "uri": "u", "sha256": "a" * 64}],
    )


@pytest.fixture
def items(make_item):
    tag = TaxonomyTag(
        vocabulary=Vocabulary.SPECIALTY,
        code="endocrinology",
        title="Endocrinology",
        confidence=0.9,
        tagger="unit",
    )
    made = [
        make_item(question=f"Question number {n}?", year=2020 + n % 3, tags=[tag] if n % 2 else [])
        for n in range(20)
    ]
    return assign_splits(made, {"test": 0.5, "dev": 0.5}, seed=0)


def test_release_layout_and_manifest(tmp_path: Path, items) -> None:
    rejection = Rejection(
        record_id="q9",
        record_type="ExamQuestion",
        stage=Stage.SYNTHESIZE,
        reason_code="annulled",
        message="annulled by the board",
    )
    path = write_release(tmp_path, _inputs(items, rejections=[rejection]))
    assert path == tmp_path / "unit-bench" / "1.0.0"
    names = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    assert {
        "test.parquet",
        "dev.parquet",
        "rejected.parquet",
        "manifest.json",
        "README.md",
        "plots/items_by_year.png",
    } <= names
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["counts"]["items"] == 20
    assert sum(manifest["counts"]["splits"].values()) == 20
    assert manifest["content_hash"] == content_hash(items)
    for name, entry in manifest["files"].items():
        if name != "manifest.json":
            assert hashlib.sha256((path / name).read_bytes()).hexdigest() == entry["sha256"], name
    rejected = pq.read_table(path / "rejected.parquet").to_pylist()
    assert rejected[0]["reason_code"] == "annulled" and rejected[0]["stage"] == "synthesize"
    card = (path / "README.md").read_text()
    assert "| en | 20 |" in card and "Endocrinology" in card and "plots/items_by_year.png" in card
    assert "synthesize: annulled" in card
    reopened = Release.open(path)
    assert sorted(i.item_id for i in reopened.items()) == sorted(i.item_id for i in items)


def test_a_version_is_written_once(tmp_path: Path, items) -> None:
    write_release(tmp_path, _inputs(items))
    with pytest.raises(ReleaseExistsError, match=r"unit-bench@1\.0\.0 already exists"):
        write_release(tmp_path, _inputs(items[:3]))
    assert Release.open(tmp_path / "unit-bench" / "1.0.0").manifest["counts"]["items"] == 20
    assert next_version(tmp_path, "unit-bench") == "1.0.1"


def test_a_crash_mid_write_leaves_no_release(tmp_path: Path, items, monkeypatch) -> None:
    import releases.writer as writer

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "render_plots", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        write_release(tmp_path, _inputs(items))
    assert list((tmp_path / "unit-bench").iterdir()) == []
    with pytest.raises(ReleaseNotFoundError):
        resolve_release("unit-bench@1.0.0", tmp_path)


def test_same_items_same_hash_in_any_order(items) -> None:
    assert content_hash(items) == content_hash(list(reversed(items)))
    assert content_hash(items) != content_hash(items[1:])


def test_splits_are_deterministic_and_follow_fractions(make_item) -> None:
    made = [make_item(question=f"Q{n}?") for n in range(400)]
    first = assign_splits(made, {"test": 0.8, "dev": 0.2}, seed=1)
    again = assign_splits(made, {"test": 0.8, "dev": 0.2}, seed=1)
    assert [i.split for i in first] == [i.split for i in again]
    reordered = assign_splits(made, {"dev": 0.2, "test": 0.8}, seed=1)  # as a manifest re-reads it
    assert [i.split for i in first] == [i.split for i in reordered]
    share = sum(i.split == "test" for i in first) / len(first)
    assert 0.72 < share < 0.88
    placed = made[0].model_copy(update={"split": "post_cutoff"})
    assert assign_splits([placed], {"test": 1.0}, 0)[0].split == "post_cutoff"


def test_diff_finds_added_removed_changed(tmp_path: Path, items) -> None:
    old = write_release(tmp_path, _inputs(items))
    edited = items[0].with_changes(answers=["C"])
    new_items = [edited, *items[2:]]
    added = items[1].with_changes(question="A brand new question?", source_key="src/new")
    new = write_release(tmp_path, _inputs([*new_items, added], version="1.1.0"))
    result = diff_releases(Release.open(old), Release.open(new))
    assert result.added == [added.item_id]
    assert result.removed == [items[1].item_id]
    assert [c["fields"] for c in result.changed] == [["answers"]]
    assert result.changed[0]["old_item_id"] == items[0].item_id
    assert result.unchanged == len(items) - 2


def test_diff_matches_unchanged_items_whose_origin_key_moved(tmp_path: Path, items) -> None:
    old = write_release(tmp_path, _inputs(items))
    moved = [items[0].model_copy(update={"source_key": "src/renamed"}), *items[1:]]
    new = write_release(tmp_path, _inputs(moved, version="1.0.1"))
    result = diff_releases(Release.open(old), Release.open(new))
    assert result.added == [] and result.removed == [] and result.changed == []
    assert result.unchanged == len(items)


def test_damaged_release_folders_give_one_clear_error(tmp_path, items):
    """A broken manifest, a missing or corrupt split file: a ReleaseReadError naming the file."""
    good = write_release(tmp_path, _inputs(items))
    split = Release.open(good).splits[0]
    cases = {}
    for name in ("bad_json", "not_manifest", "missing_split", "corrupt_split"):
        cases[name] = tmp_path / name
        shutil.copytree(good, cases[name])
    (cases["bad_json"] / "manifest.json").write_text("{bad")
    (cases["not_manifest"] / "manifest.json").write_text("{}")
    (cases["missing_split"] / f"{split}.parquet").unlink()
    (cases["corrupt_split"] / f"{split}.parquet").write_text("garbage")
    for name, words in (
        ("bad_json", "cannot read release manifest"),
        ("not_manifest", "not a release manifest"),
    ):
        with pytest.raises(ReleaseReadError, match=words):
            Release.open(cases[name])
    for name, words in (("missing_split", "is missing"), ("corrupt_split", "cannot read")):
        with pytest.raises(ReleaseReadError, match=words):
            Release.open(cases[name]).items()
        with pytest.raises(ReleaseReadError, match=f"{split}.parquet"):
            Release.open(cases[name]).items_table()
