"""Bad reference and item files give one clear error naming the file, never a crash or an empty check."""

from __future__ import annotations

import pytest

from curation.config import DedupConfig
from curation.references import ReferenceFormatError, load_item_texts, load_references
from schemas import SpecError


def test_reference_paths_that_hold_no_items_are_refused(tmp_path):
    empty_dir = tmp_path / "empty_dir"
    empty_dir.mkdir()
    unknown_dir = tmp_path / "unknown"
    unknown_dir.mkdir()
    (unknown_dir / "refs.txt").write_text("a question\n")
    empty_file = tmp_path / "empty.jsonl"
    empty_file.write_text("")
    for path, words in (
        (empty_dir, "no reference files"),
        (unknown_dir, "no reference files"),
        (empty_file, "no reference items"),
        (tmp_path / "missing", "missing reference path"),
        (unknown_dir / "refs.txt", "unknown reference format"),
    ):
        with pytest.raises(ReferenceFormatError, match=words):
            load_references([path])


def test_reference_rows_that_are_not_objects_name_the_file(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"question": "q1"}\n[1, 2]\n')
    listed = tmp_path / "listed.json"
    listed.write_text("[1, 2]")
    with pytest.raises(ReferenceFormatError, match=r"rows\.jsonl: line 2 is a JSON list"):
        load_references([rows])
    with pytest.raises(ReferenceFormatError, match=r"listed\.json: .* must hold objects"):
        load_references([listed])
    upper = tmp_path / "UPPER.JSONL"
    upper.write_text('{"question": "What is the first-line drug?", "realidx": 7}\n')
    assert [r.ref_id.rsplit("/", 1)[-1] for r in load_references([upper])] == ["UPPER:7"]


def test_item_rows_need_string_text(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text('{"id": "a", "text": "fever and cough for three days"}\n{"id": "b", "text": null}\n')
    with pytest.raises(ReferenceFormatError, match=r"items\.jsonl:2: 'text' and 'language' must be strings"):
        load_item_texts(items)
    items.write_text('{"id": "a", "text": "fever", "language": 5}\n')
    with pytest.raises(ReferenceFormatError, match="must be strings"):
        load_item_texts(items)


def test_dedup_options_of_the_wrong_type_or_range_are_refused():
    assert (
        DedupConfig.from_options({"minhash_threshold": 0.7, "semantic_threshold": 1}).minhash_threshold == 0.7
    )
    for options, words in (
        ({"minhash_threshold": "abc"}, "must be a number"),
        ({"minhash_threshold": 5}, "between 0 and 1"),
        ({"knn": 0}, "at least 1"),
        ({"knn": 2.5}, "whole number"),
        ({"semantic_model": ""}, "non-empty string"),
    ):
        with pytest.raises(SpecError, match=words):
            DedupConfig.from_options(options)
