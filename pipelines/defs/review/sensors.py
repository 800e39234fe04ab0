"""Review sensors: Label Studio has no "task completed" webhook, so a sensor polls its counters; when
they change it pulls the decisions and requests the release downstream of `reviewed_items`."""

import json

import dagster as dg

from annotation.errors import LabelStudioAuthError, LabelStudioUnavailable
from annotation.policy import ReviewPolicy
from annotation.sync import progress, pull
from pipelines.resources import LabelStudioResource, SpecResource
from schemas import sha256_hex


def poll_reviews(
    context: dg.SensorEvaluationContext, spec: SpecResource, label_studio: LabelStudioResource
) -> dg.SensorResult | dg.SkipReason:
    """One poll: skip when nothing changed or Label Studio is away; else pull and request the release."""
    benchmark = spec.get()
    policy = ReviewPolicy.from_spec(benchmark)
    if not policy.enabled:
        return dg.SkipReason(f"review policy of {benchmark.benchmark} is {benchmark.review.policy}")
    try:
        client = label_studio.client()
        counters = progress(benchmark, client)
        if not counters:
            return dg.SkipReason("nothing pushed to Label Studio yet")
        fingerprint = sha256_hex(json.dumps(counters, sort_keys=True))[:16]
        if fingerprint == context.cursor:
            return dg.SkipReason("no new reviews")
        report = pull(benchmark, client)
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
    context: dg.SensorEvaluationContext, spec: SpecResource, label_studio: LabelStudioResource
) -> dg.SensorResult | dg.SkipReason:
    return poll_reviews(context, spec, label_studio)
