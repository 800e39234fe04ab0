"""Spec sources checked against the source-kind registry: typed options, paths and globs that exist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas import SpecError, load_spec
from schemas.source_options import EuropePmcOptions, ExamOptions
from schemas.spec import parse_spec

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, **source: Any) -> Path:
    data = {"benchmark": "t", "sources": [{"id": "bank", "licence": "CC0-1.0", **source}]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_misspelt_option_is_named_with_what_is_allowed(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, kind="exam_collection", options={"feilds": {"stem": "q"}}))
    assert message.startswith("spec field 'sources.0.options.feilds': unknown option")
    assert "fields" in message.split("allowed here:")[1]
    nested = _error(_write(tmp_path, kind="exam_collection", options={"fields": {"stme": "q"}}))
    assert nested.startswith("spec field 'sources.0.options.fields.stme': unknown option")
    assert "stem" in nested.split("allowed here:")[1]


def test_an_option_of_another_kind_is_refused(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, kind="exam_site", start_urls=["x"], options={"article_links": "a"}))
    assert message.startswith("spec field 'sources.0.options.article_links': unknown option")


def test_a_wrong_type_is_named(tmp_path: Path) -> None:
    dpi = _error(_write(tmp_path, kind="exam_collection", options={"figure_dpi": "high"}))
    assert dpi.startswith("spec field 'sources.0.options.figure_dpi': Input should be a valid integer")
    page = _error(_write(tmp_path, kind="case_reports_europepmc", options={"page_size": 0}))
    assert page == "spec field 'sources.0.options.page_size': Input should be greater than or equal to 1"
    columns = _error(_write(tmp_path, kind="exam_collection", options={"option_columns": 5}))
    assert (
        columns
        == "spec field 'sources.0.options.option_columns': 5 is none of: list[str], dict[str,str], str"
    )
    kind = _error(_write(tmp_path, kind="ftp"))
    assert kind.startswith("spec field 'sources.0.kind': Value error, unknown source kind 'ftp'; known")


def test_typed_options_fill_defaults_and_the_spec_keeps_what_was_written(tmp_path: Path) -> None:
    written = {"from_date": "2016-01-01", "page_size": "50"}
    spec = load_spec(_write(tmp_path, kind="case_reports_europepmc", options=written))
    [source] = spec.sources
    assert source.options == written  # the manifest's spec hash is over what the user wrote
    options = source.typed_options
    assert isinstance(options, EuropePmcOptions)
    assert options.from_date == dt.date(2016, 1, 1) and options.page_size == 50
    assert options.max_results == 1000 and options.query.startswith('PUB_TYPE:"case-reports"')
    exam = load_spec(_write(tmp_path, kind="exam_collection", options={"fields": {"stem": "q"}}))
    typed = exam.sources[0].typed_options
    assert isinstance(typed, ExamOptions) and typed.fields.stem == "q" and typed.fields.answers == "answers"


def test_a_glob_that_matches_no_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "banks" / "folder.json").mkdir(parents=True)  # a folder is not a file to read
    message = _error(_write(tmp_path, kind="exam_collection", paths=["banks/*.json"]))
    assert message.startswith("spec field 'sources.0.paths.0': 'banks/*.json' of source 'bank' matches no")
    (tmp_path / "banks" / "one.json").write_text("[]", encoding="utf-8")
    spec = load_spec(_write(tmp_path, kind="exam_collection", paths=["banks/*.json", "banks/**/*.json"]))
    assert spec.sources[0].paths == ["banks/*.json", "banks/**/*.json"]
    missing = _error(_write(tmp_path, kind="pdf", paths=["banks/one.json", "book.pdf"]))
    assert missing.startswith("spec field 'sources.0.paths.1': missing file") and "book.pdf" in missing


def test_a_remote_url_in_paths_is_left_to_the_fetcher(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, kind="pdf", paths=["https://example.invalid/books/*.pdf"]))
    assert spec.sources[0].paths == ["https://example.invalid/books/*.pdf"]


def test_every_spec_in_specs_loads(tmp_path: Path) -> None:
    from samples.demo import write_demo_sources

    write_demo_sources(tmp_path)
    specs = sorted((REPO / "specs").glob("*.yaml"))
    assert specs
    for path in specs:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["base_dir"] = str(tmp_path)  # where `medforge demo` would have written the sources
        spec = parse_spec(data, base_dir=path.parent)
        for source in spec.sources:  # every key written is an option the kind's model declares
            assert source.typed_options.model_fields_set == set(source.options)
