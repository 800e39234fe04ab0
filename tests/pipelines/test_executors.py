"""The executor of UI runs: in process by default (models load once), multiprocess from a forkserver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.executors import PRELOADED_MODULES, multiprocess_config, run_executor
from samples.exam_site import render_exam_site
from schemas import SpecError

REPO = Path(__file__).resolve().parents[2]


def test_default_is_in_process_and_multiprocess_forks_from_a_preloaded_server(monkeypatch) -> None:
    monkeypatch.delenv("MEDFORGE_EXECUTOR", raising=False)
    assert run_executor().name == "in_process"
    monkeypatch.setenv("MEDFORGE_EXECUTOR", "multiprocess")
    monkeypatch.setenv("MEDFORGE_MAX_CONCURRENT", "2")
    monkeypatch.delenv("MEDFORGE_MAX_CRAWLS", raising=False)
    executor = run_executor()
    assert executor.name == "multiprocess_forkserver"
    config = multiprocess_config()
    assert config["max_concurrent"] == 2
    assert config["start_method"]["forkserver"]["preload_modules"] == PRELOADED_MODULES
    assert "torch" in PRELOADED_MODULES and "pipelines.definitions" in PRELOADED_MODULES
    assert "tag_concurrency_limits" not in config  # crawls have no limit of their own by default
    monkeypatch.setenv("MEDFORGE_MAX_CRAWLS", "1")
    assert multiprocess_config()["tag_concurrency_limits"] == [
        {"key": "medforge/step", "value": "crawl", "limit": 1}
    ]
    monkeypatch.setenv("MEDFORGE_MAX_CRAWLS", "0")
    with pytest.raises(SpecError, match="MEDFORGE_MAX_CRAWLS"):
        run_executor()
    monkeypatch.delenv("MEDFORGE_MAX_CRAWLS")
    monkeypatch.setenv("MEDFORGE_MAX_CONCURRENT", "many")
    with pytest.raises(SpecError, match="MEDFORGE_MAX_CONCURRENT"):
        run_executor()
    with pytest.raises(SpecError, match="unknown executor 'threads'"):
        run_executor("threads")


def test_a_ui_run_builds_the_release_through_the_jobs_own_executor(tmp_path: Path) -> None:
    """What the UI's run worker does: reconstruct the job and execute it with its executor."""
    render_exam_site(tmp_path / "exam-site", years=range(2021, 2022), per_edition=6)
    spec = yaml.safe_load((REPO / "specs" / "demo.yaml").read_text(encoding="utf-8"))
    spec.update(benchmark="ui-run", base_dir=str(tmp_path), leakage={})
    spec["sources"] = [s for s in spec["sources"] if s["id"] == "demo-exam-site"]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    (tmp_path / "dagster").mkdir()
    code = (
        "import dagster as dg\n"
        "from pipelines.definitions import build_release_job\n"
        "job = dg.reconstructable(build_release_job)\n"
        "result = dg.execute_job(job, instance=dg.DagsterInstance.get())\n"
        "print('executor', build_release_job().executor_def.name, 'success', result.success)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "MEDFORGE_SPEC": str(tmp_path / "spec.yaml"),
        "MEDFORGE_STORE": str(tmp_path / "store"),
        "MEDFORGE_WORK": str(tmp_path / "work"),
        "MEDFORGE_CACHE": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "executor in_process success True" in done.stdout
    manifest = yaml.safe_load((tmp_path / "store" / "ui-run" / "1.0.0" / "manifest.json").read_text())
    assert manifest["counts"]["items"] == 11  # 12 questions, one annulled
