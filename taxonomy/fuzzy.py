"""A last resort for a short diagnosis no name matched: the shortest ICD-10 name holding all its words.

'Chronic kidney failure' has no name of its own, but every content word of it is in 'chronic kidney
failure with uraemia'-like names; the shortest such name (fewest extra words) gives the code. Only
for short texts (a diagnosis answer, not a stem), only when the exact names and the composition found
no code at category level, and at a low weight, so that it never outranks a real match.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from schemas import Vocabulary
from taxonomy.base import TagHit
from taxonomy.text import match_words
from textkit import fold, has_cjk

FUZZY_WEIGHT = 0.55
MAX_TEXT_WORDS = 7
MAX_EXTRA_WORDS = 3
MIN_CONTENT_WORDS = 2
"""One word ('Blue', an option) is too little to guess from: 'blue sclera' is not what it means."""
_IGNORED = frozenset(
    """a an the of in on with and or to by for due nos type form case patient left right bilateral
    unilateral acute chronic primary secondary severe mild moderate syndrome disease disorder""".split()
)


class FuzzyIndex:
    """ICD-10 names (category level or finer) by word, for 'every word of the text' look-ups."""

    def __init__(self) -> None:
        from taxonomy.lexicon import lexicon_for
        from vocabulary import load_icd10

        table = load_icd10()
        self.names: list[tuple[tuple[str, ...], str]] = []
        self.postings: dict[str, set[int]] = defaultdict(set)
        for key, entries in lexicon_for(Vocabulary.ICD10).words.items():
            codes = [e.code for e in entries if table.get(e.code).level in ("category", "subcategory")]
            if not codes:
                continue
            index = len(self.names)
            self.names.append((key, codes[0]))
            for word in set(key):
                self.postings[word].add(index)

    def find(self, text: str) -> tuple[str, str] | None:
        """(code, name) of the shortest name holding every content word of a short text, or None."""
        if has_cjk(text):
            return None
        words = match_words(fold(text))
        content = [w for w in words if w not in _IGNORED and not w.isdigit()]
        if len(content) < MIN_CONTENT_WORDS or len(words) > MAX_TEXT_WORDS:
            return None
        postings = [self.postings.get(w, set()) for w in content]
        hits = set.intersection(*postings) if all(postings) else set()
        best = None
        for index in hits:
            key, code = self.names[index]
            extra = len(set(key) - set(words))
            if extra <= MAX_EXTRA_WORDS and (best is None or (extra, len(key), code) < best[0]):
                best = ((extra, len(key), code), code, " ".join(key))
        return (best[1], best[2]) if best else None


@cache
def fuzzy_index() -> FuzzyIndex:
    """The fuzzy index (built once per process)."""
    return FuzzyIndex()


def fuzzy_icd10(text: str) -> list[TagHit]:
    """A weak ICD-10 hit for a short diagnosis text, or none."""
    found = fuzzy_index().find(text)
    if found is None:
        return []
    code, name = found
    return [TagHit(Vocabulary.ICD10, code, FUZZY_WEIGHT, "lexicon-fuzzy", f"all words in '{name}'")]
