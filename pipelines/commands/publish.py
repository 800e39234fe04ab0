"""`medforge publish bench@version --to DIR | hf://ORG/NAME`: a release as a Hub dataset repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines.paths import DEFAULT_STORE, STORE_HELP
from releases import resolve_release
from releases.publish import HUB_PREFIX, publish_to_folder, publish_to_hub

console = Console()


def publish(
    release: Annotated[str, typer.Argument(help="release folder or benchmark@version")],
    to: Annotated[
        str, typer.Option("--to", help="a folder (dry run: the repository's files) or hf://ORG/NAME")
    ],
    private: Annotated[bool, typer.Option("--private", help="create the Hub repository private")] = False,
    store: Annotated[str, typer.Option("--store", help=STORE_HELP, envvar="MEDFORGE_STORE")] = DEFAULT_STORE,
) -> None:
    """Write the Hub repository layout to a folder, or upload it (needs HF_TOKEN); a published
    version is never uploaded again."""
    path = resolve_release(release, store)
    if to.startswith(HUB_PREFIX):
        done = publish_to_hub(path, to, private=private)
        console.print(
            f"published {path.parent.name}@{path.name} to {done.target} ({done.files} files), tag {done.tag}"
        )
        return
    done = publish_to_folder(path, Path(to))
    console.print(
        f"wrote the Hub repository of {path.parent.name}@{path.name} to {done.target}: "
        f"{done.files} files, {done.bytes / 1e6:.1f} MB (upload it with --to hf://ORG/NAME)"
    )


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Adds `medforge publish`."""
    app.command("publish")(publish)
