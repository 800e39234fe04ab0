"""The stage entry point: tags filled, books balanced, ids kept, coverage and reasons in metadata."""

from __future__ import annotations

import numpy as np
import pytest

from schemas import BenchmarkSpec, SpecError, Stage, TaxonomyTag, Vocabulary
from taxonomy.base import TextToTag
from taxonomy.embedding import EmbeddingTagger, label_texts
from taxonomy.llm import LLMTagger, parse_codes
from taxonomy.tagging import NO_TERMS, tag_items
from vocabulary import load_vocabulary


def spec(**taxonomy: object) -> BenchmarkSpec:
    return BenchmarkSpec.model_validate(
        {
            "benchmark": "unit",
            "sources": [{"id": "s", "kind": "pdf", "licence": "CC-BY-4.0"}],
            "taxonomy": taxonomy,
        }
    )


def test_tag_items_fills_tags_and_keeps_the_books(make_item):
    items = [
        make_item("A 30-year-old woman at 34 weeks of pregnancy has pre-eclampsia. What is the next step?"),
        make_item(
            "Which imaging test is first for suspected appendicitis in a child?", ("CT", "Ultrasound", "MRI")
        ),
        make_item("Pick the colour you like best.", ("Red", "Blue")),
    ]
    result = tag_items(spec(), items)
    assert result.stage == Stage.TAG and len(result.records) == 3
    assert [r.item_id for r in result.records] == [i.item_id for i in items]
    first = {t.code for t in result.records[0].tags}
    assert {"O14", "XV", "obstetrics"} <= first
    second = {t.code for t in result.records[1].tags}
    assert {"K35", "pediatrics", "US"} <= second
    assert "CT" not in second  # a distractor names what the item is not about
    assert result.records[2].tags == []
    assert result.metadata["untagged"] == 1
    assert result.metadata["untagged_reasons"] == {NO_TERMS: 1}
    assert result.metadata["coverage"]["icd10"]["items"] == 2
    assert result.metadata["taggers"] == ["lexicon"]


def test_tags_below_min_confidence_are_dropped(make_item):
    item = make_item("Paciente com febre.", ("Sim", "Não"), language="pt-BR")
    low = tag_items(spec(min_confidence=0.1), [item]).records[0].tags
    high = tag_items(spec(min_confidence=0.95), [item]).records[0].tags
    assert any(t.code == "internal_medicine" for t in low)
    assert all(t.confidence >= 0.95 for t in high)


def test_existing_tags_are_kept(make_item):
    own = TaxonomyTag(
        vocabulary=Vocabulary.SPECIALTY,
        code="dermatology",
        title="Dermatology",
        confidence=1.0,
        tagger="source_labels",
    )
    item = make_item("Pick the colour you like best.", ("Red", "Blue"), tags=[own])
    assert tag_items(spec(taggers=["lexicon", "source_labels"]), [item]).records[0].tags == [own]


def test_unknown_tagger_names_itself(make_item):
    with pytest.raises(SpecError, match="unknown tagger 'magic'"):
        tag_items(spec(taggers=["magic"]), [make_item()])


def test_llm_tagger_without_a_model_is_a_spec_error(make_item):
    with pytest.raises(SpecError, match="needs a model"):
        tag_items(spec(taggers=["llm"]), [make_item()])


class KeywordEmbedder:
    """A tiny deterministic embedder: one dimension per keyword, so nearest labels are predictable."""

    name = "keywords"
    KEYWORDS = ("tomography", "heart", "liver", "child", "pregnancy", "skin")

    def encode(self, texts):
        rows = np.array([[t.lower().count(k) + 0.01 for k in self.KEYWORDS] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_embedding_tagger_takes_the_nearest_label():
    tagger = EmbeddingTagger(KeywordEmbedder(), [Vocabulary.MODALITY])
    hits = tagger.tag([TextToTag("Contrast tomography of the chest", "en"), TextToTag("Tomografia", "pt-BR")])
    best = load_vocabulary("modality").get(hits[0][0].code)
    assert hits[0][0].vocabulary == Vocabulary.MODALITY
    assert any("tomography" in name.lower() for name in best.synonyms)
    assert hits[1] == []  # MiniLM is English: other languages are left to the lexicon


def test_embedding_labels_of_icd10_are_categories():
    codes, labels = label_texts(load_vocabulary("icd10"))
    assert len(codes) == len(labels) > 2000 and all(len(c) == 3 for c in codes)


def test_embedding_tagger_with_minilm_on_english(make_item):
    from embeddings import default_encoder

    items = [
        make_item("Echocardiography showed severe mitral regurgitation in this patient with heart failure.")
    ]
    options = {"embedding_vocabularies": ["specialty", "modality"]}  # ICD-10's 2,000 labels take long on CPU
    result = tag_items(
        spec(taggers=["lexicon", "embedding"], options=options), items, embedder=default_encoder()
    )
    tags = {(t.vocabulary.value, t.code): t for t in result.records[0].tags}
    assert ("icd10", "IX") in tags and ("specialty", "cardiology") in tags
    assert tags[("modality", "ECHO")].tagger == "embedding+lexicon"  # both agree: noisy-or of the two


def test_llm_tagger_keeps_known_codes_only(make_item):
    def model(prompt: str) -> str:
        return '["cardiology", "astrology"]' if "specialty codes" in prompt else "[]"

    tagger = LLMTagger(model, [Vocabulary.SPECIALTY])
    hits = tagger.tag([TextToTag("Chest pain on exertion", "en")])[0]
    assert [h.code for h in hits] == ["cardiology"] and tagger.unknown_codes == 1
    assert parse_codes("no list here", load_vocabulary("specialty")) == ([], [])
    result = tag_items(
        spec(taggers=["llm"], min_confidence=0.3), [make_item("Chest pain on exertion")], llm=model
    )
    assert result.metadata["llm_unknown_codes"] == 1
    assert {"cardiology", "internal_medicine"} <= {t.code for t in result.records[0].tags}
