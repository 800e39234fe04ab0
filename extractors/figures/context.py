"""Narrative context: the sentences in running text that refer to a figure ('as shown in Figure 3')."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.figures.captions import FIGURE_WORDS
from textkit import CAPITALISED, split_sentences

_MENTION = re.compile(
    rf"(?:{FIGURE_WORDS}|[图圖図])\s*"
    r"(?P<nums>(?:S?\d+(?:\.\d+)?[A-Za-z]?)(?:\s*(?:,|and|&|to|[-–—])\s*(?:S?\d+(?:\.\d+)?[A-Za-z]?))*)"
)
_NUM = re.compile(r"S?\d+(?:\.\d+)?")
MAX_CONTEXT = 5
"""Sentences kept per figure: enough to ground a question, not the whole article."""


def mentioned_numbers(sentence: str) -> set[str]:
    """Figure numbers a sentence refers to, ranges expanded ('Figures 2–4' -> 2, 3, 4); chapter numbers
    kept whole ('Figure 2.3' -> 2.3)."""
    found: set[str] = set()
    for match in _MENTION.finditer(sentence):
        text = match.group("nums")
        nums = _NUM.findall(text)
        found.update(nums)
        ranges = [] if "." in text else re.findall(r"(\d+)[A-Za-z]?\s*(?:[-–—]|to)\s*(\d+)", text)
        for a, b in ranges:
            if int(a) < int(b) <= int(a) + 20:
                found.update(str(n) for n in range(int(a), int(b) + 1))
    return found


def figure_context(paragraphs: Iterable[str]) -> dict[str, list[str]]:
    """For each figure number, the sentences that mention it, in document order, without repeats."""
    out: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph, CAPITALISED):
            for number in mentioned_numbers(sentence):
                kept = out.setdefault(number, [])
                if sentence not in kept and len(kept) < MAX_CONTEXT:
                    kept.append(sentence)
    return out
