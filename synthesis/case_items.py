"""Case-report diagnosis items (CUPCase style): the case with its diagnosis taken out, asked open-ended
and as an MCQ whose distractors are the nearest ICD-10 titles (or an LLM's differentials).

Redaction keeps the case up to the first sentence that gives the diagnosis away: one that names the
diagnosis, a synonym or acronym of it, or one of its distinctive words; or, after the opening two
sentences, one that announces a diagnosis ('confirmed', 'consistent with', 'histopathology', ...).
Opening 'We report a case of X' sentences are dropped rather than cut at. The kept text is then
checked: no give-away term may remain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from schemas import CaseReport, ReasonCode, RecordError, TaskType, Vocabulary, canonical_json, sha256_hex
from synthesis.items import Candidate, Origin, make_item, seeded_random, shuffled_options
from synthesis.llm.base import LLMError
from synthesis.llm.client import LLMClient
from synthesis.prompts import load_prompt
from synthesis.text import acronyms_of, find_any, match_form, sentence_case, split_sentences
from synthesis.vocab import TermIndex, builtin_vocabulary

TOOL_VERSION = "1"
OPEN_STEM = "What is the most likely diagnosis?"
MCQ_STEM = "Which of the following is the most likely diagnosis?"
MIN_CASE_CHARS = 150
MIN_CASE_SENTENCES = 2
MAX_SAME_AS_TRUTH = 0.85  # an ICD title this close to the diagnosis may be the diagnosis itself
MAX_BETWEEN_DISTRACTORS = 0.92
_REVEAL = re.compile(
    r"\b(diagnos(is|ed|tic of)|confirm(ed|ing|s)?|consistent with|compatible with|suggestive of|"
    r"suspicious (for|of)|histopatholog\w*|histolog\w*|immunohistochem\w*|pathology report|"
    r"final diagnosis|was treated|underwent (surgical|excision|resection))\b",
    re.IGNORECASE,
)
_INTRO = re.compile(r"^(here,? )?(we|this (paper|article|report)) (report|present|describe)", re.IGNORECASE)
_GENERIC_WORDS = frozenset(
    """syndrome disease disorder acute chronic primary secondary benign malignant malignancy tumor tumour
    tumors tumours lesion lesions infection cancer cystic solid mass masses potential giant large small rare
    unusual multiple bilateral unilateral severe mild recurrent congenital acquired associated related
    induced patient presentation following without within between during""".split()
)


def anatomy_words() -> frozenset[str]:
    """Words of anatomy names: a diagnosis's organ is a finding, not a give-away."""
    words: set[str] = set()
    for term in builtin_vocabulary(Vocabulary.ANATOMY).terms:
        for name in term.names:
            words.update(match_form(name).split())
    return frozenset(words)


def giveaway_terms(diagnosis: str, text: str, icd: TermIndex | None) -> list[str]:
    """The diagnosis, its acronyms in the text, ICD-10 names it matches, and its distinctive words."""
    terms = [diagnosis, *acronyms_of(diagnosis, text)]
    if icd is not None:
        for term in icd.find(diagnosis):
            terms.extend(term.names)
    organ_words = anatomy_words()
    for word in match_form(diagnosis).split():
        if len(word) >= 6 and word not in _GENERIC_WORDS and word not in organ_words:
            terms.append(word)
    seen: dict[str, str] = {}
    for term in terms:
        seen.setdefault(match_form(term), term)
    return [t for f, t in seen.items() if f]


def redact_case(text: str, giveaways: Sequence[str]) -> str:
    """The case up to the first sentence that gives the diagnosis away (see module docstring)."""
    kept: list[str] = []
    for number, sentence in enumerate(split_sentences(" ".join(text.split()))):
        named = find_any(sentence, giveaways) is not None
        if named and _INTRO.match(sentence) and number < 2:
            continue
        if named or (number >= 2 and _REVEAL.search(sentence)):
            break
        kept.append(sentence)
    return " ".join(kept)


def case_origin(report: CaseReport) -> Origin:
    """The provenance every item of this case report carries."""
    return Origin(
        record_id=report.record_id,
        source_id=report.source_id,
        uri=report.uri,
        document_id=report.document_id,
        title=report.title,
        licence=report.licence,
        language=report.language,
        published=report.published,
    )


@dataclass
class IcdNeighbours:
    """ICD-10 titles embedded once (cached on disk by content), searched by cosine similarity."""

    index: TermIndex
    embedder: object
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        self._titles = [t.title for t in self.index.terms]
        self._matrix = self._load_or_encode()
        self._queries: dict[str, np.ndarray] = {}

    def prime(self, diagnoses: Sequence[str]) -> None:
        """Embed all diagnoses of a run in one batch (one call per diagnosis is many times slower)."""
        wanted = sorted({d for d in diagnoses if d and d not in self._queries})
        if wanted:
            vectors = np.asarray(self.embedder.encode(wanted), dtype=np.float32)
            self._queries.update(zip(wanted, vectors, strict=True))

    def _query(self, diagnosis: str) -> np.ndarray:
        if diagnosis not in self._queries:
            self.prime([diagnosis])
        return self._queries[diagnosis]

    def _load_or_encode(self) -> np.ndarray:
        name = getattr(self.embedder, "name", type(self.embedder).__name__)
        key = sha256_hex(canonical_json({"embedder": name, "titles": self._titles}))[:24]
        path = self.cache_dir / f"icd10-titles-{key}.npy" if self.cache_dir else None
        if path is not None and path.is_file():
            return np.load(path)
        matrix = np.asarray(self.embedder.encode(self._titles), dtype=np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, matrix)
        return matrix

    def distractors(self, diagnosis: str, count: int, exclude: Sequence[str]) -> list[str]:
        """The `count` nearest titles that are not the diagnosis itself (nor near-copies of it)."""
        scores = self._matrix @ self._query(diagnosis)
        chosen: list[int] = []
        diagnosis_form = match_form(diagnosis)
        for position in np.argsort(-scores, kind="stable"):
            title = self._titles[position]
            form = match_form(title)
            if scores[position] >= MAX_SAME_AS_TRUTH or form in diagnosis_form or diagnosis_form in form:
                continue
            if find_any(title, exclude):
                continue
            if any(
                float(self._matrix[position] @ self._matrix[c]) >= MAX_BETWEEN_DISTRACTORS for c in chosen
            ):
                continue
            chosen.append(int(position))
            if len(chosen) == count:
                break
        return [self._titles[c] for c in chosen]


class GeneratedDistractors(BaseModel):
    """The reply of the case_distractors prompt."""

    distractors: list[str] = Field(min_length=1, max_length=12)


def clean_diagnosis(diagnosis: str) -> str:
    """The diagnosis as items state it: single spaces, no trailing full stop."""
    return " ".join(diagnosis.split()).strip(" .")


def prepared_case(report: CaseReport, icd: TermIndex | None) -> tuple[str, str, list[str]]:
    """(redacted case, diagnosis, give-away terms), or RecordError with the reason there is none."""
    if not report.case_presentation or not report.case_presentation.strip():
        raise RecordError(ReasonCode.MISSING_FIELD, "case report has no case presentation")
    if not report.diagnosis or not report.diagnosis.strip():
        raise RecordError(ReasonCode.MISSING_FIELD, "case report has no diagnosis")
    diagnosis = clean_diagnosis(report.diagnosis)
    giveaways = giveaway_terms(diagnosis, report.case_presentation, icd)
    case = redact_case(report.case_presentation, giveaways)
    if len(case) < MIN_CASE_CHARS or len(split_sentences(case)) < MIN_CASE_SENTENCES:
        raise RecordError(
            ReasonCode.TOO_SHORT,
            f"only {len(case)} characters of case remain before the diagnosis is given away",
        )
    leaked = find_any(case, giveaways)
    if leaked:
        raise RecordError(ReasonCode.ANSWER_IN_STEM, f"the redacted case still names '{leaked}'")
    return case, diagnosis, giveaways


def case_candidates(
    report: CaseReport,
    *,
    icd: TermIndex | None,
    neighbours: IcdNeighbours | None,
    client: LLMClient | None,
    use_llm_distractors: bool,
    n_options: int,
    seed: int,
) -> list[Candidate]:
    """The open-ended and the MCQ item of one case report (or the reasons they are missing)."""
    try:
        case, diagnosis, giveaways = prepared_case(report, icd)
    except RecordError as error:
        return [Candidate("case", error=error)]
    origin = case_origin(report)
    answer = sentence_case(diagnosis)
    common = {"tool": "synthesis.case_items", "version": TOOL_VERSION}
    candidates = [
        make_item(
            origin,
            key="open",
            task=TaskType.OPEN_ENDED,
            question=f"{case}\n\n{OPEN_STEM}",
            answers=[answer],
            **common,
        )
    ]
    prompt_version = model = None
    try:
        if use_llm_distractors and client is not None:
            prompt = load_prompt("case_distractors")
            reply = client.structured(
                prompt,
                {"case": case, "diagnosis": diagnosis, "n_distractors": n_options - 1},
                GeneratedDistractors,
            )
            distractors = [
                sentence_case(d) for d in reply.distractors if d.strip() and not find_any(d, giveaways)
            ][: n_options - 1]
            prompt_version, model = prompt.version, f"{client.backend.name}:{client.backend.model}"
        elif neighbours is not None:
            distractors = [
                sentence_case(d) for d in neighbours.distractors(diagnosis, n_options - 1, giveaways)
            ]
        else:
            distractors = []
    except LLMError as error:
        candidates.append(Candidate("mcq", error=RecordError(error.reason_code, str(error))))
        return candidates
    if len(distractors) < n_options - 1:
        error = RecordError(ReasonCode.NO_ITEM_GENERATED, f"only {len(distractors)} distractors found")
        candidates.append(Candidate("mcq", error=error))
        return candidates
    options, label = shuffled_options(answer, distractors, seeded_random(seed, report.record_id, "mcq"))
    candidates.append(
        make_item(
            origin,
            key="mcq",
            task=TaskType.MCQ_SINGLE,
            question=f"{case}\n\n{MCQ_STEM}",
            options=options,
            answers=[label],
            prompt_version=prompt_version,
            model=model,
            **common,
        )
    )
    return candidates
