"""Options written as text: all in one string or cell, or inside the stem ('... A) foo B) bar').

A run of option markers is accepted only when its labels follow each other (A, B, C ... or 1, 2,
3 ...) in the text's order, so a stray 'a.' or '(A)' inside a sentence does not cut it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BEFORE = r"(?:(?<=^)|(?<=[\s:：;；。？?！!,，、]))"
# marker styles, tried in this order; each gives (label, start, end of marker)
MARKER_STYLES: dict[str, re.Pattern[str]] = {
    "paren": re.compile(_BEFORE + r"[(（]\s*(?P<label>[A-Ja-j])\s*[)）]\s*"),
    "close": re.compile(_BEFORE + r"(?P<label>[A-Ja-j])\s*[)）]\s*"),
    "dot": re.compile(_BEFORE + r"(?P<label>[A-Ja-j])\s*[.．:：、]\s*(?![A-Za-z]\s*\.)"),
    "bare_line": re.compile(r"(?m)^[ \t]*(?P<label>[A-J])(?:[ \t]+|(?=[^\x00-\x7f]))"),
    "number": re.compile(_BEFORE + r"(?P<label>[1-9])\s*[).．、]\s+"),
}
LABEL_PREFIX = re.compile(r"^\s*[(（]?\s*(?P<label>[A-Ja-j]|[1-9])\s*[)）.．:：、]\s*(?P<text>.*)$", re.S)


@dataclass(frozen=True)
class SplitOptions:
    """The text before the first option marker, and the options as (label, text)."""

    stem: str
    options: list[tuple[str, str]]
    style: str


def _unescape(text: str) -> str:
    """A literal backslash-n (as some spreadsheets hold it) read as a line break."""
    if "\\n" in text and "\n" not in text:
        return text.replace("\\r\\n", "\n").replace("\\n", "\n")
    return text


def _chain(matches: list[re.Match[str]], require_start: bool) -> list[re.Match[str]]:
    """The longest run of markers whose labels follow each other, in text order."""
    best: list[re.Match[str]] = []
    for first_index, first in enumerate(matches):
        label = first.group("label")
        start_ok = label.upper() in ("A", "1") or (not require_start and label.upper() in ("B",))
        if not start_ok:
            continue
        chain = [first]
        for later in matches[first_index + 1 :]:
            if ord(later.group("label")) == ord(chain[-1].group("label")) + 1:
                chain.append(later)
        if len(chain) > len(best):
            best = chain
    return best


def split_option_text(text: str, *, require_start: bool = True) -> SplitOptions | None:
    """Options found in `text`, or None when no run of two or more markers is there.

    `require_start`: the run must begin at A (or 1), as options inside a stem do; a cell that holds
    only options may begin at B (some banks drop an option A)."""
    text = _unescape(text)
    for style, pattern in MARKER_STYLES.items():
        matches = list(pattern.finditer(text))
        chain = _chain(matches, require_start)
        if len(chain) < 2:
            continue
        options = []
        for index, match in enumerate(chain):
            end = chain[index + 1].start() if index + 1 < len(chain) else len(text)
            options.append((match.group("label").upper(), text[match.end() : end].strip()))
        if any(not option_text for _, option_text in options):
            continue
        return SplitOptions(text[: chain[0].start()].strip(), options, style)
    return None


def labelled_entries(entries: list[str]) -> list[tuple[str, str]] | None:
    """Option strings that each carry their label ('(A)GDM的篩檢…', 'B. foo'), as (label, text); None
    unless every entry does and the labels follow each other."""
    parsed = []
    for entry in entries:
        match = LABEL_PREFIX.match(entry)
        if not match or not match.group("text").strip():
            return None
        parsed.append((match.group("label").upper(), match.group("text").strip()))
    labels = [label for label, _ in parsed]
    if len(parsed) < 2 or any(ord(b) != ord(a) + 1 for a, b in zip(labels, labels[1:], strict=False)):
        return None
    return parsed
