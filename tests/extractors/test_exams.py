"""Exam extraction: demo question pages, the Revalida and FrenchMedMCQA collections, books."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractors.exam_html import parse_question_page
from extractors.exams import extract_exam_questions
from schemas import BenchmarkSpec, SourceDocument
from schemas.source_options import ExamOptions
from scrapers.store import store_bytes

REVALIDA_OPTIONS = {
    "exam": "Revalida",
    "records": "questions",
    "fields": {
        "stem": "stem",
        "options": "options",
        "answers": "correct",
        "number": "number",
        "annulled": "annulled",
        "needs_image": "hasImage",
        "source_labels": "specialty",
        "id": "id",
    },
    "document_fields": {"edition_year": "year", "published": "publishedAt", "uri": "source", "edition": "id"},
    "edition_pattern": r"(?P<year>\d{4})-(?P<session>\d+)$",
}

FRENCH_OPTIONS = {
    "exam": "FrenchMedMCQA",
    "fields": {
        "stem": "question",
        "options": "answers",
        "answers": "correct_answers",
        "source_labels": "subject_name",
    },
}


def _spec(tmp_path: Path, **source: object) -> BenchmarkSpec:
    base = {"id": "src", "licence": "Apache-2.0", **source}
    return BenchmarkSpec(benchmark="t", sources=[base], base_dir=str(tmp_path))


def _doc(
    raw: Path, data: bytes, uri: str, media_type: str, source_id: str = "src", **fields
) -> SourceDocument:
    sha, rel, _ = store_bytes(raw, data)
    return SourceDocument(
        document_id=sha,
        source_id=source_id,
        uri=uri,
        fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        media_type=media_type,
        byte_size=len(data),
        licence="Apache-2.0",
        raw_path=rel,
        **fields,
    )


DEMO_OPTIONS = ExamOptions(
    exam="Demo",
    question="article.question",
    stem="div.stem",
    option="li.option",
    option_text="span.text",
    answer="span.answer::attr(data-answer)",
)


def test_demo_question_page_fields(tmp_path: Path) -> None:
    from samples.exam_site import render_exam_site

    site = render_exam_site(tmp_path / "site", years=range(2019, 2020), per_edition=7)
    annulled = (site / "questions" / "2019-1-q07.html").read_text(encoding="utf-8")
    [question] = parse_question_page(annulled, DEMO_OPTIONS)
    assert question.number == 7 and question.annulled and not question.needs_image
    assert [label for label, _ in question.options] == ["A", "B", "C", "D", "E"]
    assert len(question.answers) == 1 and question.answers[0] in "ABCDE"
    assert question.stem and "ICD-10" in question.stem
    image = (site / "questions" / "2019-2-q03.html").read_text(encoding="utf-8")
    [with_image] = parse_question_page(image, DEMO_OPTIONS)
    assert with_image.needs_image and not with_image.annulled


def test_text_fallback_without_selectors() -> None:
    html = (
        "<html><body><p>1. Which vitamin deficiency causes scurvy?</p><p>A) Vitamin A</p>"
        "<p>B) Vitamin C</p><p>C) Vitamin D</p>"
        "<p>2. Second question?</p><p>a) yes</p><p>b) no</p></body></html>"
    )
    questions = parse_question_page(html, ExamOptions())
    assert [q.number for q in questions] == [1, 2]
    assert questions[0].options == [("A", "Vitamin A"), ("B", "Vitamin C"), ("C", "Vitamin D")]
    assert questions[1].options == [("A", "yes"), ("B", "no")]


def test_revalida_collection(tmp_path: Path, fixtures_dir: Path) -> None:
    path = fixtures_dir / "exams" / "medbench_brasil" / "revalida-2024-1.json"
    raw = tmp_path / "raw"
    spec = _spec(tmp_path, kind="exam_collection", language="pt-BR", options=REVALIDA_OPTIONS)
    doc = _doc(raw, path.read_bytes(), "revalida-2024-1.json", "application/json")
    result = extract_exam_questions(spec, [doc], raw)
    assert result.records_in == 1 and result.expanded == 99
    assert len(result.records) == 100 and not result.rejections
    first = next(q for q in result.records if q.number == 2)
    assert first.exam == "Revalida" and first.language == "pt-BR"
    assert (first.edition_year, first.edition_session, first.published) == (2024, "1", dt.date(2024, 3, 17))
    assert first.uri.startswith("https://www.gov.br/inep/")
    assert first.answers == ["A"] and [o.label for o in first.options] == ["A", "B", "C", "D"]
    assert first.source_labels == ["cirurgia"]
    assert first.stem.startswith("Um paciente com 28 anos")
    # annulled and image questions are kept and flagged, as the source says
    assert sum(q.annulled for q in result.records) == 5
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    assert sum(q.needs_image for q in result.records) == sum(q["hasImage"] for q in data["questions"])


def test_frenchmedmcqa_multi_answer(tmp_path: Path, fixtures_dir: Path) -> None:
    path = fixtures_dir / "exams" / "frenchmedmcqa" / "dev.json"
    raw = tmp_path / "raw"
    spec = _spec(tmp_path, kind="exam_collection", language="fr", options=FRENCH_OPTIONS)
    doc = _doc(raw, path.read_bytes(), "dev.json", "application/json")
    result = extract_exam_questions(spec, [doc], raw)
    assert len(result.records) == 312
    first = next(q for q in result.records if q.stem.startswith("L'adrénaline"))
    assert first.answers == ["E"] and first.source_labels == ["pharmacie"]
    assert any(len(q.answers) > 1 for q in result.records)


def test_csv_and_bad_files_are_books(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    options = {"exam": "CSV", "fields": {"stem": "q", "answers": "key"}, "option_columns": ["A", "B", "C"]}
    spec = _spec(tmp_path, kind="exam_collection", options=options)
    csv_bytes = b"q,A,B,C,key\nWhich is a vitamin?,Iron,Vitamin C,Zinc,B\n,x,y,z,A\n"
    docs = [
        _doc(raw, csv_bytes, "a.csv", "text/csv"),
        _doc(raw, b"{not json", "b.json", "application/json"),
    ]
    result = extract_exam_questions(spec, docs, raw)
    assert result.records_in == 2 and result.expanded == 1
    assert [q.stem for q in result.records] == ["Which is a vitamin?"]
    assert result.records[0].options[1].text == "Vitamin C" and result.records[0].answers == ["B"]
    assert sorted(r.reason_code for r in result.rejections) == ["missing_field", "parse_error"]
    (no_stem,) = [r for r in result.rejections if r.reason_code == "missing_field"]
    assert no_stem.record_type == "ExamQuestion" and no_stem.source_uri == docs[0].uri
    assert no_stem.locator == "file a.csv, row 2"  # the row (no id column: its index is the key)
    assert json.loads(no_stem.payload)["options"] == [["A", "x"], ["B", "y"], ["C", "z"]]


def test_other_sources_are_not_counted(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    spec = _spec(tmp_path, kind="pdf")
    result = extract_exam_questions(spec, [_doc(raw, b"%PDF-1.4", "x.pdf", "application/pdf")], raw)
    assert result.records_in == 0 and not result.records and not result.rejections


@pytest.mark.parametrize("suffix", ["jsonl", "xlsx"])
def test_jsonl_and_xlsx(tmp_path: Path, suffix: str) -> None:
    raw = tmp_path / "raw"
    rows = [
        {"stem": "Q1?", "A": "a1", "B": "b1", "answer": "A"},
        {"stem": "Q2?", "A": "a2", "B": "b2", "answer": "b"},
    ]
    if suffix == "jsonl":
        import json

        data = "\n".join(json.dumps(r) for r in rows).encode()
        media = "application/x-ndjson"
    else:
        import io

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(list(rows[0]))
        for r in rows:
            sheet.append(list(r.values()))
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    options = {"fields": {"answers": "answer"}, "option_columns": ["A", "B"]}
    spec = _spec(tmp_path, kind="exam_collection", options=options)
    result = extract_exam_questions(spec, [_doc(raw, data, f"c.{suffix}", media)], raw)
    assert [(q.stem, q.answers) for q in result.records] == [("Q1?", ["A"]), ("Q2?", ["B"])]
