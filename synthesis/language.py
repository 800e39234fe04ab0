"""Language of a text, for the 'declared language equals detected' item check.

Latin-script languages by `langdetect` (seeded, so repeatable); Chinese by script, with traditional
vs simplified told apart by which OpenCC conversion changes the text. None means "not sure": the
check then passes, since a wrong rejection loses a good item.
"""

from __future__ import annotations

import re
import threading
from functools import cache

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LOCK = threading.Lock()
MIN_LETTERS = 20
MIN_PROBABILITY = 0.9


@cache
def converter(config: str):  # noqa: ANN201 - opencc has no type stubs
    """A cached OpenCC converter ('s2t', 't2s', 's2tw', 'tw2s', ...)."""
    import opencc

    return opencc.OpenCC(config)


def chinese_script(text: str) -> str | None:
    """'Hans' or 'Hant' by which conversion changes more characters; None when neither does."""
    to_traditional = sum(a != b for a, b in zip(text, converter("s2t").convert(text), strict=False))
    to_simplified = sum(a != b for a, b in zip(text, converter("t2s").convert(text), strict=False))
    if to_traditional == to_simplified:
        return None
    return "Hans" if to_traditional > to_simplified else "Hant"


def detect_language(text: str) -> str | None:
    """A BCP 47 tag ('en', 'pt', 'zh-Hans', ...) or None when the text is too short or unclear."""
    letters = _LETTER.findall(text)
    if len(letters) < MIN_LETTERS:
        return None
    han = len(_HAN.findall(text))
    if _HANGUL.search(text) and len(_HANGUL.findall(text)) > han:
        return "ko"
    if _KANA.search(text):
        return "ja"
    if han > len(letters) / 2:
        script = chinese_script(text)
        return f"zh-{script}" if script else "zh"
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    with _LOCK:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return None
    return best.lang if best.prob >= MIN_PROBABILITY else None


def language_matches(declared: str, detected: str | None) -> bool:
    """Whether a detected tag agrees with the declared one (primary subtag; script for Chinese)."""
    if detected is None:
        return True
    declared_parts = declared.split("-")
    detected_parts = detected.split("-")
    if declared_parts[0].lower() != detected_parts[0].lower():
        return False
    if declared_parts[0].lower() == "zh" and len(detected_parts) > 1:
        declared_script = chinese_script_of_tag(declared)
        return declared_script is None or declared_script == detected_parts[1]
    return True


def chinese_script_of_tag(tag: str) -> str | None:
    """'Hans' / 'Hant' implied by a Chinese tag (zh-TW, zh-HK, zh-Hant -> Hant), or None for 'zh'."""
    lowered = tag.lower()
    if "hant" in lowered or lowered.endswith(("-tw", "-hk", "-mo")):
        return "Hant"
    if "hans" in lowered or lowered.endswith(("-cn", "-sg")):
        return "Hans"
    return None
