"""The blocking data contract: no release is written from items that break it."""

from __future__ import annotations

import dagster as dg

from data_contracts import validate_items
from pipelines.defs.release.assets import release_candidate
from schemas import StageResult


@dg.asset_check(
    asset=release_candidate,
    blocking=True,
    description="Great Expectations contract for released items (ids, answers among options, languages).",
)
def release_candidate_meets_contract(release_candidate: StageResult) -> dg.AssetCheckResult:
    splits = sorted({i.split for i in release_candidate.records})
    report = validate_items(release_candidate.records, splits)
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "items": len(release_candidate.records),
            "expectations": report.evaluated,
            "failures": dg.MetadataValue.json(report.failures),
        },
    )
