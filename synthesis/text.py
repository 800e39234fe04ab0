"""Text helpers for generation: match-normalisation, whole-word term search, sentence splitting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=[A-Z0-9(\"'“\u4e00-\u9fff])|(?<=[。！？])")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "Dr.", "Fig.", "Figs.", "approx.", "et al.", "No.", "Mr.", "Mrs.")
_ACRONYM_AFTER = r"{phrase}\s*\(([A-Z][A-Za-z0-9-]{{1,9}})\)"


def match_form(text: str) -> str:
    """NFKC, case-folded, punctuation to single spaces: the form terms are compared in."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def contains_term(text: str, term: str) -> bool:
    """Whether `term` occurs in `text` as whole words (both compared in match form)."""
    needle = match_form(term)
    return bool(needle) and f" {needle} " in f" {match_form(text)} "


def find_any(text: str, terms: Iterable[str]) -> str | None:
    """The first of `terms` found in `text` as whole words, or None."""
    haystack = f" {match_form(text)} "
    for term in terms:
        needle = match_form(term)
        if needle and f" {needle} " in haystack:
            return term
    return None


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not split after common abbreviations."""
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
    parts = [p.replace("\x00", ".").strip() for p in _SENTENCE_END.split(protected)]
    return [p for p in parts if p]


def acronyms_of(phrase: str, text: str) -> list[str]:
    """Acronyms the text defines for `phrase`, as in 'posterior reversible encephalopathy (PRES)'."""
    pattern = _ACRONYM_AFTER.format(phrase=re.escape(phrase.strip()))
    return sorted({m.group(1) for m in re.finditer(pattern, text, re.IGNORECASE)})


def sentence_case(text: str) -> str:
    """First letter upper-cased, the rest kept (acronyms stay as they are)."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text
