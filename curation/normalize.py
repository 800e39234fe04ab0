"""Text normalisation for comparison: NFKC, case, punctuation, spaces, traditional -> simplified Chinese."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")

PLACEHOLDERS = frozenset(
    {
        "see image",
        "see the image",
        "see figure",
        "see the figure",
        "refer to the image",
        "refer to image",
        "refer to the figure",
        "image",
        "figure",
        "question image",
        "image question",
        "na",
        "n a",
        "none",
        "null",
        "nan",
        "blank",
        "tbd",
        "ver imagem",
        "veja a imagem",
        "voir image",
        "voir la figure",
        "见图",
        "如图",
        "见下图",
        "如下图",
    }
)
"""Normalised stems that say nothing by themselves: never compared, never merged."""


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold_chinese(text: str) -> str:
    """Traditional -> simplified Chinese, only when the text has CJK characters (opencc is slow)."""
    return _t2s().convert(text) if _CJK.search(text) else text


def normalize_text(text: str) -> str:
    """NFKC, case-folded, Chinese folded to simplified, punctuation and runs of whitespace to one space."""
    folded = fold_chinese(unicodedata.normalize("NFKC", text)).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def tokens(normalized: str) -> list[str]:
    """Words of a normalised text; CJK characters count as one token each (no spaces in Chinese)."""
    if not _CJK.search(normalized):
        return normalized.split()
    out: list[str] = []
    for word in normalized.split():
        if _CJK.search(word):
            out.extend(ch for ch in word)
        else:
            out.append(word)
    return out


def sentences(text: str) -> list[str]:
    """Sentences of a raw text, each normalised; empty ones dropped."""
    return [s for s in (normalize_text(p) for p in _SENTENCE_END.split(text)) if s]


def skip_reason(normalized_stem: str, min_chars: int) -> str | None:
    """Why a stem cannot be compared (placeholder, bare number, too short), or None when it can."""
    if normalized_stem in PLACEHOLDERS:
        return "placeholder"
    if normalized_stem.replace(" ", "").isdigit() or not normalized_stem:
        return "no_text" if not normalized_stem else "bare_number"
    if len(normalized_stem) < min_chars:
        return "too_short"
    return None


def token_jaccard(a: str, b: str) -> float:
    """Jaccard of the token sets of two normalised texts (1.0 when both are empty)."""
    left, right = set(tokens(a)), set(tokens(b))
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)
