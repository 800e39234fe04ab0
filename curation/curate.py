"""The curation stage entry point: dedup and leakage checks, with a clusters table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    ReasonCode,
    Rejection,
    Stage,
    StageResult,
    canonical_json,
)

CLUSTERS_SCHEMA = pa.schema(
    [
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("members", pa.list_(pa.string()), nullable=False),
        pa.field("kept", pa.string(), nullable=False),
        pa.field("similarity", pa.float64()),
    ]
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class DuplicateCluster:
    """Items found to be the same; `kept` is the representative that goes on."""

    cluster_id: str
    method: str
    members: list[str]
    kept: str
    similarity: float


@dataclass(frozen=True)
class CurationResult:
    """Curated items and the clusters that explain every removal."""

    result: StageResult[BenchmarkItem]
    clusters: list[DuplicateCluster] = field(default_factory=list)

    def clusters_table(self) -> pa.Table:
        """The clusters as the release's `clusters.parquet`."""
        rows = [
            {
                "cluster_id": c.cluster_id,
                "method": c.method,
                "members": c.members,
                "kept": c.kept,
                "similarity": c.similarity,
            }
            for c in sorted(self.clusters, key=lambda c: c.cluster_id)
        ]
        return pa.Table.from_pylist(rows, schema=CLUSTERS_SCHEMA)


def exact_key(item: BenchmarkItem) -> str:
    """Normalised stem + option texts (order ignored) + image hashes."""

    def norm(text: str) -> str:
        return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()

    return canonical_json(
        [
            norm(item.question),
            sorted(norm(o.text) for o in item.options),
            sorted(i.sha256 for i in item.images),
        ]
    )


def curate_items(spec: BenchmarkSpec, items: Sequence[BenchmarkItem]) -> CurationResult:
    """Exact dedup on the normalised form; the first item by id is kept. Near/semantic dedup and
    leakage checks are not built yet."""
    groups: dict[str, list[BenchmarkItem]] = {}
    for item in sorted(items, key=lambda i: i.item_id):
        groups.setdefault(exact_key(item), []).append(item)
    kept: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    clusters: list[DuplicateCluster] = []
    for members in groups.values():
        kept.append(members[0])
        if len(members) == 1:
            continue
        cluster_id = f"exact-{members[0].item_id}"
        clusters.append(
            DuplicateCluster(cluster_id, "exact", [m.item_id for m in members], members[0].item_id, 1.0)
        )
        for dropped in members[1:]:
            rejections.append(
                Rejection(
                    record_id=dropped.item_id,
                    record_type="BenchmarkItem",
                    stage=Stage.CURATE,
                    reason_code=ReasonCode.EXACT_DUPLICATE,
                    message=f"exact duplicate of {members[0].item_id}",
                    source_uri=dropped.source.uri,
                    cluster_id=cluster_id,
                    payload=dropped.model_dump_json(),
                )
            )
    return CurationResult(
        result=StageResult(
            stage=Stage.CURATE,
            records=kept,
            rejections=rejections,
            records_in=len(items),
            metadata={"clusters": len(clusters)},
        ),
        clusters=clusters,
    )
