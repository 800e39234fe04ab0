"""The tagging stage entry point: items in, the same items with taxonomy tags out."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import BenchmarkItem, BenchmarkSpec, Stage, StageResult


def tag_items(spec: BenchmarkSpec, items: Sequence[BenchmarkItem]) -> StageResult[BenchmarkItem]:
    """Tags items with the spec's taggers. Today: no tagger exists yet; items pass untagged."""
    return StageResult(stage=Stage.TAG, records=list(items), records_in=len(items), metadata={"tagged": 0})
