"""The `medforge` command line: thin commands over the same asset graph the Dagster UI shows.

Commands live one module per topic in `pipelines.commands`; each module exposes
`register(app, groups)` and is found automatically, so a stage adds its commands without editing
this file. Errors are one clear line (exit code 2), never a traceback.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer
from rich.console import Console
from rich.markup import escape

import pipelines.commands
from pipelines.progress import QUIET_ENV
from schemas import MedforgeError

app = typer.Typer(
    name="medforge",
    help="Build medical LLM benchmarks from raw public sources as versioned Parquet releases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
GROUPS: dict[str, typer.Typer] = {
    "extract": typer.Typer(help="Run one extractor on local files (debug a source).", no_args_is_help=True),
    "review": typer.Typer(help="Expert review in Label Studio.", no_args_is_help=True),
}
for _name, _group in GROUPS.items():
    app.add_typer(_group, name=_name)


@app.callback()
def _global_options(
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="no progress bars or step lines (also MEDFORGE_QUIET=1)"
    ),
) -> None:
    """Options every command takes (before the command: `medforge --quiet build ...`)."""
    if quiet:
        os.environ[QUIET_ENV] = "1"


err_console = Console(stderr=True)


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(pipelines.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"pipelines.commands.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app, GROUPS)


_register_commands()


def main() -> None:
    """Console-script entry point: run the app, turning medforge errors into one line."""
    try:
        app(standalone_mode=False)
    except MedforgeError as error:
        err_console.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as done:
        code = getattr(done, "exit_code", getattr(done, "code", 0))
        sys.exit(code or 0)
    except OSError as error:  # an --out that is a file, a folder without write permission, a full disk
        where = f": {error.filename}" if error.filename else ""
        message = escape(f"{error.strerror or error}{where}")
        err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except Exception as error:  # usage errors and anything unexpected: one line
        # typer vendors its own click, so usage errors are recognised by shape, not by class
        if hasattr(error, "show") and isinstance(getattr(error, "exit_code", None), int):
            error.show()
            sys.exit(2)
        err_console.print(
            f"[red]error:[/red] {type(error).__name__}: {escape(str(error))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
