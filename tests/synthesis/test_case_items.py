"""Case-report diagnosis items: redaction of give-aways, open-ended and MCQ items, distractors."""

from __future__ import annotations

import json

from schemas import CaseReport, ReasonCode, TaskType
from synthesis.case_items import giveaway_terms, redact_case
from synthesis.generate import synthesize_items
from synthesis.text import contains_term
from synthesis.vocab import icd10_categories

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
    giveaways = giveaway_terms("Posterior reversible encephalopathy syndrome", CASE, icd10_categories())
    assert "PRES" in giveaways and "encephalopathy" in giveaways
    redacted = redact_case(CASE, giveaways)
    assert redacted.startswith("A 24-year-old woman presented")
    assert redacted.endswith("normal platelet counts.")
    assert not any(contains_term(redacted, g) for g in giveaways)


def test_open_ended_and_mcq_items_with_nearest_icd10_distractors(spec_factory, word_embedder):
    result = synthesize_items(spec_factory(), [], [report()], [], embedder=word_embedder)
    assert result.balanced and result.expanded == 1
    by_task = {i.task: i for i in result.records}
    open_item, mcq = by_task[TaskType.OPEN_ENDED], by_task[TaskType.MCQ_SINGLE]
    assert open_item.answers == ["Posterior reversible encephalopathy syndrome"]
    assert open_item.question.endswith("What is the most likely diagnosis?")
    assert "PRES" not in mcq.question and "labetalol" not in mcq.question
    correct = next(o.text for o in mcq.options if o.label == mcq.answers[0])
    assert correct == "Posterior reversible encephalopathy syndrome"
    icd_titles = {t.title for t in icd10_categories().terms}
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
    assert not result.records and result.balanced


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
