"""Review assets: items the policy selects pushed to Label Studio, and the decisions applied to items
(thin wrappers over `annotation.sync.push` and `annotation.review.review_items`). With policy
`passthrough` both are no-ops that pass items on as 'unreviewed'."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings, LabelStudioResource, SpecResource
from schemas import StageResult


@dg.asset(
    group_name="review",
    kinds={"labelstudio"},
    description=(
        "Items the review policy selects, pushed to Label Studio (one project per item kind); idempotent. "
        "A no-op under policy 'passthrough'."
    ),
)
def review_tasks(
    spec: SpecResource, build: BuildSettings, label_studio: LabelStudioResource, curated_items: StageResult
) -> dg.MaterializeResult:
    from annotation.policy import ReviewPolicy
    from annotation.sync import push

    benchmark = spec.get()
    if not ReviewPolicy.from_spec(benchmark).enabled:
        return dg.MaterializeResult(metadata={"policy": benchmark.review.policy, "imported": 0})
    client = label_studio.client()
    report = push(benchmark, list(curated_items.records), client, image_root=build.image_dir())
    summary = report.summary()
    return dg.MaterializeResult(
        metadata={
            "policy": benchmark.review.policy,
            "selected": summary["selected"],
            "imported": summary["imported"],
            "already_present": summary["already_present"],
            "changed": summary["changed"],
            "projects": dg.MetadataValue.json(summary["projects"]),
            "url": dg.MetadataValue.url(client.url),
        }
    )


@dg.asset(
    group_name="review",
    kinds={"labelstudio", "python"},
    description=(
        "Review decisions applied to items. Policy 'passthrough' (the demo's) keeps items as 'unreviewed'; "
        "policy 'label_studio' applies decisions pulled from Label Studio (pushed first by review_tasks)."
    ),
    deps=[review_tasks],
)
def reviewed_items(spec: SpecResource, curated_items: StageResult) -> dg.Output[StageResult]:
    from annotation.review import review_items

    return stage_output(review_items(spec.get(), curated_items.records))
