"""Answer keys as banks write them: labels ('A', 'A,C', 'ACD'), alternatives ('a or d'), 0- or 1-based
indexes, the option's own text, numeric fill-in answers (a question with no options), and markers of
an annulled question."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from extractors.exam_text import normalise_label

ANNULLED_KEY = re.compile(
    r"^\s*(?:invalid|annull?ed|annulé[e]?|anulad[ao]|anulled|cancell?ed|cancelad[ao]|void|nul[ao]|nulle|"
    r"ogiltig|struken|unieważnion[aey]|deleted|removed|withdrawn|送分|一律給分|一律给分|無效|无效|"
    r"削除|不適切問題|採点除外|무효|\*|x)\s*$",
    re.IGNORECASE,
)
MISSING_KEY = {"", "nan", "none", "null", "n/a", "na", "-", "?"}
ALTERNATIVE = re.compile(r"\s+(?:or|ou|o|oder|eller|lub|albo|או|или)\s+|\s*或\s*", re.IGNORECASE)
ALL_OF = re.compile(r"\s*(?:[,;/&+、，]|\band\b|\bet\b|\by\b|\be\b|\bund\b|\boch\b|\bi\b|和|及)\s*|\s+")
NUMBER = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?(?:\s*[%‰]|\s*[A-Za-zµμ/°]{1,8})?$")


@dataclass
class ReadAnswer:
    """What a key cell says: the labels, how they were read, or that the question was annulled."""

    labels: list[str] = field(default_factory=list)
    note: str | None = None
    annulled: str | None = None
    open_answer: bool = False


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .;:")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_KEY


def _looks_like_an_index(text: str) -> bool:
    """A bare 0-10 is as likely an option number whose options were not mapped as a fill-in answer:
    it is read as one only with answer_format fill_in."""
    return text.isdigit() and int(text) <= 10


def _index(value: int, labels: list[str], base: int) -> str | None:
    position = value - base
    return labels[position] if 0 <= position < len(labels) else None


def _one(
    token: Any, labels: list[str], texts: dict[str, str], fmt: str, base: int
) -> tuple[str | None, str | None]:
    """One key entry as a label (or None) and how it was read."""
    if isinstance(token, bool):
        return None, None
    if isinstance(token, int | float) and not isinstance(token, bool):
        if float(token).is_integer() and fmt in ("auto", "index"):
            label = _index(int(token), labels, base)
            return (label, f"index (from {base})") if label else (str(int(token)), None)
        return str(token), None
    text = str(token).strip()
    if not text:
        return None, None
    label = normalise_label(text)
    if fmt == "index" and text.isdigit():  # digits are positions; anything else is read as auto reads it
        found = _index(int(text), labels, base)
        return (found, f"index (from {base})") if found else (label, None)
    if fmt in ("auto", "label", "index") and label in labels:
        return label, None
    if fmt in ("auto", "text", "index"):
        folded = _fold(text)
        for option_label, option_text in texts.items():
            if folded and _fold(option_text) == folded:
                return option_label, "the option's text"
    if fmt in ("auto", "index") and text.isdigit():
        found = _index(int(text), labels, base)
        if found:
            return found, f"index (from {base})"
    return label, None


def read_answer(value: Any, options: list[tuple[str, str]], fmt: str = "auto", base: int = 0) -> ReadAnswer:
    """The key `value` read against the question's options (label, text)."""
    labels = [label for label, _ in options]
    texts = dict(options)
    if isinstance(value, list | tuple):
        found, notes = [], set()
        for entry in value:
            if _is_missing(entry):
                continue
            label, note = _one(entry, labels, texts, fmt, base)
            if label:
                found.append(label)
            if note:
                notes.add(note)
        return ReadAnswer(sorted(set(found)), ", ".join(sorted(notes)) or None)
    if _is_missing(value):
        return ReadAnswer()
    if isinstance(value, str) and ANNULLED_KEY.match(value):
        return ReadAnswer(annulled=f"the key says '{value.strip()}'")
    if not isinstance(value, str) and not labels and isinstance(value, int | float):
        number = int(value) if float(value).is_integer() else value
        if fmt == "fill_in" or not _looks_like_an_index(str(number)):
            return ReadAnswer([str(number)], "numeric fill-in", open_answer=True)
        return ReadAnswer([str(number)])
    if not isinstance(value, str):
        label, note = _one(value, labels, texts, fmt, base)
        return ReadAnswer([label] if label else [], note)
    text = unicodedata.normalize("NFC", value).strip()
    if not labels:
        # no options: a numeric fill-in answer is the answer itself; anything else waits for options
        if fmt == "fill_in" or (NUMBER.match(text) and not _looks_like_an_index(text)):
            return ReadAnswer([text], "numeric fill-in", open_answer=True)
        return ReadAnswer([normalise_label(text)])
    whole, note = _one(text, labels, texts, fmt, base)
    if whole in labels:
        return ReadAnswer([whole], note)
    if fmt in ("auto", "label"):
        alternatives = [p for p in ALTERNATIVE.split(text) if p.strip()]
        if len(alternatives) > 1:
            read = [_one(p, labels, texts, "label", base)[0] for p in alternatives]
            if all(r in labels for r in read):
                return ReadAnswer(sorted(set(r for r in read if r)), "alternatives: any one is accepted")
        parts = [p for p in ALL_OF.split(text) if p.strip()]
        if len(parts) > 1:
            read = [_one(p, labels, texts, "label", base)[0] for p in parts]
            if all(r in labels for r in read):
                return ReadAnswer(sorted(set(r for r in read if r)))
        letters = text.replace(" ", "")
        if (
            len(letters) > 1
            and all(len(label) == 1 for label in labels)
            and all(ch.upper() in labels for ch in letters)
            and letters.isalpha()
        ):
            return ReadAnswer(sorted({ch.upper() for ch in letters}), "concatenated labels")
    return ReadAnswer([whole] if whole else [], note)
