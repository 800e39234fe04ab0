"""The executor runs launched from the Dagster UI use (the CLI always runs in process).

The default is in process: a build's steps share one interpreter, so torch, the tokenizer and the
embedding model load once per run, as in `medforge build` (with the multiprocess executor every step
was a fresh process importing torch and loading models again: minutes per demo build).
`MEDFORGE_EXECUTOR=multiprocess` runs steps in parallel, forked from a forkserver that has already
imported medforge and torch, with `MEDFORGE_MAX_CONCURRENT` steps at a time (default: the CPUs), of
which at most `MEDFORGE_MAX_CRAWLS` are crawls (steps tagged `medforge/step: crawl`; default: no
limit of their own). A run over several partitions of a `<family>_crawl` asset has one crawl step per
source, so those run in parallel. `MEDFORGE_EXECUTOR=k8s` runs each step as a Kubernetes job
(dagster-k8s's `k8s_job_executor`, installed in the image of `deploy/`), the same two limits applying
when set; the steps share the work folder, so it must be a volume every pod mounts.
"""

from __future__ import annotations

import os

import dagster as dg

from schemas import SpecError

EXECUTOR_ENV = "MEDFORGE_EXECUTOR"
CONCURRENCY_ENV = "MEDFORGE_MAX_CONCURRENT"
CRAWL_CONCURRENCY_ENV = "MEDFORGE_MAX_CRAWLS"
CRAWL_STEP_TAG = ("medforge/step", "crawl")
"""The op tag (key, value) of per-source crawl steps (`pipelines.defs.sources.assets`)."""
EXECUTORS = ("in_process", "multiprocess", "k8s")
PRELOADED_MODULES = ["pipelines.definitions", "torch", "embeddings.fast"]
"""Imported once in the forkserver; every step process is forked with them already loaded."""


def _whole_number(env: str, default: str | None) -> int | None:
    raw = os.environ.get(env) or default
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise SpecError(env, f"must be a whole number of at least 1, got {raw!r}")
    return int(raw)


def multiprocess_config() -> dict[str, object]:
    """The multiprocess executor's config: concurrency from MEDFORGE_MAX_CONCURRENT, crawl steps
    limited by MEDFORGE_MAX_CRAWLS (a tag concurrency limit), forkserver start."""
    config: dict[str, object] = {
        "max_concurrent": _whole_number(CONCURRENCY_ENV, str(os.cpu_count() or 1)),
        "start_method": {"forkserver": {"preload_modules": list(PRELOADED_MODULES)}},
    }
    if limits := _crawl_limits():
        config["tag_concurrency_limits"] = limits
    return config


def _crawl_limits() -> list[dict[str, object]]:
    crawls = _whole_number(CRAWL_CONCURRENCY_ENV, None)
    if crawls is None:
        return []
    key, value = CRAWL_STEP_TAG
    return [{"key": key, "value": value, "limit": crawls}]


def k8s_defaults() -> dict[str, object]:
    """The Kubernetes executor's defaults from the environment (run config overrides each key):
    MEDFORGE_MAX_CONCURRENT step pods at a time (default: no limit), MEDFORGE_MAX_CRAWLS crawl pods."""
    defaults: dict[str, object] = {}
    steps = _whole_number(CONCURRENCY_ENV, None)
    if steps is not None:
        defaults["max_concurrent"] = steps
    if limits := _crawl_limits():
        defaults["tag_concurrency_limits"] = limits
    return defaults


def k8s_executor() -> dg.ExecutorDefinition:
    """dagster-k8s's `k8s_job_executor`, its whole config schema open to run config (namespace,
    per-step pod resources, ...), with `k8s_defaults()` under it."""
    try:
        from dagster_k8s import k8s_job_executor
    except ImportError as error:
        raise SpecError(
            EXECUTOR_ENV, "k8s needs dagster-k8s (installed by `make` and in deploy/Dockerfile)"
        ) from error
    defaults = k8s_defaults()
    return k8s_job_executor.configured(
        lambda config: {**defaults, **config},
        name="k8s",
        config_schema=k8s_job_executor.config_schema.config_type,
    )


def run_executor(choice: str | None = None) -> dg.ExecutorDefinition:
    """The executor for UI runs: `choice`, else MEDFORGE_EXECUTOR, else in process."""
    name = choice or os.environ.get(EXECUTOR_ENV) or "in_process"
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor.configured(multiprocess_config(), name="multiprocess_forkserver")
    if name == "k8s":
        return k8s_executor()
    raise SpecError(EXECUTOR_ENV, f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}")
