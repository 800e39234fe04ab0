"""A vocabulary's terms with hierarchy look-ups (roots, children, siblings, ancestors) and code spellings."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from schemas import Vocabulary
from vocabulary.terms import Term, UnknownCodeError

_ROMAN = re.compile(r"^[IVXL]+$")


class VocabularyTable:
    """The terms of one vocabulary with hierarchy look-ups; codes are stable across versions."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        version: str,
        levels: tuple[str, ...],
        terms: list[Term],
        overlaps: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.vocabulary = vocabulary
        self.version = version
        self.levels = levels
        self._terms: dict[str, Term] = {}
        self._children: dict[str | None, list[str]] = {}
        for term in terms:
            if term.code in self._terms:
                raise ValueError(f"{vocabulary}: code '{term.code}' appears twice")
            self._terms[term.code] = term
            self._children.setdefault(term.parent, []).append(term.code)
        self._folded = {code.casefold(): code for code in self._terms}
        for term in terms:
            if term.parent is not None and term.parent not in self._terms:
                raise ValueError(f"{vocabulary}: '{term.code}' has unknown parent '{term.parent}'")
        self.overlaps = frozenset(frozenset(pair) for pair in overlaps)
        """Pairs of codes that may both be right for one thing (echocardiography is ultrasonography)."""
        unknown = sorted(code for pair in self.overlaps for code in pair if code not in self._terms)
        if unknown:
            raise ValueError(f"{vocabulary}: overlaps name unknown codes {unknown}")

    @property
    def name(self) -> str:
        """The vocabulary's name, e.g. 'icd10'."""
        return self.vocabulary.value

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every term, parents before children."""
        return tuple(self._terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.resolve(code) is not None

    def resolve(self, code: str) -> str | None:
        """The canonical code for a spelling of it ('k70.1', 'K701' -> 'K70.1'), or None."""
        code = code.strip()
        if code in self._terms:
            return code
        found = self._folded.get(code.casefold())
        if found is None and self.vocabulary is Vocabulary.ICD10:
            compact = code.upper().replace(".", "")
            if len(compact) > 3 and not _ROMAN.match(compact) and "-" not in compact:
                found = self._terms.get(f"{compact[:3]}.{compact[3:]}") and f"{compact[:3]}.{compact[3:]}"
        return found

    def get(self, code: str) -> Term:
        """The term of a code; raises UnknownCodeError naming the code."""
        resolved = self.resolve(code)
        if resolved is None:
            close = difflib.get_close_matches(code, list(self._terms), n=3, cutoff=0.6)
            raise UnknownCodeError(self.name, code, close)
        return self._terms[resolved]

    def title(self, code: str) -> str:
        """The title of a code."""
        return self.get(code).title

    def roots(self) -> list[Term]:
        """Top-level terms (chapters, groups, systems, areas)."""
        return [self._terms[c] for c in self._children.get(None, [])]

    def children(self, code: str) -> list[Term]:
        """Direct children of a code."""
        return [self._terms[c] for c in self._children.get(self.get(code).code, [])]

    def siblings(self, code: str) -> list[Term]:
        """Terms with the same parent, the code itself excluded (distractors, nearest alternatives)."""
        term = self.get(code)
        return [self._terms[c] for c in self._children.get(term.parent, []) if c != term.code]

    def ancestors(self, code: str) -> list[Term]:
        """Parent, grandparent, ... up to the top level (nearest first); walked once per code (the
        taggers ask for the same codes' chains for every item)."""
        chains = self.__dict__.setdefault("_ancestor_chains", {})
        chain = chains.get(code)
        if chain is None:
            out: list[Term] = []
            parent = self.get(code).parent
            while parent is not None:
                out.append(self._terms[parent])
                parent = self._terms[parent].parent
            chain = chains[code] = tuple(out)
        return list(chain)

    def descendants(self, code: str) -> list[Term]:
        """Every term below a code, depth first."""
        out: list[Term] = []
        stack = list(reversed(self._children.get(self.get(code).code, [])))
        while stack:
            current = stack.pop()
            out.append(self._terms[current])
            stack.extend(reversed(self._children.get(current, [])))
        return out

    def top_level(self, code: str) -> Term:
        """The top-level term a code rolls up to (itself when it is top level)."""
        chain = self.ancestors(code)
        return chain[-1] if chain else self.get(code)

    def is_under(self, code: str, ancestor: str) -> bool:
        """Whether `code` is `ancestor` or lies below it."""
        term = self.get(code)
        target = self.get(ancestor).code
        return term.code == target or any(a.code == target for a in self.ancestors(term.code))

    def rows(self) -> list[dict[str, Any]]:
        """Every term as a plain dict (for tables, JSON and other stages)."""
        return [t.as_row() for t in self._terms.values()]
