"""Case-report parsing on the real JATS and BMC fixtures, bad XML, and the CLI command."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.case_diagnosis import diagnosis_from_text, diagnosis_from_title, why_not_diagnosis
from extractors.case_reports import build_case_report, extract_case_reports, parse_article
from extractors.case_text import CASE_TITLES
from pipelines.cli import app
from schemas import BenchmarkSpec, SourceDocument
from scrapers.store import store_bytes


def _jats_files(fixtures_dir: Path) -> list[Path]:
    files = sorted((fixtures_dir / "case_reports" / "jats").rglob("*.*ml"))
    assert len(files) == 108, f"expected 108 JATS fixtures under {fixtures_dir / 'case_reports' / 'jats'}"
    return files


def _report(path: Path):
    parts = parse_article(path.read_bytes(), None, path.name)
    return build_case_report(parts, "doc", "src", str(path), "unknown", "en")


def test_figure_count_equals_fig_elements(fixtures_dir: Path) -> None:
    for path in _jats_files(fixtures_dir):
        expected = len(re.findall(rb"<fig[\s>]", path.read_bytes()))
        assert len(_report(path).figures) == expected, path.name


def test_bmc_pages_figures_match_their_xml(fixtures_dir: Path) -> None:
    pages = sorted((fixtures_dir / "html" / "bmc_trials").glob("*/fulltext.html"))
    assert len(pages) == 4
    for page in pages:
        report = _report(page)
        xml = (page.parent / "fulltext.xml").read_bytes()
        assert len(report.figures) == len(re.findall(rb"<fig[\s>]", xml)), page.parent.name
        assert report.doi and report.doi.startswith("10.1186/")
        assert report.licence == "CC-BY-2.0" and report.published is not None
        assert report.abstract and report.abstract.startswith("Background")
        assert report.case_presentation is None and report.diagnosis is None  # trials, not case reports
    one = _report(fixtures_dir / "html" / "bmc_trials" / "trials-16_1_1" / "fulltext.html")
    assert one.figures[0].label == "Figure 1" and one.figures[0].caption.startswith("CONSORT diagram")
    assert one.published == dt.date(2015, 2, 12) and one.article_type == "Methodology"


def test_hindawi_case_report_fields(fixtures_dir: Path) -> None:
    report = _report(fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4735918.xml")
    assert report.pmcid == "PMC4735918" and report.doi == "10.1155/2016/5764625"
    assert report.article_type == "case-report" and report.licence == "CC-BY"
    assert report.title.startswith("Incidental Finding of a Rare Urachal Pathology")
    assert report.case_presentation and report.case_presentation.startswith("A 54-year-old male")
    assert report.diagnosis == "urachal mucinous cystic tumour of low malignant potential"
    assert report.diagnosis_found_in == "title"
    assert report.figures[0].label == "Figure 1" and report.figures[0].caption.startswith(
        "Computed tomography"
    )
    assert any("Figure 1" in m for m in report.figure_mentions)


def test_case_reports_found_share(fixtures_dir: Path) -> None:
    cases = [r for r in map(_report, _jats_files(fixtures_dir)) if r.article_type == "case-report"]
    assert len(cases) == 58
    assert sum(r.case_presentation is not None for r in cases) == 58
    # a missing diagnosis beats a wrong one: these three titles name a procedure or a pattern and
    # their cue sentences name findings or a working diagnosis ('a diagnosis of left parametritis')
    missing = sorted(r.pmcid for r in cases if r.diagnosis is None)
    assert missing == ["PMC4736806", "PMC4736807", "PMC4745314"]
    by_pmcid = {r.pmcid: r.diagnosis for r in cases}
    assert by_pmcid["PMC4745290"] == "pulmonary embolism"  # not 'emboli were observed'
    assert by_pmcid["PMC4736760"] == "mesenteric chylous cyst"  # not '4-Year-Old Boy with ...'
    assert by_pmcid["PMC4736318"] == "disseminated cutaneous sporotrichosis"
    assert by_pmcid["PMC4737013"] == "ipilimumab induced Graves' disease"
    assert by_pmcid["PMC4738733"] == "multiple myeloma"
    assert all(why_not_diagnosis(d) is None for d in by_pmcid.values() if d)


@pytest.mark.parametrize(
    ("title", "matches"),
    [
        ("2. Case Presentation", True),
        ("Case report", True),
        ("Relato de caso", True),
        ("Caso clínico", True),
        ("Présentation du cas", True),
        ("Fallbericht", True),
        ("病例报告", True),
        ("2.1. Clinical Case #1", True),
        ("3. Discussion", False),
        ("Case-control design", False),
    ],
)
def test_case_section_titles(title: str, matches: bool) -> None:
    assert bool(CASE_TITLES.match(title)) is matches


def test_diagnosis_cues() -> None:
    assert diagnosis_from_text("The final diagnosis was Whipple disease.") == "Whipple disease"
    assert diagnosis_from_text("She was diagnosed with sarcoidosis, which responded.") == "sarcoidosis"
    assert diagnosis_from_text("No cue here.") is None
    assert diagnosis_from_text("Multiple emboli were observed in the pulmonary arteries.") is None
    assert diagnosis_from_text("It was consistent with either tularemia or cat scratch disease.") is None
    assert diagnosis_from_text("Histology showed numerous macrophages, some with vacuoles.") is None


@pytest.mark.parametrize(
    ("title", "diagnosis"),
    [
        ("An Unusual Case of Biatrial Myxoma in a Young Female", "Biatrial Myxoma"),
        ("Metastatic Chordoma: A Diagnostic Challenge on Fine Needle Aspiration", "Metastatic Chordoma"),
        (
            "Successful Treatment of Secondary Aortoenteric Fistula with a Special Graft",
            "Secondary Aortoenteric Fistula",
        ),
        (
            "A Case of a 4-Year-Old Boy with a Mesenteric Chylous Cyst Infected with Histoplasma",
            "Mesenteric Chylous Cyst",
        ),
        (
            "Gingival Overgrowth Leading to the Diagnosis of Familial Tuberous Sclerosis Complex",
            "Familial Tuberous Sclerosis Complex",
        ),
        (
            "Probable Levofloxacin-Induced Thrombocytopenia in a Patient Previously on Ciprofloxacin",
            "Levofloxacin-Induced Thrombocytopenia",
        ),
        ("Pulmonary Empty Spaces: Silicone Embolism—A Decade of Increased Incidence", "Silicone Embolism"),
        (
            "Incidental Finding of a Rare Urachal Pathology: Urachal Mucinous Cystic Tumour",
            "Urachal Mucinous Cystic Tumour",
        ),
        ("Direct Midline Diastema Closure with Composite Layering Technique: A One-Year Follow-Up", None),
        ("A Striking Coronary Artery Pattern in a Grown-Up Congenital Heart Disease Patient", None),
        # title styles not in the fixtures
        (
            "Spontaneous coronary artery dissection in a young woman: a case report",
            "Spontaneous coronary artery dissection",
        ),
        ("A rare cause of abdominal pain: intestinal malrotation in an adult", "intestinal malrotation"),
        (
            "Primary hepatic lymphoma mimicking hepatocellular carcinoma: a case report",
            "Primary hepatic lymphoma",
        ),
        ("Giant cell arteritis presenting with tongue necrosis", "Giant cell arteritis"),
        (
            "When a headache is not just a headache: cerebral venous sinus thrombosis",
            "cerebral venous sinus thrombosis",
        ),
        (
            "Anti-NMDA receptor encephalitis associated with ovarian teratoma",
            "Anti-NMDA receptor encephalitis",
        ),
        ("An unusual cause of dysphagia", None),
        ("A 45-year-old man with chest pain", None),
        ("Hidden in plain sight: a case report", None),
    ],
)
def test_diagnosis_from_title(title: str, diagnosis: str | None) -> None:
    assert diagnosis_from_title(title) == diagnosis


@pytest.mark.parametrize(
    "phrase",
    [
        "emboli were observed",
        "4-Year-Old Boy with a Mesenteric Chylous Cyst",
        "either tularemia or cat scratch disease",
        "multiple myeloma versus plasma cell leukaemia",
        "numerous macrophages, some with cytoplasmic vacuoles",
        "Direct Midline Diastema Closure",
        "diagnosis of ET",
        "young, male patient who presented with jaundice",
    ],
)
def test_non_diagnoses_are_refused(phrase: str) -> None:
    assert why_not_diagnosis(phrase) is not None


def test_xxe_is_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<article article-type="case-report"><front><article-meta><title-group>'
        "<article-title>A case &xxe; of gout</article-title></title-group></article-meta></front></article>"
    ).encode()
    report = build_case_report(parse_article(xml), "d", "s", "u", "CC-BY-4.0", "en")
    assert "TOP-SECRET" not in report.model_dump_json()
    assert report.title == "A case of gout"


def test_stage_books(tmp_path: Path, fixtures_dir: Path) -> None:
    raw = tmp_path / "raw"
    spec = BenchmarkSpec(
        benchmark="t",
        base_dir=str(tmp_path),
        sources=[{"id": "c", "kind": "case_reports_jats", "licence": "CC-BY"}],
    )
    inputs = [
        (fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4735918.xml").read_bytes(),
        (fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4657150.xml").read_bytes(),  # research
        b"<article><broken",
    ]
    docs = []
    for index, data in enumerate(inputs):
        sha, rel, _ = store_bytes(raw, data)
        docs.append(
            SourceDocument(
                document_id=sha,
                source_id="c",
                uri=f"doc{index}.xml",
                fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                media_type="application/xml",
                byte_size=len(data),
                licence="CC-BY",
                raw_path=rel,
            )
        )
    result = extract_case_reports(spec, docs, raw)
    assert result.records_in == 3
    assert [r.pmcid for r in result.records] == ["PMC4735918"]
    assert sorted(r.reason_code for r in result.rejections) == ["not_a_case_report", "parse_error"]


def test_cli_writes_articles_and_rejections(tmp_path: Path, fixtures_dir: Path) -> None:
    good = fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4735918.xml"
    page = fixtures_dir / "html" / "bmc_trials" / "trials-16_1_50" / "fulltext.html"
    bad = tmp_path / "bad.xml"
    bad.write_text("<article><broken")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["extract", "case-reports", str(good), str(page), str(bad), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"] for r in rows] == [str(good)]  # the trial protocol page is no case report
    first = rows[0]
    for key in (
        "pmcid",
        "doi",
        "title",
        "article_type",
        "published",
        "license",
        "case_presentation",
        "diagnosis",
    ):
        assert first[key], key
    assert first["figures"][0]["label"] == "Figure 1"
    rejected = [json.loads(line) for line in (tmp_path / "out.rejected.jsonl").read_text().splitlines()]
    assert [(r["source"], r["reason"]) for r in rejected] == [
        (str(page), "not_a_case_report"),
        (str(bad), "parse_error"),
    ]
    assert "Study protocol" in rejected[0]["message"]  # the article type that made it no case report
