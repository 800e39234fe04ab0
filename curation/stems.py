"""What curation compares of a text: normalised stems (textkit), placeholder stems, token overlap."""

from __future__ import annotations

from textkit import tokens

PLACEHOLDERS = frozenset(
    {
        "see image",
        "see the image",
        "see figure",
        "see the figure",
        "refer to the image",
        "refer to image",
        "refer to the figure",
        "image",
        "figure",
        "question image",
        "image question",
        "na",
        "n a",
        "none",
        "null",
        "nan",
        "blank",
        "tbd",
        "ver imagem",
        "veja a imagem",
        "voir image",
        "voir la figure",
        "见图",
        "如图",
        "见下图",
        "如下图",
    }
)
"""Normalised stems that say nothing by themselves: never compared, never merged."""


def skip_reason(normalized_stem: str, min_chars: int) -> str | None:
    """Why a stem cannot be compared (placeholder, bare number, too short), or None when it can."""
    if normalized_stem in PLACEHOLDERS:
        return "placeholder"
    if normalized_stem.replace(" ", "").isdigit() or not normalized_stem:
        return "no_text" if not normalized_stem else "bare_number"
    if len(normalized_stem) < min_chars:
        return "too_short"
    return None


def token_jaccard(a: str, b: str) -> float:
    """Jaccard of the token sets of two normalised texts (1.0 when both are empty)."""
    left, right = set(tokens(a)), set(tokens(b))
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)
