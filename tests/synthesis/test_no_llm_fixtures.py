"""The deterministic path end to end on real figures and case reports from ../shared/fixtures."""

from __future__ import annotations

import pytest

from schemas import ReasonCode, TaskType
from synthesis.generate import synthesize_items


@pytest.fixture(scope="module")
def fixture_inputs(jats_records):
    return jats_records.fixture_figures(), jats_records.fixture_case_reports()


@pytest.fixture(scope="module")
def fixture_run(fixture_inputs, tmp_path_factory):
    from embeddings import default_encoder
    from schemas import BenchmarkSpec, SourceSpec

    cache = tmp_path_factory.mktemp("synthesis-cache")
    spec = BenchmarkSpec(
        benchmark="fixtures",
        sources=[SourceSpec(id="fixtures-jats", kind="case_reports_jats", licence="CC-BY-4.0")],
        synthesis={"cache_dir": str(cache)},
    )
    figures, reports = fixture_inputs
    return spec, synthesize_items(spec, [], reports, figures, embedder=default_encoder())


def test_books_balance_and_every_rejection_has_a_known_reason(fixture_inputs, fixture_run):
    figures, reports = fixture_inputs
    _, result = fixture_run
    assert len(figures) > 200 and len(reports) > 50
    assert result.records_in == len(figures) + len(reports)
    known = {c.value for c in ReasonCode}
    assert {r.reason_code for r in result.rejections} <= known
    assert result.metadata["llm_calls"] == 0 and result.metadata["backend"] == "none"


def test_real_captions_give_the_expected_questions(fixture_run):
    _, result = fixture_run
    by_key = {i.source_key: i for i in result.records}

    def answer(key):
        item = by_key[key]
        return next(o.text for o in item.options if o.label == item.answers[0])

    assert answer("fig-PMC4735894-fig1#modality_recognition") == "Electrocardiography"
    assert answer("fig-PMC4735894-fig2#modality_recognition") == "Echocardiography"
    assert answer("fig-PMC4735918-fig1#modality_recognition") == "Computed tomography"
    assert answer("fig-PMC4735918-fig1#anatomy_identification") == "Urinary bladder"
    assert answer("fig-PMC4735918-fig3#modality_recognition") == "Histopathology"
    assert answer("fig-PMC4735925-fig2#modality_recognition") == "Dental and oral imaging"
    assert answer("fig-PMC4735926-fig1#anatomy_identification") == "Skin"
    tasks = {i.task for i in result.records}
    assert tasks == {TaskType.VQA, TaskType.OPEN_ENDED, TaskType.MCQ_SINGLE}


def test_case_items_never_contain_their_diagnosis(fixture_inputs, fixture_run):
    _, reports = fixture_inputs
    _, result = fixture_run
    diagnoses = {r.record_id: r.diagnosis for r in reports}
    cases = [i for i in result.records if i.task != TaskType.VQA]
    assert len(cases) >= 60
    for item in cases:
        diagnosis = diagnoses[item.source_key.split("#")[0]]
        assert diagnosis.lower() not in item.question.lower()
        if item.task == TaskType.MCQ_SINGLE:
            assert len({o.text.lower() for o in item.options}) == 4


def test_a_rebuild_with_the_cache_is_identical(fixture_inputs, fixture_run):
    from embeddings import default_encoder

    spec, first = fixture_run
    figures, reports = fixture_inputs
    second = synthesize_items(spec, [], reports, figures, embedder=default_encoder())
    assert [i.item_id for i in first.records] == [i.item_id for i in second.records]
    assert [(r.record_id, r.reason_code) for r in first.rejections] == [
        (r.record_id, r.reason_code) for r in second.rejections
    ]
