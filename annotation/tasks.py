"""The mapping between benchmark items and Label Studio tasks: kinds, stable keys and task data.

An item's *external id* (`source_key#item_id`) names one version of its content: pushing the same
item twice finds it and imports nothing. Its *slot key* (`source_key|task|language`) names the item
across content versions: an item whose content changed gets a new task that links the old one.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from annotation.configs import ItemKind
from schemas import BenchmarkItem, ImageRef, TaskType

ImageResolver = Callable[[ImageRef], str]
MAX_INLINE_IMAGE_BYTES = 2_000_000
CASE_TOOL_MARKERS = ("case",)


def external_id(item: BenchmarkItem) -> str:
    """Stable id of this version of the item's content."""
    return f"{item.source_key}#{item.item_id}"


def slot_key(item: BenchmarkItem) -> str:
    """Stable id of the item across content edits: where it came from, what it asks, in which language."""
    return f"{item.source_key}|{item.task}|{item.language}"


def item_kind(item: BenchmarkItem, case_source_ids: Iterable[str] = ()) -> ItemKind:
    """Which config shows the item: VQA with an image, case diagnosis when made from a case report."""
    if item.task is TaskType.VQA or item.images:
        return ItemKind.VQA
    from_case_source = item.source.source_id in set(case_source_ids)
    from_case_tool = any(m in step.tool.lower() for step in item.provenance for m in CASE_TOOL_MARKERS)
    if from_case_source or from_case_tool:
        return ItemKind.CASE_DIAGNOSIS
    if item.task is TaskType.MCQ_MULTI:
        return ItemKind.MCQ_MULTI
    if item.task is TaskType.OPEN_ENDED:
        return ItemKind.OPEN_ENDED
    return ItemKind.MCQ_SINGLE


def inline_image_resolver(image_root: Path | None) -> ImageResolver:
    """Images as data URIs when the file is found under `image_root` (small ones), else their path."""

    def resolve(image: ImageRef) -> str:
        if image_root is not None:
            path = image_root / image.path
            if path.is_file() and path.stat().st_size <= MAX_INLINE_IMAGE_BYTES:
                media = mimetypes.guess_type(path.name)[0] or "image/png"
                return f"data:{media};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        return image.path

    return resolve


def _options_text(item: BenchmarkItem) -> str:
    return "\n".join(f"{o.label}. {o.text}" for o in item.options)


def _answer_text(item: BenchmarkItem) -> str:
    if not item.answers:
        return "Keyed answer: (none)"
    if item.options:
        by_label = {o.label: o.text for o in item.options}
        return "Keyed answer: " + "; ".join(f"{a}. {by_label.get(a, '?')}" for a in item.answers)
    return "Keyed answer: " + "; ".join(item.answers)


def _header(item: BenchmarkItem) -> str:
    parts = [str(item.origin), str(item.task), item.language]
    parts += [f"flag {f.kind} ({f.method})" for f in item.flags]
    return " · ".join(parts)


def task_data(
    item: BenchmarkItem,
    kind: ItemKind,
    resolve_image: ImageResolver | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The task's `data`: what the config shows, the keys push and pull match on, and the item itself."""
    data: dict[str, Any] = {
        "external_id": external_id(item),
        "slot_key": slot_key(item),
        "item_id": item.item_id,
        "source_key": item.source_key,
        "kind": str(kind),
        "header": _header(item),
        "question": item.question,
        "options_text": _options_text(item),
        "answer_text": _answer_text(item),
        "option_labels": [o.label for o in item.options],
        "origin": str(item.origin),
        "language": item.language,
        "tags_text": "; ".join(f"{t.vocabulary}:{t.code} {t.title}" for t in item.tags),
        "item_json": item.model_dump_json(),
    }
    if kind is ItemKind.VQA and item.images:
        image = item.images[0]
        data["image"] = (resolve_image or inline_image_resolver(None))(image)
        data["caption"] = image.caption or ""
    if previous:
        data["previous_task_id"] = previous.get("task_id")
        data["previous_item_id"] = previous.get("item_id")
    return data


def item_from_task(data: dict[str, Any]) -> BenchmarkItem:
    """The item a task was made from (as pushed)."""
    return BenchmarkItem.model_validate_json(data["item_json"])
