"""Vocabularies: sizes, hierarchy, synonyms in every language, code look-up and errors."""

from __future__ import annotations

import pytest

from schemas import MedforgeError, Vocabulary
from taxonomy.tagging import tag_text
from vocabulary import (
    LANGUAGES,
    UnknownCodeError,
    icd10_category_span,
    icd10_match_names,
    load_icd10,
    load_vocabulary,
    vocabulary_versions,
)
from vocabulary.cognates import romance_names
from vocabulary.icd10 import icd10_paired_names


def test_icd10_has_the_who_hierarchy_with_titles():
    icd = load_icd10()
    assert len(icd) > 12000
    assert [t.code for t in icd.roots()][:3] == ["I", "II", "III"]
    assert icd.get("K70.1").title == "Alcoholic hepatitis"
    assert [a.code for a in icd.ancestors("K70.1")] == ["K70", "K70-K77", "XI"]
    assert [a.level for a in icd.ancestors("K70.1")] == ["category", "block", "chapter"]
    assert "K71" in [s.code for s in icd.siblings("K70")]
    assert icd.is_under("K70.1", "XI") and not icd.is_under("K70.1", "IX")
    assert icd10_category_span(icd, "K70-K77") == ("K70", "K77")


def test_icd10_codes_resolve_in_common_spellings():
    icd = load_icd10()
    assert icd.resolve("k70.1") == "K70.1"
    assert icd.resolve("K701") == "K70.1"
    assert icd.resolve("xi") == "XI"
    assert icd.resolve("K99.9") is None


def test_unknown_code_names_the_code_and_suggests():
    with pytest.raises(UnknownCodeError, match="unknown icd10 code 'K999'") as caught:
        load_icd10().get("K999")
    assert isinstance(caught.value, MedforgeError)


@pytest.mark.parametrize("vocabulary", [v for v in Vocabulary if v is not Vocabulary.ICD10])
def test_top_levels_carry_synonyms_in_every_language(vocabulary):
    table = load_vocabulary(vocabulary)
    for term in table.roots():
        missing = [lang for lang in LANGUAGES if not term.synonyms_in(lang)]
        assert not missing, f"{vocabulary}:{term.code} lacks {missing}"


def test_icd10_chapters_carry_synonyms_in_every_language():
    for chapter in load_icd10().roots():
        missing = [lang for lang in LANGUAGES if lang != "en" and not chapter.synonyms_in(lang)]
        assert not missing, f"icd10:{chapter.code} lacks {missing}"


def test_traditional_chinese_is_derived_from_simplified():
    pediatrics = load_vocabulary("specialty").get("pediatrics")
    assert "儿科" in pediatrics.names["zh-Hans"]
    assert "兒科" in pediatrics.names["zh-Hant"]


def test_vocabulary_sizes_match_the_issue():
    sizes = {v.value: len(load_vocabulary(v)) for v in Vocabulary}
    assert 40 <= sizes["modality"] <= 60
    assert sizes["anatomy"] >= 95
    assert 30 <= sizes["specialty"] <= 50
    assert sizes["profession"] >= 20
    assert set(vocabulary_versions()) == {v.value for v in Vocabulary}


def test_terms_have_flat_synonyms_for_other_stages():
    ct = load_vocabulary("modality").get("ct")
    assert ct.code == "CT" and ct.level == "modality" and ct.parent == "radiology"
    assert ct.synonyms[0].casefold() == "computed tomography"
    assert "tomografia computadorizada" in ct.synonyms
    assert all(isinstance(s, str) for s in ct.synonyms)
    assert "MRI" in [s.code for s in load_vocabulary("modality").siblings("CT")]
    row = ct.as_row()
    assert set(row) == {"code", "title", "level", "parent", "synonyms"}


def test_icd10_titles_become_match_names_only_when_specific():
    assert icd10_match_names("Pneumonia, unspecified") == ("Pneumonia",)
    assert icd10_match_names("Other disorders of liver") == ()
    assert icd10_match_names("Iron deficiency anaemia") == (
        "Iron deficiency anaemia",
        "Iron deficiency anemia",
    )


def test_icd10_names_in_square_brackets_and_paired_titles_are_names_too():
    # WHO writes another name in square brackets: trailing, it names the disease; inside, a word
    assert icd10_match_names("Varicella [chickenpox]") == ("Varicella", "chickenpox")
    assert icd10_match_names("Diaper [napkin] dermatitis") == ("Diaper dermatitis", "napkin dermatitis")
    assert icd10_match_names("Dentofacial anomalies [including malocclusion]") == ("Dentofacial anomalies",)
    assert icd10_match_names("Acquired absence of lung [part of]") == (
        "Acquired absence of lung",
    )  # a qualifier
    assert icd10_paired_names("G95.0", "Syringomyelia and syringobulbia") == (
        "Syringomyelia",
        "syringobulbia",
    )
    assert icd10_paired_names("R55", "Syncope and collapse") == ()  # 'collapse' names other things
    codes = {t.code for t in tag_text("Chickenpox in a 4-year-old; later syringomyelia.", "en").tags}
    assert {"B01", "G95.0"} <= codes


def test_unknown_vocabulary_is_a_clear_error():
    with pytest.raises(MedforgeError, match="unknown vocabulary 'organs'"):
        load_vocabulary("organs")


def test_portuguese_spanish_and_french_disease_names_from_the_english_ones():
    assert romance_names("Pyelonephritis") == {
        "pt": ("pielonefrite",),
        "es": ("pielonefritis",),
        "fr": ("pyelonephrite",),
    }
    assert romance_names("chronic hepatitis")["fr"] == ("hepatite chronique",)
    assert romance_names("Candidiasis")["fr"] == ("candidiase", "candidose")
    assert romance_names("Sporotrichosis")["pt"] == ("esporotricose",)
    assert romance_names("Cirrhosis")["pt"] == ("cirrose",) and romance_names("Glossitis")["pt"] == (
        "glossite",
    )
    assert romance_names("Glossitis")["es"] == ("glositis",) and romance_names("Leukaemia")["fr"] == (
        "leucemie",
    )
    assert romance_names("Pneumonia")["fr"] == ("pneumonie",)
    assert romance_names("Mania") == {}  # too short for the rules to be sure
    assert romance_names("Liver disease") == {}  # no Greek or Latin ending: no coined form
    for text, language, category in (
        ("Paciente com leptospirose grave.", "pt-BR", "A27"),
        ("Pielonefritis aguda en una mujer de 30 años.", "es", "N10"),
        ("Une hépatite chronique active.", "fr", "K73"),
        ("Criança com tungíase nos pés.", "pt-BR", "B88"),
    ):
        codes = {t.code[:3] for t in tag_text(text, language).tags}
        assert category in codes, (text, codes)
