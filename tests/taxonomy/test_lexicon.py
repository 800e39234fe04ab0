"""The lexicon tagger on real-looking texts in several languages: names, abbreviations, negation, age."""

from __future__ import annotations

from schemas import Vocabulary
from taxonomy.base import TextToTag
from taxonomy.lexicon import LexiconTagger, is_negated, patient_age_years
from taxonomy.tagging import NO_TERMS, NO_TEXT, tag_text
from taxonomy.text import PreparedText
from textkit import fold


def codes(text: str, language: str | None = None, vocabulary: Vocabulary | None = None) -> set[str]:
    result = tag_text(text, language)
    return {t.code for t in result.tags if vocabulary is None or t.vocabulary == vocabulary}


def test_english_case_gets_diagnosis_modality_anatomy_with_rollup():
    text = "A 45-year-old man with alcoholic liver disease underwent CT of the abdomen."
    assert {"K70.9", "K70", "K70-K77", "XI"} <= codes(text, "en", Vocabulary.ICD10)
    assert {"CT", "radiology"} <= codes(text, "en", Vocabulary.MODALITY)
    assert {"liver", "digestive", "abdomen"} <= codes(text, "en", Vocabulary.ANATOMY)


def test_longest_name_wins_over_its_parts():
    found = codes("Findings consistent with alcoholic liver disease.", "en", Vocabulary.ICD10)
    assert "K70.9" in found and "K76.9" not in found


def test_portuguese_exam_question_gets_obstetrics():
    text = (
        "Gestante de 32 semanas, primigesta, com pressão arterial de 160x110 mmHg e proteinúria: "
        "pré-eclâmpsia."
    )
    result = tag_text(text, "pt-BR")
    top = [t for t in result.tags if t.vocabulary == Vocabulary.SPECIALTY][0]
    assert top.code in ("obstetrics", "obstetrics_gynecology")
    assert "O14" in {t.code for t in result.tags}


def test_chinese_simplified_and_traditional_both_match():
    assert "J18" in codes("患儿胸片提示肺炎", "zh-Hans", Vocabulary.ICD10)
    assert "pediatrics" in codes("兒科門診：患兒發熱", "zh-Hant", Vocabulary.SPECIALTY)


def test_abbreviations_keep_their_case():
    assert "US" not in codes("Tell us about the liver", "en", Vocabulary.MODALITY)
    assert "MRI" in codes("MRI of the brain showed a lesion", "en", Vocabulary.MODALITY)
    assert "CT" in codes("A TC de abdome mostrou coleção", "pt-BR", Vocabulary.MODALITY)


def test_negated_diagnoses_are_not_tagged():
    assert "J18.9" not in codes("Chest film showed no evidence of pneumonia.", "en")
    assert "J18.9" in codes("Chest film showed pneumonia.", "en")
    assert "I10" not in codes("Paciente nega hipertensão arterial.", "pt-BR")
    assert "I10" not in codes("否认高血压", "zh-Hans")
    assert "J18.9" not in codes("Pneumonia was ruled out.", "en")


def test_japanese_and_chinese_negations_after_the_name():
    assert "J18.9" not in codes("胸部X線で肺炎を認めない。", "ja")
    assert "J18.9" in codes("胸部X線で肺炎を認める。", "ja")
    assert "E14" not in codes("糖尿病の既往はない。", "ja")
    assert "E14" in codes("糖尿病の既往がある。", "ja")
    assert not {"A15", "A16"} & codes("結核は否定的であった。", "ja")
    assert not any(c.startswith("B1") for c in codes("乙肝表面抗原阴性。", "zh-Hans"))
    # the negation is in the next sentence: the first mention stands
    assert "J18.9" in codes("肺炎を認める。発熱なし。", "ja")


def test_negation_stays_in_its_sentence():
    prepared = PreparedText.of("No fever. Pneumonia on imaging.")
    start = prepared.folded.index("pneumonia")
    assert not is_negated(prepared, start, start + 9, "en")


def test_patient_age_in_several_languages():
    assert patient_age_years(fold("Menino de 4 anos, com febre")) == 4
    assert patient_age_years(fold("A 67-year-old woman")) == 67
    assert patient_age_years(fold("Lactente de 8 meses")) == 8 / 12
    assert round(patient_age_years(fold("Recém-nascido com 3 dias de vida")) * 365) == 3
    assert patient_age_years(fold("患儿，男，5岁")) == 5
    assert patient_age_years(fold("Tem diabetes há 10 anos")) is None


def test_child_age_points_to_pediatrics():
    assert "pediatrics" in codes("Menina de 6 anos com dor de garganta.", "pt-BR", Vocabulary.SPECIALTY)


def test_where_the_patient_is_seen_counts_less_than_what_the_question_is_about():
    # A diabetes question set in a health centre (named twice: 'unidade básica de saúde (UBS)') is
    # an endocrinology question; the setting alone still gives family medicine, weakly.
    tagger = LexiconTagger([Vocabulary.SPECIALTY])
    text = (
        "Homem de 58 anos comparece à unidade básica de saúde (UBS) com glicemia de jejum de 160 mg/dL "
        "e hemoglobina glicada de 8,1%, em uso de metformina."
    )
    hits = {h.code: h for h in tagger.tag_one(TextToTag(text, "pt-BR"))}
    assert hits["endocrinology"].confidence > hits["family_medicine"].confidence
    assert hits["family_medicine"].confidence == 0.5
    assert hits["family_medicine"].evidence == "in ubs, unidade basica de saude"
    alone = {h.code: h.confidence for h in tagger.tag_one(TextToTag("Atendido no pronto-socorro.", "pt-BR"))}
    assert alone == {"emergency_medicine": 0.5}
    # A family-medicine concept is not a setting: it still weighs as a strong cue.
    concept = tagger.tag_one(TextToTag("A equipe fez a visita domiciliar e montou o genograma.", "pt-BR"))
    assert {h.code: h.confidence for h in concept}["family_medicine"] > 0.9


def test_a_childs_or_a_pregnant_womans_disease_ranks_paediatrics_or_obstetrics_first():
    tagger = LexiconTagger([Vocabulary.SPECIALTY])

    def ranked(text: str) -> list[str]:
        hits = sorted(tagger.tag_one(TextToTag(text, "pt-BR")), key=lambda h: -h.confidence)
        return [h.code for h in hits]

    child = "Menino de 7 anos com febre, tosse produtiva, dispneia e estertores; radiografia com pneumonia."
    assert ranked(child)[0] == "pediatrics"
    adult = "Homem de 47 anos com febre, tosse produtiva, dispneia e estertores; radiografia com pneumonia."
    assert ranked(adult)[0] != "pediatrics" and "pediatrics" not in ranked(adult)
    pregnant = "Primigesta de 23 anos, 18 semanas de gestação, com febre, exantema e artralgia: dengue?"
    assert ranked(pregnant)[0] == "obstetrics"


def test_empty_and_non_medical_text_get_no_tags_and_say_why():
    assert tag_text("", "en").tags == [] and tag_text("", "en").reason == NO_TEXT
    result = tag_text("The weather was lovely and we walked to the park after lunch.", "en")
    assert result.tags == [] and result.reason == NO_TERMS


def test_confidence_grows_with_independent_evidence():
    tagger = LexiconTagger([Vocabulary.SPECIALTY])
    one = tagger.tag_one(TextToTag("Paciente com asma.", "pt-BR"))
    two = tagger.tag_one(TextToTag("Paciente com asma e pneumonia e espirometria alterada.", "pt-BR"))
    conf = {h.code: h.confidence for h in one}["pulmonology"]
    assert {h.code: h.confidence for h in two}["pulmonology"] > conf


def test_latin_abbreviation_against_chinese_and_computer_is_not_brain():
    # 'CT' written against Chinese characters is still the abbreviation; '電腦斷層' is CT, and
    # '电脑' (computer) holds the character of the brain but is not it.
    assert "CT" in codes("患者男，45岁，胸部CT示肺炎。", "zh-Hans", Vocabulary.MODALITY)
    hant = "患者男，60歲，急性心肌梗塞，行胸部電腦斷層檢查。"
    assert "CT" in codes(hant, "zh-Hant", Vocabulary.MODALITY)
    assert "I21" in codes(hant, "zh-Hant", Vocabulary.ICD10)
    assert not {"brain", "nervous"} & codes(hant, "zh-Hant", Vocabulary.ANATOMY)
    assert "brain" not in codes("患者使用电脑时头痛", "zh-Hans", Vocabulary.ANATOMY)
    assert "brain" in codes("头颅CT示脑出血", "zh-Hans", Vocabulary.ANATOMY)


def test_negation_reaches_a_list_after_a_colon():
    assert "R50" not in codes("A paciente nega: febre, tosse e dispneia.", "pt-BR", Vocabulary.ICD10)
    assert "J18" in codes("Diagnosis: pneumonia.", "en", Vocabulary.ICD10)
    assert "I21" in codes("Zawał mięśnia sercowego.", "pl", Vocabulary.ICD10)
