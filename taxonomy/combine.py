"""Combining taggers' hits into TaxonomyTags: one confidence per code, rolled up the hierarchy.

Hits for the same code from several taggers combine by noisy-or (independent evidence). A code
implies its ancestors (a category its block and chapter, a specialty its area): each ancestor gets
the noisy-or of its own hit and of every tagged code below it, so an area named by two of its
specialties is surer than one named by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from schemas import TaxonomyTag, Vocabulary
from taxonomy.base import TagHit, noisy_or
from vocabulary import load_vocabulary

ROLLUP_SUFFIX = "+rollup"


def combine_hits(
    hits: Iterable[TagHit], min_confidence: float = 0.0, rollup: bool = True
) -> list[TaxonomyTag]:
    """Tags from hits: merged per code, rolled up, filtered by confidence, best first per vocabulary."""
    by_code: dict[tuple[Vocabulary, str], list[TagHit]] = defaultdict(list)
    for hit in hits:
        by_code[(hit.vocabulary, hit.code)].append(hit)
    direct: dict[tuple[Vocabulary, str], tuple[float, str]] = {}
    for key, group in by_code.items():
        taggers = "+".join(sorted({h.tagger for h in group}))
        direct[key] = (noisy_or([h.confidence for h in group]), taggers)

    implied: dict[tuple[Vocabulary, str], list[float]] = defaultdict(list)
    implied_taggers: dict[tuple[Vocabulary, str], set[str]] = defaultdict(set)
    if rollup:
        for (vocabulary, code), (confidence, taggers) in direct.items():
            table = load_vocabulary(vocabulary)
            for ancestor in table.ancestors(code):
                implied[(vocabulary, ancestor.code)].append(confidence)
                implied_taggers[(vocabulary, ancestor.code)].update(taggers.split("+"))

    tags: list[TaxonomyTag] = []
    for key in set(direct) | set(implied):
        vocabulary, code = key
        own, taggers = direct.get(key, (0.0, ""))
        confidence = noisy_or([own, *implied.get(key, [])])
        if key not in direct:
            taggers = "+".join(sorted(implied_taggers[key])) + ROLLUP_SUFFIX
        if confidence < min_confidence or confidence <= 0.0:
            continue
        term = load_vocabulary(vocabulary).get(code)
        tags.append(
            TaxonomyTag(
                vocabulary=vocabulary,
                code=term.code,
                title=term.title,
                confidence=round(min(1.0, confidence), 4),
                tagger=taggers,
                level=term.level,
            )
        )
    return sort_tags(tags)


def sort_tags(tags: Iterable[TaxonomyTag]) -> list[TaxonomyTag]:
    """Vocabulary order, the primary code first, then most confident first, then code: a stable order
    for hashing."""
    return sorted(tags, key=lambda t: (_ORDER[t.vocabulary], not t.primary, -t.confidence, t.code))


_ORDER = {**{v: i for i, v in enumerate(Vocabulary)}, **{v.value: i for i, v in enumerate(Vocabulary)}}
"""Vocabulary order, by enum member and by its value (tags read back from Parquet hold the value)."""


def merge_existing(existing: Iterable[TaxonomyTag], new: Iterable[TaxonomyTag]) -> list[TaxonomyTag]:
    """Tags an item already carried (e.g. from its source) kept beside new ones; new wins per code."""
    new = list(new)
    replaced = {Vocabulary(t.vocabulary) for t in new if t.primary}
    merged = {
        (Vocabulary(t.vocabulary), t.code): (
            t.model_copy(update={"primary": False})
            if t.primary and Vocabulary(t.vocabulary) in replaced
            else t
        )
        for t in existing
    }
    for tag in new:
        merged[(Vocabulary(tag.vocabulary), tag.code)] = tag
    return sort_tags(merged.values())


def top_tag(
    tags: Iterable[TaxonomyTag], vocabulary: Vocabulary, level: str | None = None
) -> TaxonomyTag | None:
    """The most confident tag of one vocabulary (and level), or None."""
    candidates = [
        t for t in tags if Vocabulary(t.vocabulary) is vocabulary and (level is None or t.level == level)
    ]
    return sort_tags(candidates)[0] if candidates else None
