"""Language of a text as a BCP 47 tag, and whether a detected tag agrees with a declared one.

Japanese, Korean and Chinese by script (traditional vs simplified told apart by which OpenCC
conversion changes the text); every other language by CLD2 (`pycld2`) on texts long enough for it to
be sure, else py3langid: both ship their models in the wheel, and together run about 40x faster than
`langdetect`, which stays available as the reference identifier. None means "not sure": a check
built on it should then pass, since a wrong rejection loses a good item.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from textkit.chinese import chinese_script, chinese_script_of_tag
from textkit.scripts import HAN, HANGUL, KANA

_HAN = re.compile(f"[{HAN}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LOCK = threading.Lock()
MIN_LETTERS = 20
MIN_PROBABILITY = 0.9
"""langdetect: the top language's probability at or above which it is believed."""
CLD2_MIN_BYTES = 200
"""CLD2 decides texts of at least this many UTF-8 bytes; on shorter ones it can be sure and wrong (a
French stem naming 'Clostridium perfringens' read as English, 98%), so py3langid decides those."""
CLD2_MIN_PERCENT = 90
"""CLD2: share of the text's bytes (percent) its top language must hold, on a reliable call; below
that (mixed text) py3langid decides."""
LANGID_MIN_PROBABILITY = 0.7
"""py3langid: the top language's (normalised) probability at or above which it is believed. Lower
than langdetect's 0.9: on short stems py3langid spreads probability over close languages (pt/gl,
ru/bg/uk) while its top answer stays right (benchmarks/bench_language.py)."""
_CHINESE_VARIETIES = frozenset({"zh", "yue", "wuu"})
IDENTIFIERS = ("fast", "langdetect")
_LEGACY_CODES = {"iw": "he", "in": "id", "jw": "jv", "mo": "ro", "nb": "no"}
"""CLD2's legacy codes -> the ones langdetect (and BCP 47) use."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@cache
def _langid() -> Any:
    """py3langid's identifier with probabilities normalised to 0..1, loaded once per process (~0.3 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _named(code: str, text: str) -> str:
    """A CLD2 / langid code as the tag we use; Chinese gets its script from the script rule."""
    if code.startswith("zh"):  # Chinese mixed with Latin terms
        script = chinese_script(text)
        return f"zh-{script}" if script else "zh"
    return _LEGACY_CODES.get(code, code.split("-")[0])


def _by_fast(text: str) -> str | None:
    """CLD2 where it is sure on a long enough text, else py3langid if sure, else None (unsure)."""
    import pycld2

    cleaned = _CONTROL.sub(" ", text)
    raw = cleaned.encode("utf-8", "replace")
    if len(raw) >= CLD2_MIN_BYTES:
        try:
            reliable, _, details = pycld2.detect(raw, isPlainText=True)
        except pycld2.error:
            details, reliable = (), False
        if reliable and details[0][1] not in ("un", "xxx") and details[0][2] >= CLD2_MIN_PERCENT:
            return _named(details[0][1], text)
    code, probability = _langid().classify(cleaned)
    if code in _CHINESE_VARIETIES:  # yue / wuu / zh share the Han script: one language for the check
        code = "zh"
        probability = sum(p for c, p in _langid().rank(cleaned)[:5] if c in _CHINESE_VARIETIES)
    return _named(code, text) if probability >= LANGID_MIN_PROBABILITY else None


def _by_langdetect(text: str) -> str | None:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    with _LOCK:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return None
    return best.lang if best.prob >= MIN_PROBABILITY else None


def detect_language(text: str, identifier: str = "fast") -> str | None:
    """A BCP 47 tag ('en', 'pt', 'zh-Hans', ...) or None when the text is too short or unclear.

    `identifier` names who decides past the script rules: 'fast' (default: CLD2, else py3langid) or
    'langdetect' (the reference).
    """
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
    if identifier == "fast":
        return _by_fast(text)
    if identifier == "langdetect":
        return _by_langdetect(text)
    raise ValueError(f"unknown language identifier {identifier!r}; choose from {', '.join(IDENTIFIERS)}")


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
