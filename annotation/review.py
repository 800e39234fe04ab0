"""The review stage entry point: items in, items with review decisions out."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import BenchmarkItem, BenchmarkSpec, Stage, StageResult


def review_items(spec: BenchmarkSpec, items: Sequence[BenchmarkItem]) -> StageResult[BenchmarkItem]:
    """Applies review decisions. Today (policy `passthrough`): items pass with status `unreviewed`."""
    return StageResult(
        stage=Stage.REVIEW,
        records=list(items),
        records_in=len(items),
        metadata={"policy": spec.review.policy, "reviewed": 0},
    )
