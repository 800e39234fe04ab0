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


def _by_key(items: list[BenchmarkItem]) -> dict[str, BenchmarkItem]:
    return {item.source_key + "|" + str(item.task): item for item in items}


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    """Compare two releases item by item."""
    before, after = _by_key(old.items()), _by_key(new.items())
    result = ReleaseDiff(old=old.ref, new=new.ref)
    for key in sorted(after.keys() - before.keys()):
        result.added.append(after[key].item_id)
    for key in sorted(before.keys() - after.keys()):
        result.removed.append(before[key].item_id)
    unchanged = 0
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key].model_dump(mode="json"), after[key].model_dump(mode="json")
        fields = [f for f in COMPARED_FIELDS if a[f] != b[f]]
        if fields:
            result.changed.append(
                {
                    "source_key": before[key].source_key,
                    "old_item_id": a["item_id"],
                    "new_item_id": b["item_id"],
                    "fields": fields,
                }
            )
        else:
            unchanged += 1
    return ReleaseDiff(result.old, result.new, result.added, result.removed, result.changed, unchanged)
