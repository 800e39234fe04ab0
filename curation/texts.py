"""The comparable form of an item (stem, options, images) and the pair guards every dedup method shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from curation.stems import skip_reason, token_jaccard
from schemas import BenchmarkItem, canonical_json
from textkit import EVERY_STOP, normalize_text, split_sentences

LONG_SENTENCE_CHARS = 40
"""A sentence at least this long (normalised) that two stems share counts as a shared vignette."""


@dataclass(frozen=True)
class ItemText:
    """What dedup compares of one item; plain `{id, text}` rows have no options or images."""

    item_id: str
    stem: str
    options: tuple[str, ...] = ()
    image_hashes: tuple[str, ...] = ()
    language: str = ""
    norm_stem: str = field(default="", compare=False)
    norm_options: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def make(
        cls,
        item_id: str,
        stem: str,
        options: Sequence[str] = (),
        image_hashes: Sequence[str] = (),
        language: str = "",
    ) -> ItemText:
        """Build one, with the normalised forms computed once (options sorted: order is ignored)."""
        norm_options = tuple(sorted(normalize_text(o) for o in options))
        return cls(
            item_id=item_id,
            stem=stem,
            options=tuple(options),
            image_hashes=tuple(sorted(image_hashes)),
            language=language,
            norm_stem=normalize_text(stem),
            norm_options=norm_options,
        )

    @classmethod
    def of_item(cls, item: BenchmarkItem) -> ItemText:
        """The comparable form of a BenchmarkItem: stem + option texts + image hashes."""
        return cls.make(
            item.item_id,
            item.question,
            [o.text for o in item.options],
            [i.sha256 for i in item.images],
            item.language,
        )

    @property
    def normalized(self) -> str:
        """Normalised stem followed by the sorted normalised options: what MinHash shingles."""
        return " ".join((self.norm_stem, *self.norm_options)).strip()

    @property
    def embedding_text(self) -> str:
        """Stem and options (sorted by normalised text) as one string: what the encoder reads."""
        ordered = sorted(self.options, key=normalize_text)
        return self.stem if not ordered else self.stem + "\n" + "\n".join(ordered)

    def exact_key(self) -> str:
        """Normalised stem + option texts (order ignored) + image hashes."""
        return canonical_json([self.norm_stem, list(self.norm_options), list(self.image_hashes)])

    def skip_reason(self, min_chars: int) -> str | None:
        """Why this item is never compared (placeholder, bare number, too short), or None."""
        return skip_reason(self.norm_stem, min_chars)


def _question_sentence(text: str) -> tuple[list[str], str]:
    """All normalised sentences, and the one that asks: the last ending in '?', else the last one."""
    raw = split_sentences(text, EVERY_STOP)
    normalised = [normalize_text(p) for p in raw]
    asking = [n for p, n in zip(raw, normalised, strict=True) if p.rstrip().endswith(("?", "？"))]
    return normalised, (asking[-1] if asking else (normalised[-1] if normalised else ""))


def pair_rejection(a: ItemText, b: ItemText) -> str | None:
    """Why two similar-looking items are still not duplicates, or None when they may be merged.

    Similarity alone over-merges: the same question on different images, the same stem with other
    options ("Which of the following is true?"), one vignette with several questions (a long sentence
    other than the question is shared, and the asking sentences differ), and translations (kept on
    purpose; they share a parallel group).
    """
    if a.image_hashes != b.image_hashes:
        return "different_images"
    if a.language and b.language and a.language != b.language:
        return "different_language"
    if a.norm_options and b.norm_options:
        if token_jaccard(" ".join(a.norm_options), " ".join(b.norm_options)) < 0.5:
            return "different_options"
    a_parts, a_question = _question_sentence(a.stem)
    b_parts, b_question = _question_sentence(b.stem)
    if a_question != b_question:
        shared = {s for s in a_parts if len(s) >= LONG_SENTENCE_CHARS} & set(b_parts)
        shared -= {a_question, b_question}
        if shared and token_jaccard(a_question, b_question) < 0.5:
            return "shared_vignette_different_question"
    return None
