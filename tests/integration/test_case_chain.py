"""The case-report chain end to end on real JATS fixtures: extract -> diagnosis items -> tags.

Real parser output goes through `extract_case_reports`, `synthesize_items` (no LLM, ICD-10
distractors by the offline MiniLM encoder) and `tag_items`; the test asserts what each article
became: the diagnosis read, the question without it, the answer among the options, distractors
that are not the diagnosis's own category, the ICD-10 chapter of the diagnosis.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors.case_reports import extract_case_reports
from schemas import BenchmarkSpec, ReasonCode, SourceDocument, TaskType, Vocabulary
from scrapers.store import store_bytes
from synthesis.generate import synthesize_items
from synthesis.text import contains_term
from taxonomy import tag_items, tag_text
from vocabulary import load_vocabulary

pytestmark = pytest.mark.integration

EXPECTED = {
    "PMC4745290": "pulmonary embolism",  # the cue sentence said 'emboli were observed'
    "PMC4736760": "mesenteric chylous cyst",  # the title opens 'A Case of a 4-Year-Old Boy with ...'
    "PMC4736598": "bilateral neck of femur fractures",
    "PMC4745278": "acute lymphoblastic leukemia",
    "PMC4738720": "cytomegalovirus infection",  # 'Treatment of X with Y in a Z'
    "PMC4737013": "ipilimumab induced Graves' disease",
}
NO_DIAGNOSIS = "PMC4736806"  # 'Direct Midline Diastema Closure with Composite Layering Technique'
CHAPTERS = {"PMC4745290": "IX", "PMC4745278": "II", "PMC4738720": "I", "PMC4736598": "XIX"}


@pytest.fixture(scope="module")
def chain(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("case-chain")
    spec = BenchmarkSpec(
        benchmark="case-chain",
        base_dir=str(base),
        sources=[{"id": "jats", "kind": "case_reports_jats", "licence": "CC-BY"}],
        synthesis={"cache_dir": str(base / "cache")},
    )
    folder = fixtures_dir / "case_reports" / "jats" / "hindawi"
    documents = []
    for pmcid in [*EXPECTED, NO_DIAGNOSIS]:
        path = folder / f"{pmcid}.xml"
        assert path.is_file(), f"fixture missing: {path}"
        data = path.read_bytes()
        sha, rel, _ = store_bytes(base / "raw", data)
        documents.append(
            SourceDocument(
                document_id=sha,
                source_id="jats",
                uri=str(path),
                fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                media_type="application/xml",
                byte_size=len(data),
                licence="CC-BY",
                raw_path=rel,
            )
        )
    extracted = extract_case_reports(spec, documents, base / "raw")
    # as the chain's synthesis asset calls it: with the taxonomy's own vocabularies
    vocabularies = {
        v: load_vocabulary(v) for v in (Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.ICD10)
    }
    synthesized = synthesize_items(spec, [], extracted.records, [], vocabularies=vocabularies)
    tagged = tag_items(spec, synthesized.records)
    return extracted, synthesized, tagged


def _items_of(tagged, report):
    return {i.task: i for i in tagged.records if i.source.uri == report.uri}


def test_books_balance_at_every_stage(chain) -> None:
    extracted, synthesized, tagged = chain
    assert extracted.records_in == len(EXPECTED) + 1
    assert tagged.records_in == len(synthesized.records)
    assert len(tagged.records) == 2 * len(EXPECTED)  # one open-ended and one MCQ per diagnosis


def test_diagnoses_read_from_real_articles(chain) -> None:
    extracted, _, _ = chain
    found = {r.pmcid: r.diagnosis for r in extracted.records}
    assert {p: found[p] for p in EXPECTED} == EXPECTED
    assert found[NO_DIAGNOSIS] is None


def test_article_without_a_diagnosis_is_rejected_with_its_reason(chain) -> None:
    extracted, synthesized, _ = chain
    report = next(r for r in extracted.records if r.pmcid == NO_DIAGNOSIS)
    [rejection] = [r for r in synthesized.rejections if r.record_id == report.record_id]
    assert rejection.reason_code == ReasonCode.MISSING_FIELD and "no diagnosis" in rejection.message


def test_items_hide_the_diagnosis_and_keep_a_case(chain) -> None:
    extracted, _, tagged = chain
    for report in extracted.records:
        if report.pmcid not in EXPECTED:
            continue
        items = _items_of(tagged, report)
        open_item, mcq = items[TaskType.OPEN_ENDED], items[TaskType.MCQ_SINGLE]
        case = open_item.question.rsplit("\n\n", 1)[0]
        assert len(case) >= 150 and case == mcq.question.rsplit("\n\n", 1)[0], report.pmcid
        assert case.split()[0] not in ("We", "Here"), report.pmcid
        assert not contains_term(case, report.diagnosis), report.pmcid
        assert open_item.answers == [report.diagnosis[0].upper() + report.diagnosis[1:]]
        labels = [o.label for o in mcq.options]
        assert len(mcq.options) == 4 and mcq.answers[0] in labels
        keyed = next(o.text for o in mcq.options if o.label == mcq.answers[0])
        assert keyed.lower() == report.diagnosis.lower()


def test_give_away_words_and_acronyms_are_out(chain) -> None:
    extracted, _, tagged = chain
    by_pmcid = {r.pmcid: r for r in extracted.records}
    cmv = _items_of(tagged, by_pmcid["PMC4738720"])[TaskType.OPEN_ENDED].question
    assert not contains_term(cmv, "CMV") and not contains_term(cmv, "cytomegalovirus")
    leukaemia = _items_of(tagged, by_pmcid["PMC4745278"])[TaskType.OPEN_ENDED].question
    assert not contains_term(leukaemia, "leukemia") and not contains_term(leukaemia, "lymphoblastic")


def test_distractors_are_not_the_diagnosis_category(chain) -> None:
    extracted, _, tagged = chain
    by_pmcid = {r.pmcid: r for r in extracted.records}

    def distractors(pmcid: str) -> list[str]:
        mcq = _items_of(tagged, by_pmcid[pmcid])[TaskType.MCQ_SINGLE]
        return [o.text for o in mcq.options if o.label not in mcq.answers]

    assert "Fracture of femur" not in distractors("PMC4736598")
    assert "Lymphoid leukaemia" not in distractors("PMC4745278")
    assert "Pulmonary embolism" not in distractors("PMC4745290")
    for pmcid in EXPECTED:
        assert not any(d.lower().startswith(("other ", "diseases of ")) for d in distractors(pmcid))
        assert not any("unspecified" in d.lower() for d in distractors(pmcid)), pmcid


def test_diagnosis_text_gets_its_icd10_chapter(chain) -> None:
    extracted, _, tagged = chain
    by_pmcid = {r.pmcid: r for r in extracted.records}
    for pmcid, chapter in CHAPTERS.items():
        tags = tag_text(by_pmcid[pmcid].diagnosis).tags
        chapters = {t.code for t in tags if t.vocabulary == Vocabulary.ICD10 and t.level == "chapter"}
        assert chapter in chapters, (pmcid, chapters)
        open_item = _items_of(tagged, by_pmcid[pmcid])[TaskType.OPEN_ENDED]
        assert chapter in {t.code for t in open_item.tags if t.vocabulary == Vocabulary.ICD10}, pmcid
