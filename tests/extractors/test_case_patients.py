"""Multi-patient case reports give one record per patient; titles give the disease the case is about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors.case_diagnosis import diagnosis_from_title
from extractors.case_reports import build_case_reports, extract_case_reports, parse_article
from extractors.case_text import PATIENT_TITLE
from schemas import BenchmarkSpec, SourceDocument
from scrapers.store import store_bytes

TWO_CASES = b"""<?xml version="1.0"?>
<article article-type="case-report"><front><article-meta>
<title-group><article-title>Thoracic Pain: A Report of Two Cases</article-title></title-group>
</article-meta></front><body>
<sec><title>1. Introduction</title><p>Chest pain has many causes.</p></sec>
<sec><title>2. Case Presentation</title>
<sec><title>2.1. Case I</title><p>A 54-year-old man presented with chest pain radiating to the back.</p>
<p>CT angiography showed an intimal flap; he was diagnosed with acute aortic dissection.</p></sec>
<sec><title>2.2. Case II</title><p>A 31-year-old woman had pleuritic chest pain and fever.</p>
<p>She was diagnosed with acute pericarditis (Figure 2).</p></sec>
</sec>
<sec><title>3. Discussion</title><p>Both conditions can present with chest pain.</p></sec>
</body></article>"""


def test_case_i_and_case_ii_sections_give_one_record_each():
    reports = build_case_reports(parse_article(TWO_CASES), "doc", "src", "u", "CC-BY-4.0", "en")
    assert [r.patient for r in reports] == ["2.1. Case I", "2.2. Case II"]
    assert [r.diagnosis for r in reports] == ["acute aortic dissection", "acute pericarditis"]
    assert "54-year-old man" in reports[0].case_presentation
    assert "31-year-old woman" not in reports[0].case_presentation
    assert "31-year-old woman" in reports[1].case_presentation
    assert reports[1].figure_mentions == ["She was diagnosed with acute pericarditis (Figure 2)."]
    assert len({r.record_id for r in reports}) == 2


def test_paragraphs_opening_the_first_and_second_case_are_split(fixtures_dir: Path):
    """A real article ('Report of Two Cases') whose one section holds both patients."""
    path = fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4745277.xml"
    reports = build_case_reports(parse_article(path.read_bytes()), "d", "s", "u", "CC-BY", "en")
    assert [r.patient for r in reports] == ["The first case", "The second case"]
    assert reports[0].case_presentation.startswith("The first case was a sixty-year-old male")
    assert reports[1].case_presentation.startswith("The second case was a sixty-year-old female")
    assert all(r.diagnosis for r in reports)


def test_a_one_patient_article_stays_one_record(fixtures_dir: Path):
    path = fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4735918.xml"
    (report,) = build_case_reports(parse_article(path.read_bytes()), "d", "s", "u", "CC-BY", "en")
    assert report.patient is None


def test_the_stage_books_balance_with_more_records_than_articles(tmp_path: Path):
    raw = tmp_path / "raw"
    spec = BenchmarkSpec(
        benchmark="t",
        base_dir=str(tmp_path),
        sources=[{"id": "c", "kind": "case_reports_jats", "licence": "CC-BY"}],
    )
    sha, rel, _ = store_bytes(raw, TWO_CASES)
    doc = SourceDocument(
        document_id=sha,
        source_id="c",
        uri="two.xml",
        fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        media_type="application/xml",
        byte_size=len(TWO_CASES),
        licence="CC-BY",
        raw_path=rel,
    )
    result = extract_case_reports(spec, [doc], raw)
    assert result.records_in == 1 and result.expanded == 1 and len(result.records) == 2
    assert result.metadata["multi_patient_records"] == 2


@pytest.mark.parametrize(
    ("title", "patient"),
    [
        ("Case 1", True),
        ("Case II", True),
        ("Patient B", True),
        ("病例2", True),
        ("Case 3: a 4-year-old boy", True),
        ("Case presentation", False),
        ("Case", False),
        ("Patients and methods", False),
    ],
)
def test_patient_section_titles(title, patient):
    assert bool(PATIENT_TITLE.match(title)) is patient


@pytest.mark.parametrize(
    ("title", "diagnosis"),
    [
        (
            "Risk Factors and Epidemiology of Hepatitis B Demonstrated by a Case of Hepatocellular Carcinoma",
            "Hepatocellular Carcinoma",
        ),
        (
            "Epidemiology of Tuberculosis in Africa: A Case of Tuberculous Meningitis",
            "Tuberculous Meningitis",
        ),
        ("Pathogenesis and Management of Sarcoidosis", "Sarcoidosis"),
    ],
)
def test_titles_give_the_disease_the_case_is_about_not_the_study_words(title, diagnosis):
    assert diagnosis_from_title(title) == diagnosis
