"""Duplicate clusters: one kept representative per cluster, every other member directly similar to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

CLUSTERS_SCHEMA = pa.schema(
    [
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("members", pa.list_(pa.string()), nullable=False),
        pa.field("kept", pa.string(), nullable=False),
        pa.field("similarity", pa.float64()),
    ]
)


@dataclass(frozen=True)
class DuplicateCluster:
    """Items found to be the same; `kept` is the representative that goes on.

    `similarity` is the lowest similarity of a removed member to `kept`; `member_similarity` gives it
    per removed member, so each removal can say how close it was.
    """

    cluster_id: str
    method: str
    members: list[str]
    kept: str
    similarity: float
    member_similarity: dict[str, float] = field(default_factory=dict)
    settings: str = ""

    @property
    def removed(self) -> list[str]:
        """Members that are not the representative."""
        return [m for m in self.members if m != self.kept]

    def as_row(self) -> dict[str, object]:
        """The JSON/Parquet row: cluster_id, method, members, kept, similarity."""
        return {
            "cluster_id": self.cluster_id,
            "method": self.method,
            "members": list(self.members),
            "kept": self.kept,
            "similarity": round(float(self.similarity), 6),
        }


def clusters_table(clusters: Sequence[DuplicateCluster]) -> pa.Table:
    """Clusters as the release's `clusters.parquet`, sorted by cluster id."""
    rows = [c.as_row() for c in sorted(clusters, key=lambda c: c.cluster_id)]
    return pa.Table.from_pylist(rows, schema=CLUSTERS_SCHEMA)


def star_clusters(
    ids: Sequence[str],
    rank: Sequence[int],
    edges: Iterable[tuple[int, int, float]],
    method: str,
    settings: str = "",
) -> list[DuplicateCluster]:
    """Greedy star clustering: best-ranked item first keeps itself and takes its unclaimed neighbours.

    Unlike connected components this never chains A~B~C into one cluster when A and C differ: every
    removed item is similar to its kept representative, which the rejection message names.
    `rank[i]` is the representative priority of item i (lower is better).
    """
    neighbours: dict[int, dict[int, float]] = {}
    for i, j, sim in edges:
        if i == j:
            continue
        for a, b in ((i, j), (j, i)):
            slot = neighbours.setdefault(a, {})
            slot[b] = max(sim, slot.get(b, -1.0))
    claimed: set[int] = set()
    clusters: list[DuplicateCluster] = []
    for head in sorted(neighbours, key=lambda i: (rank[i], ids[i])):
        if head in claimed:
            continue
        claimed.add(head)
        taken = {j: s for j, s in neighbours[head].items() if j not in claimed}
        if not taken:
            continue
        claimed.update(taken)
        members = [ids[head], *sorted(ids[j] for j in taken)]
        sims = {ids[j]: round(float(s), 6) for j, s in taken.items()}
        clusters.append(
            DuplicateCluster(
                cluster_id=f"{method}-{ids[head]}",
                method=method,
                members=members,
                kept=ids[head],
                similarity=min(sims.values()),
                member_similarity=sims,
                settings=settings,
            )
        )
    return clusters
