"""The review policy of a spec: which items go to reviewers, how verdicts combine, what a release needs.

Options (all under `review.options` in the spec):
  state_dir           where pushed tasks and pulled decisions are kept
                      (default: $MEDFORGE_HOME/review/<benchmark>, MEDFORGE_HOME defaulting to .medforge)
  review_origins      origins reviewed in full (default: synthesized, translated)
  sample_scraped      fraction of scraped/imported items sampled, stratified by source, task, language (0.1)
  review_flagged      every item with a flag (leakage, low back-translation similarity, ...) (true)
  min_tag_confidence  every item with a tag below this confidence (0.6)
  min_annotators      valid annotations an item needs before it is decided (1)
  adjudicator         e-mail of the reviewer whose verdict settles a dispute (none: disputes stay open)
  gate_origins        origins that must end accepted or fixed for a release (default: review_origins)
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotation.tasks import slot_key
from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    ItemOrigin,
    ReasonCode,
    ReviewStatus,
    SpecError,
    StageResult,
    sha256_hex,
)
from schemas.source_kinds import Extractor, kinds_read_by

DECIDED = (ReviewStatus.ACCEPTED, ReviewStatus.FIXED)
OPEN = (ReviewStatus.PENDING, ReviewStatus.DISPUTED)


@dataclass(frozen=True)
class ReviewPolicy:
    """The review settings of one benchmark, read from `spec.review`."""

    benchmark: str
    enabled: bool
    state_dir: Path
    review_origins: frozenset[str] = frozenset({ItemOrigin.SYNTHESIZED, ItemOrigin.TRANSLATED})
    sample_scraped: float = 0.1
    review_flagged: bool = True
    min_tag_confidence: float = 0.6
    min_annotators: int = 1
    adjudicator: str | None = None
    gate_origins: frozenset[str] = frozenset({ItemOrigin.SYNTHESIZED, ItemOrigin.TRANSLATED})
    seed: int = 0
    case_source_ids: frozenset[str] = frozenset()

    @staticmethod
    def from_spec(spec: BenchmarkSpec) -> ReviewPolicy:
        """The policy a spec asks for; unknown options are refused by name."""
        options: dict[str, Any] = dict(spec.review.options)
        known = {
            "state_dir", "review_origins", "sample_scraped", "review_flagged", "min_tag_confidence",
            "min_annotators", "adjudicator", "gate_origins",
        }  # fmt: skip
        unknown = sorted(set(options) - known)
        if unknown:
            raise SpecError(
                f"review.options.{unknown[0]}", f"unknown option (known: {', '.join(sorted(known))})"
            )
        origins = _origins(options.get("review_origins"), "review_origins", ("synthesized", "translated"))
        gate = _origins(options.get("gate_origins"), "gate_origins", tuple(sorted(origins)))
        fraction = float(options.get("sample_scraped", 0.1))
        if not 0.0 <= fraction <= 1.0:
            raise SpecError("review.options.sample_scraped", "must be between 0 and 1")
        if options.get("state_dir"):
            state_dir = spec.resolve(str(options["state_dir"]))
        else:
            state_dir = Path(os.environ.get("MEDFORGE_HOME", ".medforge")) / "review" / spec.benchmark
        return ReviewPolicy(
            benchmark=spec.benchmark,
            enabled=spec.review.policy == "label_studio",
            state_dir=state_dir,
            review_origins=origins,
            sample_scraped=fraction,
            review_flagged=bool(options.get("review_flagged", True)),
            min_tag_confidence=float(options.get("min_tag_confidence", 0.6)),
            min_annotators=max(1, int(options.get("min_annotators", 1))),
            adjudicator=options.get("adjudicator") or None,
            gate_origins=gate,
            seed=spec.seed,
            case_source_ids=frozenset(
                s.id for s in spec.sources if s.kind in kinds_read_by(Extractor.CASE_REPORTS)
            ),
        )


def _origins(value: Any, field: str, default: tuple[str, ...]) -> frozenset[str]:
    names = default if value is None else value
    if isinstance(names, str):
        names = [names]
    valid = {str(o) for o in ItemOrigin}
    bad = [n for n in names if n not in valid]
    if bad:
        raise SpecError(
            f"review.options.{field}", f"unknown origin '{bad[0]}' (known: {', '.join(sorted(valid))})"
        )
    return frozenset(names)


def review_reason(policy: ReviewPolicy, item: BenchmarkItem) -> str | None:
    """Why the policy sends this item to reviewers (before sampling), or None."""
    if str(item.origin) in policy.review_origins:
        return f"origin {item.origin}"
    if policy.review_flagged and item.flags:
        return "flagged: " + ", ".join(sorted({f.kind for f in item.flags}))
    low = [t for t in item.tags if t.confidence < policy.min_tag_confidence]
    if low:
        return f"low-confidence tag {low[0].vocabulary}:{low[0].code} ({low[0].confidence:.2f})"
    return None


def select_for_review(policy: ReviewPolicy, items: Sequence[BenchmarkItem]) -> dict[str, str]:
    """Item id -> why it is reviewed: the policy's items plus a stratified, seeded sample of the rest.

    The sample is drawn per (source, task, language) stratum, ranked by a hash of the seed and the
    item's slot, so the same items are drawn in every rebuild and an edit does not reshuffle it.
    """
    selected: dict[str, str] = {}
    strata: dict[tuple[str, str, str], list[BenchmarkItem]] = defaultdict(list)
    for item in items:
        reason = review_reason(policy, item)
        if reason:
            selected[item.item_id] = reason
        elif item.origin in (ItemOrigin.SCRAPED, ItemOrigin.IMPORTED):
            strata[(item.source.source_id, str(item.task), item.language)].append(item)
    if policy.sample_scraped > 0:
        for stratum, members in sorted(strata.items()):
            take = math.ceil(policy.sample_scraped * len(members))
            ranked = sorted(members, key=lambda i: sha256_hex(f"{policy.seed}|{slot_key(i)}"))
            for item in ranked[:take]:
                selected[item.item_id] = f"sample {policy.sample_scraped:g} of {'/'.join(stratum)}"
    return selected


@dataclass(frozen=True)
class GateReport:
    """Whether a reviewed set may be released, and the progress behind the answer."""

    passed: bool
    done: int
    total: int
    by_status: dict[str, int]
    blocking: list[str]
    reason: str

    def metadata(self) -> dict[str, Any]:
        """Flat numbers for Dagster metadata and the CLI."""
        return {
            "review_done": self.done,
            "review_total": self.total,
            "review_progress": round(self.done / self.total, 4) if self.total else 1.0,
            "review_blocking": len(self.blocking),
            **{f"review_{k}": v for k, v in sorted(self.by_status.items())},
        }


def gate(policy: ReviewPolicy, result: StageResult[BenchmarkItem]) -> GateReport:
    """The release gate: no item pending or disputed, and every gate-origin item accepted or fixed."""
    counts: dict[str, int] = defaultdict(int)
    for item in result.records:
        counts[str(item.review_status)] += 1
    counts[str(ReviewStatus.REJECTED)] += sum(
        r.reason_code == ReasonCode.REVIEW_REJECTED for r in result.rejections
    )
    done = counts[ReviewStatus.ACCEPTED] + counts[ReviewStatus.FIXED] + counts[ReviewStatus.REJECTED]
    total = done + counts[ReviewStatus.PENDING] + counts[ReviewStatus.DISPUTED]
    if not policy.enabled:
        return GateReport(True, done, total, dict(counts), [], "review policy is passthrough")
    blocking = sorted(
        item.item_id
        for item in result.records
        if item.review_status in OPEN
        or (str(item.origin) in policy.gate_origins and item.review_status not in DECIDED)
    )
    if blocking:
        reason = (
            f"{len(blocking)} item(s) not yet accepted or fixed "
            f"({counts[ReviewStatus.PENDING]} pending, {counts[ReviewStatus.DISPUTED]} disputed)"
        )
    else:
        reason = f"all {total} reviewed item(s) decided"
    return GateReport(not blocking, done, total, dict(counts), blocking, reason)
