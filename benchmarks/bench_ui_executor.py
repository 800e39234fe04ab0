"""Demo build time: the CLI path (execute_in_process) beside the path a UI launch takes.

A run launched from the Dagster UI is executed by a run worker with the job's own executor, which
`dg.execute_job(dg.reconstructable(...))` reproduces without a webserver. Each measured run is a fresh
process (python -c), so imports and model loading count as they do for a user.

    PYTHONPATH=$PWD python benchmarks/bench_ui_executor.py [--executor in_process --executor multiprocess]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CLI_RUN = """
from pipelines.build import run_build
run_build({spec!r}, "auto", {store!r}, {work!r})
"""
UI_RUN = """
import dagster as dg
from pipelines.definitions import build_release_job
instance = dg.DagsterInstance.get()  # persistent, as the UI's: multiprocess runs need one
result = dg.execute_job(dg.reconstructable(build_release_job), instance=instance)
assert result.success, [e.message for e in result.all_events if e.is_failure]
"""


def _timed(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--executor", action="append", choices=["in_process", "multiprocess"])
    args = parser.parse_args()
    executors = args.executor or ["in_process"]
    from samples.demo import write_demo_sources

    write_demo_sources(REPO / ".medforge" / "demo-sources")
    spec = str(REPO / "specs" / "demo.yaml")
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "PYTHONPATH": str(REPO), "MEDFORGE_QUIET": "1"}
        env["DAGSTER_HOME"] = str(root / "dagster")
        (root / "dagster").mkdir()
        cli = _timed(CLI_RUN.format(spec=spec, store=str(root / "cli"), work=str(root / "cli-work")), env)
        print(f"{'path':34} {'seconds':>8} {'x CLI':>6}")
        print(f"{'CLI (execute_in_process)':34} {cli:8.1f} {1.0:6.2f}")
        for executor in executors:
            run_env = {
                **env,
                "MEDFORGE_EXECUTOR": executor,
                "MEDFORGE_SPEC": spec,
                "MEDFORGE_STORE": str(root / executor),
                "MEDFORGE_WORK": str(root / f"{executor}-work"),
            }
            seconds = _timed(UI_RUN, run_env)
            print(f"{'UI run, ' + executor + ' executor':34} {seconds:8.1f} {seconds / cli:6.2f}")


if __name__ == "__main__":
    main()
