"""Review checks: the blocking gate that holds a release until the spec's review policy is met."""

from __future__ import annotations

from typing import Any

import dagster as dg

from annotation.policy import ReviewPolicy, gate
from annotation.store import ReviewState
from pipelines.resources import SpecResource
from schemas import StageResult


def _agreement_summary(state: ReviewState) -> dict[str, Any]:
    return {
        kind: {k: figures["verdict"].get(k) for k in ("method", "value", "krippendorff_alpha", "units")}
        for kind, figures in state.agreement().items()
    }


@dg.asset_check(
    asset="reviewed_items",
    blocking=True,
    description="Review policy met: nothing pending or disputed, every gate-origin item accepted or fixed.",
)
def review_policy_met(spec: SpecResource, reviewed_items: StageResult) -> dg.AssetCheckResult:
    policy = ReviewPolicy.from_spec(spec.get())
    report = gate(policy, reviewed_items)
    failures = []
    if not report.passed:
        failures.append(
            {"expectation": f"review policy met ({report.reason})", "column": "review_status",
             "unexpected_count": len(report.blocking), "item_ids": report.blocking[:10]}
        )  # fmt: skip
    return dg.AssetCheckResult(
        passed=report.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=report.reason,
        metadata={
            **report.metadata(),
            "agreement": dg.MetadataValue.json(_agreement_summary(ReviewState(policy.state_dir))),
            "failures": dg.MetadataValue.json(failures),
        },
    )
