"""The executor runs launched from the Dagster UI use (the CLI always runs in process).

The default is in process: a build's steps share one interpreter, so torch, the tokenizer and the
embedding model load once per run, as in `medforge build` (with the multiprocess executor every step
was a fresh process importing torch and loading models again: minutes per demo build).
`MEDFORGE_EXECUTOR=multiprocess` runs steps in parallel, forked from a forkserver that has already
imported medforge and torch, with `MEDFORGE_MAX_CONCURRENT` steps at a time (default: the CPUs).
"""

from __future__ import annotations

import os

import dagster as dg

from schemas import SpecError

EXECUTOR_ENV = "MEDFORGE_EXECUTOR"
CONCURRENCY_ENV = "MEDFORGE_MAX_CONCURRENT"
EXECUTORS = ("in_process", "multiprocess")
PRELOADED_MODULES = ["pipelines.definitions", "torch", "embeddings.fast"]
"""Imported once in the forkserver; every step process is forked with them already loaded."""


def multiprocess_config() -> dict[str, object]:
    """The multiprocess executor's config: concurrency from MEDFORGE_MAX_CONCURRENT, forkserver start."""
    raw = os.environ.get(CONCURRENCY_ENV) or str(os.cpu_count() or 1)
    if not raw.isdigit() or int(raw) < 1:
        raise SpecError(CONCURRENCY_ENV, f"must be a whole number of at least 1, got {raw!r}")
    return {
        "max_concurrent": int(raw),
        "start_method": {"forkserver": {"preload_modules": list(PRELOADED_MODULES)}},
    }


def run_executor(choice: str | None = None) -> dg.ExecutorDefinition:
    """The executor for UI runs: `choice`, else MEDFORGE_EXECUTOR, else in process."""
    name = choice or os.environ.get(EXECUTOR_ENV) or "in_process"
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor.configured(multiprocess_config(), name="multiprocess_forkserver")
    raise SpecError(EXECUTOR_ENV, f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}")
