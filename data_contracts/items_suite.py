"""The data contract of released items, as a Great Expectations suite over a flat frame of items."""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations.expectations as gxe
import pandas as pd

from schemas import BenchmarkItem, ReviewStatus, TaskType

LANGUAGE_TAG = r"^[a-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$"
MCQ_TASKS = {TaskType.MCQ_SINGLE.value, TaskType.MCQ_MULTI.value}


def items_frame(items: Sequence[BenchmarkItem]) -> pd.DataFrame:
    """One row per item with the columns the contract checks, derived facts included."""
    rows = []
    for item in items:
        labels = [o.label for o in item.options]
        texts = [o.text.strip().casefold() for o in item.options]
        rows.append(
            {
                "item_id": item.item_id,
                "question": item.question.strip() or None,
                "task": str(item.task),
                "language": item.language,
                "licence": item.licence.strip() or None,
                "split": item.split,
                "review_status": str(item.review_status),
                "n_answers": len(item.answers),
                "answers_among_options": (not item.options) or all(a in labels for a in item.answers),
                "options_distinct": len(set(texts)) == len(texts) and len(set(labels)) == len(labels),
                "mcq_has_options": str(item.task) not in MCQ_TASKS or len(item.options) >= 2,
                "single_answer_is_single": str(item.task) != TaskType.MCQ_SINGLE.value
                or len(item.answers) == 1,
                "images_have_hashes": all(len(i.sha256) == 64 for i in item.images),
                "vqa_has_image": str(item.task) != TaskType.VQA.value or bool(item.images),
            }
        )
    return pd.DataFrame(rows, columns=list(_COLUMNS))


_COLUMNS = (
    "item_id",
    "question",
    "task",
    "language",
    "licence",
    "split",
    "review_status",
    "n_answers",
    "answers_among_options",
    "options_distinct",
    "mcq_has_options",
    "single_answer_is_single",
    "images_have_hashes",
    "vqa_has_image",
)

BOOLEAN_RULES = (
    "answers_among_options",
    "options_distinct",
    "mcq_has_options",
    "single_answer_is_single",
    "images_have_hashes",
    "vqa_has_image",
)


def item_expectations(splits: Sequence[str] | None = None) -> list[gxe.Expectation]:
    """The expectations every released item must meet."""
    expectations: list[gxe.Expectation] = [
        gxe.ExpectColumnValuesToNotBeNull(column="item_id"),
        gxe.ExpectColumnValuesToBeUnique(column="item_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="question"),
        gxe.ExpectColumnValuesToNotBeNull(column="licence"),
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=LANGUAGE_TAG),
        gxe.ExpectColumnValuesToBeInSet(column="task", value_set=[t.value for t in TaskType]),
        gxe.ExpectColumnValuesToBeInSet(column="review_status", value_set=[s.value for s in ReviewStatus]),
        gxe.ExpectColumnValuesToBeBetween(column="n_answers", min_value=1),
    ]
    if splits:
        expectations.append(gxe.ExpectColumnValuesToBeInSet(column="split", value_set=list(splits)))
    expectations += [gxe.ExpectColumnValuesToBeInSet(column=c, value_set=[True]) for c in BOOLEAN_RULES]
    return expectations
