"""Review in Dagster: push to Label Studio, poll for finished reviews, and gate the release on the policy.

Label Studio has no "task completed" webhook, so a sensor polls its counters; when they change it
pulls the decisions and requests the downstream release. The blocking check on `reviewed_items` holds
the release back until the spec's review policy is met. With policy `passthrough` all three are no-ops.
"""

from __future__ import annotations

import json
from typing import Any

import dagster as dg
from pydantic import Field

from annotation.client import LabelStudioClient, connect
from annotation.errors import LabelStudioAuthError, LabelStudioUnavailable
from annotation.policy import ReviewPolicy, gate
from annotation.store import ReviewState
from annotation.sync import progress, pull, push
from pipelines.resources import BuildSettings
from schemas import StageResult, sha256_hex


class LabelStudioResource(dg.ConfigurableResource):
    """Where Label Studio is; empty fields fall back to MEDFORGE_LABEL_STUDIO_URL / _TOKEN at use time."""

    url: str = Field(default="", description="Label Studio base URL")
    token: str = Field(default="", description="API token (legacy token or personal access token)")
    timeout_s: float = Field(default=30.0, description="per request")

    def client(self) -> LabelStudioClient:
        """A connected client; raises a clear error naming the variable when the token is missing."""
        return connect(self.url or None, self.token or None, self.timeout_s)


def _agreement_summary(state: ReviewState) -> dict[str, Any]:
    return {
        kind: {k: figures["verdict"].get(k) for k in ("method", "value", "krippendorff_alpha", "units")}
        for kind, figures in state.agreement().items()
    }


@dg.asset(
    group_name="review",
    kinds={"labelstudio"},
    description=(
        "Items the review policy selects, pushed to Label Studio (one project per item kind); idempotent. "
        "A no-op under policy 'passthrough'."
    ),
)
def review_tasks(
    build: BuildSettings, label_studio: LabelStudioResource, curated_items: StageResult
) -> dg.MaterializeResult:
    spec = build.load_spec()
    if not ReviewPolicy.from_spec(spec).enabled:
        return dg.MaterializeResult(metadata={"policy": spec.review.policy, "imported": 0})
    report = push(spec, list(curated_items.records), label_studio.client(), image_root=build.image_dir())
    summary = report.summary()
    return dg.MaterializeResult(
        metadata={
            "policy": spec.review.policy,
            "selected": summary["selected"],
            "imported": summary["imported"],
            "already_present": summary["already_present"],
            "changed": summary["changed"],
            "projects": dg.MetadataValue.json(summary["projects"]),
            "url": dg.MetadataValue.url(label_studio.client().url),
        }
    )


@dg.asset_check(
    asset="reviewed_items",
    blocking=True,
    description="Review policy met: nothing pending or disputed, every gate-origin item accepted or fixed.",
)
def review_policy_met(build: BuildSettings, reviewed_items: StageResult) -> dg.AssetCheckResult:
    spec = build.load_spec()
    policy = ReviewPolicy.from_spec(spec)
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


def poll_reviews(
    context: dg.SensorEvaluationContext, build: BuildSettings, label_studio: LabelStudioResource
) -> dg.SensorResult | dg.SkipReason:
    """One poll: skip when nothing changed or Label Studio is away; else pull and request the release."""
    spec = build.load_spec()
    policy = ReviewPolicy.from_spec(spec)
    if not policy.enabled:
        return dg.SkipReason(f"review policy of {spec.benchmark} is {spec.review.policy}")
    try:
        client = label_studio.client()
        counters = progress(spec, client)
        if not counters:
            return dg.SkipReason("nothing pushed to Label Studio yet")
        fingerprint = sha256_hex(json.dumps(counters, sort_keys=True))[:16]
        if fingerprint == context.cursor:
            return dg.SkipReason("no new reviews")
        report = pull(spec, client)
    except (LabelStudioUnavailable, LabelStudioAuthError) as error:
        return dg.SkipReason(f"{error}; will try again")
    decided = sum(v for k, v in report.by_status.items() if k in ("accepted", "fixed", "rejected"))
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"review-{fingerprint}",
                tags={"medforge/review": fingerprint, "medforge/decided": str(decided)},
            )
        ],
        cursor=fingerprint,
    )


@dg.sensor(
    name="label_studio_reviews",
    target=dg.AssetSelection.assets("reviewed_items").downstream(),
    minimum_interval_seconds=60,
    description="Polls Label Studio for new reviews (no webhook exists), pulls them, requests the release.",
)
def label_studio_reviews(
    context: dg.SensorEvaluationContext, build: BuildSettings, label_studio: LabelStudioResource
) -> dg.SensorResult | dg.SkipReason:
    return poll_reviews(context, build, label_studio)


defs = dg.Definitions(
    assets=[review_tasks],
    asset_checks=[review_policy_met],
    sensors=[label_studio_reviews],
    resources={"label_studio": LabelStudioResource()},
)
