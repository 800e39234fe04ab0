"""Case-report diagnosis items: redaction of give-aways, open-ended and MCQ items, distractors."""

from __future__ import annotations

import json

from schemas import CaseReport, ReasonCode, TaskType
from synthesis.case_items import giveaway_terms, redact_case
from synthesis.generate import synthesize_items
from synthesis.text import contains_term
from synthesis.vocab import TermIndex
from textkit import match_form
from vocabulary import load_icd10


def icd10_index() -> TermIndex:
    """The ICD-10 index synthesis uses by default: the shared table."""
    return TermIndex.of_table(load_icd10())


CASE = (
    "We report a case of posterior reversible encephalopathy syndrome (PRES) in a young woman. "
    "A 24-year-old woman presented with severe headache, blurred vision and two generalized seizures. "
    "Her blood pressure was 210/120 mmHg on arrival and she had been postpartum for five days. "
    "Laboratory tests showed mild proteinuria and normal platelet counts. "
    "MRI showed bilateral parieto-occipital T2 hyperintensities consistent with PRES. "
    "She was treated with labetalol and magnesium sulfate and recovered fully."
)


def report(presentation=CASE, diagnosis="Posterior reversible encephalopathy syndrome", number=1):
    return CaseReport(
        record_id=f"case-{number}",
        document_id="doc",
        source_id="src",
        uri="https://example.org/case",
        title="A case",
        licence="CC-BY-4.0",
        case_presentation=presentation,
        diagnosis=diagnosis,
    )


def test_redaction_drops_the_intro_and_stops_before_the_reveal():
    giveaways = giveaway_terms("Posterior reversible encephalopathy syndrome", CASE, icd10_index())
    forms = {match_form(g) for g in giveaways}
    assert "pres" in forms and "encephalopathy" in forms
    redacted = redact_case(CASE, giveaways)
    assert redacted.startswith("A 24-year-old woman presented")
    assert redacted.endswith("normal platelet counts.")
    assert not any(contains_term(redacted, g) for g in giveaways)


def test_open_ended_and_mcq_items_with_nearest_icd10_distractors(spec_factory, word_embedder):
    result = synthesize_items(spec_factory(), [], [report()], [], embedder=word_embedder)
    assert (result.records_in, result.expanded, len(result.records), len(result.rejections)) == (1, 1, 2, 0)
    by_task = {i.task: i for i in result.records}
    open_item, mcq = by_task[TaskType.OPEN_ENDED], by_task[TaskType.MCQ_SINGLE]
    assert open_item.answers == ["Posterior reversible encephalopathy syndrome"]
    assert open_item.question.endswith("What is the most likely diagnosis?")
    assert "PRES" not in mcq.question and "labetalol" not in mcq.question
    correct = next(o.text for o in mcq.options if o.label == mcq.answers[0])
    assert correct == "Posterior reversible encephalopathy syndrome"
    icd_titles = {t.title for t in icd10_index().terms}
    distractors = [o.text for o in mcq.options if o.label != mcq.answers[0]]
    assert len(distractors) == 3 and all(d in icd_titles for d in distractors)
    assert result.metadata["embedder"] == "word-hash-64"


def test_cases_that_cannot_be_asked_are_rejected_with_reasons(spec_factory, word_embedder):
    reports = [
        report(presentation=None, number=2),
        report(diagnosis=None, number=3),
        report(
            presentation="Posterior reversible encephalopathy syndrome was found on MRI in a woman.", number=4
        ),
    ]
    result = synthesize_items(spec_factory(), [], reports, [], embedder=word_embedder)
    assert {r.record_id: r.reason_code for r in result.rejections} == {
        "case-2": ReasonCode.MISSING_FIELD,
        "case-3": ReasonCode.MISSING_FIELD,
        "case-4": ReasonCode.TOO_SHORT,
    }
    assert not result.records and (result.records_in, result.expanded) == (3, 0)
    rejected = next(r for r in result.rejections if r.record_id == "case-3")
    assert rejected.record_type == "CaseReport" and rejected.source_uri == "https://example.org/case"
    assert CaseReport.model_validate_json(rejected.payload) == reports[1]


def test_llm_distractors_when_configured(spec_factory, scripted):
    backend = scripted(
        lambda messages: json.dumps(
            {"distractors": ["Eclampsia", "Cerebral venous thrombosis", "PRES", "Stroke"]}
        )
    )
    spec = spec_factory({"backend": "openai", "model": "x", "case_distractors": "llm"})
    result = synthesize_items(spec, [], [report()], [], llm=backend)
    mcq = next(i for i in result.records if i.task == TaskType.MCQ_SINGLE)
    texts = sorted(o.text for o in mcq.options)
    assert texts == sorted(
        ["Posterior reversible encephalopathy syndrome", "Eclampsia", "Cerebral venous thrombosis", "Stroke"]
    )  # 'PRES' is the answer: dropped
    assert mcq.provenance[0].prompt_version.startswith("case_distractors@v1")
    assert result.metadata["llm_calls"] == 1


def test_condition_words_and_their_forms_are_give_aways_but_drugs_and_context_are_not():
    terms = {t.lower() for t in giveaway_terms("Levofloxacin-induced thrombocytopenia", "", None)}
    assert {"thrombocytopenia", "thrombocytopenic"} <= terms and "levofloxacin" not in terms
    terms = {t.lower() for t in giveaway_terms("Methemoglobinemia complicating pregnancy", "", None)}
    assert "methemoglobinemia" in terms and "pregnancy" not in terms
    terms = {t.lower() for t in giveaway_terms("Traumatic arteriovenous fistula of the scalp", "", None)}
    assert {"fistula", "fistulous", "arteriovenous fistula"} <= terms and "traumatic" not in terms
    terms = {t.lower() for t in giveaway_terms("Ipilimumab induced Graves' disease", "", None)}
    assert "graves disease" in terms and "disease" not in terms
    text = "Cultures grew Edwardsiella tarda. Cytomegalovirus (CMV) was found."
    assert {"edwardsiella tarda", "edwardsiella"} <= {
        t.lower() for t in giveaway_terms("Edwardsiella tarda endocarditis", text, None)
    }
    assert "CMV" in giveaway_terms("Cytomegalovirus infection", text, None)


def test_a_history_that_names_the_condition_is_dropped_not_cut_at():
    case = (
        "A 60-year-old man with a history of chordoma of the sacrum was referred. "
        "He had left gluteal and groin pain for three months and lost 6 kg. "
        "Examination found a firm, fixed mass in the left flank with mild tenderness. "
        "An MRI showed a lobulated, expansile multiseptated mass with intense T2 signal."
    )
    giveaways = giveaway_terms("Metastatic chordoma", case, None)
    assert redact_case(case, giveaways) == ""  # the first sentence names it: nothing is left
    kept = redact_case(case, giveaways, drop=True)
    assert kept.startswith("He had left gluteal") and kept.endswith("intense T2 signal.")


def test_consent_boilerplate_is_not_part_of_the_case():
    case = (
        "Written informed consent was obtained from the patient. A 70-year-old man had abdominal pain. "
        "He had fever and a discharging groin wound for two weeks before admission to our clinic."
    )
    assert redact_case(case, ["aortoenteric fistula"]).startswith("A 70-year-old man")


def test_distractors_are_neither_broader_categories_nor_catch_alls():
    from synthesis.case_items import _CATCH_ALL_TITLE, holding_categories, is_broader_than

    assert is_broader_than("Fracture of femur", "bilateral neck of femur fractures")
    assert is_broader_than("Malignant neoplasm of parotid gland", "metastatic parotid tumour")
    assert not is_broader_than("Myeloid leukaemia", "acute lymphoblastic leukemia")
    # the category and its subcategory C91.0 'Acute lymphoblastic leukaemia', which the diagnosis names
    assert holding_categories("acute lymphoblastic leukemia", icd10_index()) == {"C91", "C91.0"}
    for title in (
        "Diseases of tongue",
        "Other disorders of thyroid",
        "Pericarditis in diseases classified elsewhere",
    ):
        assert _CATCH_ALL_TITLE.search(title)
    assert not _CATCH_ALL_TITLE.search("Acute pericarditis")


def test_mcq_on_a_real_diagnosis_keeps_its_category_out(spec_factory, word_embedder):
    presentation = (
        "A 65-year-old woman presented with fatigue, bruising and bone pain for three weeks. "
        "Her blood count showed a white cell count of 48 x 10^9/L with 80% blasts and a platelet count "
        "of 21 x 10^9/L. Flow cytometry of the marrow showed CD10, CD19 and TdT positive blasts."
    )
    result = synthesize_items(
        spec_factory(), [], [report(presentation, "acute lymphoblastic leukemia")], [], embedder=word_embedder
    )
    mcq = next(i for i in result.records if i.task == TaskType.MCQ_SINGLE)
    texts = [o.text for o in mcq.options]
    assert "Acute lymphoblastic leukemia" in texts and "Lymphoid leukaemia" not in texts
    assert not any(
        t.lower().startswith(("other ", "diseases of")) or "unspecified" in t.lower() for t in texts
    )
