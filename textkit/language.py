"""Language of a text as a BCP 47 tag, and whether a detected tag agrees with a declared one.

Latin-script languages by `langdetect` (seeded, so repeatable); Chinese by script, with traditional
vs simplified told apart by which OpenCC conversion changes the text. None means "not sure": a check
built on it should then pass, since a wrong rejection loses a good item.
"""

from __future__ import annotations

import re
import threading

from textkit.chinese import chinese_script, chinese_script_of_tag
from textkit.scripts import HAN, HANGUL, KANA

_HAN = re.compile(f"[{HAN}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LOCK = threading.Lock()
MIN_LETTERS = 20
MIN_PROBABILITY = 0.9


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
