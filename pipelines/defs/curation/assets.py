"""Curation assets: items deduplicated and leakage-checked, the clusters that explain every removal,
and a table of the flags left on kept items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pyarrow as pa

from pipelines.metadata import stage_metadata
from pipelines.resources import EmbedderResource, ExecutionResource, SpecResource
from schemas import StageResult

LEAKAGE_FLAG_KINDS = ("leakage", "answer_in_stem", "post_cutoff", "not_deduplicated")
FLAGS_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("score", pa.float64()),
        pa.field("evidence", pa.string()),
    ]
)


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
def curated_items(
    spec: SpecResource, embedder: EmbedderResource, execution: ExecutionResource, tagged_items: StageResult
) -> Iterator[dg.Output[Any]]:
    from curation.curate import curate_items

    curated = curate_items(
        spec.get(), tagged_items.records, embedder=embedder.build_embedder(), engine=execution.engine()
    )
    yield dg.Output(curated.result, output_name="curated_items", metadata=stage_metadata(curated.result))
    clusters = curated.clusters_table()
    yield dg.Output(clusters, output_name="duplicate_clusters", metadata={"clusters": clusters.num_rows})


@dg.asset(
    group_name="curation",
    kinds={"parquet"},
    description="One row per curation flag on a kept item: leakage (reference, method, score), "
    "answer in stem, post-cutoff, not deduplicated (why).",
)
def curation_flags(curated_items: StageResult) -> dg.Output[pa.Table]:
    rows = [
        {
            "item_id": item.item_id,
            "kind": f.kind,
            "method": f.method,
            "score": f.score,
            "evidence": f.evidence,
        }
        for item in curated_items.records
        for f in item.flags
        if f.kind in LEAKAGE_FLAG_KINDS
    ]
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: (r["item_id"], r["kind"])), schema=FLAGS_SCHEMA)
    by_kind = Counter(f"{r['kind']}:{r['method']}" for r in rows)
    return dg.Output(table, metadata={"flags": len(rows), **{k: v for k, v in sorted(by_kind.items())}})
