"""The primary ICD-10 code: one per item, the answer's condition first, diseases over symptoms,
negated and relatives' mentions never coded; `select` and the card read it."""

from __future__ import annotations

from releases.card import taxonomy_counts
from schemas import Vocabulary
from taxonomy.lexicon import LexiconTagger
from taxonomy.primary import primary_tag, rank_codes
from taxonomy.selection import select_items
from taxonomy.tagging import tag_benchmark_items, tag_text


def _tag(items):
    tagged, _ = tag_benchmark_items(items, [LexiconTagger()], 0.5)
    return tagged


def _icd(tags):
    return [t for t in tags if Vocabulary(t.vocabulary) is Vocabulary.ICD10]


def test_a_diagnosis_item_is_about_its_keyed_answer_not_the_stem_symptoms(make_item):
    item = make_item(
        "A 58-year-old man with hypertension wakes with severe pain and swelling of the big toe. "
        "What is the most likely diagnosis?",
        ("Cellulitis", "Gout", "Septic arthritis", "Pseudogout"),
        ("B",),
    )
    (tagged,) = _tag([item])
    primary = primary_tag(tagged.tags)
    assert primary is not None and primary.code.startswith("M10")
    icd = _icd(tagged.tags)
    assert sum(t.primary for t in tagged.tags) == 1
    assert icd[0].primary  # printed and stored first among the ICD-10 tags
    assert "I10" in {t.code for t in icd}  # the hypertension stays, as a secondary mention


def test_with_a_drug_answer_the_stem_disease_is_primary_not_a_symptom(make_item):
    item = make_item(
        "A woman with fever and abdominal pain is diagnosed with acute appendicitis. Which antibiotic?",
        ("Cefoxitin", "Vancomycin"),
        ("A",),
    )
    (tagged,) = _tag([item])
    primary = primary_tag(tagged.tags)
    assert primary is not None and primary.code.startswith("K35")
    # the fever and the pain are what appendicitis showed: an item about a disease keeps no symptom code
    codes = {t.code for t in _icd(tagged.tags)}
    assert not any(c.startswith("R") for c in codes) and "XVIII" not in codes


def test_a_disease_named_only_in_the_past_history_is_weaker_than_the_one_the_case_is_about(make_item):
    history = "Her past medical history was significant for hypertension and hypothyroidism. "
    text = history + "She presented with a painful swollen calf; ultrasound showed deep vein thrombosis."
    codes = {t.code[:3] for t in _icd(tag_text(text, "en").tags)}
    assert "I80" in codes and not {"I10", "E03"} & codes
    # named in the history and again as what is happening now: coded
    again = history + "Her hypertension was uncontrolled, 210/120 mmHg, with hypertensive retinopathy."
    assert "I10" in {t.code[:3] for t in _icd(tag_text(again, "en").tags)}
    # the story of the present illness is not the past, nor is what the patient presents with now
    assert "J18" in {
        t.code[:3] for t in _icd(tag_text("A 3-day history of fever; the film shows pneumonia.", "en").tags)
    }
    now = "A man with a history of hypertension presents with acute myocardial infarction."
    assert "I21" in {t.code[:3] for t in _icd(tag_text(now, "en").tags)}
    assert "J18" in {t.code[:3] for t in _icd(tag_text("患者现病史：肺炎3天。", "zh-Hans").tags)}
    # the same names outside a history sentence are coded as before
    assert {"I10", "E03"} <= {
        t.code[:3] for t in _icd(tag_text("Hypertension and hypothyroidism.", "en").tags)
    }


def test_symptom_codes_are_primary_only_without_a_disease():
    assert primary_tag(tag_text("Fever for three days.", "en").tags).code.startswith("R50")
    ranked = rank_codes(tag_text("Fever and cough in a child with pneumonia.", "en").tags)
    assert ranked[0].code.startswith("J18")


def test_negative_tests_and_relatives_are_not_the_patients_diagnosis():
    for text in (
        "SARS-CoV-2 PCR was negative.",
        "He had a negative SARS-CoV-2 PCR.",
        "Nasopharyngeal swab for SARS-CoV-2 was negative.",
    ):
        assert not _icd(tag_text(text, "en").tags), text
    codes = {t.code for t in tag_text("Her mother had breast cancer. She has asthma.", "en").tags}
    assert "J45" in codes and "C50" not in codes
    codes = {t.code for t in tag_text("母亲患有糖尿病。患者有高血压。", "zh-Hans").tags}
    assert "I10" in codes and not any(c.startswith("E1") for c in codes)


def test_select_and_card_use_the_primary_code(make_item):
    gout = make_item(
        "A man with hypertension has a painful swollen big toe. Diagnosis?",
        ("Gout", "Cellulitis"),
        ("A",),
    )
    hypertension = make_item(
        "Which drug lowers blood pressure in essential hypertension?", ("Amlodipine", "Insulin")
    )
    tagged = _tag([gout, hypertension])
    assert [i.question for i in select_items(tagged, "icd10:I10")] == [hypertension.question]
    assert len(select_items(tagged, "icd10_any:I10")) == 2
    assert [i.question for i in select_items(tagged, "icd10:XIII")] == [gout.question]
    counts = taxonomy_counts(tagged)["icd10"]
    assert sum(counts.values()) == 2  # one primary code per item, not every mention
