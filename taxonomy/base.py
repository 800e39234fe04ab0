"""What every tagger offers (one Protocol) and what it finds (a TagHit per code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from schemas import Vocabulary


@dataclass(frozen=True)
class TextToTag:
    """A text and its language (BCP 47, None when unknown: every language's names then apply)."""

    text: str
    language: str | None = None


@dataclass(frozen=True)
class TagHit:
    """One tagger's finding: a code, how sure, and the words that gave it away."""

    vocabulary: Vocabulary
    code: str
    confidence: float
    tagger: str
    evidence: str = ""


@runtime_checkable
class Tagger(Protocol):
    """A tagger: a name for provenance and one batch call (batches let embedding taggers vectorise)."""

    name: str

    def tag(self, texts: Sequence[TextToTag]) -> list[list[TagHit]]:
        """Hits for each text, in input order; an empty list where nothing was found."""
        ...


def noisy_or(confidences: Sequence[float]) -> float:
    """Combined confidence of independent pieces of evidence: 1 - prod(1 - c)."""
    remaining = 1.0
    for confidence in confidences:
        remaining *= 1.0 - max(0.0, min(1.0, confidence))
    return 1.0 - remaining
