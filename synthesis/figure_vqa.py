"""Figure VQA items in the five MedBookVQA question types, from templates or from an LLM.

Without an LLM (templates): a question type is asked when the caption names exactly one term of its
vocabulary (modality, anatomy, ICD-10 for disease classification); the distractors are sibling
terms of the same level that the caption does not name. Symptom diagnosis and surgical procedure
need the caption's prose understood, so only the LLM path asks them.

With an LLM: questions are generated from caption and context, then each is kept only when its
answer is supported by the caption or context text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas import Figure, ImageRef, ReasonCode, RecordError, TaskType, TaxonomyTag, Vocabulary
from synthesis.items import Candidate, Origin, make_item, seeded_random, shuffled_options
from synthesis.llm.base import LLMError
from synthesis.llm.client import LLMClient
from synthesis.prompts import load_prompt
from synthesis.text import contains_term, find_any, sentence_case
from synthesis.vocab import TermIndex
from textkit import match_form
from vocabulary import Term

TOOL_VERSION = "1"
QuestionType = Literal[
    "modality_recognition",
    "disease_classification",
    "anatomy_identification",
    "symptom_diagnosis",
    "surgical_procedure",
]
TEMPLATES: dict[str, tuple[Vocabulary, str]] = {
    "modality_recognition": (Vocabulary.MODALITY, "Which imaging modality or technique produced this image?"),
    "anatomy_identification": (
        Vocabulary.ANATOMY,
        "Which anatomical structure or region does this image show?",
    ),
    "disease_classification": (Vocabulary.ICD10, "Which condition is shown in this image?"),
}
TEMPLATE_TAG_CONFIDENCE = 0.8
MIN_SUPPORT = 0.6


def figure_origin(figure: Figure) -> Origin:
    """The provenance every item of this figure carries."""
    return Origin(
        record_id=figure.record_id,
        source_id=figure.source_id,
        uri=figure.uri,
        document_id=figure.document_id,
        title=figure.label,
        licence=figure.licence,
        language=figure.language,
        published=figure.published,
    )


def figure_image(figure: Figure) -> ImageRef:
    """The image a VQA item shows (the caption rides along for reviewers, not for the model)."""
    return ImageRef(path=figure.image_path, sha256=figure.image_sha256, caption=figure.caption)


def _distractors(
    term: Term, index: TermIndex, caption: str, count: int, rng_key: tuple[int, str]
) -> list[Term]:
    siblings = [s for s in index.siblings(term.code) if not find_any(caption, s.labels)]
    close = [s for s in siblings if s.parent == term.parent and term.parent]
    far = [s for s in siblings if s not in close]
    rng = seeded_random(rng_key[0], rng_key[1], term.code)
    rng.shuffle(close)
    rng.shuffle(far)
    chosen: list[Term] = []
    forms: set[str] = {match_form(term.title)}
    for candidate in close + far:
        form = match_form(candidate.title)
        if form not in forms:
            chosen.append(candidate)
            forms.add(form)
        if len(chosen) == count:
            break
    return chosen


def _disease_terms(found: list[Term]) -> list[Term]:
    return [t for t in found if not (len(t.code) >= 3 and t.code[0] in "RUVWXYZ" and t.code[1:3].isdigit())]


def template_candidates(
    figure: Figure, indexes: dict[Vocabulary, TermIndex], *, n_options: int, seed: int
) -> tuple[list[Candidate], dict[str, str]]:
    """Template items for one figure, and why each type that made none was skipped."""
    caption = figure.caption or ""
    candidates: list[Candidate] = []
    skipped: dict[str, str] = {}
    for qtype, (vocabulary, stem) in TEMPLATES.items():
        index = indexes[vocabulary]
        found = index.find(caption)
        if vocabulary == Vocabulary.ICD10:
            found = _disease_terms(found)
        if not found:
            skipped[qtype] = "no_term_in_caption"
            continue
        term = found[0]
        others = [t for t in found[1:] if not index.overlap(term.code, t.code)]
        if others:
            skipped[qtype] = ReasonCode.AMBIGUOUS_ANSWER.value
            continue
        distractors = _distractors(term, index, caption, n_options - 1, (seed, figure.record_id))
        if len(distractors) < n_options - 1:
            skipped[qtype] = "too_few_distractors"
            continue
        options, answer = shuffled_options(
            sentence_case(term.title),
            [sentence_case(d.title) for d in distractors],
            seeded_random(seed, figure.record_id, qtype),
        )
        tag = TaxonomyTag(
            vocabulary=vocabulary,
            code=term.code,
            title=term.title,
            confidence=TEMPLATE_TAG_CONFIDENCE,
            tagger="synthesis.caption_terms",
            level=term.level,
        )
        candidates.append(
            make_item(
                figure_origin(figure),
                key=qtype,
                task=TaskType.VQA,
                question=stem,
                options=options,
                answers=[answer],
                images=[figure_image(figure)],
                tags=[tag],
                explanation=f"The figure caption reads: {caption}",
                tool="synthesis.figure_vqa.template",
                version=TOOL_VERSION,
            )
        )
    return candidates, skipped


class GeneratedQuestion(BaseModel):
    """One question as the LLM returns it."""

    type: QuestionType
    question: str = Field(min_length=5)
    options: list[str] = Field(min_length=2, max_length=10)
    answer_index: int = Field(ge=0)
    evidence: str = ""


class GeneratedQuestions(BaseModel):
    """The reply of the figure_vqa prompt."""

    questions: list[GeneratedQuestion] = Field(max_length=10)


def answer_supported(answer: str, source: str) -> bool:
    """Whether the source text states the answer: verbatim, or most of its content words."""
    if contains_term(source, answer):
        return True
    words = [w for w in match_form(answer).split() if len(w) >= 4]
    if not words:
        return False
    source_words = set(match_form(source).split())
    hits = sum(1 for w in words if w in source_words or w.rstrip("s") in source_words)
    return hits / len(words) >= MIN_SUPPORT


def llm_candidates(figure: Figure, client: LLMClient, *, n_options: int, seed: int) -> list[Candidate]:
    """LLM-written items for one figure, each checked against caption and context."""
    prompt = load_prompt("figure_vqa")
    caption = figure.caption or ""
    context = "\n".join(figure.context)
    try:
        reply = client.structured(
            prompt,
            {"caption": caption, "context": context or "(none)", "max_questions": 5, "n_options": n_options},
            GeneratedQuestions,
        )
    except LLMError as error:
        return [Candidate("llm", error=RecordError(error.reason_code, str(error), figure.record_id))]
    if not reply.questions:
        return [
            Candidate("llm", error=RecordError(ReasonCode.NO_ITEM_GENERATED, "the LLM wrote no question"))
        ]
    source = f"{caption}\n{context}"
    candidates = []
    for number, question in enumerate(reply.questions):
        key = f"{question.type}.{number}"
        if question.answer_index >= len(question.options):
            error = RecordError(
                ReasonCode.ANSWER_NOT_IN_OPTIONS, f"answer_index {question.answer_index} out of range"
            )
            candidates.append(Candidate(key, error=error))
            continue
        correct = question.options[question.answer_index].strip()
        if not answer_supported(correct, source):
            error = RecordError(
                ReasonCode.UNSUPPORTED_ANSWER, f"answer '{correct[:60]}' is not stated in caption or context"
            )
            candidates.append(Candidate(key, error=error))
            continue
        distractors = [o.strip() for i, o in enumerate(question.options) if i != question.answer_index]
        options, answer = shuffled_options(correct, distractors, seeded_random(seed, figure.record_id, key))
        candidates.append(
            make_item(
                figure_origin(figure),
                key=key,
                task=TaskType.VQA,
                question=" ".join(question.question.split()),
                options=options,
                answers=[answer],
                images=[figure_image(figure)],
                explanation=question.evidence or None,
                tool=f"synthesis.figure_vqa.llm.{question.type}",
                version=TOOL_VERSION,
                prompt_version=prompt.version,
                model=f"{client.backend.name}:{client.backend.model}",
            )
        )
    return candidates
