"""The released-items contract catches broken items and names them."""

from __future__ import annotations

import pytest

from data_contracts import validate_items
from schemas import ContractViolation


def test_good_items_pass(make_item) -> None:
    items = [make_item(question=f"Q{n}?", split="test") for n in range(5)]
    report = validate_items(items, ["test"])
    assert report.success, report.failures


def test_broken_items_fail_with_their_ids(make_item) -> None:
    good = make_item(split="test")
    bad_answer = make_item(question="Bad key?", answers=("E",), split="test")
    bad_language = make_item(question="Bad language?", language="english", split="test")
    same_options = make_item(question="Twice?", options=("Liver", "liver", "Spleen"), split="test")
    report = validate_items([good, bad_answer, bad_language, same_options], ["test"])
    assert not report.success
    by_column = {f["column"]: f for f in report.failures}
    assert by_column["answers_among_options"]["item_ids"] == [bad_answer.item_id]
    assert by_column["language"]["item_ids"] == [bad_language.item_id]
    assert by_column["options_distinct"]["item_ids"] == [same_options.item_id]
    with pytest.raises(ContractViolation, match=bad_answer.item_id):
        report.raise_for_failures()


def test_unassigned_split_and_duplicate_ids_fail(make_item) -> None:
    item = make_item()  # split 'unassigned'
    report = validate_items([item, item], ["test"])
    failed = {(f["expectation"], f["column"]) for f in report.failures}
    assert ("expect_column_values_to_be_unique", "item_id") in failed
    assert ("expect_column_values_to_be_in_set", "split") in failed
