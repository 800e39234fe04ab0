"""The mapping between items and tasks: kinds, stable keys, the data a reviewer sees."""

from __future__ import annotations

from pathlib import Path

from annotation.configs import ItemKind
from annotation.tasks import (
    external_id,
    inline_image_resolver,
    item_from_task,
    item_kind,
    slot_key,
    task_data,
)
from schemas import BenchmarkItem, TaskType
from tests.annotation import sample_items


def test_kinds_follow_task_image_and_case_provenance(exam_items, french_items, tmp_path: Path) -> None:
    assert item_kind(exam_items[0]) is ItemKind.MCQ_SINGLE
    multi = next(i for i in french_items if i.task is TaskType.MCQ_MULTI)
    assert item_kind(multi) is ItemKind.MCQ_MULTI
    case = sample_items.case_items(1)[0]
    assert item_kind(case) is ItemKind.CASE_DIAGNOSIS
    assert item_kind(exam_items[0], case_source_ids=["medbench-brasil"]) is ItemKind.CASE_DIAGNOSIS
    vqa = sample_items.vqa_items(tmp_path / "img", 1)[0]
    assert item_kind(vqa) is ItemKind.VQA


def test_external_id_changes_with_content_but_slot_does_not(exam_items: list[BenchmarkItem]) -> None:
    item = exam_items[0]
    edited = item.with_changes(answers=["B"] if item.answers != ["B"] else ["C"])
    assert external_id(item) == f"{item.source_key}#{item.item_id}"
    assert external_id(edited) != external_id(item)
    assert slot_key(edited) == slot_key(item)


def test_task_data_shows_stem_options_and_key_and_round_trips(exam_items: list[BenchmarkItem]) -> None:
    item = exam_items[0]
    data = task_data(item, ItemKind.MCQ_SINGLE, previous={"task_id": 7, "item_id": "itm-old"})
    assert data["question"] == item.question
    assert data["options_text"].splitlines()[0] == f"A. {item.options[0].text}"
    assert data["answer_text"].startswith(f"Keyed answer: {item.answers[0]}. ")
    assert data["option_labels"] == [o.label for o in item.options]
    assert data["previous_task_id"] == 7 and data["previous_item_id"] == "itm-old"
    assert item_from_task(data) == item


def test_vqa_task_inlines_the_image_and_caption(tmp_path: Path) -> None:
    item = sample_items.vqa_items(tmp_path / "img", 1)[0]
    data = task_data(item, ItemKind.VQA, inline_image_resolver(tmp_path / "img"))
    assert data["image"].startswith("data:image/png;base64,")
    assert data["caption"] == item.images[0].caption
    missing = task_data(item, ItemKind.VQA, inline_image_resolver(tmp_path / "elsewhere"))
    assert missing["image"] == item.images[0].path
