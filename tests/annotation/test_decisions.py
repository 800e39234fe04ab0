"""Annotations to verdicts (checked against the config) and verdicts to decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from annotation.configs import ItemKind
from annotation.decisions import combine, decide_task, parse_annotation
from annotation.errors import AnnotationMismatch
from schemas import ReviewStatus


def choice(name: str, *values: str) -> dict[str, Any]:
    """One Choices region of an annotation result."""
    return {"from_name": name, "to_name": "question", "type": "choices", "value": {"choices": list(values)}}


def text(name: str, value: str) -> dict[str, Any]:
    """One TextArea region of an annotation result."""
    return {"from_name": name, "to_name": "question", "type": "textarea", "value": {"text": [value]}}


AT = "2026-01-02T03:04:05Z"


def annotation(*result: dict, by: int = 1, ident: int = 1) -> dict:
    return {"id": ident, "completed_by": by, "result": list(result), "created_at": AT, "was_cancelled": False}


def test_parse_fix_answer_with_issues_comment_and_taxonomy() -> None:
    verdict = parse_annotation(
        ItemKind.MCQ_SINGLE,
        ["A", "B", "C", "D"],
        annotation(
            choice("verdict", "fix_answer"),
            choice("corrected_answer", "C"),
            choice("issues", "wrong_key"),
            text("comment", "guideline changed"),
            text("taxonomy", "specialty:cardiology Cardiology"),
        ),  # fmt: skip
        "a@x.org",
    )
    assert verdict.verdict == "fix_answer" and verdict.corrected_answers == ["C"]
    assert verdict.issues == ["wrong_key"] and verdict.comment == "guideline changed"
    assert verdict.taxonomy == ["specialty:cardiology Cardiology"]
    assert verdict.at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ([choice("verdict", "maybe")], "unknown choice 'maybe' in 'verdict'"),
        ([choice("issues", "ambiguous")], "missing required field 'verdict'"),
        ([choice("verdict", "fix_answer")], "without a corrected answer"),
        ([choice("verdict", "fix_answer"), choice("corrected_answer", "E")], "'E' is not an option"),
        ([choice("verdict", "fix_answer"), choice("corrected_answer", "A", "B")], "more than one corrected"),
        ([choice("verdict", "edit_text")], "without an edited question"),
        ([choice("verdict", "accept"), choice("rating", "5")], "unknown field 'rating'"),
    ],
)
def test_annotations_that_do_not_fit_the_config_are_refused(result: list, reason: str) -> None:
    with pytest.raises(AnnotationMismatch, match=reason):
        parse_annotation(ItemKind.MCQ_SINGLE, ["A", "B", "C", "D"], annotation(*result), "a@x.org")


def _verdict(reviewer: str, *result: dict):
    return parse_annotation(ItemKind.MCQ_MULTI, ["A", "B", "C"], annotation(*result), reviewer)


def test_combine_agreement_dispute_adjudication_and_pending() -> None:
    accept_a = _verdict("a", choice("verdict", "accept"))
    accept_b = _verdict("b", choice("verdict", "accept"))
    reject_b = _verdict("b", choice("verdict", "reject"), text("comment", "two keys"))
    fix_a = _verdict("a", choice("verdict", "fix_answer"), choice("corrected_answer", "A", "B"))
    fix_b_other = _verdict("b", choice("verdict", "fix_answer"), choice("corrected_answer", "C"))
    assert combine([accept_a, accept_b], [], 2)[0] is ReviewStatus.ACCEPTED
    status, final, adjudicated, reason = combine([accept_a, reject_b], [], 2, "boss")
    assert status is ReviewStatus.DISPUTED and final is None and "awaiting adjudication by boss" in reason
    assert combine([fix_a, fix_b_other], [], 2)[0] is ReviewStatus.DISPUTED  # same verdict, different fix
    ruling = _verdict("boss", choice("verdict", "reject"), text("comment", "unsafe"))
    status, final, adjudicated, _ = combine([accept_a, reject_b, ruling], [], 2, "boss")
    assert status is ReviewStatus.REJECTED and adjudicated and final.reviewer == "boss"
    status, _, _, reason = combine([accept_a], ["b: unknown choice 'x' in 'verdict'"], 2)
    assert status is ReviewStatus.PENDING and "1 of 2" in reason and "unknown choice" in reason


def test_decide_task_keeps_a_bad_annotation_in_review_with_its_reason() -> None:
    task = {
        "id": 11,
        "data": {"external_id": "k#itm", "item_id": "itm", "slot_key": "k|mcq_single|en",
                 "kind": "mcq_single", "option_labels": ["A", "B"]},
        "annotations": [annotation(choice("verdict", "accept"), choice("corrected_answer", "Z"), by=2)],
    }  # fmt: skip
    decision = decide_task(task, {2: "rev@x.org"}, project_id=3)
    assert decision.status is ReviewStatus.PENDING
    assert decision.invalid == ["rev@x.org: unknown choice 'Z' in 'corrected_answer'"]
    assert decision.task_id == 11 and decision.project_id == 3
