"""Building generated items: labelled options, seeded shuffles, one outcome per candidate."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass

from schemas import (
    BenchmarkItem,
    ImageRef,
    ItemOrigin,
    Option,
    ProvenanceStep,
    RecordError,
    ReleaseTime,
    SourceRef,
    Stage,
    TaskType,
    TaxonomyTag,
    sha256_hex,
)
from synthesis.checks import check_item

LABELS = string.ascii_uppercase


@dataclass(frozen=True)
class Candidate:
    """What one generator attempt made: an item, or the reason there is none (`error`).

    `key` names the attempt inside its record (e.g. 'modality_recognition'), so a rejection can say
    which question of which figure failed.
    """

    key: str
    item: BenchmarkItem | None = None
    error: RecordError | None = None


def seeded_random(seed: int, *parts: str) -> random.Random:
    """A Random seeded from the spec seed and the record: the same build shuffles the same way."""
    return random.Random(int(sha256_hex(":".join([str(seed), *parts]))[:16], 16))


def shuffled_options(
    correct: str, distractors: Sequence[str], rng: random.Random
) -> tuple[list[Option], str]:
    """Options A, B, ... in a seeded order, and the label of the correct one."""
    texts = [correct, *distractors]
    order = list(range(len(texts)))
    rng.shuffle(order)
    options = [Option(label=LABELS[i], text=texts[j]) for i, j in enumerate(order)]
    return options, LABELS[order.index(0)]


@dataclass(frozen=True)
class Origin:
    """Where a generated item comes from: copied onto every item of one input record."""

    record_id: str
    source_id: str
    uri: str
    document_id: str | None
    title: str | None
    licence: str
    language: str
    published: object = None


def make_item(
    origin: Origin,
    *,
    key: str,
    task: TaskType,
    question: str,
    options: list[Option] | None = None,
    answers: list[str],
    images: list[ImageRef] | None = None,
    tags: list[TaxonomyTag] | None = None,
    explanation: str | None = None,
    tool: str,
    version: str,
    prompt_version: str | None = None,
    model: str | None = None,
) -> Candidate:
    """A checked item (or the check that failed) built from generated parts."""
    options = options or []
    images = images or []
    item = BenchmarkItem(
        item_id=BenchmarkItem.make_id(
            task, origin.language, question, options, answers, [i.sha256 for i in images]
        ),
        source_key=f"{origin.record_id}#{key}",
        task=task,
        language=origin.language,
        question=question,
        options=options,
        answers=answers,
        explanation=explanation,
        images=images,
        tags=tags or [],
        release_time=ReleaseTime(published=origin.published),
        source=SourceRef(
            source_id=origin.source_id, uri=origin.uri, document_id=origin.document_id, title=origin.title
        ),
        licence=origin.licence,
        origin=ItemOrigin.SYNTHESIZED,
        provenance=[
            ProvenanceStep(
                stage=Stage.SYNTHESIZE,
                tool=tool,
                version=version,
                record_id=origin.record_id,
                prompt_version=prompt_version,
                model=model,
            )
        ],
    )
    try:
        check_item(item)
    except RecordError as error:
        return Candidate(key, item=item, error=error)
    return Candidate(key, item=item)
