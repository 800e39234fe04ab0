"""`medforge build --store` on file:// and s3:// (a moto server on 127.0.0.1), read back by validate,
diff, select, dedup and publish; a store that cannot be used is one error line naming it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from pipelines.cli import main
from samples.exam_bank import LABELS, generate_bank
from tests.conftest import S3Server, free_port

BENCHMARK = "unit-store"


def _bank_spec(folder: Path, questions: int) -> Path:
    """A one-source exam bank: the smallest spec that builds (the first `questions` of six)."""
    bank = generate_bank(6, seed=3, n_options=4)[:questions]
    rows = [
        {
            "qid": f"q{index}",
            "question": q.stem,
            "choices": dict(zip(LABELS, q.options, strict=False)),
            "key": LABELS[q.answer_index],
        }
        for index, q in enumerate(bank)
    ]
    (folder / "banks").mkdir(parents=True, exist_ok=True)
    (folder / "banks" / "bank.json").write_text(json.dumps({"items": rows}), encoding="utf-8")
    spec = {
        "benchmark": BENCHMARK,
        "sources": [
            {
                "id": "bank",
                "kind": "exam_collection",
                "licence": "CC0-1.0",
                "paths": ["banks/*.json"],
                "options": {
                    "exam": "Unit Bank",
                    "records": "items",
                    "fields": {"stem": "question", "options": "choices", "answers": "key", "id": "qid"},
                },
            }
        ],
    }
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`medforge ARGS...` in this process: (exit code, stdout, stderr). Work folders, the Dagster
    instance and the release cache stay in the test's temporary folder."""
    import dagster as dg

    import pipelines.build

    monkeypatch.chdir(tmp_path)  # the default work folder .medforge/ is relative
    monkeypatch.setenv("MEDFORGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MEDFORGE_QUIET", "1")
    monkeypatch.delenv("MEDFORGE_STORE", raising=False)
    monkeypatch.setattr(pipelines.build, "local_instance", lambda *_: dg.DagsterInstance.ephemeral())

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["medforge", *args])
        code = 0
        try:
            main()
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _one_error_line(code: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_build_to_a_file_url_store_is_read_back(cli, tmp_path: Path) -> None:
    spec = _bank_spec(tmp_path / "sources", 6)
    store = f"file://{tmp_path}/store"
    code, out, err = cli("build", "--spec", str(spec), "--version", "1.0.0", "--store", store)
    assert code == 0, err
    release = tmp_path / "store" / BENCHMARK / "1.0.0"
    assert f"release {release}" in out and (release / "manifest.json").is_file()
    assert not (release / "_PUBLISHED").exists(), "a local release is published by its rename"
    code, out, err = cli("validate", f"{BENCHMARK}@1.0.0", "--store", store)
    assert code == 0 and f"{BENCHMARK}@1.0.0: 6 items meet the contract" in out, err
    code, out, err = cli("select", f"{BENCHMARK}@latest", "--where", "language:en", "--store", store)
    assert code == 0 and "6 of 6 items match: language:en" in out, err


def test_build_to_s3_publishes_releases_that_validate_diff_and_select_read(
    cli, tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_server.new_bucket()
    store = f"s3://{bucket}/releases"
    six, five = _bank_spec(tmp_path / "six", 6), _bank_spec(tmp_path / "five", 5)
    code, out, err = cli("build", "--spec", str(six), "--version", "1.0.0", "--store", store)
    assert code == 0, err
    assert f"release {store}/{BENCHMARK}/1.0.0" in out
    monkeypatch.setenv("MEDFORGE_STORE", store)  # the environment names the store as well as --store
    code, out, err = cli("build", "--spec", str(five))  # version auto: the next free one in the bucket
    assert code == 0, err
    assert f"release {store}/{BENCHMARK}/1.0.1" in out
    keys = s3_server.keys(bucket)
    for version in ("1.0.0", "1.0.1"):
        assert f"releases/{BENCHMARK}/{version}/_PUBLISHED" in keys
        assert f"releases/{BENCHMARK}/{version}/test.parquet" in keys

    # readers download each release once into the cache and read it there
    code, out, err = cli("validate", f"{BENCHMARK}@1.0.0")
    assert code == 0 and f"{BENCHMARK}@1.0.0: 6 items meet the contract" in out, err
    code, out, err = cli("diff", f"{BENCHMARK}@1.0.0", f"{BENCHMARK}@latest", "--store", store, "--json")
    assert code == 0, err
    changes = json.loads(out)
    assert (changes["old"], changes["new"]) == (f"{BENCHMARK}@1.0.0", f"{BENCHMARK}@1.0.1")
    assert len(changes["removed"]) == 1 and changes["added"] == [] and changes["changed"] == []
    subset = tmp_path / "subset.parquet"
    code, out, err = cli("select", f"{BENCHMARK}@1.0.1", "--where", "language:en", "--out", str(subset))
    assert code == 0 and "5 of 5 items match" in out, err
    assert pq.read_table(subset).num_rows == 5
    code, out, err = cli("dedup", f"{BENCHMARK}@1.0.0", "--out", str(tmp_path / "dedup"))
    assert code == 0 and "items 6  clusters 0" in out, err
    code, out, err = cli("publish", f"{BENCHMARK}@1.0.1", "--to", str(tmp_path / "hub"))
    assert code == 0 and f"wrote the Hub repository of {BENCHMARK}@1.0.1" in out, err
    assert json.loads((tmp_path / "hub" / "manifest.json").read_text())["counts"]["items"] == 5
    assert len(list((tmp_path / "cache" / "releases").glob(f"*/{BENCHMARK}/*/manifest.json"))) == 2

    # a published version is never written again: the error names it
    code, out, err = cli("build", "--spec", str(five), "--version", "1.0.0")
    line = _one_error_line(code, err)
    assert f"release {BENCHMARK}@1.0.0 already exists at {store}/{BENCHMARK}/1.0.0" in line


def test_a_bad_or_unreachable_store_is_one_line_naming_it(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _bank_spec(tmp_path / "sources", 6)
    code, _, err = cli("validate", f"{BENCHMARK}@1.0.0", "--store", "foo://bucket/releases")
    assert _one_error_line(code, err) == (
        "error: release store foo://bucket/releases: unknown protocol 'foo' "
        "(use a folder, file://, s3://, gs:// ...)"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "medforge-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "medforge-test")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = cli("build", "--spec", str(spec), "--store", "s3://medforge-nowhere/releases")
    line = _one_error_line(code, err)
    assert line.startswith("error: release store s3://medforge-nowhere/releases: cannot list it: ")
    assert "Could not connect to the endpoint URL" in line
    assert not (tmp_path / ".medforge" / "work").exists(), "the build stopped before any stage ran"
