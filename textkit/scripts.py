"""Unicode ranges of the scripts the stages tell apart (Han, kana, Hangul), as regex class bodies."""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
"""CJK unified ideographs and extension A: the characters counted as Chinese."""
HAN_COMPATIBILITY = "\uf900-\ufaff"
KANA = "\u3040-\u30ff"
HANGUL = "\uac00-\ud7af"
CJK = f"{KANA}{HAN}{HAN_COMPATIBILITY}"
"""Chinese and Japanese characters: matched as substrings, never as words."""

_CJK = re.compile(f"[{CJK}]")
_HAN = re.compile(f"[{HAN}{HAN_COMPATIBILITY}]")


def has_cjk(text: str) -> bool:
    """Whether text holds Chinese or Japanese characters (kana included)."""
    return bool(_CJK.search(text))


def has_han(text: str) -> bool:
    """Whether text holds Han characters (the ones OpenCC converts; kana not counted)."""
    return bool(_HAN.search(text))


_SCRIPT_OF_LANGUAGE = {
    **dict.fromkeys(("he", "yi"), "Hebrew"),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "Arabic"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "be", "kk", "mk", "mn"), "Cyrillic"),
    "el": "Greek",
    "ja": "Japanese",
    "zh": "Han",
    "ko": "Hangul",
    "th": "Thai",
    **dict.fromkeys(("hi", "mr", "ne"), "Devanagari"),
}


def script_of_language(tag: str) -> str:
    """The script a language is written in ('he' -> Hebrew, 'zh-Hant' -> Han; Latin by default).

    Two languages on different scripts are told apart reliably even on one short text, where two
    languages on the same script (Spanish and Portuguese) are not.
    """
    return _SCRIPT_OF_LANGUAGE.get(tag.split("-")[0].lower(), "Latin")
