"""Dagster metadata for a stage result: counts in and out, rejections by reason, a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg

from schemas import StageResult

PREVIEW_ROWS = 10
PREVIEW_FIELDS = (
    "item_id",
    "task",
    "language",
    "question",
    "split",
    "uri",
    "title",
    "label",
    "caption",
    "stem",
)


def markdown_cell(value: Any, width: int = 80) -> str:
    """One Markdown table cell: one line, no pipes, at most `width` characters ("—" for nothing)."""
    text = str(value if value is not None else "—").replace("|", "/").replace("\n", " ")
    return text[:width] + ("…" if len(text) > width else "")


def _preview(result: StageResult[Any]) -> str:
    rows = [r.model_dump(mode="json") for r in list(result.records)[:PREVIEW_ROWS]]
    if not rows:
        return "_no records_"
    fields = [f for f in PREVIEW_FIELDS if f in rows[0]][:4]

    lines = ["| " + " | ".join(fields) + " |", "|" + "---|" * len(fields)]
    lines += ["| " + " | ".join(markdown_cell(row.get(f)) for f in fields) + " |" for row in rows]
    return "\n".join(lines)


def stage_metadata(result: StageResult[Any]) -> dict[str, Any]:
    """What the UI shows for every stage asset."""
    counts = result.counts()
    meta: dict[str, Any] = {
        "records_in": counts["in"],
        "records_out": counts["out"],
        "rejected": counts["rejected"],
        "quarantined": counts["quarantined"],
        "rejections_by_reason": dg.MetadataValue.json(counts["reasons"]),
        "preview": dg.MetadataValue.md(_preview(result)),
    }
    for key, value in result.metadata.items():
        if isinstance(value, bool | int | float | str):
            meta[f"stage/{key}"] = value
        else:
            meta[f"stage/{key}"] = dg.MetadataValue.json(value)
    return meta


def stage_output(result: StageResult[Any]) -> dg.Output[StageResult[Any]]:
    """The asset's output with its metadata."""
    return dg.Output(result, metadata=stage_metadata(result))
