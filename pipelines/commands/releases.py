"""Release commands: build, rebuild, diff, validate."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from pipelines.paths import DEFAULT_STORE, STORE_HELP
from pipelines.progress import cli_progress, is_quiet
from releases import Release, diff_releases, resolve_release

if TYPE_CHECKING:
    from pipelines.build import BuildOutcome

console = Console(soft_wrap=True)
STORE_OPTION = typer.Option("--store", help=STORE_HELP, envvar="MEDFORGE_STORE")
ENGINE_OPTION = typer.Option(
    "--engine",
    help="where embedding and MinHash batches run: local (in process) or ray ($RAY_ADDRESS or the "
    "spec's execution.address, else a local Ray on 127.0.0.1); default: the spec's execution.engine",
)


def progress_printer(name: str, step: str) -> None:
    """One line per finished step, so long builds show where they are (none under --quiet)."""
    if is_quiet():
        return
    if name == "STEP_SUCCESS":
        console.print(f"  [green]✓[/green] {step}")
    elif name == "STEP_FAILURE":
        console.print(f"  [red]✗[/red] {step}")


def print_outcome(outcome: BuildOutcome) -> None:
    """The summary every build prints."""
    console.print(f"release [bold]{outcome.location or outcome.release_path}[/bold]")
    console.print(
        f"  version {outcome.version}: {outcome.items} items, {outcome.rejected} rejected/quarantined"
    )
    console.print(f"  content hash {outcome.content_hash}")
    for warning in outcome.warnings:
        console.print(f"  [yellow]warning:[/yellow] {warning} (not blocking)")


def build(
    spec: Annotated[Path, typer.Option("--spec", help="benchmark spec YAML")],
    version: Annotated[
        str, typer.Option("--version", help="release version, e.g. 1.0.0, or 'auto'")
    ] = "auto",
    store: Annotated[str, STORE_OPTION] = DEFAULT_STORE,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            help="LLM replies and embeddings (default: cache/ in the build's work folder)",
            envvar="MEDFORGE_CACHE_DIR",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="fail when one rejection reason takes over quality.warn_reason_share of a source"
        ),
    ] = False,
    engine: Annotated[str | None, ENGINE_OPTION] = None,
) -> None:
    """Build a release of a benchmark spec through the Dagster asset graph."""
    from pipelines.build import local_instance, run_build  # Dagster loads only for commands that build

    console.print(f"building {spec} (version {version})")
    with cli_progress(console):
        outcome = run_build(
            spec,
            version,
            store,
            instance=local_instance(),
            progress=progress_printer,
            cache_root=cache_dir,
            strict=strict,
            engine=engine,
        )
    print_outcome(outcome)


def rebuild(
    release: Annotated[str, typer.Argument(help="benchmark@version or a release folder")],
    store: Annotated[str, STORE_OPTION] = DEFAULT_STORE,
) -> None:
    """Rebuild a release from its recorded manifest (in a scratch store) and compare content hashes."""
    from pipelines.build import run_build

    original = Release.open(resolve_release(release, store))
    manifest = original.manifest
    with tempfile.TemporaryDirectory(prefix="medforge-rebuild-") as scratch:
        spec_file = Path(scratch) / "spec.yaml"
        spec_file.write_text(
            yaml.safe_dump({**manifest["spec"], "base_dir": manifest["spec_base_dir"]}, sort_keys=False),
            encoding="utf-8",
        )
        console.print(f"rebuilding {original.ref} from its manifest")
        with cli_progress(console):
            outcome = run_build(
                spec_file,
                manifest["version"],
                Path(scratch) / "releases",
                Path(scratch) / "work",
                progress=progress_printer,
            )
    same = outcome.content_hash == manifest["content_hash"]
    console.print(f"recorded content hash {manifest['content_hash']}")
    console.print(f"rebuilt  content hash {outcome.content_hash}")
    if same:
        console.print("[green]same content hash: the release is reproducible[/green]")
    else:
        console.print("[red]content hash differs: the rebuild is not the same release[/red]")
        raise typer.Exit(1)


def diff(
    old: Annotated[str, typer.Argument(help="older release: benchmark@version or folder")],
    new: Annotated[str, typer.Argument(help="newer release: benchmark@version or folder")],
    store: Annotated[str, STORE_OPTION] = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole diff as JSON")] = False,
) -> None:
    """Items added, removed and changed between two releases."""
    result = diff_releases(
        Release.open(resolve_release(old, store)), Release.open(resolve_release(new, store))
    )
    if as_json:
        print(json.dumps(result.__dict__, indent=2))
        return
    console.print(
        f"{result.old} -> {result.new}: " + ", ".join(f"{k} {v}" for k, v in result.summary().items())
    )
    for label, ids in (("added", result.added), ("removed", result.removed)):
        for item_id in ids[:20]:
            console.print(f"  {label} {item_id}")
    for change in result.changed[:20]:
        console.print(f"  changed {change['source_key']}: {', '.join(change['fields'])}")


def validate(
    release: Annotated[str, typer.Argument(help="benchmark@version or a release folder")],
    store: Annotated[str, STORE_OPTION] = DEFAULT_STORE,
) -> None:
    """Check a release against the released-items data contract (Great Expectations)."""
    from data_contracts import validate_items

    opened = Release.open(resolve_release(release, store))
    report = validate_items(opened.items(), opened.splits)
    if report.success:
        console.print(
            f"[green]{opened.ref}: {len(opened.items())} items meet the contract[/green] "
            f"({report.evaluated} expectations)"
        )
        return
    table = Table("expectation", "column", "bad", "item ids")
    for failure in report.failures:
        table.add_row(
            failure["expectation"],
            str(failure["column"]),
            str(failure["unexpected_count"]),
            ", ".join(failure["item_ids"]),
        )
    console.print(table)
    report.raise_for_failures()


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add the release commands."""
    app.command()(build)
    app.command()(rebuild)
    app.command()(diff)
    app.command()(validate)
