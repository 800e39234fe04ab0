"""The tagging stage entry point: items in, the same items with taxonomy tags out.

Taggers are named in `spec.taxonomy.taggers`: `lexicon` (names, abbreviations, cues; the default),
`embedding` (nearest label with a sentence embedder), `llm` (a model picks codes) and
`source_labels` (keep the tags an item already carries; they are always kept). Their hits combine
per code, roll up the hierarchy and are kept above `spec.taxonomy.min_confidence`. An item with no
medical term keeps no tags: nothing is guessed, and the metadata says how many and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from embeddings import TextEmbedder
from schemas import BenchmarkItem, BenchmarkSpec, SpecError, Stage, StageResult, TaxonomyTag, Vocabulary
from taxonomy.base import Tagger, TagHit, TextToTag
from taxonomy.combine import combine_hits, merge_existing
from taxonomy.coverage import coverage_summary
from taxonomy.embedding import EmbeddingSettings, EmbeddingTagger
from taxonomy.lexicon import LexiconTagger
from taxonomy.llm import Completer, LLMTagger
from taxonomy.vocabularies import as_vocabulary, vocabulary_versions

KNOWN_TAGGERS = ("lexicon", "embedding", "llm", "source_labels")
NO_TEXT = "empty text"
NO_TERMS = "no medical term found"


@dataclass(frozen=True)
class TextTags:
    """The tags of one text, and why there are none when there are none."""

    tags: list[TaxonomyTag]
    hits: list[TagHit] = field(default_factory=list)
    reason: str | None = None


def item_text(item: BenchmarkItem) -> str:
    """What of an item is tagged: question, options, explanation and image captions."""
    parts = [item.question, *(o.text for o in item.options), item.explanation or ""]
    parts.extend(i.caption or "" for i in item.images)
    return "\n".join(p for p in parts if p and p.strip())


def build_taggers(
    names: Sequence[str],
    options: dict[str, Any] | None = None,
    *,
    embedder: TextEmbedder | None = None,
    llm: Completer | None = None,
) -> list[Tagger]:
    """Taggers by name; raises SpecError naming an unknown tagger or a missing LLM."""
    options = options or {}
    vocabularies = [as_vocabulary(v) for v in options.get("vocabularies", [v.value for v in Vocabulary])]
    taggers: list[Tagger] = []
    for index, name in enumerate(names):
        if name not in KNOWN_TAGGERS:
            raise SpecError(
                f"taxonomy.taggers.{index}", f"unknown tagger '{name}' (known: {', '.join(KNOWN_TAGGERS)})"
            )
        if name == "lexicon":
            taggers.append(LexiconTagger(vocabularies))
        elif name == "embedding":
            if embedder is None:
                from embeddings import default_encoder

                embedder = default_encoder()
            settings = EmbeddingSettings(
                floor=float(options.get("embedding_floor", EmbeddingSettings.floor)),
                ceiling=float(options.get("embedding_ceiling", EmbeddingSettings.ceiling)),
                languages=tuple(options.get("embedding_languages", EmbeddingSettings.languages)),
            )
            chosen = [
                v
                for v in vocabularies
                if v.value in options.get("embedding_vocabularies", [v.value for v in vocabularies])
            ]
            taggers.append(EmbeddingTagger(embedder, chosen, settings))
        elif name == "llm":
            if llm is None:
                raise SpecError(
                    f"taxonomy.taggers.{index}",
                    "tagger 'llm' needs a model: pass one (spec.synthesis.backend)",
                )
            taggers.append(LLMTagger(llm, [v for v in vocabularies if v is not Vocabulary.ICD10]))
    return taggers


def tag_texts(
    texts: Sequence[TextToTag], taggers: Sequence[Tagger], min_confidence: float = 0.5
) -> list[TextTags]:
    """Tags for a batch of texts: every tagger's hits combined, rolled up and filtered."""
    per_text: list[list[TagHit]] = [[] for _ in texts]
    for tagger in taggers:
        for index, hits in enumerate(tagger.tag(texts)):
            per_text[index].extend(hits)
    out = []
    for text, hits in zip(texts, per_text, strict=True):
        if not text.text or not text.text.strip():
            out.append(TextTags([], [], NO_TEXT))
            continue
        tags = combine_hits(hits, min_confidence=min_confidence)
        out.append(TextTags(tags, hits, None if tags else NO_TERMS))
    return out


def tag_text(
    text: str,
    language: str | None = None,
    *,
    taggers: Sequence[Tagger] | None = None,
    min_confidence: float = 0.5,
) -> TextTags:
    """Tags of one text (the lexicon tagger unless others are given)."""
    return tag_texts([TextToTag(text, language)], taggers or [LexiconTagger()], min_confidence)[0]


def tag_items(
    spec: BenchmarkSpec,
    items: Sequence[BenchmarkItem],
    *,
    embedder: TextEmbedder | None = None,
    llm: Completer | None = None,
) -> StageResult[BenchmarkItem]:
    """Tags items with the spec's taggers; every item goes on (tagged or not), coverage in metadata."""
    settings = spec.taxonomy
    taggers = build_taggers(settings.taggers, settings.options, embedder=embedder, llm=llm)
    texts = [TextToTag(item_text(item), item.language) for item in items]
    results = tag_texts(texts, taggers, settings.min_confidence) if taggers else [TextTags([]) for _ in items]
    tagged_items: list[BenchmarkItem] = []
    untagged: Counter[str] = Counter()
    for item, result in zip(items, results, strict=True):
        tags = merge_existing(item.tags, result.tags)
        if not tags:
            untagged[result.reason or NO_TERMS] += 1
        # tags are not part of an item's content id, so model_copy keeps the id valid
        tagged_items.append(item.model_copy(update={"tags": tags}) if tags != list(item.tags) else item)
    metadata: dict[str, Any] = {
        "taggers": [t.name for t in taggers]
        + (["source_labels"] if "source_labels" in settings.taggers else []),
        "min_confidence": settings.min_confidence,
        "tagged": sum(1 for i in tagged_items if i.tags),
        "untagged": sum(untagged.values()),
        "untagged_reasons": dict(sorted(untagged.items())),
        "coverage": coverage_summary(tagged_items),
        "vocabulary_versions": vocabulary_versions(),
    }
    unknown = sum(getattr(t, "unknown_codes", 0) for t in taggers)
    if unknown:
        metadata["llm_unknown_codes"] = unknown
    return StageResult(stage=Stage.TAG, records=tagged_items, records_in=len(items), metadata=metadata)
