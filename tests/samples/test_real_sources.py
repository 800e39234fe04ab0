"""The real sources bundled for the demo: attributed and licensed, and read by the demo spec as published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from extractors.exams import extract_exam_questions
from samples.demo import REAL_SOURCES, copy_real_sources
from schemas import SourceDocument
from schemas.spec import BenchmarkSpec
from scrapers.store import store_bytes

REPO = Path(__file__).resolve().parents[2]


def test_every_bundled_file_is_attributed_with_its_licence() -> None:
    readme = (REAL_SOURCES / "README.md").read_text(encoding="utf-8")
    files = sorted(p for p in REAL_SOURCES.rglob("*") if p.is_file() and p.name != "README.md")
    assert len(files) == 8
    for path in files:
        stem = path.relative_to(REAL_SOURCES).as_posix().rsplit(".", 1)[0]
        assert stem in readme or path.name in readme, path
    assert "Apache-2.0" in readme and "MIT" in readme and "Creative Commons Attribution" in readme
    for jats in (REAL_SOURCES / "case-reports").glob("*.xml"):
        assert "Creative Commons Attribution License" in jats.read_text(encoding="utf-8"), jats


def test_demo_spec_reads_the_real_exam_as_published(tmp_path: Path) -> None:
    spec_data = yaml.safe_load((REPO / "specs" / "demo.yaml").read_text(encoding="utf-8"))
    copy_real_sources(tmp_path / "real")
    spec_data["base_dir"] = str(tmp_path)
    spec = BenchmarkSpec.model_validate(spec_data)
    source = next(s for s in spec.sources if s.id == "revalida-2025-1")
    (path,) = [tmp_path / p for p in source.paths]
    data = path.read_bytes()
    sha, relative, _ = store_bytes(tmp_path / "raw", data)
    document = SourceDocument(
        document_id=sha,
        source_id=source.id,
        uri=path.name,
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        media_type="application/json",
        byte_size=len(data),
        licence=source.licence,
        raw_path=relative,
    )
    result = extract_exam_questions(spec, [document], tmp_path / "raw")
    questions = sorted(result.records, key=lambda q: q.number)
    assert len(questions) == 100 and not result.rejections
    assert sum(q.annulled for q in questions) == 3 and sum(q.needs_image for q in questions) == 2
    first = questions[0]
    assert (first.edition_year, first.edition_session, first.language) == (2025, "1", "pt-BR")
    assert first.stem.startswith("Homem de 62 anos") and first.answers == ["B"]
