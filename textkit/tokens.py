"""Word tokens: words without Chinese/Japanese (taggers), or each Han character a token (dedup)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from textkit.scripts import CJK, HAN, HAN_COMPATIBILITY

# Chinese and Japanese characters are matched as substrings, never as words: leaving them out of
# word tokens lets a Latin abbreviation written against them still be a word ('胸部CT' -> 'CT').
_WORD = re.compile(f"[^\\W{CJK}]+")
_HAN = re.compile(f"[{HAN}{HAN_COMPATIBILITY}]")


def words(text: str) -> tuple[str, ...]:
    """Word tokens, Chinese and Japanese left out ('pré-eclâmpsia' folded -> ('pre', 'eclampsia'))."""
    return tuple(_WORD.findall(text))


def word_spans(text: str) -> Iterator[re.Match[str]]:
    """The matches of `words`, with their offsets in the text."""
    return _WORD.finditer(text)


def tokens(normalized: str) -> list[str]:
    """Words of a normalised text; Han characters count as one token each (no spaces in Chinese)."""
    if not _HAN.search(normalized):
        return normalized.split()
    out: list[str] = []
    for word in normalized.split():
        if _HAN.search(word):
            out.extend(ch for ch in word)
        else:
            out.append(word)
    return out
