"""Figure VQA: caption templates with sibling distractors, taxonomy vocabularies, the LLM path."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from schemas import Figure, ItemOrigin, ReasonCode, TaskType, Vocabulary
from synthesis.generate import synthesize_items
from synthesis.vocab import TermIndex
from vocabulary import load_vocabulary


def figure(caption, number=1, context=()):
    sha = f"{number:064x}"
    return Figure(
        record_id=f"fig-{number}",
        document_id="doc-1",
        source_id="src",
        uri="https://example.org/article",
        page=2,
        bbox=[0, 0, 10, 10],
        label=f"Figure {number}",
        caption=caption,
        image_path=f"{sha[:2]}/{sha}.png",
        image_sha256=sha,
        context=list(context),
        licence="CC-BY-4.0",
    )


def option_text(item, label):
    return next(o.text for o in item.options if o.label == label)


def test_modality_and_anatomy_questions_from_a_caption(spec_factory):
    # one anatomy term only: 'of the abdomen' would name a region too, and make the answer ambiguous
    fig = figure("Axial contrast-enhanced CT scan showing a mass in the left kidney (arrow).")
    result = synthesize_items(spec_factory(), [], [], [fig])
    by_key = {i.source_key.split("#")[1]: i for i in result.records}
    assert set(by_key) == {"modality_recognition", "anatomy_identification"}
    modality = by_key["modality_recognition"]
    assert modality.task == TaskType.VQA and modality.origin == ItemOrigin.SYNTHESIZED
    assert option_text(modality, modality.answers[0]) == "Computed tomography"
    assert len(modality.options) == 4 and len({o.text for o in modality.options}) == 4
    assert modality.images[0].path == fig.image_path and modality.images[0].sha256 == fig.image_sha256
    assert modality.images[0].caption == fig.caption
    assert modality.tags[0].vocabulary == Vocabulary.MODALITY and modality.tags[0].code == "CT"
    assert (
        option_text(by_key["anatomy_identification"], by_key["anatomy_identification"].answers[0]) == "Kidney"
    )
    assert (result.records_in, result.expanded, len(result.records)) == (1, 1, 2)


def test_distractors_never_overlap_the_answer_or_name_what_the_caption_names(spec_factory):
    table = load_vocabulary(Vocabulary.MODALITY)
    modalities = TermIndex("modality", table.terms, overlaps=[("ECHO", "US")], source=table)
    fig = figure("Transthoracic echocardiogram showing a mass in the left atrium.", 2)
    result = synthesize_items(spec_factory(), [], [], [fig], vocabularies={Vocabulary.MODALITY: modalities})
    modality = next(i for i in result.records if i.source_key.endswith("modality_recognition"))
    texts = {o.text for o in modality.options}
    assert option_text(modality, modality.answers[0]) == "Echocardiography"
    assert "Ultrasonography" not in texts  # an echocardiogram is an ultrasound: never a distractor
    assert "US" in {t.code for t in TermIndex.of_table(table).siblings("ECHO")}
    assert "US" not in {t.code for t in modalities.siblings("ECHO")}


def test_two_modalities_in_one_caption_are_ambiguous_and_a_bare_caption_makes_nothing(spec_factory):
    both = figure("(a) CT and (b) MRI of the brain.", 3)
    bare = figure("Timeline of the treatment.", 4)
    no_caption = figure(None, 5)
    result = synthesize_items(spec_factory(), [], [], [both, bare, no_caption])
    reasons = {r.record_id: r.reason_code for r in result.rejections}
    assert reasons["fig-4"] == ReasonCode.NO_ITEM_GENERATED
    assert reasons["fig-5"] == ReasonCode.MISSING_FIELD
    assert (result.records_in, result.expanded) == (3, 0)  # one item or one rejection each
    bare_rejection = next(r for r in result.rejections if r.record_id == "fig-4")
    assert bare_rejection.locator == "page 2" and bare_rejection.source_uri == "https://example.org/article"
    assert Figure.model_validate_json(bare_rejection.payload) == bare
    assert result.metadata["skipped_questions"]["modality_recognition:ambiguous_answer"] == 1
    assert [i.source_key for i in result.records] == ["fig-3#anatomy_identification"]


def test_a_taxonomy_vocabulary_table_drives_terms_and_sibling_distractors(spec_factory):
    anatomy = pa.table(
        {
            "code": ["HEAD", "FEMUR", "TIBIA", "FIBULA", "PATELLA", "SKULL"],
            "title": ["Head", "Femur", "Tibia", "Fibula", "Patella", "Skull"],
            "level": ["region", "bone", "bone", "bone", "bone", "bone"],
            "parent": [None, "LEG", "LEG", "LEG", "LEG", "HEAD"],
            "synonyms": [[], ["thigh bone", "femoral"], ["shin bone"], [], ["kneecap"], ["cranium"]],
        }
    )

    class TaxonomyVocabulary:
        terms = anatomy

    fig = figure("Plain radiograph showing a spiral fracture of the femoral shaft.", 6)
    result = synthesize_items(
        spec_factory(), [], [], [fig], vocabularies={Vocabulary.ANATOMY: TaxonomyVocabulary()}
    )
    item = next(i for i in result.records if i.source_key.endswith("anatomy_identification"))
    assert option_text(item, item.answers[0]) == "Femur"
    assert {o.text for o in item.options} == {"Femur", "Tibia", "Fibula", "Patella"}
    assert result.metadata["vocabularies"]["anatomy"] == "given"


def test_disease_classification_from_icd10_titles_in_the_caption(spec_factory):
    fig = figure("Clinical photograph of the gingiva with myiasis: larvae in the wound.", 7)
    result = synthesize_items(spec_factory(), [], [], [fig])
    disease = next(i for i in result.records if i.source_key.endswith("disease_classification"))
    assert option_text(disease, disease.answers[0]) == "Myiasis"
    assert disease.tags[0].code == "B87"


def test_same_inputs_same_items(spec_factory):
    figs = [figure("MRI of the brain showing a ring-enhancing lesion.", 8)]
    first = synthesize_items(spec_factory(seed=3), [], [], figs)
    second = synthesize_items(spec_factory(seed=3), [], [], figs)
    assert [i.item_id for i in first.records] == [i.item_id for i in second.records]


def vqa_reply(questions):
    return lambda messages: json.dumps({"questions": questions})


def test_llm_questions_are_kept_only_when_the_caption_supports_them(spec_factory, scripted):
    caption = "Colonoscopy image of the ascending colon showing an ulcerated tumour."
    questions = [
        {
            "type": "modality_recognition",
            "question": "How was this image obtained?",
            "options": ["Colonoscopy", "CT", "MRI", "Ultrasound"],
            "answer_index": 0,
            "evidence": "Colonoscopy image",
        },
        {
            "type": "surgical_procedure",
            "question": "Which operation is shown?",
            "options": ["Right hemicolectomy", "Whipple", "Appendectomy", "Gastrectomy"],
            "answer_index": 0,
        },
        {
            "type": "anatomy_identification",
            "question": "Which segment is shown?",
            "options": ["Ascending colon", "Rectum", "Ascending colon", "Ileum"],
            "answer_index": 0,
        },
    ]
    backend = scripted(vqa_reply(questions))
    result = synthesize_items(
        spec_factory({"backend": "openai", "model": "x"}), [], [], [figure(caption, 9)], llm=backend
    )
    assert [i.source_key for i in result.records] == ["fig-9#modality_recognition.0"]
    kept = result.records[0]
    assert option_text(kept, kept.answers[0]) == "Colonoscopy"
    assert kept.provenance[0].prompt_version.startswith("figure_vqa@v1") and kept.provenance[0].model
    reasons = sorted(r.reason_code for r in result.rejections)
    assert reasons == [ReasonCode.DUPLICATE_OPTIONS, ReasonCode.UNSUPPORTED_ANSWER]
    assert result.metadata["llm_calls"] == 1 and result.metadata["prompt_versions"]


def test_llm_failure_quarantines_the_figure_and_the_run_goes_on(spec_factory, scripted):
    backend = scripted(lambda messages: "no JSON here")
    figs = [figure("CT of the chest.", 10), figure("MRI of the knee.", 11)]
    spec = spec_factory({"backend": "openai", "model": "x", "max_repairs": 1})
    result = synthesize_items(spec, [], [], figs, llm=backend)
    assert not result.records
    assert {(r.reason_code, str(r.disposition)) for r in result.rejections} == {
        (ReasonCode.INVALID_LLM_OUTPUT, "quarantined")
    }
    assert len(backend.calls) == 4 and result.metadata["repairs"] == 2
    assert result.counts()["quarantined"] == 2


@pytest.mark.parametrize("flag", ["figure_vqa", "case_diagnosis"])
def test_generators_can_be_switched_off_and_inputs_are_still_accounted_for(spec_factory, flag):
    result = synthesize_items(spec_factory({flag: False}), [], [], [figure("CT of the chest.", 12)])
    assert len(result.records) + len(result.rejections) >= 1
