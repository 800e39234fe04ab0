"""review_items: decisions applied with an audit trail, rejections with reasons, the release gate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from annotation.decisions import Decision, Verdict
from annotation.policy import ReviewPolicy, gate, select_for_review
from annotation.review import review_items
from annotation.store import ReviewState
from annotation.tasks import external_id, slot_key
from schemas import BenchmarkSpec, ItemOrigin, ReasonCode, ReviewStatus
from schemas.spec import parse_spec


def review_spec(tmp_path: Path, **options: Any) -> BenchmarkSpec:
    """A spec with policy label_studio and its state dir under tmp_path."""
    return parse_spec(
        {
            "benchmark": "review-test",
            "sources": [{"id": "medbench-brasil", "kind": "exam_collection", "licence": "Apache-2.0"}],
            "review": {
                "policy": "label_studio",
                "options": {"state_dir": str(tmp_path / "state"), **options},
            },
        },
        base_dir=tmp_path,
    )


AT = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def decision(item, status: ReviewStatus, *verdicts: Verdict, final: Verdict | None = None) -> Decision:
    return Decision(
        external_id=external_id(item), item_id=item.item_id, slot_key=slot_key(item), kind="mcq_single",
        project_id=1, task_id=1, status=status, verdicts=list(verdicts), final=final, pulled_at=AT,
    )  # fmt: skip


def verdict(reviewer: str, name: str, **fields) -> Verdict:
    return Verdict(reviewer=reviewer, at=AT, annotation_id=1, verdict=name, **fields)


def test_passthrough_keeps_items_unreviewed(tmp_path: Path, exam_items) -> None:
    spec = parse_spec({"benchmark": "b", "sources": [{"id": "s", "kind": "pdf", "licence": "x"}]}, tmp_path)
    result = review_items(spec, exam_items)
    assert list(result.records) == exam_items
    assert all(i.review_status is ReviewStatus.UNREVIEWED for i in result.records)


def test_selection_takes_every_synthesized_item_and_a_stable_stratified_sample(
    tmp_path, exam_items, french_items
):
    spec = review_spec(tmp_path, sample_scraped=0.25)
    policy = ReviewPolicy.from_spec(spec)
    selected = select_for_review(policy, exam_items + french_items)
    assert all(i.item_id in selected for i in french_items)
    sampled = [i for i in exam_items if i.item_id in selected]
    assert len(sampled) == 10  # ceil(0.25 * 40) in the one stratum
    assert selected == select_for_review(policy, list(reversed(exam_items + french_items)))


def test_decisions_are_applied_with_edits_audit_trail_and_reasons(tmp_path: Path, french_items) -> None:
    spec = review_spec(tmp_path, adjudicator="boss@x.org")
    accepted, fixed, rejected, disputed, waiting = french_items[:5]
    new_key = "A" if fixed.answers != ["A"] else "B"
    decisions = {
        external_id(accepted): decision(
            accepted, ReviewStatus.ACCEPTED,
            verdict("a@x.org", "accept", taxonomy=["specialty:pharmacy Pharmacy"]),
            final=verdict("a@x.org", "accept", taxonomy=["specialty:pharmacy Pharmacy"]),
        ),
        external_id(fixed): decision(
            fixed, ReviewStatus.FIXED, final=verdict("a@x.org", "fix_answer", corrected_answers=[new_key])
        ),
        external_id(rejected): decision(
            rejected, ReviewStatus.REJECTED,
            final=verdict("b@x.org", "reject", issues=["ambiguous"], comment="two defensible answers"),
        ),
        external_id(disputed): decision(
            disputed, ReviewStatus.DISPUTED, verdict("a@x.org", "accept"), verdict("b@x.org", "reject")
        ),
    }  # fmt: skip
    result = review_items(spec, french_items[:5], decisions)
    assert len(result.records) == 4 and len(result.rejections) == 1
    by_source = {i.source_key: i for i in result.records}
    assert by_source[accepted.source_key].review_status is ReviewStatus.ACCEPTED
    assert [t.code for t in by_source[accepted.source_key].tags] == ["pharmacy"]
    fixed_out = by_source[fixed.source_key]
    assert fixed_out.review_status is ReviewStatus.FIXED and fixed_out.answers == [new_key]
    assert fixed_out.item_id != fixed.item_id
    changes = json.loads(fixed_out.review_events[-1].changes)
    assert changes["answers"] == [fixed.answers, [new_key]]
    assert changes["item_id"] == [fixed.item_id, fixed_out.item_id]
    assert fixed_out.review_events[-1].reviewer == "a@x.org"
    rejection = result.rejections[0]
    assert rejection.reason_code == ReasonCode.REVIEW_REJECTED and rejection.record_id == rejected.item_id
    assert "reject by b@x.org" in rejection.message and "two defensible answers" in rejection.message
    assert by_source[disputed.source_key].review_status is ReviewStatus.DISPUTED
    assert {e.reviewer for e in by_source[disputed.source_key].review_events} == {"a@x.org", "b@x.org"}
    assert by_source[waiting.source_key].review_status is ReviewStatus.PENDING
    report = gate(ReviewPolicy.from_spec(spec), result)
    assert not report.passed and report.done == 3 and report.total == 5
    assert set(report.blocking) == {
        by_source[disputed.source_key].item_id,
        by_source[waiting.source_key].item_id,
    }
    assert result.metadata["gate_passed"] is False


def test_gate_passes_when_every_selected_item_is_decided_and_reads_the_state_dir(
    tmp_path, french_items
) -> None:
    spec = review_spec(tmp_path)
    items = french_items[:3]
    ReviewState(ReviewPolicy.from_spec(spec).state_dir).save_decisions(
        {external_id(i): decision(i, ReviewStatus.ACCEPTED, final=verdict("a", "accept")) for i in items}
    )
    result = review_items(spec, items)
    assert all(i.review_status is ReviewStatus.ACCEPTED for i in result.records)
    assert gate(ReviewPolicy.from_spec(spec), result).passed


def test_an_item_changed_after_review_goes_back_to_pending(tmp_path, french_items) -> None:
    spec = review_spec(tmp_path)
    item = french_items[0]
    decisions = {external_id(item): decision(item, ReviewStatus.ACCEPTED, final=verdict("a", "accept"))}
    edited = item.with_changes(question=item.question + " (revised)")
    result = review_items(spec, [edited], decisions)
    assert result.records[0].review_status is ReviewStatus.PENDING
    assert "content changed" in next(iter(result.metadata["open_reasons"]))
    assert edited.origin is ItemOrigin.SYNTHESIZED
