"""Building real exam banks: a wrong declared language stops the build with one line instead of
publishing a sliver, an empty build names its reasons, and a bank spec builds with no edit."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.build import run_build
from releases import Release
from schemas import MedforgeError
from tests.conftest import REPO_ROOT, fixtures_root


def _ru_spec(tmp_path: Path, **source: object) -> Path:
    data = yaml.safe_load((REPO_ROOT / "benchmarks" / "exams_wild" / "ru_rumedtest.yaml").read_text("utf-8"))
    data["base_dir"] = str(fixtures_root() / "exams_wild" / "ru_rumedtest")
    data["sources"][0].update(source)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_wrong_declared_language_fails_the_build_in_one_line(tmp_path: Path) -> None:
    spec = _ru_spec(tmp_path, language="en")  # the bank is Russian
    with pytest.raises(MedforgeError) as raised:
        run_build(spec, "1.0.0", tmp_path / "store", tmp_path / "work")
    message = str(raised.value)
    assert "\n" not in message
    assert "source 'ru-rumedtest': language_mismatch rejected" in message and "of 397 questions" in message
    assert "private_test_v1.jsonl, row " in message and "declared en but the text reads as ru" in message
    assert not (tmp_path / "store" / "wild-ru-rumedtest" / "1.0.0").exists()


def test_the_bank_builds_as_its_spec_says(tmp_path: Path) -> None:
    outcome = run_build(_ru_spec(tmp_path), "1.0.0", tmp_path / "store", tmp_path / "work")
    release = Release.open(outcome.release_path)
    assert outcome.items == 396 and not outcome.warnings
    items = release.items()
    first = next(i for i in items if i.question.startswith('"Критическим" считается уменьшение'))
    assert first.answers == ["4"] and first.options[3].text == "1 см2 и менее"
    # dedup and leakage read the release itself: its folder, benchmark@version, or one split's Parquet
    from typer.testing import CliRunner

    from pipelines.cli import app

    runner = CliRunner()
    store = str(tmp_path / "store")
    for target in (str(outcome.release_path), "wild-ru-rumedtest@1.0.0"):
        result = runner.invoke(app, ["dedup", target, "--store", store, "--out", str(tmp_path / "d")])
        assert result.exit_code == 0, result.output
        assert "items 396" in result.output
    split = outcome.release_path / f"{release.splits[0]}.parquet"
    reference = fixtures_root() / "reference_benchmarks" / "mmlu_medical"
    leak = [
        "leakage",
        str(split),
        "--no-semantic",
        "--reference",
        str(reference),
        "--out",
        str(tmp_path / "l"),
    ]
    result = runner.invoke(app, leak)
    assert result.exit_code == 0, result.output
    assert f"items {len(release.split_items(release.splits[0]))}" in result.output


def test_nothing_surviving_names_the_reasons_with_examples(tmp_path: Path) -> None:
    options = {
        "fields": {"stem": "question", "id": "idx"},  # the option columns left out
        "answer_key": {"files": "lb_submissions/*", "key": "idx", "answers": "answer"},
    }
    spec = _ru_spec(tmp_path, options=options)
    with pytest.raises(MedforgeError) as raised:
        run_build(spec, "1.0.0", tmp_path / "store", tmp_path / "work")
    message = str(raised.value)
    assert "no item survived the stages" in message and "top reasons: missing_field 397" in message
    assert "[missing_field] data/RuMedTest/private_test_v1.jsonl, file private_test_v1.jsonl, row " in message


def test_a_reason_over_the_warning_share_warns_and_fails_under_strict(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO_ROOT / "benchmarks" / "exams_wild" / "jp_rinsho.yaml").read_text("utf-8"))
    data["base_dir"] = str(fixtures_root() / "exams_wild" / "jp_rinsho")
    spec = tmp_path / "jp.yaml"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # the 59th exam's placeholder keys: 171 of 799 questions (21%), over the 20% warning share
    outcome = run_build(spec, "1.0.0", tmp_path / "store", tmp_path / "work")
    assert any("suspicious_key rejected 171 of 799 questions (21%)" in w for w in outcome.warnings)
    with pytest.raises(MedforgeError, match=r"suspicious_key rejected 171 of 799 .*\(20%, --strict\)"):
        run_build(spec, "1.0.1", tmp_path / "store", tmp_path / "work", strict=True)
