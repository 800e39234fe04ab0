"""Item checks every generated item must pass; a failure is a RecordError with its reason code."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict

from schemas import BenchmarkItem, ReasonCode, RecordError, TaskType
from synthesis.text import contains_term
from textkit import detect_language, language_matches, match_form

MIN_ANSWER_CHARS = 3
PASSED_MEMO_SIZE = 1 << 19
"""Content keys of items that passed `check_item`, kept so a second look (the asset check after
synthesis, a retried step) does not redo the work, language detection above all (16 bytes a key)."""
_passed: OrderedDict[bytes, None] = OrderedDict()


def check_required(item: BenchmarkItem) -> None:
    """Stem and answer present; choice tasks have two or more non-empty options; VQA has an image."""
    if not item.question.strip():
        raise RecordError(ReasonCode.MISSING_FIELD, "item has no question")
    if not item.answers or not all(a.strip() for a in item.answers):
        raise RecordError(ReasonCode.MISSING_FIELD, "item has no answer")
    if item.task != TaskType.OPEN_ENDED:
        if len(item.options) < 2:
            raise RecordError(ReasonCode.MISSING_FIELD, f"{item.task} item has {len(item.options)} options")
        empty = [o.label for o in item.options if not o.text.strip()]
        if empty:
            raise RecordError(ReasonCode.MISSING_FIELD, f"options {empty} have no text")
    if item.task == TaskType.VQA and not item.images:
        raise RecordError(ReasonCode.MISSING_FIELD, "VQA item has no image")


def check_answers_among_options(item: BenchmarkItem) -> None:
    """Every answer key is the label of an option."""
    if item.task == TaskType.OPEN_ENDED:
        return
    labels = [o.label for o in item.options]
    missing = [a for a in item.answers if a not in labels]
    if missing:
        raise RecordError(ReasonCode.ANSWER_NOT_IN_OPTIONS, f"answer {missing} not among options {labels}")


_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "﹣": "-", "－": "-", "＋": "+"})
_MEANINGFUL = re.compile(r"[+\-±<>≤≥=≠≈%↑↓/^°×÷*~]")


def option_form(text: str) -> str:
    """The form options are compared in: case- and punctuation-blind, but signs, minus, ±, <, >, %,
    digits and units kept, so 'HBsAg (+)' and 'HBsAg (−)', '−20度' and '20度' stay different."""
    signs = "".join(_MEANINGFUL.findall(unicodedata.normalize("NFKC", text).translate(_MINUS)))
    return f"{match_form(text)}\x00{signs}"


def check_options_distinct(item: BenchmarkItem) -> None:
    """Labels and option texts (compared case- and punctuation-blind, signs kept) do not repeat."""
    labels = [o.label for o in item.options]
    if len(set(labels)) != len(labels):
        raise RecordError(ReasonCode.DUPLICATE_OPTIONS, f"option labels repeat: {labels}")
    seen: dict[str, str] = {}
    for option in item.options:
        form = option_form(option.text)
        if form in seen:
            raise RecordError(
                ReasonCode.DUPLICATE_OPTIONS,
                f"options {seen[form]} and {option.label} say the same: '{option.text[:60]}'",
            )
        seen[form] = option.label


def answer_texts(item: BenchmarkItem) -> list[str]:
    """The text of the right answer(s): option texts for choice tasks, the answers themselves otherwise."""
    if item.task == TaskType.OPEN_ENDED:
        return list(item.answers)
    by_label = {o.label: o.text for o in item.options}
    return [by_label[a] for a in item.answers if a in by_label]


def check_answer_not_in_stem(item: BenchmarkItem) -> None:
    """The right answer's text does not appear in the stem (whole words, case-blind)."""
    for text in answer_texts(item):
        if len(match_form(text)) >= MIN_ANSWER_CHARS and contains_term(item.question, text):
            raise RecordError(ReasonCode.ANSWER_IN_STEM, f"the answer '{text[:60]}' appears in the stem")


def check_language(item: BenchmarkItem) -> None:
    """The detected language of stem and options equals the declared one (unsure detection passes).

    A stem that alone reads as the declared language passes: options of drug, muscle or gene names
    ('flexor carpi ulnaris', 'm. piriformis') must not make a Chinese or Swedish question Latin."""
    if item.options and language_matches(item.language, detect_language(item.question)):
        return
    text = " ".join([item.question, *(o.text for o in item.options)])
    detected = detect_language(text)
    if not language_matches(item.language, detected):
        raise RecordError(
            ReasonCode.LANGUAGE_MISMATCH, f"declared {item.language} but the text reads as {detected}"
        )


def _checked_content(item: BenchmarkItem, generated: bool) -> bytes:
    """A key over every field the checks read: same key, same verdict."""
    parts = [
        item.question,
        str(item.task),
        item.language,
        str(len(item.images)),
        "1" if generated else "0",
        *item.answers,
        "\x01",
        *(f"{o.label}\x02{o.text}" for o in item.options),
    ]
    return hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def check_item(item: BenchmarkItem, *, generated: bool = True) -> None:
    """All checks, cheapest first. Exam items (generated=False) skip the answer-in-stem check: an
    exam board's own wording may legitimately repeat an option.

    An item whose checked fields passed before in this process is not checked again (its verdict is
    the same), so the asset check after synthesis costs a hash per item, not a language detection.
    """
    key = _checked_content(item, generated)
    if key in _passed:
        return
    check_required(item)
    check_answers_among_options(item)
    check_options_distinct(item)
    if generated:
        check_answer_not_in_stem(item)
    check_language(item)
    _passed[key] = None
    if len(_passed) > PASSED_MEMO_SIZE:
        _passed.popitem(last=False)
