"""`medforge demo` and `medforge ui`: the demo release on embedded defaults, and the Dagster UI."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml

from pipelines.commands.releases import console, print_outcome, progress_printer
from pipelines.paths import DEFAULT_HOME, DEFAULT_STORE, STORE_HELP
from pipelines.progress import cli_progress
from schemas import MedforgeError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_SPEC = REPO_ROOT / "specs" / "demo.yaml"


def demo(
    store: Annotated[str, typer.Option("--store", help=STORE_HELP)] = DEFAULT_STORE,
) -> None:
    """Build the demo release from sample sources medforge generates (no network, no API key)."""
    from pipelines.build import local_instance, run_build
    from samples.demo import write_demo_sources

    if not DEMO_SPEC.is_file():
        raise MedforgeError(f"demo spec not found at {DEMO_SPEC}")
    raw = yaml.safe_load(DEMO_SPEC.read_text(encoding="utf-8"))
    sources = (DEMO_SPEC.parent / raw["base_dir"]).resolve()
    console.print(f"writing demo sources to {sources}")
    write_demo_sources(sources)
    console.print(f"building {DEMO_SPEC.relative_to(REPO_ROOT)}")
    with cli_progress(console):
        outcome = run_build(DEMO_SPEC, "auto", store, instance=local_instance(), progress=progress_printer)
    print_outcome(outcome)
    console.print(f"  dataset card {outcome.release_path / 'README.md'}")
    console.print(f"  check it: medforge validate {outcome.release_path}")
    console.print(f"  rebuild it: medforge rebuild {raw['benchmark']}@{outcome.version}")
    console.print(
        "  open it in the Dagster UI: medforge ui  ->  http://127.0.0.1:3000 (asset benchmark_release)"
    )


def dagster_command() -> str:
    """The `dagster` executable of this interpreter's environment (a venv's bin folder need not be on
    PATH: `.venv/bin/medforge ui` works as it is), else the one on PATH."""
    beside = Path(sys.executable).parent / "dagster"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("dagster")
    if found is None:
        raise MedforgeError(f"the `dagster` command is not installed beside {sys.executable} nor on PATH")
    return found


def ui(
    port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1")] = 3000,
    spec: Annotated[Path, typer.Option("--spec", help="spec the UI's materializations build")] = DEMO_SPEC,
) -> None:
    """Start the Dagster UI on 127.0.0.1 with the local instance the CLI writes to."""
    from pipelines.build import dagster_home

    dagster = dagster_command()
    bin_dir = str(Path(dagster).parent)
    env = {
        **os.environ,
        # dagster dev starts its code server and daemon by name: they must be found beside it
        "PATH": os.pathsep.join([bin_dir, *[p for p in os.environ.get("PATH", "").split(os.pathsep) if p]]),
        "DAGSTER_HOME": str(dagster_home()),
        "MEDFORGE_SPEC": str(spec.resolve()),
        "MEDFORGE_STORE": str((DEFAULT_HOME / "releases").resolve()),
        "MEDFORGE_WORK": str((DEFAULT_HOME / "work" / "ui").resolve()),
    }
    console.print(f"Dagster UI on http://127.0.0.1:{port} (stop with Ctrl-C)")
    args = [dagster, "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)]
    # a shell that starts us in the background ignores SIGINT, and dagster dev would copy that to
    # SIGTERM and never stop: the default handler survives exec, an ignored one would not be reset
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execve(dagster, args, env)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add `demo` and `ui`."""
    app.command()(demo)
    app.command()(ui)
