"""Text prepared for the taggers: folded once, with word tokens and sentence bounds kept as offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textkit import fold, word_spans

_APOSTROPHES = "'’ʼ`´"


def _is_possessive(folded: str, match: re.Match[str]) -> bool:
    """A lone 's' right after an apostrophe ('Crohn’s'): dropped, so 'Crohn's disease' is 'Crohn disease'."""
    return match.group() == "s" and match.start() > 0 and folded[match.start() - 1] in _APOSTROPHES


def match_words(folded: str) -> tuple[str, ...]:
    """Word tokens of folded text as names are matched: possessive 's' left out."""
    return tuple(m.group() for m in word_spans(folded) if not _is_possessive(folded, m))


# A colon does not end a sentence: 'nega: febre, tosse' negates what the colon lists. Sentence bounds
# here limit a negation's reach, so ';' and a line break end one too.
_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")


@dataclass(frozen=True)
class Token:
    """One word with its place in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PreparedText:
    """A text ready for every tagger: the original, its folded form and tokens of both."""

    original: str
    folded: str
    folded_tokens: tuple[Token, ...]
    cased_tokens: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> PreparedText:
        """Fold and tokenise once; every vocabulary's lexicon reads the result."""
        folded = fold(text)
        tokens = tuple(
            Token(m.group(), m.start(), m.end()) for m in word_spans(folded) if not _is_possessive(folded, m)
        )
        cased = tuple(text[t.start : t.end] for t in tokens)
        return cls(text, folded, tokens, cased)

    def sentence_start(self, position: int) -> int:
        """Where the sentence holding `position` starts."""
        start = 0
        for match in _SENTENCE_END.finditer(self.folded, 0, position):
            start = match.end()
        return start

    def sentence_end(self, position: int) -> int:
        """Where the sentence holding `position` ends."""
        match = _SENTENCE_END.search(self.folded, position)
        return match.start() if match else len(self.folded)
