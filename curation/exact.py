"""Exact dedup on the normalised form: same normalised stem, same option set, same images."""

from __future__ import annotations

from collections.abc import Sequence

from curation.texts import ItemText


def exact_edges(texts: Sequence[ItemText], rank: Sequence[int]) -> list[tuple[int, int, float]]:
    """Edges (best, other, 1.0) from each group's best-ranked member to every other member."""
    groups: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        groups.setdefault(text.exact_key(), []).append(index)
    edges: list[tuple[int, int, float]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min(members, key=lambda i: (rank[i], texts[i].item_id))
        edges.extend((best, other, 1.0) for other in members if other != best)
    return edges
