"""Build-level judgements on the books: when one reason takes over a source, and why nothing survived."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from schemas import QualitySpec, ReasonCode, Rejection, StageResult

POLICY_REASONS = frozenset(
    {
        ReasonCode.ANNULLED.value,
        ReasonCode.NEEDS_IMAGE.value,
        ReasonCode.EXACT_DUPLICATE.value,
        ReasonCode.NEAR_DUPLICATE.value,
        ReasonCode.SEMANTIC_DUPLICATE.value,
        ReasonCode.LEAKED.value,
        ReasonCode.CROSS_SPLIT_DUPLICATE.value,
        ReasonCode.REVIEW_REJECTED.value,
        ReasonCode.LICENCE_NOT_ALLOWED.value,
    }
)
"""Reasons that are the spec's policy at work (annulled, image, duplicate), not a broken import."""


@dataclass(frozen=True)
class DominantReason:
    """One reason that took `count` of a source's `total` questions, with an example rejection."""

    source_id: str
    reason: str
    count: int
    total: int
    example: Rejection

    @property
    def share(self) -> float:
        """count / total."""
        return self.count / self.total if self.total else 0.0

    def message(self) -> str:
        """One line: which source, which reason, how many, and where one example sits."""
        where = ", ".join(p for p in (self.example.source_uri, self.example.locator) if p)
        return (
            f"source '{self.source_id}': {self.reason} rejected {self.count} of {self.total} questions "
            f"({self.share:.0%}), e.g. {where}: {self.example.message[:120]}"
        )


def _source_of(rejection: Rejection, by_uri: Mapping[str, str]) -> str | None:
    if rejection.payload:
        try:
            payload = json.loads(rejection.payload)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("source_id"), str):
            return payload["source_id"]
    return by_uri.get(rejection.source_uri or "")


def dominant_reasons(results: Mapping[str, StageResult], quality: QualitySpec) -> list[DominantReason]:
    """Reasons (other than policy ones) that took more than `warn_reason_share` of an exam source's
    questions, largest share first; sources under `min_rows` questions are not judged."""
    documents = results.get("source_documents")
    by_uri = {d.uri: d.source_id for d in documents.records} if documents else {}
    totals: Counter[str] = Counter()
    extracted = results.get("exam_questions")
    if extracted is not None:
        totals.update(q.source_id for q in extracted.records)
    rejected: dict[tuple[str, str], list[Rejection]] = defaultdict(list)
    for stage in ("exam_questions", "synthesized_items"):
        result = results.get(stage)
        if result is None:
            continue
        for rejection in result.rejections:
            if rejection.record_type != "ExamQuestion":
                continue
            source = _source_of(rejection, by_uri)
            if source is None:
                continue
            if stage == "exam_questions":
                totals[source] += 1
            if rejection.reason_code not in POLICY_REASONS:
                rejected[(source, rejection.reason_code)].append(rejection)
    found = [
        DominantReason(source, reason, len(rows), totals[source], rows[0])
        for (source, reason), rows in rejected.items()
        if totals[source] >= quality.min_rows and len(rows) / totals[source] > quality.warn_reason_share
    ]
    return sorted(found, key=lambda d: (-d.share, d.source_id, d.reason))


def nothing_survived(results: Mapping[str, StageResult], examples: int = 3) -> str:
    """Why a build has no item: the top rejection reasons with counts, and examples with locators."""
    rejections = [r for result in results.values() for r in result.rejections]
    reasons = Counter(r.reason_code for r in rejections)
    top = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common(3)) or "none"
    shown = []
    for reason, _ in reasons.most_common(examples):
        example = next(r for r in rejections if r.reason_code == reason)
        where = ", ".join(p for p in (example.source_uri, example.locator) if p)
        shown.append(f"[{reason}] {where}: {example.message[:100]}")
    return (
        f"no item survived the stages ({len(rejections)} rejections; top reasons: {top})"
        + (f"; e.g. {' | '.join(shown)}" if shown else "")
        + "; refusing to publish an empty release"
    )
