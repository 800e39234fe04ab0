"""The Dagster UI serves the asset graph: the webserver starts on 127.0.0.1 and lists every asset."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_served(
    port: int, process: subprocess.Popen[bytes], log: Path, seconds: float, what: str
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not serve on 127.0.0.1")
            time.sleep(0.5)


def _asset_keys(port: int, seconds: float = 120) -> set[str]:
    """The asset keys the UI lists, once the code location has loaded the release chain."""
    query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=query, headers={"Content-Type": "application/json"}
    )
    deadline = time.monotonic() + seconds
    keys: set[str] = set()
    while "benchmark_release" not in keys and time.monotonic() < deadline:
        reply = json.loads(urllib.request.urlopen(request, timeout=30).read())
        keys = {
            "/".join(node["assetKey"]["path"]) for node in (reply.get("data") or {}).get("assetNodes", [])
        }
        if "benchmark_release" not in keys:
            time.sleep(1)
    return keys


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A server in its own session (so it can be killed as a group), stderr to `log`: a file, not a
    pipe, since a full pipe would stall the server."""
    return subprocess.Popen(
        args, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"), start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.integration
def test_webserver_lists_the_release_chain(tmp_path: Path) -> None:
    port = _free_port()
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "MEDFORGE_HOME": str(tmp_path)}
    webserver = Path(sys.executable).parent / "dagster-webserver"
    log = tmp_path / "webserver.log"
    process = _start(
        [str(webserver), "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)], env, log
    )
    try:
        _wait_until_served(port, process, log, 120, "dagster-webserver")
        keys = _asset_keys(port)
        assert {"source_documents", "figures", "tagged_items", "curated_items", "benchmark_release"} <= keys
    finally:
        _stop(process)


@pytest.mark.integration
def test_medforge_ui_serves_with_nothing_on_path(tmp_path: Path) -> None:
    """`.venv/bin/medforge ui` as a new user runs it: no activated venv, not even a PATH."""
    port = _free_port()
    medforge = Path(sys.executable).parent / "medforge"
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env["MEDFORGE_HOME"] = str(tmp_path)
    log = tmp_path / "ui.log"
    process = _start([str(medforge), "ui", "--port", str(port)], env, log)
    try:
        _wait_until_served(port, process, log, 180, "medforge ui")
        assert {"source_documents", "figures_by_document", "benchmark_release"} <= _asset_keys(port)
        assert (tmp_path / "dagster" / "dagster.yaml").is_file()  # the CLI's own instance
    finally:
        _stop(process)
    # SIGTERM stopped the server it became (exec, no wrapper left behind): nothing listens any more
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
