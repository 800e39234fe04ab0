"""Progress bars: shown on a terminal with counts and rates, never under --quiet or into a pipe."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.progress import meter, progress_sink, track

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, description, total, unit):
        self.events.append(("start", description, total, unit))
        return description

    def advance(self, handle, steps):
        self.events.append(("advance", handle, steps))

    def finish(self, handle):
        self.events.append(("finish", handle))


def test_track_and_meter_report_to_the_installed_sink_only() -> None:
    recorder = Recorder()
    assert list(track([1, 2, 3], "outside")) == [1, 2, 3]  # no sink: nothing reported, nothing lost
    with progress_sink(recorder):
        assert list(track(["a", "b"], "letters", unit="letters")) == ["a", "b"]
        with meter("batches", 10, "texts") as advance:
            advance(4)
            advance(6)
        with meter("nothing to do", 0):
            pass
    assert recorder.events == [
        ("start", "letters", 2, "letters"),
        ("advance", "letters", 1),
        ("advance", "letters", 1),
        ("finish", "letters"),
        ("start", "batches", 10, "texts"),
        ("advance", "batches", 4),
        ("advance", "batches", 6),
        ("finish", "batches"),
    ]


def _run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Runs a command with a pseudo-terminal as stdout and stderr; returns its exit code and output."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    code = process.wait(timeout=300)
    return code, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "\n")


@pytest.fixture(scope="module")
def items_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "items.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(30_000):
            handle.write(
                json.dumps({"id": f"q{n}", "text": f"question {n} about renal failure {n * 7919}"}) + "\n"
            )
    return path


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_shows_bars_on_a_terminal_unless_quiet(items_file: Path, tmp_path: Path, quiet: bool) -> None:
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    args = [sys.executable, "-m", "pipelines.cli", *(["--quiet"] if quiet else [])]
    args += ["dedup", str(items_file), "--method", "minhash", "--out", str(tmp_path / "out")]
    code, output = _run_in_terminal(args, env)
    assert code == 0, output
    assert "wrote" in output and "clusters.jsonl" in output
    bars = re.findall(r"MinHash signatures\s.*?(\d+)/30000\s+([\d,]+|-) texts/s", output)
    if quiet:
        assert bars == []
    else:
        assert bars  # the bar with its count out of 30000 and its rate column


def test_cli_prints_no_bars_into_a_pipe(items_file: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "dedup", str(items_file), "--method", "minhash"]
        + ["--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "MinHash signatures" not in result.stdout + result.stderr and "\x1b[" not in result.stdout
