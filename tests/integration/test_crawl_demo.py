"""Whole crawl of the generated demo exam site on 127.0.0.1, then exam extraction from what it stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.exams import extract_exam_questions
from samples.exam_site import render_exam_site
from schemas import BenchmarkSpec
from scrapers.ingest import ingest_sources

pytestmark = pytest.mark.integration

DEMO_OPTIONS = {
    "exam": "Demo Exam",
    "edition_links": "a.edition-link::attr(href)",
    "question_links": "a.question-link::attr(href)",
    "edition": "p.edition",
    "question": "article.question",
    "stem": "div.stem",
    "option": "li.option",
    "option_text": "span.text",
    "answer": "span.answer::attr(data-answer)",
}


def _spec(tmp_path: Path) -> BenchmarkSpec:
    render_exam_site(tmp_path / "site", years=range(2019, 2021), per_edition=5)
    return BenchmarkSpec(
        benchmark="t",
        licence_allow=["CC-BY-4.0"],
        base_dir=str(tmp_path),
        sources=[
            {
                "id": "exams",
                "kind": "exam_site",
                "licence": "CC-BY-4.0",
                "site_dir": "site",
                "public_url": "https://exams.example.invalid/",
                "start_urls": ["index.html"],
                "options": DEMO_OPTIONS,
            }
        ],
    )


def test_demo_site_crawl_and_extract(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    raw = tmp_path / "raw"
    result = ingest_sources(spec, raw, tmp_path / "work")
    assert len(result.records) == 4 * 5  # 2 years x 2 sessions x 5 questions
    assert all(d.uri.startswith("https://exams.example.invalid/questions/") for d in result.records)
    assert [d.uri for d in result.records] == sorted(d.uri for d in result.records)
    assert {(r.source_uri, r.reason_code) for r in result.rejections} == {
        ("https://exams.example.invalid/questions/removed-q99.html", "http_error"),
        ("https://exams.example.invalid/private/draft-q00.html", "robots_disallowed"),
    }
    first = result.records[0]
    assert (first.edition_year, first.edition_session, str(first.source_release_date)) == (
        2019,
        "1",
        "2019-03-15",
    )
    assert first.licence == "CC-BY-4.0" and first.media_type == "text/html"
    assert result.metadata["sources"]["exams"]["stored_new"] == 20

    questions = extract_exam_questions(spec, result.records, raw)
    assert len(questions.records) == 20 and not questions.rejections
    assert sum(q.annulled for q in questions.records) == 0  # q07 of 2019-1 is annulled; per_edition=5
    assert [q.needs_image for q in questions.records].count(True) == 1
    q = questions.records[0]
    assert q.exam == "Demo Exam" and q.number == 1 and len(q.options) == 5 and len(q.answers) == 1

    again = ingest_sources(spec, raw, tmp_path / "work")  # incremental: nothing stored twice
    assert again.metadata["sources"]["exams"]["stored_new"] == 0
    assert [d.document_id for d in again.records] == [d.document_id for d in result.records]
