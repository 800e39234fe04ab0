"""Sentence splitting by rule: where a sentence may end, what must follow, which abbreviations never end one.

Callers cut for different jobs, so one splitter takes a `SentenceRule`; the rules below are the ones in
use. A rule that wants whitespace after the stop keeps '3.5 mg' whole; `EVERY_STOP` does not and
cuts at every stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textkit.scripts import CJK

ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "Dr.", "Fig.", "Figs.", "approx.", "et al.", "No.", "Mr.", "Mrs.")
"""Abbreviations whose full stop never ends a sentence."""
_HOLD = "\x00"


@dataclass(frozen=True)
class SentenceRule:
    """Where one kind of caller cuts sentences.

    A sentence may end after a character of `ends`. When `next_start` is set, the cut needs whitespace
    and then a character of that regex class; without it, the cut is right after the stop. After a
    character of `ends_without_space` (full-width stops) no whitespace is needed.
    """

    ends: str
    next_start: str | None = None
    ends_without_space: str = ""
    abbreviations: tuple[str, ...] = ()
    boundary: re.Pattern[str] = field(init=False, repr=False, compare=False)
    protected: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ends = re.escape(self.ends)
        if self.next_start is None:
            pattern = rf"(?<=[{ends}])\s*"
        else:
            pattern = rf"(?<=[{ends}])\s+(?={self.next_start})"
        if self.ends_without_space:
            pattern += rf"|(?<=[{re.escape(self.ends_without_space)}])"
        object.__setattr__(self, "boundary", re.compile(pattern))
        # longest first ('Figs' before 'Fig'); not inside a word ('behövs.'), but after Chinese ('由Dr. Li')
        held = "|".join(sorted((re.escape(a[:-1]) for a in self.abbreviations), key=len, reverse=True))
        protected = re.compile(rf"(?<![^\W\d_{CJK}])(?:{held})\.") if held else None
        object.__setattr__(self, "protected", protected)


PROSE = SentenceRule(
    ends=".!?。！？",
    next_start="[A-Z0-9(\"'“\u4e00-\u9fff]",
    ends_without_space="。！？",
    abbreviations=ABBREVIATIONS,
)
"""Running prose in any language: a stop, space and a capital, digit, quote or Han character; or a
full-width stop. Case presentations are cut with it."""
CAPITALISED = SentenceRule(ends=".!?。", next_start='[A-Z0-9“"(\\[]', abbreviations=ABBREVIATIONS)
"""A stop, space and a capital, digit, quote or bracket: 'Fig. 2' and 'see figure 3. b' stay whole.
Figure mentions are found with it."""
ARTICLE = SentenceRule(ends=".!?。", next_start='[(\\["“\\w]')
"""A stop, space and any word character, quote or bracket: rough cuts of article text (mentions and
diagnosis cues), no abbreviation held."""
EVERY_STOP = SentenceRule(ends=".!?。！？")
"""Right after every stop, space or not: the sentences of an exam stem, to find the one that asks."""


def split_sentences(text: str, rule: SentenceRule = PROSE) -> list[str]:
    """Sentences of a text by `rule`, stripped, empty ones dropped."""
    if rule.protected is not None:
        text = rule.protected.sub(lambda m: m.group(0)[:-1] + _HOLD, text)
    parts = (part.replace(_HOLD, ".").strip() for part in rule.boundary.split(text))
    return [part for part in parts if part]
