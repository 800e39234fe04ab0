"""Chinese script conversion with OpenCC (one cached converter per configuration) and script detection."""

from __future__ import annotations

from functools import cache
from typing import Any

from textkit.scripts import has_han


@cache
def opencc_converter(config: str) -> Any:
    """The OpenCC converter of a configuration ('s2t', 't2s', 's2tw', 'tw2s', ...), built once per process
    (building one reads its dictionaries, about 50 ms)."""
    import opencc

    return opencc.OpenCC(config)


def opencc_version() -> str:
    """The installed OpenCC's version, as a translated item records its tool."""
    import opencc

    return getattr(opencc, "__version__", "unknown")


def to_traditional(text: str) -> str:
    """Simplified -> traditional Chinese (OpenCC s2t)."""
    return opencc_converter("s2t").convert(text)


def fold_chinese(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s), only when the text has Han characters."""
    return opencc_converter("t2s").convert(text) if has_han(text) else text


def chinese_script(text: str) -> str | None:
    """'Hans' or 'Hant' by which conversion changes more characters; None when neither does."""
    to_trad = sum(a != b for a, b in zip(text, opencc_converter("s2t").convert(text), strict=False))
    to_simp = sum(a != b for a, b in zip(text, opencc_converter("t2s").convert(text), strict=False))
    if to_trad == to_simp:
        return None
    return "Hans" if to_trad > to_simp else "Hant"


def chinese_script_of_tag(tag: str) -> str | None:
    """'Hans' / 'Hant' implied by a Chinese tag (zh-TW, zh-HK, zh-Hant -> Hant), or None for 'zh'."""
    lowered = tag.lower()
    if "hant" in lowered or lowered.endswith(("-tw", "-hk", "-mo")):
        return "Hant"
    if "hans" in lowered or lowered.endswith(("-cn", "-sg")):
        return "Hans"
    return None
