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
from schemas.progress import meter
from taxonomy.base import Tagger, TagHit, TextToTag
from taxonomy.combine import combine_hits, merge_existing, sort_tags
from taxonomy.coverage import coverage_summary
from taxonomy.embedding import EmbeddingSettings, EmbeddingTagger
from taxonomy.fuzzy import FUZZY_WEIGHT, MAX_TEXT_WORDS, fuzzy_icd10
from taxonomy.lexicon import LexiconTagger
from taxonomy.llm import Completer, LLMTagger
from taxonomy.primary import choose_primary, rank_codes, with_primary, without_symptoms_beside
from vocabulary import as_vocabulary, load_vocabulary, vocabulary_versions

KNOWN_TAGGERS = ("lexicon", "embedding", "llm", "source_labels")
NO_TEXT = "empty text"
NO_TERMS = "no medical term found"


@dataclass(frozen=True)
class TextTags:
    """The tags of one text, and why there are none when there are none."""

    tags: list[TaxonomyTag]
    hits: list[TagHit] = field(default_factory=list)
    reason: str | None = None


# Vocabularies that describe an item's field rather than its subject: distractors from the same field
# are evidence for them, so their text keeps every option.
TOPIC_VOCABULARIES = frozenset({Vocabulary.SPECIALTY, Vocabulary.PROFESSION})


TAG_CHUNK = 2048
"""Texts tagged at a time: progress advances per chunk; taggers see whole chunks (LLM batching)."""


def item_text(item: BenchmarkItem, with_distractors: bool = False) -> str:
    """What of an item is tagged: question, keyed options (or open answers), explanation, captions.

    Distractors are left out unless asked for: they name conditions, organs and modalities the item
    is not about (a chapter-classification question lists five chapters) and would tag it with all
    of them. They are kept for the topic vocabularies (specialty, profession), where options from
    the same field are evidence of the field.
    """
    options = item.options if with_distractors else [o for o in item.options if o.label in item.answers]
    answers = [] if item.options else list(item.answers)  # an open-ended item's answer is its subject
    parts = [item.question, *(o.text for o in options), *answers, item.explanation or ""]
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
    with meter("tagging", len(texts), "texts") as advance:
        for lo in range(0, len(texts), TAG_CHUNK):
            chunk = texts[lo : lo + TAG_CHUNK]
            for tagger in taggers:
                for index, hits in enumerate(tagger.tag(chunk), lo):
                    per_text[index].extend(hits)
            advance(len(chunk))
    out = []
    for text, hits in zip(texts, per_text, strict=True):
        if not text.text or not text.text.strip():
            out.append(TextTags([], [], NO_TEXT))
            continue
        tags = combine_hits(hits, min_confidence=min_confidence)
        if _wants_fuzzy(text, taggers) and not rank_codes(tags):
            extra = fuzzy_icd10(text.text)
            if extra:
                hits = [*hits, *extra]
                tags = combine_hits(hits, min_confidence=min(min_confidence, FUZZY_WEIGHT))
        tags = with_primary(tags, choose_primary([], tags))
        out.append(TextTags(tags, hits, None if tags else NO_TERMS))
    return out


def _wants_fuzzy(text: TextToTag, taggers: Sequence[Tagger]) -> bool:
    """A short text (a diagnosis, not a stem) tagged by a lexicon that codes ICD-10."""
    return len(text.text.split()) <= MAX_TEXT_WORDS and any(
        isinstance(t, LexiconTagger) and Vocabulary.ICD10 in t.vocabularies for t in taggers
    )


def answer_text(item: BenchmarkItem) -> str:
    """What a diagnosis item's answer says: the keyed options' text, or the open answers."""
    if item.options:
        return "\n".join(o.text for o in item.options if o.label in item.answers and o.text)
    return "\n".join(a for a in item.answers if a)


def _answer_icd10(items: Sequence[BenchmarkItem], taggers: Sequence[Tagger], min_confidence: float):
    """ICD-10 tags of each item's answer alone (the lexicon's), where the item has an answer."""
    icd_lexicon = [
        LexiconTagger([Vocabulary.ICD10])
        for t in taggers
        if isinstance(t, LexiconTagger) and Vocabulary.ICD10 in t.vocabularies
    ][:1]
    texts = [TextToTag(answer_text(i), i.language) for i in items]
    if not icd_lexicon:
        return [[] for _ in items]
    return [r.tags for r in tag_texts(texts, icd_lexicon, min_confidence)]


def tag_text(
    text: str,
    language: str | None = None,
    *,
    taggers: Sequence[Tagger] | None = None,
    min_confidence: float = 0.5,
) -> TextTags:
    """Tags of one text (the lexicon tagger unless others are given)."""
    return tag_texts([TextToTag(text, language)], taggers or [LexiconTagger()], min_confidence)[0]


def _subject_and_topic_tags(
    items: Sequence[BenchmarkItem], taggers: Sequence[Tagger], min_confidence: float
) -> list[TextTags]:
    """Subject vocabularies tagged on the keyed text, topic vocabularies on the text with distractors."""
    if not taggers:
        return [TextTags([], [], NO_TERMS) for _ in items]
    subject = tag_texts([TextToTag(item_text(i), i.language) for i in items], taggers, min_confidence)
    # the second pass is the lexicon's alone: it is cheap, where an embedding or LLM pass is not
    lexicon = [t for t in taggers if isinstance(t, LexiconTagger)]
    with_distractors = [n for n, i in enumerate(items) if len(i.options) > len(i.answers)] if lexicon else []
    topic = dict(
        zip(
            with_distractors,
            tag_texts(
                [TextToTag(item_text(items[n], True), items[n].language) for n in with_distractors],
                lexicon,
                min_confidence,
            ),
            strict=True,
        )
    )
    out = []
    for n, result in enumerate(subject):
        if n not in topic:
            out.append(result)
            continue
        tags = [t for t in result.tags if t.vocabulary not in TOPIC_VOCABULARIES or "lexicon" not in t.tagger]
        tags += [t for t in topic[n].tags if t.vocabulary in TOPIC_VOCABULARIES]
        tags = list({(t.vocabulary, t.code): t for t in sorted(tags, key=lambda t: t.confidence)}.values())
        tags = sort_tags(tags)
        out.append(TextTags(tags, result.hits + topic[n].hits, None if tags else (result.reason or NO_TERMS)))
    return out


def tag_benchmark_items(
    items: Sequence[BenchmarkItem], taggers: Sequence[Tagger], min_confidence: float
) -> tuple[list[BenchmarkItem], list[TextTags]]:
    """Items with their new tags merged into those they carried, and each item's tagging result (for
    the reason an item got none). The stage and `medforge tag ITEMS.jsonl` both tag items here."""
    results = _subject_and_topic_tags(items, taggers, min_confidence)
    answers = _answer_icd10(items, taggers, min_confidence)
    tagged_items = []
    for item, result, answer_tags in zip(items, results, answers, strict=True):
        primary = choose_primary(answer_tags, result.tags)
        extra = [t for t in answer_tags if primary is not None and t.code in _with_ancestors(primary.code)]
        result_tags = with_primary(without_symptoms_beside(result.tags, primary), primary, extra)
        tags = merge_existing(item.tags, result_tags)
        # tags are not part of an item's content id, so model_copy keeps the id valid
        tagged_items.append(item.model_copy(update={"tags": tags}) if tags != list(item.tags) else item)
    return tagged_items, results


def _with_ancestors(code: str) -> set[str]:
    table = load_vocabulary(Vocabulary.ICD10)
    return {code, *(a.code for a in table.ancestors(code))}


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
    tagged_items, results = tag_benchmark_items(items, taggers, settings.min_confidence)
    untagged = Counter(
        result.reason or NO_TERMS for item, result in zip(tagged_items, results, strict=True) if not item.tags
    )
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
