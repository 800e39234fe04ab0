"""Text helpers for generation: whole-word term search, acronyms, sentence case (in `textkit` match form)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from textkit import match_form

_ACRONYM_AFTER = r"{phrase}\s*\(([A-Z][A-Za-z0-9-]{{1,9}})\)"


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


def acronyms_of(phrase: str, text: str) -> list[str]:
    """Acronyms the text defines for `phrase`, as in 'posterior reversible encephalopathy (PRES)'."""
    pattern = _ACRONYM_AFTER.format(phrase=re.escape(phrase.strip()))
    return sorted({m.group(1) for m in re.finditer(pattern, text, re.IGNORECASE)})


def sentence_case(text: str) -> str:
    """First letter upper-cased, the rest kept (acronyms stay as they are)."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text
