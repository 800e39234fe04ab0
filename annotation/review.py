"""The review stage entry point: items in, items with review decisions out.

With policy `passthrough` items pass as `unreviewed`. With `label_studio` the decisions pulled earlier
(`medforge review pull`, kept in the policy's state dir) are applied: accepted and fixed items go on
with the reviewers' edits and an audit trail of `ReviewEvent`s, rejected items become rejections
carrying the reviewer's reason, and items still in review (no verdict yet, a dispute, an annotation
that does not fit its config, content changed since it was pushed) go on as `pending` or `disputed`
for the release gate to hold back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from annotation.decisions import Decision, Verdict
from annotation.policy import ReviewPolicy, gate, select_for_review
from annotation.store import ReviewState
from annotation.tasks import external_id, slot_key
from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    ReasonCode,
    Rejection,
    ReviewEvent,
    ReviewStatus,
    Stage,
    StageResult,
    TaxonomyTag,
    Vocabulary,
)


def _event(
    verdict: Verdict, changes: dict[str, list[Any]] | None = None, note: str | None = None
) -> ReviewEvent:
    comment = "; ".join(p for p in (note, verdict.reason()) if p)
    return ReviewEvent(
        reviewer=verdict.reviewer,
        at=verdict.at,
        verdict=verdict.verdict,
        changes=json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else None,
        comment=comment,
    )


def _taxonomy_tags(item: BenchmarkItem, verdict: Verdict) -> list[TaxonomyTag] | None:
    """Tags after the reviewer's corrections (`vocabulary:code title` lines replace that vocabulary)."""
    corrected: list[TaxonomyTag] = []
    for line in verdict.taxonomy:
        head, _, title = line.partition(" ")
        vocabulary, _, code = head.partition(":")
        try:
            vocab = Vocabulary(vocabulary.strip().lower())
        except ValueError:
            continue
        if code.strip():
            corrected.append(
                TaxonomyTag(vocabulary=vocab, code=code.strip(), title=title.strip() or code.strip(),
                            confidence=1.0, tagger=f"reviewer:{verdict.reviewer}")
            )  # fmt: skip
    if not corrected:
        return None
    replaced = {t.vocabulary for t in corrected}
    return [t for t in item.tags if t.vocabulary not in replaced] + corrected


def apply_decision(item: BenchmarkItem, decision: Decision) -> BenchmarkItem | Rejection:
    """The item after its decision: edited and marked, or a rejection with the reviewer's reason."""
    others = [_event(v) for v in decision.verdicts if decision.final is None or v != decision.final]
    status = decision.status
    if status in (ReviewStatus.PENDING, ReviewStatus.DISPUTED) or decision.final is None:
        return item.with_changes(review_status=status, review_events=[*item.review_events, *others])
    final = decision.final
    note = "adjudication" if decision.adjudicated else None
    if status is ReviewStatus.REJECTED:
        events = [*item.review_events, *others, _event(final, note=note)]
        rejected = item.with_changes(review_status=ReviewStatus.REJECTED, review_events=events)
        return Rejection.of(
            Stage.REVIEW,
            item.item_id,
            "BenchmarkItem",
            ReasonCode.REVIEW_REJECTED,
            final.reason(),
            uri=item.source.uri,
            payload=rejected,
        )
    changes: dict[str, list[Any]] = {}
    update: dict[str, Any] = {}
    if final.verdict == "fix_answer":
        new_answers = [final.corrected_text] if final.corrected_text else list(final.corrected_answers)
        update["answers"] = new_answers
        changes["answers"] = [list(item.answers), new_answers]
    if final.verdict == "edit_text" and final.edited_question:
        update["question"] = final.edited_question
        changes["question"] = [item.question, final.edited_question]
    tags = _taxonomy_tags(item, final)
    if tags is not None:
        update["tags"] = tags
        changes["tags"] = [
            [f"{t.vocabulary}:{t.code}" for t in item.tags],
            [f"{t.vocabulary}:{t.code}" for t in tags],
        ]
    edited = item.with_changes(**update) if update else item
    if edited.item_id != item.item_id:
        changes["item_id"] = [item.item_id, edited.item_id]
    events = [*item.review_events, *others, _event(final, changes or None, note)]
    return edited.with_changes(review_status=status, review_events=events)


def review_items(
    spec: BenchmarkSpec,
    items: Sequence[BenchmarkItem],
    decisions: Mapping[str, Decision] | None = None,
) -> StageResult[BenchmarkItem]:
    """Applies review decisions (from `decisions`, or the policy's state dir); see the module docstring."""
    policy = ReviewPolicy.from_spec(spec)
    if not policy.enabled:
        return StageResult(
            stage=Stage.REVIEW,
            records=list(items),
            records_in=len(items),
            metadata={"policy": spec.review.policy, "reviewed": 0},
        )
    if decisions is None:
        decisions = ReviewState(policy.state_dir).decisions()
    by_slot: dict[str, Decision] = {}
    for decision in sorted(decisions.values(), key=lambda d: d.task_id):
        by_slot[decision.slot_key] = decision
    selected = select_for_review(policy, items)
    records: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    pending_reasons: Counter[str] = Counter()
    for item in items:
        if item.item_id not in selected:
            records.append(item)
            continue
        decision = decisions.get(external_id(item))
        if decision is None:
            stale = by_slot.get(slot_key(item))
            reason = "content changed since it was reviewed; push again" if stale else "not reviewed yet"
            pending_reasons[reason] += 1
            records.append(item.with_changes(review_status=ReviewStatus.PENDING))
            continue
        outcome = apply_decision(item, decision)
        if isinstance(outcome, Rejection):
            rejections.append(outcome)
        else:
            if outcome.review_status in (ReviewStatus.PENDING, ReviewStatus.DISPUTED):
                pending_reasons[(decision.reason or str(decision.status)).split(";")[0]] += 1
            records.append(outcome)
    result = StageResult(
        stage=Stage.REVIEW,
        records=records,
        rejections=rejections,
        records_in=len(items),
    )
    report = gate(policy, result)
    metadata = {
        "policy": spec.review.policy,
        "selected": len(selected),
        "reviewed": report.done,
        "open_reasons": dict(pending_reasons.most_common(10)),
        "gate_passed": report.passed,
        "gate_reason": report.reason,
        **report.metadata(),
    }
    return StageResult(
        stage=Stage.REVIEW, records=records, rejections=rejections, records_in=len(items), metadata=metadata
    )
