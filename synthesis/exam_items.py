"""Exam questions to benchmark items: normalised option labels, whitespace and answer keys."""

from __future__ import annotations

import re
import unicodedata

from schemas import (
    BenchmarkItem,
    ExamQuestion,
    ItemOrigin,
    Option,
    ProvenanceStep,
    ReasonCode,
    RecordError,
    ReleaseTime,
    SourceRef,
    Stage,
    TaskType,
)

TOOL_VERSION = "1"
_SPACES = re.compile(r"[ \t\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")


def normalise_text(text: str) -> str:
    """NFC, collapsed runs of spaces, trimmed lines: the form items are released in."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def normalise_label(label: str) -> str:
    """'a)', '(A)', 'A.' -> 'A'; '1.' -> '1'."""
    cleaned = label.strip().strip("().:-] ").upper()
    return cleaned or label.strip()


def exam_question_to_item(question: ExamQuestion) -> BenchmarkItem:
    """One exam question as an item; raises RecordError with a reason code when it cannot be one."""
    if question.annulled:
        raise RecordError(ReasonCode.ANNULLED, "question was annulled by the exam board")
    stem = normalise_text(question.stem)
    if not stem:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no stem")
    options = [Option(label=normalise_label(o.label), text=normalise_text(o.text)) for o in question.options]
    answers = sorted({normalise_label(a) for a in question.answers})
    if not options:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no options")
    if not answers:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no answer key")
    labels = [o.label for o in options]
    if len(set(labels)) != len(labels):
        raise RecordError(ReasonCode.DUPLICATE_OPTIONS, f"option labels repeat: {labels}")
    missing = [a for a in answers if a not in labels]
    if missing:
        raise RecordError(ReasonCode.ANSWER_NOT_IN_OPTIONS, f"answer {missing} not among options {labels}")
    task = TaskType.MCQ_MULTI if len(answers) > 1 else TaskType.MCQ_SINGLE
    item_id = BenchmarkItem.make_id(task, question.language, stem, options, answers)
    return BenchmarkItem(
        item_id=item_id,
        source_key=question.record_id,
        task=task,
        language=question.language,
        question=stem,
        options=options,
        answers=answers,
        explanation=normalise_text(question.explanation) if question.explanation else None,
        release_time=ReleaseTime(
            year=question.edition_year,
            session=question.edition_session,
            published=question.published,
        ),
        source=SourceRef(
            source_id=question.source_id,
            uri=question.uri,
            document_id=question.document_id,
            title=question.exam,
        ),
        licence=question.licence,
        origin=ItemOrigin.SCRAPED,
        provenance=[
            ProvenanceStep(
                stage=Stage.SYNTHESIZE,
                tool="synthesis.exam_items",
                version=TOOL_VERSION,
                record_id=question.record_id,
            )
        ],
    )
