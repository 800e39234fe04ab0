"""inspect tasks over a medforge release's evaluation views: `inspect eval <release>/eval/inspect_tasks.py`.

Each task reads `eval/<kind>/<split>.parquet` beside this file; images are sent as images, and no
caption, explanation or tag reaches the model.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pyarrow.parquet as pq
from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageUser, ContentImage, ContentText
from inspect_ai.scorer import choice, match
from inspect_ai.solver import generate, multiple_choice

VIEWS = Path(__file__).resolve().parent


def _rows(kind: str, split: str) -> list[dict]:
    path = VIEWS / kind / f"{split}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"no '{split}' split in evaluation view '{kind}' ({path})")
    return pq.read_table(path).to_pylist()


def _image(image: dict) -> ContentImage:
    suffix = Path(image["path"]).suffix.lstrip(".").lower() or "png"
    mime = "jpeg" if suffix == "jpg" else suffix
    return ContentImage(image=f"data:image/{mime};base64,{base64.b64encode(image['bytes']).decode()}")


def _sample(row: dict, kind: str) -> Sample:
    metadata = {"language": row["language"], "year": row["year"]}
    if kind == "open":
        return Sample(input=row["question"], target=row["target"], id=row["item_id"], metadata=metadata)
    target = list(row["target"]) if kind == "mcq_multi" else row["target"]
    question: str | list = row["question"]
    if kind == "vqa" and row["images"]:
        content = [ContentText(text=row["question"]), *(_image(i) for i in row["images"])]
        question = [ChatMessageUser(content=content)]
    return Sample(
        input=question, choices=row["choices"] or None, target=target, id=row["item_id"], metadata=metadata
    )


def _dataset(kind: str, split: str) -> MemoryDataset:
    return MemoryDataset([_sample(row, kind) for row in _rows(kind, split)], name=f"{kind}-{split}")


@task
def mcq(split: str = "test") -> Task:
    """Single-answer multiple choice, scored by the chosen letter."""
    return Task(dataset=_dataset("mcq", split), solver=multiple_choice(), scorer=choice())


@task
def mcq_multi(split: str = "test") -> Task:
    """Multiple-answer multiple choice: every keyed letter and no other."""
    return Task(
        dataset=_dataset("mcq_multi", split), solver=multiple_choice(multiple_correct=True), scorer=choice()
    )


@task
def open_ended(split: str = "test") -> Task:
    """Open questions (case diagnoses), matched against the keyed answer."""
    return Task(dataset=_dataset("open", split), solver=generate(), scorer=match(location="any"))


@task
def vqa(split: str = "test") -> Task:
    """Visual questions with their images; multiple choice where the item has options."""
    return Task(dataset=_dataset("vqa", split), solver=multiple_choice(), scorer=choice())
