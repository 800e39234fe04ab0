"""ICD-10 breadth: site x morphology/disease composition (English, Chinese, Japanese, zh-Hant),
organisms and virus abbreviations, ICD-10-CM names, and the common-name tables."""

from __future__ import annotations

import pytest

from taxonomy.compose import composer
from taxonomy.primary import primary_tag
from taxonomy.tagging import tag_text
from taxonomy.text import PreparedText
from vocabulary import load_icd10
from vocabulary.icd10_cm import cm_match_name
from vocabulary.icd10_compose import load_composition


def primary(text: str, language: str) -> str | None:
    tag = primary_tag(tag_text(text, language).tags)
    return tag.code if tag else None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Gastric adenocarcinoma", "C16"),
        ("adenocarcinoma of the lung", "C34"),
        ("Papillary thyroid carcinoma", "C73"),
        ("renal cell carcinoma with lung metastases", "C64"),
        ("Squamous cell carcinoma of the oesophagus", "C15"),
        ("sarcoma of the uterus", "C54"),
        ("Pituitary adenoma", "D35"),
        ("colonic adenoma", "D12"),
        ("Lipoma of the back", "D17"),
        ("a meningioma", "D32"),
        ("cancer of the head of the pancreas", "C25"),
    ],
)
def test_morphology_and_topography_give_the_neoplasm_category(text, category):
    assert (primary(text, "en") or "")[:3] == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Tuberculosis of the spine", "A18"),
        ("pulmonary tuberculosis", "A15"),
        ("tuberculous lymphadenitis", "A18"),
        ("Tuberculous meningitis", "A17"),
        ("CMV pneumonia after transplant", "B25"),
        ("HSV encephalitis", "B00"),
        ("EBV infection", "B27"),
        ("chronic HBV infection", "B18"),
        ("pneumonia due to Staphylococcus aureus", "J15"),
        ("Pneumococcal meningitis", "G00"),
        ("infected with Histoplasma capsulatum", "B39"),
        ("Candida albicans sepsis", "B37"),
    ],
)
def test_organisms_and_tuberculosis_of_a_site_give_the_infection_category(text, category):
    assert (primary(text, "en") or "")[:3] == category


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("胃腺癌", "zh-Hans", "C16"),
        ("右肺上叶腺癌", "zh-Hans", "C34"),
        ("肺结核", "zh-Hans", "A15"),
        ("急性心肌梗死", "zh-Hans", "I21"),
        ("结核性胸膜炎", "zh-Hans", "A15"),
        ("胆囊结石伴急性胆囊炎", "zh-Hans", "K80"),
        ("肾母细胞瘤", "zh-Hans", "C64"),
        ("巨细胞病毒感染", "zh-Hans", "B25"),
        ("慢性胰腺炎", "zh-Hans", "K86"),
        ("胃腺癌", "zh-Hant", "C16"),
        ("急性心肌梗塞", "zh-Hant", "I21"),
        ("肺結核", "zh-Hant", "A15"),
        ("大腸癌", "ja", "C18"),
        ("急性心筋梗塞", "ja", "I21"),
        ("肺結核", "ja", "A15"),
        ("糖尿病", "ja", "E14"),
    ],
)
def test_chinese_and_japanese_compounds_are_composed(text, language, category):
    assert (primary(text, language) or "")[:3] == category


def test_a_longer_name_wins_over_a_composition_inside_it():
    # 类风湿关节炎 is rheumatoid arthritis (M06), not 关节 + 炎 (arthritis, M13)
    assert primary("类风湿关节炎", "zh-Hans").startswith("M06")
    assert primary("强直性脊柱炎", "zh-Hans").startswith("M45")


def test_composition_respects_negation():
    assert primary("No evidence of gastric adenocarcinoma.", "en") is None
    assert primary("未见胃腺癌。", "zh-Hans") is None


def test_composed_codes_point_back_at_their_words():
    text = "Biopsy showed adenocarcinoma of the lung."
    found = composer().compose(PreparedText.of(text))
    (composed,) = [c for c in found if c.code == "C34"]
    assert text[composed.start : composed.end] == "adenocarcinoma of the lung"


def test_every_composition_code_is_a_who_code():
    table = load_icd10()
    composition = load_composition()
    codes = [c for s in composition.sites for m in s.codes.values() for c in m.values()]
    codes += [c for o in composition.organisms for m in o.codes.values() for c in m.values()]
    assert codes and all(table.resolve(c) for c in codes)
    assert {s.id for s in composition.sites} >= {"stomach", "lung", "liver", "breast", "kidney"}


def test_icd10_cm_names_land_on_who_codes():
    table = load_icd10()
    assert "Frozen shoulder" in table.get("M75.0").synonyms  # a CM inclusion term
    assert cm_match_name("Chronic renal failure NOS") == "Chronic renal failure"
    assert cm_match_name("Other specified disorders of kidney") is None
    assert cm_match_name("Hodgkin lymphoma, unspecified") == "Hodgkin lymphoma"
    assert primary("Chronic kidney failure", "en").startswith("N18")
    assert primary("Wilson's disease", "en").startswith("E83")


def test_a_short_diagnosis_no_name_matches_falls_back_to_the_shortest_name_with_all_its_words():
    from taxonomy.fuzzy import FUZZY_WEIGHT, fuzzy_icd10

    (hit,) = fuzzy_icd10("Chronic lymphocytic leukemia B-cell")
    assert hit.code.startswith("C91") and hit.confidence == FUZZY_WEIGHT
    assert fuzzy_icd10("A 45-year-old man with chest pain radiating to the back and sweating") == []
    assert fuzzy_icd10("no such zzqx disease") == []
