"""Broken collection files and rows end as rejections with reasons; the books still balance."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from extractors.exams import extract_exam_questions
from schemas import SourceDocument, sha256_hex
from schemas.spec import parse_spec

MAPPING = {
    "records": "questions",
    "fields": {"id": "id", "stem": "stem", "options": "options", "answers": "correct"},
}


def _doc(raw: Path, name: str, data: bytes, media_type: str) -> SourceDocument:
    digest = sha256_hex(data)
    (raw / digest).write_bytes(data)
    return SourceDocument(
        document_id=digest,
        source_id="bank",
        uri=name,
        fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        media_type=media_type,
        byte_size=len(data),
        licence="CC0-1.0",
        raw_path=digest,
    )


def test_corrupt_xlsx_and_non_record_rows_are_rejected(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "benchmark": "t",
            "sources": [{"id": "bank", "kind": "exam_collection", "licence": "CC0-1.0", "options": MAPPING}],
        },
        base_dir=tmp_path,
    )
    good = {
        "questions": [
            {
                "id": "q1",
                "stem": "Which vitamin deficiency causes scurvy?",
                "options": {"A": "C", "B": "D"},
                "correct": "A",
            },
            ["not", "a", "record"],
            "just text",
        ]
    }
    docs = [
        _doc(
            tmp_path,
            "bad.xlsx",
            b"garbage, not a zip",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _doc(tmp_path, "bank.json", json.dumps(good).encode(), "application/json"),
    ]
    result = extract_exam_questions(spec, docs, tmp_path)
    assert [q.stem for q in result.records] == ["Which vitamin deficiency causes scurvy?"]
    reasons = sorted((r.source_uri, r.reason_code, r.message.split(" (")[0][:40]) for r in result.rejections)
    assert (
        reasons[0][:2] == ("bad.xlsx", "parse_error")
        and "XLSX"
        in result.rejections[0].message + result.rejections[1].message + result.rejections[2].message
    )
    assert sum(r.source_uri == "bank.json" for r in result.rejections) == 2
    assert {r.message for r in result.rejections if r.source_uri == "bank.json"} == {
        "row 2 is a list, not a record of fields",
        "row 3 is a str, not a record of fields",
    }
    # the bank is one input that made one question and two row rejections; the XLSX one rejection
    assert (result.records_in, result.expanded) == (2, 2)
    rows = {r.locator: json.loads(r.payload) for r in result.rejections if r.source_uri == "bank.json"}
    # rows count from 1, as a reader of the file counts them
    assert rows == {"row 2": {"row": ["not", "a", "record"]}, "row 3": {"row": "just text"}}
    (xlsx,) = [r for r in result.rejections if r.source_uri == "bad.xlsx"]
    assert xlsx.record_type == "SourceDocument" and xlsx.locator is None
    assert SourceDocument.model_validate_json(xlsx.payload) == docs[0]
