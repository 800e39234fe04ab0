"""Progress of long loops: a stage says what it counts, the command line decides whether it shows.

Stages call `track(...)` or `meter(...)`; with no sink installed (tests, the Dagster UI, `--quiet`,
output that is not a terminal) these cost one context-variable lookup. The CLI installs a rich
progress display as the sink with `progress_sink(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class ProgressSink(Protocol):
    """Shows tasks: `start` returns a handle that `advance` and `finish` take."""

    def start(self, description: str, total: int | None, unit: str) -> object: ...
    def advance(self, handle: object, steps: int) -> None: ...
    def finish(self, handle: object) -> None: ...


_SINK: ContextVar[ProgressSink | None] = ContextVar("medforge_progress_sink", default=None)


@contextmanager
def progress_sink(sink: ProgressSink | None) -> Iterator[None]:
    """Installs `sink` for the loops run inside the block (None: nothing shows)."""
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)


def _no_advance(steps: int = 1) -> None:
    return None


@contextmanager
def meter(description: str, total: int | None, unit: str = "items") -> Iterator[Callable[[int], None]]:
    """A counter for loops that advance in batches: `with meter("embedding", n) as advance: advance(k)`."""
    sink = _SINK.get()
    if sink is None or total == 0:
        yield _no_advance
        return
    handle = sink.start(description, total, unit)
    try:
        yield lambda steps=1: sink.advance(handle, steps)
    finally:
        sink.finish(handle)


def track(
    iterable: Iterable[T], description: str, total: int | None = None, unit: str = "items"
) -> Iterator[T]:
    """`iterable`, advancing a progress task by one per element."""
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    with meter(description, total, unit) as advance:
        for element in iterable:
            yield element
            advance(1)
