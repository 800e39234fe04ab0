"""The tagging asset: thin wrapper over `taxonomy.tagging.tag_items`, with the run's shared embedder."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import EmbedderResource, SpecResource
from schemas import StageResult


@dg.asset(
    group_name="taxonomy",
    kinds={"python"},
    description="Items tagged with ICD-10, imaging modality, anatomy, specialty and profession codes.",
)
def tagged_items(
    spec: SpecResource, embedder: EmbedderResource, translated_items: StageResult
) -> dg.Output[StageResult]:
    from taxonomy.tagging import tag_items

    return stage_output(tag_items(spec.get(), translated_items.records, embedder=embedder.build_embedder()))
