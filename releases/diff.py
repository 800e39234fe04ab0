"""What changed between two releases: items added, removed and changed (matched on source_key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from releases.reader import Release
from schemas import BenchmarkItem

COMPARED_FIELDS = (
    "question",
    "options",
    "answers",
    "explanation",
    "tags",
    "split",
    "review_status",
    "flags",
    "images",
)


@dataclass(frozen=True)
class ReleaseDiff:
    """Item-level differences between release A (old) and B (new)."""

    old: str
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        """Counts only."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }


def _key(item: BenchmarkItem) -> str:
    return item.source_key + "|" + str(item.task)


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    """Compare two releases item by item: same item_id first, then same origin (source_key, task)."""
    before_items, after_items = old.items(), new.items()
    after_ids = {i.item_id for i in after_items}
    before_ids = {i.item_id for i in before_items}
    pairs: list[tuple[BenchmarkItem, BenchmarkItem]] = []
    after_by_id = {i.item_id: i for i in after_items}
    pairs += [(i, after_by_id[i.item_id]) for i in before_items if i.item_id in after_ids]
    # content changed: the id changed, the origin did not
    lonely_before = {_key(i): i for i in before_items if i.item_id not in after_ids}
    lonely_after = {_key(i): i for i in after_items if i.item_id not in before_ids}
    pairs += [(lonely_before[k], lonely_after[k]) for k in sorted(lonely_before.keys() & lonely_after.keys())]
    added = sorted(i.item_id for k, i in lonely_after.items() if k not in lonely_before)
    removed = sorted(i.item_id for k, i in lonely_before.items() if k not in lonely_after)
    # items that share an origin key beyond the first are added/removed, never silently collapsed
    added += sorted(
        i.item_id for i in after_items if i.item_id not in before_ids and lonely_after.get(_key(i)) is not i
    )
    removed += sorted(
        i.item_id for i in before_items if i.item_id not in after_ids and lonely_before.get(_key(i)) is not i
    )
    changed, unchanged = [], 0
    for a_item, b_item in sorted(pairs, key=lambda p: (p[0].source_key, p[0].item_id)):
        a, b = a_item.model_dump(mode="json"), b_item.model_dump(mode="json")
        fields = [f for f in COMPARED_FIELDS if a[f] != b[f]]
        if fields:
            changed.append(
                {
                    "source_key": a_item.source_key,
                    "old_item_id": a["item_id"],
                    "new_item_id": b["item_id"],
                    "fields": fields,
                }
            )
        else:
            unchanged += 1
    return ReleaseDiff(old.ref, new.ref, sorted(added), sorted(removed), changed, unchanged)
