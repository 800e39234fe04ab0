"""Where the heavy batches run: in this process, or as Ray tasks; stages take a `BatchEngine`."""

from engines.base import DEFAULT_BATCH_SIZE, ENGINE_NAMES, BatchEngine, BatchFn, LocalEngine, batched
from engines.factory import open_engine

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ENGINE_NAMES",
    "BatchEngine",
    "BatchFn",
    "LocalEngine",
    "batched",
    "open_engine",
]
