"""Exam questions to benchmark items: normalised option labels, whitespace and answer keys."""

from __future__ import annotations

import re
import unicodedata

from schemas import (
    BenchmarkItem,
    ExamQuestion,
    Flag,
    ItemOrigin,
    Option,
    ProvenanceStep,
    ReasonCode,
    RecordError,
    ReleaseTime,
    SourceRef,
    Stage,
    TaskType,
    TaxonomyTag,
    Vocabulary,
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


IMAGE_POLICIES = ("reject", "quarantine", "keep_flagged")
ALTERNATIVES_NOTE = "alternatives"


_COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "dos": 2,
    "tres": 3,
    "duas": 2,
    "dois": 2,
    "três": 3,
    "deux": 2,
    "trois": 3,
    "två": 2,
    "tre": 3,
    "zwei": 2,
    "drei": 3,
}
ANSWERS_ASKED = re.compile(
    r"(?P<n>[2-4２-４二三四])\s*つ選べ|"
    r"(?:选|選)(?:出)?(?P<n2>[2-4二两兩三四])(?:项|項|个|個)|"
    r"\b(?:choose|select|pick|mark)\s+(?:the\s+)?(?P<n3>2|3|4|two|three|four)\b|"
    r"\b(?:seleccione|elija|escolha|assinale|choisissez|välj|wählen Sie)\s+(?:las\s+|as\s+|les\s+)?"
    r"(?P<n4>2|3|dos|tres|duas|dois|três|deux|trois|två|tre|zwei|drei)\b",
    re.IGNORECASE,
)


def answers_asked(stem: str) -> int | None:
    """How many answers the stem asks for ('2つ選べ', 'choose two', '选两项'); None when it does not say."""
    match = ANSWERS_ASKED.search(stem)
    if match is None:
        return None
    word = next(v for v in match.groupdict().values() if v)
    word = unicodedata.normalize("NFKC", word).lower()
    return int(word) if word.isdigit() else _COUNT_WORDS.get(word)


def source_label_tags(labels: list[str]) -> list[TaxonomyTag]:
    """The bank's own labels (its specialty, subject) as tags, kept beside the taggers' codes."""
    return [
        TaxonomyTag(
            vocabulary=Vocabulary.SPECIALTY,
            code=label,
            title=label,
            confidence=1.0,
            tagger="source_labels",
            level="source",
        )
        for label in sorted({normalise_text(label) for label in labels if label.strip()})
    ]


def exam_flags(question: ExamQuestion, image_policy: str) -> list[Flag]:
    """What a reader of the item must know: it leans on the previous question, its key has
    alternatives, or (kept flagged) it needs an image it does not carry."""
    flags = []
    if question.depends_on_previous:
        flags.append(Flag(kind="depends_on_previous", method="stem phrase", evidence=question.stem[:80]))
    if question.answer_note and question.answer_note.startswith(ALTERNATIVES_NOTE):
        flags.append(Flag(kind="alternative_answers", method="answer key", evidence=question.answer_note))
    if question.needs_image and not question.images and image_policy == "keep_flagged":
        flags.append(Flag(kind="needs_image", method="exam_items", evidence=question.image_evidence))
    return flags


def exam_question_to_item(question: ExamQuestion, image_policy: str = "reject") -> BenchmarkItem:
    """One exam question as an item; raises RecordError with a reason code when it cannot be one.

    A question that needs an image is never released as a text item unless `image_policy` is
    `keep_flagged` (it then carries a needs_image flag); the error says what pointed at the image."""
    if question.annulled:
        why = f" ({question.answer_note})" if question.answer_note else ""
        raise RecordError(ReasonCode.ANNULLED, f"question was annulled by the exam board{why}")
    if question.needs_image and not question.images and image_policy != "keep_flagged":
        raise RecordError(
            ReasonCode.NEEDS_IMAGE,
            f"question needs an image it does not have ({question.image_evidence or 'the source marks it'})",
        )
    if question.answer_note and question.answer_note.startswith("suspicious key"):
        raise RecordError(
            ReasonCode.SUSPICIOUS_KEY, f"the answer key looks like a placeholder ({question.answer_note})"
        )
    if question.answer_note and question.answer_note.startswith("suspicious options"):
        raise RecordError(ReasonCode.SUSPICIOUS_OPTIONS, f"the options look wrong ({question.answer_note})")
    stem = normalise_text(question.stem)
    if not stem:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no stem")
    options = [Option(label=normalise_label(o.label), text=normalise_text(o.text)) for o in question.options]
    answers = sorted({normalise_label(a) for a in question.answers})
    if not answers:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no answer key")
    if not options and question.answer_note == "numeric fill-in":
        return _item(
            question,
            TaskType.OPEN_ENDED,
            stem,
            [],
            [normalise_text(a) for a in question.answers],
            image_policy,
        )
    if not options:
        raise RecordError(ReasonCode.MISSING_FIELD, "question has no options")
    labels = [o.label for o in options]
    if len(set(labels)) != len(labels):
        raise RecordError(ReasonCode.DUPLICATE_OPTIONS, f"option labels repeat: {labels}")
    missing = [a for a in answers if a not in labels]
    if missing:
        raise RecordError(ReasonCode.ANSWER_NOT_IN_OPTIONS, f"answer {missing} not among options {labels}")
    alternatives = bool(question.answer_note and question.answer_note.startswith(ALTERNATIVES_NOTE))
    wanted = answers_asked(stem)
    if wanted is not None and wanted != len(answers) and not alternatives:
        raise RecordError(
            ReasonCode.ANSWER_COUNT_MISMATCH,
            f"the stem asks for {wanted} answers but the key gives {len(answers)}: {answers}",
        )
    task = TaskType.MCQ_MULTI if len(answers) > 1 and not alternatives else TaskType.MCQ_SINGLE
    if question.images:  # a question shown with its picture: answered by looking at it
        task = TaskType.VQA
    return _item(question, task, stem, options, answers, image_policy)


def _item(
    question: ExamQuestion,
    task: TaskType,
    stem: str,
    options: list[Option],
    answers: list[str],
    image_policy: str,
) -> BenchmarkItem:
    hashes = [image.sha256 for image in question.images]
    item_id = BenchmarkItem.make_id(task, question.language, stem, options, answers, hashes)
    return BenchmarkItem(
        item_id=item_id,
        source_key=question.record_id,
        task=task,
        language=question.language,
        question=stem,
        options=options,
        answers=answers,
        explanation=normalise_text(question.explanation) if question.explanation else None,
        images=list(question.images),
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
        tags=source_label_tags(question.source_labels),
        flags=exam_flags(question, image_policy),
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
