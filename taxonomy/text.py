"""Text folding and tokens for matching: accent- and case-insensitive, with offsets kept."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")
# Chinese and Japanese characters are matched as substrings, never as words: leaving them out of
# word tokens lets a Latin abbreviation written against them still be a word ('胸部CT' -> 'CT').
_WORD = re.compile(f"[^\\W{_CJK_RANGES}]+")
# A colon does not end a sentence: 'nega: febre, tosse' negates what the colon lists.
_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
    lowered = base.lower()
    return lowered[0] if len(lowered) >= 1 else char


def fold(text: str) -> str:
    """Lower case without accents, one character out per character in ('Gestação' -> 'gestacao').

    Keeping the length lets a match in the folded text point back at the original text.
    """
    return "".join(_fold_char(c) for c in text)


def has_cjk(text: str) -> bool:
    """Whether text holds Chinese or Japanese characters (matched as substrings, not words)."""
    return bool(_CJK.search(text))


def words(text: str) -> tuple[str, ...]:
    """Word tokens of a text ('pré-eclâmpsia' folded -> ('pre', 'eclampsia'))."""
    return tuple(_WORD.findall(text))


@dataclass(frozen=True)
class Token:
    """One word with its place in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PreparedText:
    """A text ready for every tagger: the original, its folded form and tokens of both."""

    original: str
    folded: str
    folded_tokens: tuple[Token, ...]
    cased_tokens: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> PreparedText:
        """Fold and tokenise once; every vocabulary's lexicon reads the result."""
        folded = fold(text)
        tokens = tuple(Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded))
        cased = tuple(text[t.start : t.end] for t in tokens)
        return cls(text, folded, tokens, cased)

    def sentence_start(self, position: int) -> int:
        """Where the sentence holding `position` starts."""
        start = 0
        for match in _SENTENCE_END.finditer(self.folded, 0, position):
            start = match.end()
        return start

    def sentence_end(self, position: int) -> int:
        """Where the sentence holding `position` ends."""
        match = _SENTENCE_END.search(self.folded, position)
        return match.start() if match else len(self.folded)
