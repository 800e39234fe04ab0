"""What JATS and journal HTML share once parsed: an article's parts, and how to read a case from them.

The case presentation is found by section-title patterns (as PMC-Patients did) in several languages;
the final diagnosis is looked for in a diagnosis section, then sentences of the case, abstract and
discussion, then the title, and where it was found is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CASE_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:"
    r"(?:clinical\s+)?case(?:s)?(?:\s*#?\d+)?(?:\s+(?:reports?|presentations?|descriptions?|history|summary|details|study|illustration))?"
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
DIAGNOSIS_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:final\s+|definitive\s+)?(?:diagnos[ie]s|diagn[oó]stico(?:\s+final)?"
    r"|diagnostic(?:\s+final)?|diagnose|诊断)\s*[:.]?\s*$",
    re.IGNORECASE,
)
CASE_FOLLOW_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:investigations?|differential\s+diagnos[ie]s|treatment|management|outcome"
    r"|outcome\s+and\s+follow[- ]up|follow[- ]up|clinical\s+course|evolution|evolu[cç][aã]o"
    r"|tratamiento|tratamento)"
    r"\s*[:.]?\s*$",
    re.IGNORECASE,
)
DISCUSSION_TITLES = re.compile(r"^\s*(?:[0-9.]+\s*)?(?:discuss|discusi|discuss[aã]o|diskussion|讨论)", re.I)
_DIAGNOSIS_SENTENCE = re.compile(
    r"(?:final|definitive|definite|confirmed|conclusive)\s+diagnosis\s+(?:of|was|is)\s+(?:made\s+(?:of|as)\s+)?"
    r"(?P<a>[^.;]{3,160})"
    r"|diagnosis\s+of\s+(?P<b>[^.;]{3,160}?)\s+was\s+(?:made|confirmed|established|considered)"
    r"|(?:was|were)\s+(?:subsequently\s+|finally\s+|eventually\s+)?diagnosed\s+(?:with|as(?:\s+having)?)\s+"
    r"(?P<c>[^.;]{3,160})"
    r"|(?:confirmed|established|supported|made)\s+(?:the|a)\s+diagnosis\s+of\s+(?P<d>[^.;]{3,160})"
    r"|(?:made|gave|established)\s+(?:the|a)\s+diagnos[ie]s\s+of\s+(?P<f>[^.;]{3,160})"
    r"|(?:was|were)\s+(?:\w+ly\s+)?diagnosed\s+(?:with|as(?:\s+having)?)\s+(?P<g>[^.;]{3,160})"
    r"|(?:histolog\w*|histopatholog\w*|patholog\w*|biopsy|cytolog\w*)[^.;]{0,80}?(?:revealed|showed|confirmed|"
    r"demonstrated)\s+(?:the\s+\w+\s+to\s+be\s+)?(?:an?\s+)?(?P<h>[^.;]{3,160})"
    r"|with\s+(?:the|a)\s+diagnosis\s+of\s+(?P<i>[^.;]{3,160})"
    r"|(?:present|report|describe)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}case\s+of\s+(?:an?\s+)?(?P<j>[^.;]{3,160})"
    r"|(?:consistent|compatible)\s+with\s+(?:the\s+diagnosis\s+of\s+)?(?:an?\s+)?(?P<e>[^.;]{3,160})",
    re.IGNORECASE,
)
_TITLE_DIAGNOSIS = re.compile(
    r"^(?:an?\s+)?(?:(?:rare|unusual|atypical|unique|fatal|novel)\s+)*(?:case|presentation)\s+of\s+(?:an?\s+)?"
    r"(?P<a>.+?)(?:[:.]|\s+in\s+an?\s+|$)"
    r"|^(?P<b>.+?)\s*[:\-–—]\s*(?:an?\s+)?(?:rare\s+|unusual\s+)?case\s+report"
    r"|^(?P<c>.+?)\s*(?:in\s+an?\s+\d+[- ]year[- ]old.*|\s*:\s*a\s+case.*)$",
    re.IGNORECASE,
)
FIGURE_MENTION = re.compile(
    r"\b(?:Fig(?:ure)?s?\.?|Figura|Abbildung|Abb\.|Fig\.)\s*[0-9IVX]+[a-zA-Z]?|图\s*[0-9]+", re.IGNORECASE
)
_RANKED = "abdfhcgije"
"""Cue groups from the most telling ('final diagnosis of') to the weakest ('consistent with')."""
_SENTENCES = re.compile(r"(?<=[.!?。])\s+(?=[A-Z0-9(\[\"“]|\w)")


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
    return [s.strip() for s in _SENTENCES.split(clean(text)) if s.strip()]


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
        if CASE_TITLES.match(section.title):
            found.append(section.text)
            capture_level = section.level
    text = "\n\n".join(t for t in found if t.strip())
    return text.strip() or None


def _trim(candidate: str) -> str:
    candidate = re.split(
        r",\s+(?:which|and|with|who|as|but|was|were)\b|\s*[(\[]\s*(?:Fig|Figure|\d)", candidate
    )[0]
    candidate = re.sub(r"^(?:the|a|an)\s+diagnos[ie]s\s+of\s+", "", clean(candidate), flags=re.IGNORECASE)
    return candidate.strip(" ,;:()[]")


def diagnosis_from_text(text: str | None) -> str | None:
    """The diagnosis a sentence names ('was diagnosed with X', 'final diagnosis of X', ...)."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for sentence in sentences(text):
        for match in _DIAGNOSIS_SENTENCE.finditer(sentence):
            group = next(g for g in _RANKED if match.group(g))
            value = _trim(match.group(group))
            rank = _RANKED.index(group)
            if len(value) >= 3 and (best is None or rank < best[0]):
                best = (rank, value)
    return best[1] if best else None


def diagnosis_from_title(title: str | None) -> str | None:
    """'Unusual case of X in a ...', 'X: a case report' -> X."""
    if not title:
        return None
    title = clean(title)
    match = _TITLE_DIAGNOSIS.search(title)
    if match:
        value = _trim(next(match.group(g) for g in "abc" if match.group(g)))
    else:
        value = _trim(re.split(r"\s*[:—–]\s+", title)[0])
    return value or None


def find_diagnosis(
    parts: ArticleParts, case_text: str | None, use_title: bool = True
) -> tuple[str | None, str | None]:
    """(diagnosis, where it was found): section > case > abstract > discussion > title.

    The title is the last resort, and only for articles known to be case reports (`use_title`).
    """
    for section in parts.sections:
        if DIAGNOSIS_TITLES.match(section.title) and section.text.strip():
            named = diagnosis_from_text(section.text)
            return (named or sentences(section.text)[0][:300]), f"section:{clean(section.title)}"
    discussion = "\n".join(s.text for s in parts.sections if DISCUSSION_TITLES.match(s.title))
    for where, text in (
        ("case_presentation", case_text),
        ("abstract", parts.abstract),
        ("discussion", discussion),
    ):
        named = diagnosis_from_text(text)
        if named:
            return named, where
    named = diagnosis_from_title(parts.title) if use_title else None
    if named:
        return named, "title"
    return None, None


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
