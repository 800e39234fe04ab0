"""Deterministic split assignment: an item's split depends only on its group key and the seed."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import BenchmarkItem, sha256_hex

UNASSIGNED = "unassigned"


def split_group_key(item: BenchmarkItem) -> str:
    """Items that must share a split share this key: translations share their parallel group, and
    items made from one record (`<record>#<variant>` source keys, e.g. the VQA questions of one
    figure) share that record."""
    return item.parallel_group or item.source_key.split("#", 1)[0]


def bucket(key: str, seed: int) -> float:
    """A stable number in [0, 1) for a key."""
    return int(sha256_hex(f"{seed}:{key}")[:12], 16) / float(16**12)


def assign_splits(
    items: Sequence[BenchmarkItem], fractions: dict[str, float], seed: int
) -> list[BenchmarkItem]:
    """Items with `split` set from their bucket; items already placed (e.g. `post_cutoff`) stay."""
    names = sorted(fractions)  # not dict order: a spec re-read from a manifest must split alike
    out = []
    for item in items:
        if item.split != UNASSIGNED:
            out.append(item)
            continue
        point, cumulative, chosen = bucket(split_group_key(item), seed), 0.0, names[-1]
        for name in names:
            cumulative += fractions[name]
            if point < cumulative:
                chosen = name
                break
        out.append(item.model_copy(update={"split": chosen}))
    return out
