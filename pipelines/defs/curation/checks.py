"""Curation checks: dedup and leakage counts per method on the curated items (informational)."""

from __future__ import annotations

from collections import Counter

import dagster as dg

from schemas import StageResult


@dg.asset_check(
    asset=dg.AssetKey("curated_items"),
    description="Dedup and leakage counts per method (informational).",
)
def curated_items_dedup_counts(curated_items: StageResult) -> dg.AssetCheckResult:
    meta = curated_items.metadata
    reasons = Counter(r.reason_code for r in curated_items.rejections)
    return dg.AssetCheckResult(
        passed=True,
        metadata={
            "removed_by_reason": dg.MetadataValue.json(dict(sorted(reasons.items()))),
            "dedup_counts": dg.MetadataValue.json(meta.get("dedup_counts", {})),
            "not_compared": dg.MetadataValue.json(meta.get("not_compared", {})),
            "leakage_counts": dg.MetadataValue.json(meta.get("leakage_counts", {})),
            "settings": str(meta.get("dedup_settings", "")),
        },
    )
