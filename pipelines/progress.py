"""The CLI's progress display: rich bars with counts and rates, on a terminal only, never under --quiet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from schemas.progress import progress_sink

QUIET_ENV = "MEDFORGE_QUIET"


def _rate(task: Task) -> float | None:
    """Items per second so far: rich's own estimate while running, the average once done."""
    if task.elapsed and task.completed:
        return task.completed / task.elapsed
    return task.speed


class RateColumn(ProgressColumn):
    """Items per second, in the task's own unit ('1,234 texts/s')."""

    def render(self, task: Task) -> Text:
        speed = _rate(task)
        unit = task.fields.get("unit", "items")
        return Text(f"{speed:,.0f} {unit}/s" if speed else f"- {unit}/s", style="progress.data.speed")


SUMMARY_AFTER_S = 1.0
"""A finished task that ran at least this long leaves one summary line; shorter ones just vanish."""


class RichProgressSink:
    """A `schemas.progress.ProgressSink` drawing one bar per running task.

    A finished bar is replaced by one line (count, time, rate), so the log keeps what took time and
    the live area only shows what is running.
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def start(self, description: str, total: int | None, unit: str) -> TaskID:
        return self.progress.add_task(description, total=total, unit=unit)

    def advance(self, handle: object, steps: int) -> None:
        self.progress.advance(handle, steps)  # type: ignore[arg-type]

    def finish(self, handle: object) -> None:
        task = next(t for t in self.progress.tasks if t.id == handle)
        elapsed = task.elapsed or 0.0
        rate = _rate(task)
        self.progress.remove_task(handle)  # type: ignore[arg-type]
        if elapsed >= SUMMARY_AFTER_S:
            unit = task.fields.get("unit", "items")
            self.progress.console.print(
                f"    {task.description}: {task.completed:,.0f} {unit} in {elapsed:.1f} s"
                + (f" ({rate:,.0f} {unit}/s)" if rate else ""),
                highlight=False,
            )


def is_quiet(quiet: bool = False) -> bool:
    """--quiet, or MEDFORGE_QUIET set to anything but 0/empty."""
    return quiet or os.environ.get(QUIET_ENV, "") not in ("", "0")


def show_progress(console: Console, quiet: bool = False) -> bool:
    """Bars only where someone watches: a terminal, and not quiet."""
    return console.is_terminal and not is_quiet(quiet)


@contextmanager
def cli_progress(console: Console, quiet: bool = False) -> Iterator[Progress | None]:
    """Shows the progress of every tracked loop inside the block on `console` (print through it)."""
    if not show_progress(console, quiet):
        with progress_sink(None):
            yield None
        return
    progress = Progress(
        TextColumn("  [progress.description]{task.description}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    with progress, progress_sink(RichProgressSink(progress)):
        yield progress
