"""Case-report diagnosis items (CUPCase style): the case with its diagnosis taken out, asked open-ended
and as an MCQ whose distractors are the nearest ICD-10 titles (or an LLM's differentials).

Give-away terms are the diagnosis, its acronyms and ICD-10 names, the condition words in it
('myxoma', 'thrombocytopenia'; not the drug, organ or context words: 'levofloxacin', 'pregnancy')
with the phrases they end ('Graves disease', 'aortic aneurysm'), and an organism it names.
Redaction keeps the case up to the first sentence that gives the diagnosis away, or, after the
opening two sentences, one that announces a diagnosis ('confirmed', 'consistent with',
'histopathology', ...). Opening 'We report a case of X' sentences are dropped rather than cut at.
When that leaves too little (the history already names the condition), the sentences that name a
give-away are dropped instead, still stopping at the first announcement. The kept text is then
checked: no give-away term may remain.

MCQ distractors are the nearest ICD-10 titles, those in the diagnosis's own chapter first, that are
neither the diagnosis, a near-copy of it, a broader category holding it ('Fracture of femur' for
'neck of femur fractures', 'Lymphoid leukaemia' for 'acute lymphoblastic leukemia'), nor a catch-all
('Other ...', '... unspecified', 'Diseases of tongue', '... in diseases classified elsewhere') that
could be argued right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from schemas import CaseReport, ReasonCode, RecordError, TaskType, canonical_json, sha256_hex
from synthesis.items import Candidate, Origin, make_item, seeded_random, shuffled_options
from synthesis.llm.base import LLMError
from synthesis.llm.client import LLMClient
from synthesis.prompts import load_prompt
from synthesis.text import acronyms_of, find_any, sentence_case
from synthesis.vocab import TermIndex
from textkit import fold_spelling, match_form, split_sentences
from vocabulary import load_icd10

TOOL_VERSION = "1"
OPEN_STEM = "What is the most likely diagnosis?"
MCQ_STEM = "Which of the following is the most likely diagnosis?"
MIN_CASE_CHARS = 150
MIN_CASE_SENTENCES = 2
MAX_SAME_AS_TRUTH = 0.85  # an ICD title this close to the diagnosis may be the diagnosis itself
MAX_BETWEEN_DISTRACTORS = 0.92
SAME_CHAPTER_MIN_SCORE = 0.6  # a nearest title this close tells the answer's chapter when nothing else does
_REVEAL = re.compile(
    r"\b(diagnos(is|es|ed|tic of)|confirm(ed|ing|s)?|consistent with|compatible with|suggestive of|"
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


_CONDITION_SUFFIX = re.compile(
    r"(?:omas?|itis|osis|oses|iasis|[ae]?emias?|pathy|pathies|plasias?|troph(?:y|ies)|ectasis|celes?|algia"
    r"|penias?|cytosis|rrhag(?:e|ia)|rrh(?:o)?ea|plegia|paresis|megaly|isms?|urias?)$"
)
_NOT_CONDITION = frozenset(
    "diagnosis prognosis analysis synthesis hypothesis mechanism organism criteria emphasis basis".split()
)
_CONDITION_HEADS = frozenset(
    """syndrome disease disorder deficiency fistula fistulae cyst fracture fractures tumour tumor cancer
    neoplasm infection abscess malformation anomaly toxicity poisoning intoxication injury dissection failure
    loss overgrowth detachment ossification dislocation dissociation rupture perforation obstruction
    occlusion insufficiency palsy paralysis infarction ulcer polyp hernia torsion prolapse atresia agenesis
    duplication effusion edema oedema sepsis pneumonia arrhythmia fibrillation tachycardia incontinence
    aneurysm pseudoaneurysm thrombus embolism emboli hematoma haematoma hemorrhage haemorrhage migration
    metastasis metastases schizophrenia dementia lupus gout intussusception volvulus hydrocephalus
    gangrene diverticulum diverticula eczema erythema pemphigus pemphigoid alopecia vitiligo coarctation
    noncompaction pneumothorax hemothorax goitre goiter porphyria malaria leprosy syphilis tuberculosis
    dactylitis myiasis""".split()
)
_GENUS_SPECIES = re.compile(
    r"\b([A-Z][a-z]{4,}(?<!ic)(?<!al)(?<!ous)(?<!ed)(?<!ive)(?<!ary)(?<!or)(?<!ing)(?<!ar))"
    r"\s+([a-z]{2,}(?:i|ae|us|um|is|a))\b(?<!ous)"
)
_PATHOGEN = re.compile(r"(?:virus|viruses|bacter|bacteria|coccus|cocci|bacillus|bacilli|myces|fungus|fungi)$")
_BOILERPLATE = re.compile(
    r"informed consent|consent (?:was|has been) (?:obtained|taken|given)|ethic(?:s|al) (?:committee|approval)"
    r"|institutional review board",
    re.IGNORECASE,
)
_DERIVED = (
    ("osis", ("otic", "ous")),
    ("omas", ("oma", "omatous")),
    ("oma", ("omas", "omatous")),
    ("itis", ("itic",)),
    ("emia", ("emic",)),
    ("ia", ("ic",)),
    ("a", ("ous", "ae", "as", "al")),
    ("ysm", ("ysmal", "ysms")),
    ("pathy", ("pathies", "pathic")),
    ("s", ("",)),
)
_PHRASE_STARTS_NOT = frozenset("of and or with in the a an to due by from on for".split())


def is_condition_word(word: str) -> bool:
    """A word that names a condition ('myxoma', 'thrombocytopenia', 'fistula'), not a drug or organ."""
    word = word.lower()
    if word in _NOT_CONDITION:
        return False
    return word in _CONDITION_HEADS or (len(word) >= 6 and bool(_CONDITION_SUFFIX.search(word)))


def word_forms(word: str) -> list[str]:
    """A condition word with its adjective and plural forms ('fistula' -> 'fistulous', 'fistulae';
    'tuberculosis' -> 'tuberculous'), so a case cannot say 'a fistulous mass' for 'fistula'."""
    for ending, replacements in _DERIVED:
        if word.endswith(ending) and len(word) > len(ending) + 3:
            return [word, *(word[: -len(ending)] + r for r in replacements)]
    return [word, word + "s"]


def giveaway_terms(diagnosis: str, text: str, icd: TermIndex | None) -> list[str]:
    """The diagnosis, ICD-10 names it matches, its condition words with the phrases they end, the
    organism it names, and the acronyms `text` defines for any of them (see module docstring)."""
    terms = [diagnosis, *acronyms_of(diagnosis, text)]
    if icd is not None:
        # a chapter's or block's names ('neoplasm', 'tuberculosis') say what kind of condition it is,
        # which a case may say; a category's names are the diagnosis itself
        for term in icd.find(diagnosis):
            if term.level in (None, "category", "subcategory"):
                terms.extend(term.labels)
    words = match_form(diagnosis).split()
    for index, word in enumerate(words):
        if _PATHOGEN.search(word) and len(word) >= 6:
            terms.extend([word, *acronyms_of(word, text)])
        if not is_condition_word(word):
            continue
        if len(word) >= 6 and word not in _GENERIC_WORDS:
            terms.extend(word_forms(word))
        for start in range(max(0, index - 3), index):
            if words[start] not in _PHRASE_STARTS_NOT:
                terms.append(" ".join(words[start : index + 1]))
    for genus, species in _GENUS_SPECIES.findall(diagnosis):
        terms.extend([f"{genus} {species}", genus])
    terms.extend(a for t in list(terms[1:]) if len(t) >= 6 for a in acronyms_of(t, text))
    seen: dict[str, str] = {}
    for term in terms:
        seen.setdefault(match_form(term), term)
    return [t for f, t in seen.items() if f]


def redact_case(text: str, giveaways: Sequence[str], drop: bool = False) -> str:
    """The case up to the first sentence that gives the diagnosis away (see module docstring).

    With `drop`, a sentence naming a give-away is left out and the case goes on; the first sentence
    that announces a diagnosis still ends it.
    """
    kept: list[str] = []
    for number, sentence in enumerate(split_sentences(" ".join(text.split()))):
        if _BOILERPLATE.search(sentence):
            continue
        named = find_any(sentence, giveaways) is not None
        if named and ((_INTRO.match(sentence) and number < 2) or drop):
            continue
        if named or (number >= 2 and _REVEAL.search(sentence)):
            break
        kept.append(sentence)
    return " ".join(kept)


def _long_enough(case: str) -> bool:
    return len(case) >= MIN_CASE_CHARS and len(split_sentences(case)) >= MIN_CASE_SENTENCES


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


_CATCH_ALL_TITLE = re.compile(
    r"^(?:other|unspecified|certain|sequelae of|personal history|family history|complications? of"
    r"|(?:diseases|disorders|conditions|abnormalities) of)\b|\bunspecified\b|not elsewhere classified"
    r"|classified elsewhere|\bmultiple sites\b|\bill-defined\b",
    re.IGNORECASE,
)
_SAME_STEM = {"carci": "neopl", "cance": "neopl", "tumor": "neopl", "malig": "neopl"}
_CATEGORY_WORDS = frozenset(
    """neopl of and or the in with other acute chronic prima secon benig site sites organ organs
    part parts gland gland tissu regio struc""".split()
)


@cache
def _subcategory_titles() -> dict[str, str]:
    """ICD-10 category and subcategory titles (folded) -> their three-character category."""
    titles: dict[str, str] = {}
    for term in load_icd10():
        if term.level in ("category", "subcategory"):
            form = fold_spelling(term.title)
            if len(form.split()) >= 2 and "unspecified" not in form and not form.startswith("other"):
                titles.setdefault(form, term.code[:3])
    return titles


def holding_categories(diagnosis: str, icd: TermIndex | None) -> set[str]:
    """ICD-10 categories the diagnosis belongs to: those it names (with the vocabulary's synonyms)
    and those with a subcategory it names ('acute lymphoblastic leukemia' -> C91)."""
    found = icd.find(diagnosis) if icd is not None else []
    codes = {t.code for t in found if t.level in (None, "category", "subcategory")}
    folded = f" {fold_spelling(diagnosis)} "
    codes.update(code for form, code in _subcategory_titles().items() if f" {form} " in folded)
    # and the other way round: a subcategory naming the whole diagnosis ('diabetic ketoacidosis' is
    # E10.1 'Type 1 diabetes mellitus with ketoacidosis'), so 'Type 1 diabetes mellitus' is no distractor
    telling = stems(diagnosis) - _CATEGORY_WORDS
    if len(telling) >= 2:
        codes.update(code for form, code in _subcategory_titles().items() if telling <= stems(form))
    return codes


@cache
def icd_chapter(code: str) -> str | None:
    """The ICD-10 chapter of a code (None when ICD-10 does not know it)."""
    table = load_icd10()
    return table.top_level(code).code if code in table else None


def stems(text: str) -> set[str]:
    """Five-letter word stems, spelling-folded (haem/hem, tumour/tumor), neoplasm words as one."""
    out = set()
    for word in fold_spelling(text).split():
        stem = word[:5]
        out.add(_SAME_STEM.get(stem, stem))
    return out


def is_broader_than(title: str, diagnosis: str) -> bool:
    """Whether an ICD-10 title is a category the diagnosis falls in: every telling word of the title
    is one of the diagnosis's ('Fracture of femur' holds 'bilateral neck of femur fractures')."""
    telling = stems(title) - _CATEGORY_WORDS
    return bool(telling) and telling <= stems(diagnosis)


@dataclass
class IcdNeighbours:
    """ICD-10 titles embedded once (cached on disk by content), searched by cosine similarity."""

    index: TermIndex
    embedder: object
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        # a full ICD-10 table (the taxonomy's) also holds chapters, blocks and subcategories: chapters
        # and blocks are catch-alls and a subcategory is its category again, so categories answer
        categories = [t for t in self.index.terms if t.level == "category"]
        self._terms = categories or list(self.index.terms)
        self._titles = [t.title for t in self._terms]
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
        """The `count` nearest titles that are not the diagnosis, a near-copy, a category holding it or
        a catch-all (see module docstring)."""
        scores = self._matrix @ self._query(diagnosis)
        holding = {code[:3] for code in holding_categories(diagnosis, self.index)}
        chosen: list[int] = []
        diagnosis_form = match_form(diagnosis)
        order = np.argsort(-scores, kind="stable")
        # a differential comes from the same body system or disease class: titles of the answer's
        # ICD-10 chapter first (embedding neighbours alone give lookalikes: Mycetoma for myxoma)
        chapters = {icd_chapter(code) for code in holding} - {None}
        if not chapters and len(order) and scores[order[0]] >= SAME_CHAPTER_MIN_SCORE:
            chapters = {icd_chapter(self._terms[order[0]].code)} - {None}
        if chapters:
            same = [p for p in order if icd_chapter(self._terms[p].code) in chapters]
            order = np.asarray(same + [p for p in order if icd_chapter(self._terms[p].code) not in chapters])
        for position in order:
            title = self._titles[position]
            form = match_form(title)
            if scores[position] >= MAX_SAME_AS_TRUTH or form in diagnosis_form or diagnosis_form in form:
                continue
            if self._terms[position].code[:3] in holding:
                continue
            if _CATCH_ALL_TITLE.search(title) or is_broader_than(title, diagnosis):
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
    # acronyms are often defined once, in the abstract or the title, and used bare in the case
    article = " ".join(filter(None, [report.title, report.abstract, report.case_presentation]))
    giveaways = giveaway_terms(diagnosis, article, icd)
    case = redact_case(report.case_presentation, giveaways)
    if not _long_enough(case):
        case = redact_case(report.case_presentation, giveaways, drop=True)
    if not _long_enough(case):
        raise RecordError(
            ReasonCode.TOO_SHORT,
            f"only {len(case)} characters of case remain once the sentences naming the diagnosis are out",
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
