"""A local Label Studio server: install it in its own venv, start it with no interactive step, stop it.

Label Studio is installed in `.venv-labelstudio/` (never in the project venv: it downgrades openai and
pyarrow there). `python -m annotation.server install` is the one install command CI and developers
run; `python -m annotation.server start` starts a server in the foreground.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from annotation.errors import LabelStudioUnavailable
from schemas import MedforgeError

LABEL_STUDIO_VERSION = "1.23.2"
REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_ENV = "MEDFORGE_LABEL_STUDIO_VENV"
INSTALL_COMMAND = "python -m annotation.server install"
DEFAULT_PORT = 8080
DEFAULT_USERNAME = "admin@medforge.local"


def venv_dir() -> Path:
    """Where Label Studio's own venv lives (env MEDFORGE_LABEL_STUDIO_VENV overrides)."""
    return Path(os.environ.get(VENV_ENV) or REPO_ROOT / ".venv-labelstudio")


def executable(venv: Path | None = None) -> Path:
    """The `label-studio` command inside its venv."""
    return (venv or venv_dir()) / "bin" / "label-studio"


def is_installed(venv: Path | None = None) -> bool:
    """Whether the Label Studio venv holds a `label-studio` command."""
    return executable(venv).is_file()


def install(venv: Path | None = None, quiet: bool = True) -> Path:
    """Create the Label Studio venv and install label-studio into it (about a minute); idempotent."""
    venv = venv or venv_dir()
    if is_installed(venv):
        return executable(venv)
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        pip.append("-q")
    subprocess.run([*pip, f"label-studio=={LABEL_STUDIO_VERSION}"], check=True)
    if not is_installed(venv):
        raise MedforgeError(f"installing label-studio into {venv} did not give {executable(venv)}")
    return executable(venv)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Credentials:
    """The admin login and API token a server is started with; kept in its data dir for restarts."""

    username: str
    password: str
    token: str

    @staticmethod
    def load_or_create(data_dir: Path, token: str | None = None) -> Credentials:
        """Read `credentials.json` from the data dir, or create it (token: 40 hex chars)."""
        path = data_dir / "credentials.json"
        if path.is_file():
            stored = json.loads(path.read_text(encoding="utf-8"))
            return Credentials(stored["username"], stored["password"], stored["token"])
        creds = Credentials(DEFAULT_USERNAME, secrets.token_urlsafe(16), token or secrets.token_hex(20))
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(creds.__dict__), encoding="utf-8")
        path.chmod(0o600)
        return creds


def server_env(data_dir: Path, creds: Credentials) -> dict[str, str]:
    """The environment Label Studio starts with: every setting explicit, no stray USERNAME/PORT."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        DJANGO_DB="sqlite",
        LABEL_STUDIO_USERNAME=creds.username,
        LABEL_STUDIO_PASSWORD=creds.password,
        LABEL_STUDIO_USER_TOKEN=creds.token,
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED="false",
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
        COLLECT_ANALYTICS="false",
        LATEST_VERSION_CHECK="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def is_healthy(url: str, timeout_s: float = 2.0) -> bool:
    """Whether `GET /health/` answers `{"status": "UP"}`."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health/", timeout=timeout_s) as response:
            return json.loads(response.read()).get("status") == "UP"
    except (OSError, ValueError, urllib.error.URLError):
        return False


@dataclass
class ServerHandle:
    """A running server: its URL, token, the server's own PID and its log file."""

    url: str
    token: str
    pid: int
    data_dir: Path
    log_path: Path
    started_in_s: float
    process: subprocess.Popen[bytes] | None = None

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM to the server's PID, then SIGKILL if it does not go."""
        stop_pid(self.pid, timeout_s)
        if self.process is not None:
            self.process.poll()


def stop_pid(pid: int, timeout_s: float = 20.0) -> None:
    """Stop one process by its id: SIGTERM, wait, SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished == pid:
                return
        except ChildProcessError:  # not our child: poll for existence
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start(
    data_dir: Path | str,
    port: int | None = None,
    token: str | None = None,
    timeout_s: float = 180.0,
    venv: Path | None = None,
) -> ServerHandle:
    """Start Label Studio on 127.0.0.1 in `data_dir` and wait until it is healthy."""
    if not is_installed(venv):
        raise MedforgeError(
            f"Label Studio is not installed in {venv or venv_dir()}; run `{INSTALL_COMMAND}` first"
        )
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    creds = Credentials.load_or_create(data_dir, token)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    if is_healthy(url):
        raise MedforgeError(f"something already answers on {url}; choose another port")
    log_path = data_dir / "server.log"
    command = [
        str(executable(venv)), "start", "--no-browser", "--internal-host", "127.0.0.1",
        "--port", str(port), "--data-dir", str(data_dir), "--enable-legacy-api-token",
        "--username", creds.username, "--password", creds.password, "--user-token", creds.token,
    ]  # fmt: skip
    started = time.monotonic()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, env=server_env(data_dir, creds), stdout=log, stderr=subprocess.STDOUT, cwd=data_dir
        )
    handle = ServerHandle(url, creds.token, process.pid, data_dir, log_path, 0.0, process)
    while not is_healthy(url):
        if process.poll() is not None or time.monotonic() - started > timeout_s:
            handle.stop()
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise LabelStudioUnavailable(
                url, f"server did not become healthy in {timeout_s:.0f} s; log tail:\n{tail}"
            )
        time.sleep(0.3)
    handle.started_in_s = time.monotonic() - started
    (data_dir / "server.json").write_text(
        json.dumps({"url": url, "pid": process.pid, "port": port}), encoding="utf-8"
    )
    return handle


def stop_recorded(data_dir: Path | str) -> bool:
    """Stop the server recorded in `data_dir/server.json` (started detached); False if none."""
    path = Path(data_dir) / "server.json"
    if not path.is_file():
        return False
    pid = int(json.loads(path.read_text(encoding="utf-8"))["pid"])
    stop_pid(pid)
    path.unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m annotation.server install|start|stop`."""
    parser = argparse.ArgumentParser(prog="python -m annotation.server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="create .venv-labelstudio and install label-studio")
    start_parser = sub.add_parser("start", help="start a server in the foreground")
    start_parser.add_argument("--data-dir", default=".medforge/label-studio")
    start_parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    stop_parser = sub.add_parser("stop", help="stop a detached server by its recorded PID")
    stop_parser.add_argument("--data-dir", default=".medforge/label-studio")
    args = parser.parse_args(argv)
    if args.command == "install":
        print(install(quiet=False))
        return 0
    if args.command == "stop":
        return 0 if stop_recorded(args.data_dir) else 1
    handle = start(args.data_dir, args.port)
    print(f"Label Studio {handle.url} token {handle.token} (pid {handle.pid})", flush=True)
    try:
        assert handle.process is not None
        handle.process.wait()
    except KeyboardInterrupt:
        handle.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
