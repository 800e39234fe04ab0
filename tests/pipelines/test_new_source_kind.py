"""A source kind added by one registry entry builds a release; source mistakes are one CLI error line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.build import run_build
from pipelines.cli import main
from releases import Release
from samples.exam_bank import LABELS, generate_bank
from schemas import SpecError, load_spec
from schemas.source_kinds import Extractor, SourceKind, register_source_kind, unregister_source_kind
from schemas.source_options import ExamOptions

BANK_OPTIONS = {
    "exam": "Unit Bank",
    "records": "items",
    "fields": {"stem": "question", "options": "choices", "answers": "key", "id": "qid"},
}


@pytest.fixture
def bank_kind() -> Iterator[SourceKind]:
    """The whole of what adding a local-file kind takes: one registry entry."""
    kind = register_source_kind(
        SourceKind("unit_exam_bank", ExamOptions, Extractor.EXAMS, description="JSON banks of a test")
    )
    yield kind
    unregister_source_kind(kind.name)


def _bank_spec(tmp_path: Path, kind: str = "unit_exam_bank", **source: Any) -> Path:
    questions = generate_bank(6, seed=3, n_options=4)
    items = [
        {
            "qid": f"q{index}",
            "question": q.stem,
            "choices": dict(zip(LABELS, q.options, strict=False)),
            "key": LABELS[q.answer_index],
        }
        for index, q in enumerate(questions)
    ]
    (tmp_path / "banks").mkdir(exist_ok=True)
    (tmp_path / "banks" / "bank.json").write_text(json.dumps({"items": items}), encoding="utf-8")
    spec = {
        "benchmark": "unit-bank",
        "sources": [
            {
                "id": "bank",
                "kind": kind,
                "licence": "CC0-1.0",
                "paths": ["banks/*.json"],
                "options": BANK_OPTIONS,
                **source,
            }
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_a_kind_added_by_one_registry_entry_builds_a_release(bank_kind: SourceKind, tmp_path: Path) -> None:
    spec = _bank_spec(tmp_path)
    outcome = run_build(spec, "1.0.0", tmp_path / "store", tmp_path / "work")
    items = Release.open(outcome.release_path).items()
    assert outcome.items == len(items) == 6
    assert {item.source.source_id for item in items} == {"bank"}
    assert {item.question for item in items} == {q.stem for q in generate_bank(6, seed=3, n_options=4)}


def test_an_unregistered_kind_is_a_spec_error(tmp_path: Path) -> None:
    spec = _bank_spec(tmp_path)
    with pytest.raises(SpecError, match=r"sources\.0\.kind.*unknown source kind 'unit_exam_bank'"):
        load_spec(spec)


def _cli_build(spec: Path, tmp_path: Path, monkeypatch, capsys) -> str:
    """The one stderr line of `medforge build --spec SPEC` (run in this process), which must exit 2."""
    import dagster as dg

    import pipelines.build

    monkeypatch.setattr(pipelines.build, "local_instance", lambda *_: dg.DagsterInstance.ephemeral())
    args = ["medforge", "build", "--spec", str(spec), "--store", str(tmp_path / "store")]
    monkeypatch.setattr(sys, "argv", args)
    with pytest.raises(SystemExit) as done:
        main()
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert done.value.code == 2 and len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_cli_build_names_a_misspelt_option_a_wrong_type_and_an_empty_glob(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    kind = "exam_collection"
    misspelt = _bank_spec(tmp_path, kind, options={**BANK_OPTIONS, "feilds": BANK_OPTIONS["fields"]})
    line = _cli_build(misspelt, tmp_path, monkeypatch, capsys)
    assert line.startswith("error: spec field 'sources.0.options.feilds': unknown option (misspelt?)")
    wrong_type = _bank_spec(tmp_path, kind, options={**BANK_OPTIONS, "figure_dpi": "high"})
    line = _cli_build(wrong_type, tmp_path, monkeypatch, capsys)
    assert line.startswith("error: spec field 'sources.0.options.figure_dpi': Input should be a valid")
    empty = _bank_spec(tmp_path, kind, paths=["banks/*.jsonl"])
    line = _cli_build(empty, tmp_path, monkeypatch, capsys)
    assert line.startswith("error: spec field 'sources.0.paths.0': 'banks/*.jsonl' of source 'bank' matches")
    assert not (tmp_path / "store").exists()
