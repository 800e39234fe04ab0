"""The review asset: thin wrapper over `annotation.review.review_items`."""

from __future__ import annotations

import dagster as dg

from annotation.review import review_items
from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import StageResult


@dg.asset(
    group_name="review",
    kinds={"labelstudio", "python"},
    description=(
        "Review decisions applied to items. Policy 'passthrough' (the demo's) keeps items as 'unreviewed'; "
        "policy 'label_studio' applies decisions pulled from Label Studio (pushed first by review_tasks)."
    ),
    deps=["review_tasks"],
)
def reviewed_items(build: BuildSettings, curated_items: StageResult) -> dg.Output[StageResult]:
    return stage_output(review_items(build.load_spec(), curated_items.records))
