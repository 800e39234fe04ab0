"""The curation asset: items deduplicated and leakage-checked, with the clusters that explain it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg

from curation.curate import curate_items
from pipelines.metadata import stage_metadata
from pipelines.resources import BuildSettings
from schemas import StageResult


@dg.multi_asset(
    group_name="curation",
    outs={
        "curated_items": dg.AssetOut(
            kinds={"python"},
            description="Items left after dedup and leakage checks (removed: rejections with cluster).",
        ),
        "duplicate_clusters": dg.AssetOut(
            kinds={"parquet"},
            description="Duplicate clusters: id, method, members, kept representative, similarity.",
        ),
    },
)
def curated_items(build: BuildSettings, tagged_items: StageResult) -> Iterator[dg.Output[Any]]:
    curated = curate_items(build.load_spec(), tagged_items.records)
    yield dg.Output(curated.result, output_name="curated_items", metadata=stage_metadata(curated.result))
    clusters = curated.clusters_table()
    yield dg.Output(clusters, output_name="duplicate_clusters", metadata={"clusters": clusters.num_rows})
