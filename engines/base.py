"""The engine Protocol and the in-process engine: every stage function runs the same on both.

A stage hands an engine a picklable function `fn(start, batch)` and an iterable of items; the engine
cuts the items into batches of `batch_size`, calls `fn` on each (`start` is the position of the
batch's first item in the whole stream) and yields the results in input order. Only the scheduling
differs between engines, so a result never depends on which one ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
R = TypeVar("R")

ENGINE_NAMES = ("local", "ray")
DEFAULT_BATCH_SIZE = 8192
"""Items per batch: texts for embedding and MinHash signatures, candidate pairs for verification."""

BatchFn = Callable[[int, list[T]], R]
"""`fn(start, batch) -> result`: a module-level function or a picklable callable object.

A callable with `stateful = True` (it loads a model) runs on GPU actors where the cluster has GPUs.
"""


def batched(items: Iterable[T], batch_size: int) -> Iterator[tuple[int, list[T]]]:
    """(start, batch) pairs of consecutive items; only one batch is held at a time."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    iterator = iter(items)
    start = 0
    while batch := list(islice(iterator, batch_size)):
        yield start, batch
        start += len(batch)


@runtime_checkable
class BatchEngine(Protocol):
    """What stages need of an engine: `map_batches`, in input order, streaming."""

    name: str
    batch_size: int

    def map_batches(
        self, fn: BatchFn[T, R], items: Iterable[T], batch_size: int | None = None
    ) -> Iterator[R]:
        """`fn(start, batch)` per batch of `batch_size` (default: the engine's), results in order."""
        ...

    @property
    def accelerators(self) -> int:
        """GPUs the engine can run stateful functions on (0: CPUs only)."""
        ...

    def close(self) -> None:
        """Release what the engine started (a local Ray, its actors); it may be used again later."""
        ...


class LocalEngine:
    """Runs every batch in this process, one after the other (the default; needs no Ray)."""

    name = "local"

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def map_batches(
        self, fn: BatchFn[T, R], items: Iterable[T], batch_size: int | None = None
    ) -> Iterator[R]:
        """`fn(start, batch)` per batch, lazily, in order."""
        for start, batch in batched(items, batch_size or self.batch_size):
            yield fn(start, batch)

    @property
    def accelerators(self) -> int:
        """Stateful functions pick their own device in process (see `embeddings.select_device`)."""
        return 0

    def close(self) -> None:
        """Nothing to release."""
        return None

    def __repr__(self) -> str:
        return f"LocalEngine(batch_size={self.batch_size})"
