"""The tagging asset: thin wrapper over `taxonomy.tagging.tag_items`."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import StageResult
from taxonomy.tagging import tag_items


@dg.asset(
    group_name="taxonomy",
    kinds={"python"},
    description="Items tagged with ICD-10, imaging modality, anatomy, specialty and profession codes.",
)
def tagged_items(build: BuildSettings, translated_items: StageResult) -> dg.Output[StageResult]:
    return stage_output(tag_items(build.load_spec(), translated_items.records))
