"""Review commands: `medforge review serve|push|pull|status <benchmark>` over `annotation`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pyarrow.parquet as pq
import typer
from rich.console import Console

from annotation import server
from annotation.client import connect
from annotation.errors import TOKEN_ENV, URL_ENV
from annotation.policy import ReviewPolicy, gate
from annotation.review import review_items
from annotation.store import ReviewState
from annotation.sync import progress, pull, push
from pipelines.paths import DEFAULT_HOME
from schemas import BenchmarkItem, BenchmarkSpec, MedforgeError, from_table, load_spec

console = Console()
REPO_ROOT = Path(__file__).resolve().parents[2]
BENCHMARK_ARG = typer.Argument(help="a spec file, or the name of a benchmark in specs/")
URL_OPTION = typer.Option("--url", help=f"Label Studio URL (default ${URL_ENV})")


def resolve_spec(benchmark: str) -> BenchmarkSpec:
    """A spec from a path, or from specs/*.yaml by file stem or `benchmark` name."""
    path = Path(benchmark)
    if path.is_file():
        return load_spec(path)
    specs_dir = REPO_ROOT / "specs"
    for candidate in sorted(specs_dir.glob("*.yaml")):
        if candidate.stem == benchmark:
            return load_spec(candidate)
    for candidate in sorted(specs_dir.glob("*.yaml")):
        spec = load_spec(candidate)
        if spec.benchmark == benchmark:
            return spec
    raise MedforgeError(f"no spec file '{benchmark}' and no benchmark of that name in {specs_dir}")


def _default_items_path(spec: BenchmarkSpec) -> Path:
    return DEFAULT_HOME / "work" / spec.benchmark / "stages" / "curated_items" / "records.parquet"


def load_items(spec: BenchmarkSpec, items: Path | None) -> list[BenchmarkItem]:
    """Curated items from a Parquet file (default: what `medforge build` left in the work folder)."""
    path = items or _default_items_path(spec)
    if not path.is_file():
        raise MedforgeError(
            f"no curated items at {path}: run `medforge build --spec <spec>` first, or pass --items"
        )
    return list(from_table(pq.read_table(path), BenchmarkItem))


def _require_label_studio(spec: BenchmarkSpec) -> ReviewPolicy:
    policy = ReviewPolicy.from_spec(spec)
    if not policy.enabled:
        raise MedforgeError(
            f"benchmark {spec.benchmark} has review policy '{spec.review.policy}'; "
            "set review.policy: label_studio in its spec"
        )
    return policy


def _print_json(value: Any) -> None:
    console.print_json(json.dumps(value, default=str))


def serve(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Label Studio data folder")] = DEFAULT_HOME
    / "label-studio",
    port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1")] = server.DEFAULT_PORT,
    detach: Annotated[bool, typer.Option("--detach", help="leave it running and return")] = False,
    stop: Annotated[bool, typer.Option("--stop", help="stop a detached server")] = False,
) -> None:
    """Install Label Studio in its own venv if missing, start it on 127.0.0.1 and wait until healthy."""
    if stop:
        console.print("stopped" if server.stop_recorded(data_dir) else f"no detached server in {data_dir}")
        return
    if not server.is_installed():
        console.print(f"installing Label Studio {server.LABEL_STUDIO_VERSION} into {server.venv_dir()} ...")
        server.install()
    handle = server.start(data_dir, port)
    console.print(
        f"Label Studio is up at {handle.url} (pid {handle.pid}, healthy in {handle.started_in_s:.1f} s)"
    )
    console.print(f"  export {URL_ENV}={handle.url}")
    console.print(f"  export {TOKEN_ENV}={handle.token}")
    console.print(f"  log {handle.log_path}")
    if detach:
        console.print(f"  stop it with: medforge review serve --stop --data-dir {data_dir}")
        return
    console.print("  stop it with Ctrl-C")
    try:
        assert handle.process is not None
        handle.process.wait()
    except KeyboardInterrupt:
        handle.stop()


def push_command(
    benchmark: Annotated[str, BENCHMARK_ARG],
    items: Annotated[Path | None, typer.Option("--items", help="curated items Parquet")] = None,
    image_root: Annotated[Path | None, typer.Option("--images", help="folder of item images")] = None,
    url: Annotated[str | None, URL_OPTION] = None,
) -> None:
    """Send the items the review policy selects to Label Studio (one project per item kind)."""
    spec = resolve_spec(benchmark)
    _require_label_studio(spec)
    records = load_items(spec, items)
    images = image_root or DEFAULT_HOME / "work" / spec.benchmark / "images"
    report = push(spec, records, connect(url), image_root=images)
    console.print(
        f"pushed {report.imported} new task(s) ({report.changed} replacing changed items), "
        f"{report.already_present} already in Label Studio, {report.selected} selected of {len(records)}"
    )
    _print_json(report.projects)


def pull_command(
    benchmark: Annotated[str, BENCHMARK_ARG],
    url: Annotated[str | None, URL_OPTION] = None,
) -> None:
    """Fetch reviewers' annotations as decisions and agreement; safe to re-run."""
    spec = resolve_spec(benchmark)
    _require_label_studio(spec)
    report = pull(spec, connect(url))
    console.print(
        f"pulled {report.tasks} task(s): " + ", ".join(f"{k} {v}" for k, v in report.by_status.items())
    )
    if report.invalid:
        console.print(
            f"  {report.invalid} task(s) with annotations that do not fit their config (left in review)"
        )
    for kind, figures in report.agreement.items():
        verdict = figures["verdict"]
        console.print(
            f"  {kind}: {verdict['method'] or 'agreement'} {verdict['value']} "
            f"(alpha {verdict.get('krippendorff_alpha')}, {verdict['units']} unit(s), "
            f"{verdict['raters']} rater(s))"
        )


def status_command(
    benchmark: Annotated[str, BENCHMARK_ARG],
    items: Annotated[Path | None, typer.Option("--items", help="curated items Parquet")] = None,
    url: Annotated[str | None, URL_OPTION] = None,
    offline: Annotated[bool, typer.Option("--offline", help="do not ask Label Studio")] = False,
) -> None:
    """Review progress: decisions pulled so far, the release gate, and live counters from Label Studio."""
    spec = resolve_spec(benchmark)
    policy = _require_label_studio(spec)
    state = ReviewState(policy.state_dir)
    decisions = state.decisions()
    console.print(f"state {policy.state_dir}: {len(state.tasks())} task(s) pushed, {len(decisions)} pulled")
    path = items or _default_items_path(spec)
    if path.is_file():
        result = review_items(spec, load_items(spec, path), decisions)
        report = gate(policy, result)
        console.print(f"gate {'PASSED' if report.passed else 'BLOCKED'}: {report.reason}")
        _print_json(report.metadata())
    if not offline:
        _print_json({"label_studio": progress(spec, connect(url)), "agreement": state.agreement()})


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add `medforge review serve|push|pull|status`."""
    del app
    review = groups["review"]
    review.command("serve")(serve)
    review.command("push")(push_command)
    review.command("pull")(pull_command)
    review.command("status")(status_command)
