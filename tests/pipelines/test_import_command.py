"""`medforge import` on the exams_wild banks: the spec it infers, built with no edit, releases what the
hand-written spec of benchmarks/exams_wild/ releases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from extractors.exams import extract_exam_questions
from pipelines.cli import app
from schemas import load_spec
from schemas.spec import parse_spec
from scrapers.ingest import ingest_sources
from synthesis.generate import synthesize_items
from tests.conftest import REPO_ROOT, fixtures_root


def _released(spec, tmp: Path) -> tuple[int, int, dict[str, list[str]]]:
    documents = ingest_sources(spec, tmp / "raw", tmp / "work")
    extracted = extract_exam_questions(spec, documents.records, tmp / "raw")
    items = synthesize_items(spec, extracted.records, [], [])
    keys = {i.question: i.answers for i in items.records}
    return len(extracted.records), len(items.records), keys


@pytest.mark.parametrize("bank", ["tw_medexam", "jp_rinsho", "sv_kunskapsprov", "zh_cmexam", "ru_rumedtest"])
def test_import_infers_a_spec_that_builds_like_the_hand_written_one(tmp_path: Path, bank: str) -> None:
    folder = fixtures_root() / "exams_wild" / bank
    out = tmp_path / "spec.yaml"
    result = CliRunner().invoke(app, ["import", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "answer=[" in result.output  # the preview of the first questions
    inferred = load_spec(out)
    extracted, released, keys = _released(inferred, tmp_path / "inferred")
    data = yaml.safe_load((REPO_ROOT / "benchmarks" / "exams_wild" / f"{bank}.yaml").read_text("utf-8"))
    data.pop("base_dir")
    hand = parse_spec(data, base_dir=folder)
    hand_extracted, hand_released, hand_keys = _released(hand, tmp_path / "hand")
    if bank == "sv_kunskapsprov":  # the import also takes the checked copy of one exam (126 rows)
        assert extracted == hand_extracted + 126
    else:
        assert extracted == hand_extracted
    # the same questions with the same keys
    common = set(keys) & set(hand_keys)
    assert len(common) >= 0.99 * len(hand_keys) and all(keys[q] == hand_keys[q] for q in common)


def test_import_of_javascript_files_leaves_out_the_one_without_questions(tmp_path: Path) -> None:
    folder = fixtures_root() / "exams_wild" / "he_ophth" / "JS"
    out = tmp_path / "he.yaml"
    result = CliRunner().invoke(app, ["import", str(folder), "--out", str(out), "--benchmark", "he-ophth"])
    assert result.exit_code == 0, result.output
    assert "left out questions.js" in result.output
    spec = yaml.safe_load(out.read_text("utf-8"))
    source = spec["sources"][0]
    assert spec["benchmark"] == "he-ophth" and source["language"] == "he"
    assert sorted(source["paths"]) == [
        "DATA/fundamentals-2017.js",
        "DATA/glaucoma-2017-questions.js",
        "DATA/lens-2017-questions.js",
        "DATA/retina-2017-questions.js",
    ]
    fields = source["options"]["fields"]
    assert (fields["stem"], fields["options"], fields["answers"], fields["id"]) == (
        "question",
        "options",
        "correctAnswer",
        "id",
    )
    # the bank's one English question (in lens-2017) is written into the spec as a row language,
    # so it is released in English, not rejected as language_mismatch
    assert source["options"]["row_languages"] == ["en"] and "rows also in ['en']" in result.output
    extracted, released, _ = _released(load_spec(out), tmp_path)
    assert extracted == 54 and released == 46


def test_import_of_an_object_keyed_by_session_maps_the_key_to_the_session(tmp_path: Path) -> None:
    folder = fixtures_root() / "exams_wild" / "jp_rinsho"
    out = tmp_path / "jp.yaml"
    result = CliRunner().invoke(app, ["import", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    fields = yaml.safe_load(out.read_text("utf-8"))["sources"][0]["options"]["fields"]
    # {"1": [...], ..., "8": [...]}: the key is the session; 'id' repeats across sessions, not within
    assert fields["edition_session"] == "_key" and fields["number"] == "id"
    assert "value_maps.edition_session" in result.output
    spec = load_spec(out)
    documents = ingest_sources(spec, tmp_path / "raw", tmp_path / "work")
    extracted = extract_exam_questions(spec, documents.records, tmp_path / "raw")
    sessions = {q.edition_session for q in extracted.records}
    assert sessions == {str(n) for n in range(1, 9)}


def test_an_object_keyed_by_question_id_is_not_read_as_sessions(tmp_path: Path) -> None:
    import json

    rows = {
        f"q{n}": {"id": f"q{n}", "text": f"Which of these is finding number {n} of the condition?",
                  "options": ["alpha", "beta", "gamma", "delta"], "answer": "B"}
        for n in range(30)
    }  # fmt: skip
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "bank.json").write_text(json.dumps(rows), encoding="utf-8")
    out = tmp_path / "spec.yaml"
    result = CliRunner().invoke(app, ["import", str(tmp_path / "bank"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    fields = yaml.safe_load(out.read_text("utf-8"))["sources"][0]["options"]["fields"]
    assert fields["edition_session"] is None and fields["id"] in ("id", "_key")
