"""What JATS and journal HTML share once parsed: an article's parts, and how to read a case from them.

The case presentation is found by section-title patterns (as PMC-Patients did) in several languages;
the final diagnosis is read by `extractors.case_diagnosis`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textkit import ARTICLE, split_sentences

CASE_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:"
    r"(?:clinical\s+)?case(?:s)?(?:\s*#?(?:\d+|[IVX]+\b))?(?:\s+(?:reports?|presentations?|descriptions?|history|summary|details|study|illustration))?"
    r"|(?:presentation|description|report)\s+of\s+(?:the\s+)?cases?|clinical\s+(?:case|presentation|history)"
    r"|patients?\s+(?:presentation|description|history)"
    r"|caso(?:s)?\s+cl[ií]nicos?|presentaci[oó]n\s+del?\s+caso|descripci[oó]n\s+del?\s+caso|reporte\s+de\s+caso"
    r"|relato\s+d[eo]\s+caso|apresenta[cç][aã]o\s+do\s+caso|descri[cç][aã]o\s+do\s+caso"
    r"|observations?|cas\s+cliniques?|pr[ée]sentation\s+du\s+cas|description\s+du\s+cas"
    r"|fallbericht|kasuistik|fallvorstellung|fallbeschreibung|falldarstellung"
    r"|descrizione\s+del\s+caso|presentazione\s+del\s+caso"
    r"|病例报告|病例资料|临床资料|病例介绍|病例摘要|症例"
    r")\s*[:.]?\s*$",
    re.IGNORECASE,
)
CASE_FOLLOW_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:investigations?|differential\s+diagnos[ie]s|treatment|management|outcome"
    r"|outcome\s+and\s+follow[- ]up|follow[- ]up|clinical\s+course|evolution|evolu[cç][aã]o"
    r"|tratamiento|tratamento)"
    r"\s*[:.]?\s*$",
    re.IGNORECASE,
)
# One patient of a multi-patient article: a section titled 'Case 1', 'Case II', 'Patient A', '病例1'
# (text may follow: 'Case 2: a 45-year-old man'), or a paragraph opening 'Case 1:' / 'The second case'.
_PATIENT_NUMBER = r"(?:\d{1,2}|[IVX]{1,4}|[A-H]|one|two|three|four|five|six)"
PATIENT_TITLE = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:(?:clinical\s+)?case|patient|caso|paciente|cas|fall|observation)"
    rf"(?:\s*(?:no\.?|#)\s*|\s+)(?:{_PATIENT_NUMBER})\b\s*(?:[:.)–—-].*)?$"
    r"|^\s*(?:[0-9.]+\s*)?(?:case|patient|caso|paciente|cas|fall)\s*\d{1,2}\b\s*(?:[:.)–—-].*)?$"
    r"|^\s*(?:病例|患者|症例)\s*(?P<z>[0-9一二三四五六]+)",
    re.IGNORECASE,
)
PATIENT_OPENING = re.compile(
    r"^\s*(?:(?:the\s+)?(?:first|second|third|fourth|fifth|sixth)\s+(?:case|patient)\b"
    rf"|(?:case|patient)(?:\s*(?:no\.?|#)\s*|\s+){_PATIENT_NUMBER}\s*[:.)–—-]"
    r"|(?:病例|患者|症例)\s*[0-9一二三四五六]+)",
    re.IGNORECASE,
)
FIGURE_MENTION = re.compile(
    r"\b(?:Fig(?:ure)?s?\.?|Figura|Abbildung|Abb\.|Fig\.)\s*[0-9IVX]+[a-zA-Z]?|图\s*[0-9]+", re.IGNORECASE
)


@dataclass
class Section:
    """A titled part of an article's body; `level` 1 is top level."""

    title: str
    text: str
    level: int = 1


@dataclass
class ArticleParts:
    """What a parser read from one article, before it is judged as a case report."""

    title: str | None = None
    article_type: str | None = None
    published: str | None = None
    licence: str | None = None
    language: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    abstract: str | None = None
    abstract_sections: list[Section] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    figures: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def clean(text: str | None) -> str:
    """Collapsed whitespace."""
    return re.sub(r"\s+", " ", text or "").strip()


def sentences(text: str) -> list[str]:
    """Sentences of a text, roughly (enough for mentions and diagnosis cues)."""
    return split_sentences(clean(text), ARTICLE)


def case_presentation(sections: list[Section]) -> str | None:
    """Text of the sections whose titles say they present the case (sub-sections included)."""
    found: list[str] = []
    capture_level: int | None = None
    for section in sections:
        if capture_level is not None and section.level > capture_level:
            found.append(section.text)
            continue
        if (
            capture_level is not None
            and section.level == capture_level
            and CASE_FOLLOW_TITLES.match(section.title)
        ):
            found.append(section.text)  # CARE-style: investigations, treatment, outcome after the case
            continue
        capture_level = None
        if CASE_TITLES.match(section.title) or PATIENT_TITLE.match(section.title):
            found.append(section.text)
            capture_level = section.level
    text = "\n\n".join(t for t in found if t.strip())
    return text.strip() or None


def patient_sections(sections: list[Section]) -> list[tuple[str, str]]:
    """(label, text) of each patient of a multi-patient article, one per section titled 'Case 1',
    'Case II', 'Patient A', '病例1' (sub-sections included); [] unless at least two."""
    found: list[tuple[str, list[str]]] = []
    level: int | None = None
    for section in sections:
        if level is not None and section.level > level:
            found[-1][1].append(section.text)
            continue
        level = None
        if PATIENT_TITLE.match(section.title):
            found.append((clean(section.title), [section.text]))
            level = section.level
    patients = [(label, "\n\n".join(t for t in texts if t.strip()).strip()) for label, texts in found]
    patients = [(label, text) for label, text in patients if text]
    return patients if len(patients) >= 2 else []


def patient_paragraphs(case_text: str | None) -> list[tuple[str, str]]:
    """(label, text) of each patient of a case presentation whose paragraphs open 'Case 1:', 'The
    second case ...' (paragraphs up to the next opening belong to the patient); [] unless two."""
    paragraphs = [p for p in re.split(r"\n+", case_text or "") if p.strip()]
    patients: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        opening = PATIENT_OPENING.match(paragraph)
        if opening:
            patients.append((clean(opening.group(0)).rstrip(":.)–—- "), [paragraph]))
        elif patients:
            patients[-1][1].append(paragraph)
    return [(label, "\n".join(texts)) for label, texts in patients] if len(patients) >= 2 else []


def figure_mentions(paragraphs: list[str]) -> list[str]:
    """Sentences of the body that refer to a figure, in order, without repeats."""
    seen: set[str] = set()
    found: list[str] = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            if FIGURE_MENTION.search(sentence) and sentence not in seen:
                seen.add(sentence)
                found.append(sentence)
    return found
