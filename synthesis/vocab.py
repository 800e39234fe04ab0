"""Vocabularies as generation uses them: a table's terms with whole-word matching in captions and cases,
and sibling look-up for distractors.

The terms come from the `vocabulary` base package, the same tables (and `Term` objects) the taggers
use, so a generated item's answer and its tags carry the same codes. A caller may pass other
vocabularies: a `VocabularyTable`, or any table-shaped object with `terms` (see `vocabulary.terms_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from schemas import Vocabulary
from textkit import match_form
from vocabulary import Term, VocabularyTable, load_vocabulary, terms_of

GENERATION_VOCABULARIES = (Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.ICD10)
"""The vocabularies figure VQA and case items draw answers and distractors from."""


class TermIndex:
    """Terms of one vocabulary with whole-word matching and sibling look-up."""

    def __init__(
        self,
        name: str,
        terms: Iterable[Term],
        *,
        overlaps: Iterable[Iterable[str]] = (),
        source: Any = None,
    ) -> None:
        self.name = name
        self.terms = sorted(terms, key=lambda t: t.code)
        self.by_code = {t.code: t for t in self.terms}
        self._overlaps = {frozenset(p) for p in overlaps}
        self._source = source
        names: dict[str, str] = {}
        for term in self.terms:
            for label in term.labels:
                form = match_form(label)
                if len(form) >= 2:
                    names.setdefault(form, term.code)
        self._name_to_code = names
        alternatives = sorted(names, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile(r"(?<!\S)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\S)")
            if alternatives
            else None
        )

    @classmethod
    def of_table(cls, table: VocabularyTable) -> TermIndex:
        """The index of a vocabulary table: its terms, overlaps and hierarchy."""
        return cls(table.name, table.terms, overlaps=table.overlaps, source=table)

    def find(self, text: str) -> list[Term]:
        """Terms named in `text`, in order of first mention (longest name wins where names overlap)."""
        if self._pattern is None or not text:
            return []
        seen: dict[str, Term] = {}
        for match in self._pattern.finditer(match_form(text)):
            code = self._name_to_code[match.group(1)]
            seen.setdefault(code, self.by_code[code])
        return list(seen.values())

    def overlap(self, a: str, b: str) -> bool:
        """Whether two codes may both be right for one image (e.g. echocardiography and ultrasound)."""
        return frozenset((a, b)) in self._overlaps

    def siblings(self, code: str) -> list[Term]:
        """Same parent first (the source's own `siblings` when it has one), then the same level."""
        term = self.by_code[code]
        first: list[Term] = []
        if self._source is not None and callable(getattr(self._source, "siblings", None)):
            listed = terms_of(self._source.siblings(code))
            first = [self.by_code[t.code] for t in listed if t.code in self.by_code]
        if not first:
            first = [t for t in self.terms if t.parent == term.parent and t.code != code and term.parent]
        rest = [t for t in self.terms if t.level == term.level and t.code != code and t not in first]
        return [t for t in first + rest if not self.overlap(code, t.code)]


def index_from_source(name: str, source: Any) -> TermIndex:
    """A TermIndex over a vocabulary table or any table-shaped object with `terms`."""
    if isinstance(source, VocabularyTable):
        return TermIndex.of_table(source)
    return TermIndex(name, terms_of(source.terms), source=source)


def resolve_vocabularies(vocabularies: Mapping[Any, Any] | None) -> dict[Vocabulary, TermIndex]:
    """Indexes for modality, anatomy and ICD-10: the passed vocabularies, else the shared tables."""
    given = {Vocabulary(str(k)): v for k, v in (vocabularies or {}).items()}
    resolved: dict[Vocabulary, TermIndex] = {}
    for vocabulary in GENERATION_VOCABULARIES:
        source = given.get(vocabulary)
        if isinstance(source, TermIndex):
            resolved[vocabulary] = source
        elif source is not None:
            resolved[vocabulary] = index_from_source(str(vocabulary), source)
        else:
            resolved[vocabulary] = TermIndex.of_table(load_vocabulary(vocabulary))
    return resolved


def titles(terms: Sequence[Term]) -> list[str]:
    """The titles of terms, in order."""
    return [t.title for t in terms]
