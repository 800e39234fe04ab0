"""Folding text for comparison: case, accents, compatibility forms, punctuation and Chinese script.

Three forms, each for the comparison its callers make:
- `fold`: lower case without accents, one character out per character in (taggers map a match in the
  folded text back to the original);
- `match_form`: NFKC, case-folded, runs of punctuation and space to one space (whole-word term search);
- `normalize_text`: `match_form` with underscores as punctuation and Chinese folded to simplified
  (dedup and leakage compare texts across scripts).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from textkit.chinese import fold_chinese

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_NON_WORD_OR_UNDERSCORE = re.compile(r"[\W_]+", re.UNICODE)


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


def _spaced(pattern: re.Pattern[str], text: str) -> str:
    return " ".join(pattern.sub(" ", text).split())


def match_form(text: str) -> str:
    """NFKC, case-folded, punctuation to single spaces: the form terms are compared in."""
    return _spaced(_NON_WORD, unicodedata.normalize("NFKC", text).casefold())


_ASCII_NON_WORD_TO_SPACE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() and chr(c).isascii())}
)
"""Every ASCII character that is not a letter or digit (underscore included) -> a space."""


def normalize_text(text: str) -> str:
    """NFKC, case-folded, Chinese folded to simplified, punctuation and runs of whitespace to one space.

    ASCII text takes a shortcut with the same result (NFKC and OpenCC leave it as it is, casefold is
    lower, and the non-word characters are a fixed set): about 4x faster, and dedup normalises every
    stem and option.
    """
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_NON_WORD_TO_SPACE).split())
    return _spaced(_NON_WORD_OR_UNDERSCORE, fold_chinese(unicodedata.normalize("NFKC", text)).casefold())
