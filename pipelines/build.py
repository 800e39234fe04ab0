"""Runs the release job in process: the CLI's way into the same asset graph the UI shows."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from engines import ENGINE_NAMES
from pipelines.definitions import definitions_for
from pipelines.defs.release.jobs import BUILD_JOB
from pipelines.paths import DEFAULT_HOME
from pipelines.resources import BuildSettings, SpecResource
from releases import LocalStore, open_store
from schemas import ContractViolation, MedforgeError, ReleaseExistsError
from schemas.spec import validate_version

MEDFORGE_ERRORS = {cls.__name__ for cls in (MedforgeError, *MedforgeError.__subclasses__())}
CONTRACT_CHECK = "release_candidate_meets_contract"
ProgressCallback = Callable[[str, str], None]


@dataclass(frozen=True)
class BuildOutcome:
    """A finished build: where the release is and what it holds."""

    release_path: Path
    """A local folder holding the release (for a remote store, its cached copy)."""
    version: str
    content_hash: str
    items: int
    rejected: int
    run_id: str
    warnings: list[str] = field(default_factory=list)
    location: str = ""
    """Where the release was published: its folder, or its URL in a remote store."""


def dagster_home(home: Path = DEFAULT_HOME) -> Path:
    """A local Dagster instance folder (SQLite storage, telemetry off), created on first use."""
    path = (home / "dagster").resolve()
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return path


def local_instance(home: Path = DEFAULT_HOME) -> dg.DagsterInstance:
    """The persistent local instance the UI also reads, so CLI runs show up there."""
    os.environ["DAGSTER_HOME"] = str(dagster_home(home))
    return dg.DagsterInstance.get()


def _progress_logger(callback: ProgressCallback) -> dg.LoggerDefinition:
    @dg.logger(description="reports step starts and ends to the CLI")
    def progress(_context: dg.InitLoggerContext) -> logging.Logger:
        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                event = getattr(record, "dagster_meta", {}).get("dagster_event")
                if event is None:
                    return
                name = event.event_type_value
                if name in ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"):
                    callback(name, event.step_key or "")

        log = logging.Logger("medforge.progress", level=logging.DEBUG)
        log.addHandler(Handler())
        return log

    return progress


def execute_without_capture(
    job: dg.JobDefinition, instance: dg.DagsterInstance, run_config: dict[str, Any]
) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process` without its output capture, which keeps every step's output in memory
    to the end of the run (each stage's whole record list: 5.3 GiB peak for a 20K-question build, 3.4
    without it). Outputs go through the IO manager as in any run; the build reads only events. Falls
    back to `execute_in_process` where Dagster's internals differ."""
    try:
        from dagster._core.definitions.job_base import InMemoryJob
        from dagster._core.execution.execute_in_process import core_execute_in_process
    except ImportError:  # pragma: no cover - another Dagster
        return job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)
    wanted = {"run_config", "job", "instance", "output_capturing_enabled", "raise_on_error", "run_tags"}
    if not wanted <= set(inspect.signature(core_execute_in_process).parameters):  # pragma: no cover
        return job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)
    ephemeral = job.as_ephemeral_job(resource_defs={}, input_values={})
    return core_execute_in_process(
        run_config=run_config,
        job=InMemoryJob(job_def=ephemeral),
        instance=instance,
        output_capturing_enabled=False,
        raise_on_error=False,
        run_tags=dict(job.run_tags),
    )


def _user_error(result: dg.ExecuteInProcessResult) -> BaseException | None:
    """The first failed step as one line; medforge's own errors keep just their message."""
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE" and event.step_failure_data:
            cause = event.step_failure_data.error
            if cause is None:
                return MedforgeError(f"step {event.step_key} failed")
            root = cause.cause or cause
            if "DagsterExecutionInterruptedError" in (root.cls_name or "", cause.cls_name or ""):
                return MedforgeError(
                    f"interrupted during step {event.step_key}: the run stopped and no release was written"
                )
            lines = [
                line.strip()
                for line in root.message.strip().splitlines()
                if line.strip() and not line.strip().startswith("For further information visit")
            ]  # pydantic ends its errors with a link: the line before it says what was wrong
            message = lines[-1] if lines else root.cls_name or ""
            if (root.cls_name or "") in MEDFORGE_ERRORS:
                message = message.split(": ", 1)[-1]
            return MedforgeError(f"step {event.step_key} failed: {message}")
    return None


def run_build(
    spec_path: Path | str,
    version: str = "auto",
    store_root: Path | str = DEFAULT_HOME / "releases",
    work_root: Path | str | None = None,
    instance: dg.DagsterInstance | None = None,
    progress: ProgressCallback | None = None,
    cache_root: Path | str | None = None,
    strict: bool = False,
    engine: str | None = None,
) -> BuildOutcome:
    """Build one release of the spec; raises MedforgeError with one clear line when it cannot.

    `cache_root` holds LLM replies and embeddings (default: `cache` in the work folder). `strict`
    fails the build when one rejection reason takes over `quality.warn_reason_share` of a source.
    `engine` (local or ray) overrides the spec's `execution.engine`; either gives the same release.
    """
    if version != "auto":
        validate_version(version)
    if engine is not None and engine not in ENGINE_NAMES:
        raise MedforgeError(f"unknown engine '{engine}'; choose from {', '.join(ENGINE_NAMES)}")
    pinned = SpecResource.pinned(spec_path, engine)  # read once: every step of the run sees this spec
    spec = pinned.get()
    store = open_store(store_root)
    store.check()  # an unreachable store fails now, not after the whole build
    if version != "auto" and store.is_taken(spec.benchmark, version):
        raise ReleaseExistsError(spec.benchmark, version, store.release_location(spec.benchmark, version))
    work = Path(work_root) if work_root else DEFAULT_HOME / "work" / spec.benchmark
    settings = BuildSettings(
        version=version,
        store_root=str(store.root.resolve()) if isinstance(store, LocalStore) else store.location,
        work_root=str(work.resolve()),
        cache_root=str(Path(cache_root).resolve()) if cache_root else "",
        strict=strict,
    )
    job = definitions_for(pinned, settings).resolve_job_def(BUILD_JOB)
    loggers: dict[str, Any] = {}
    run_config: dict[str, Any] = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    if progress is not None:
        loggers = {"progress": _progress_logger(progress)}
        run_config["loggers"]["progress"] = {}
    job = job.with_logger_defs({**job.loggers, **loggers}) if loggers else job
    result = execute_without_capture(job, instance or dg.DagsterInstance.ephemeral(), run_config)
    warnings = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        if not evaluation.blocking:
            warnings.append(
                f"check {evaluation.check_name} on {evaluation.asset_key.to_user_string()} failed"
            )
            continue
        if evaluation.check_name == CONTRACT_CHECK:
            failures = evaluation.metadata.get("failures")
            raise ContractViolation(list(failures.value) if failures else [])
        details = ", ".join(
            f"{key}={value.value}"
            for key, value in sorted(evaluation.metadata.items())
            if isinstance(value.value, int | float | str)
        )
        raise MedforgeError(
            f"blocking check {evaluation.check_name} on {evaluation.asset_key.to_user_string()} failed"
            + (f" ({details})" if details else "")
            + "; no release was written"
        )
    if not result.success:
        raise _user_error(result) or MedforgeError("build failed; see the Dagster run log")
    materializations = result.asset_materializations_for_node("benchmark_release")
    meta = materializations[-1].metadata
    if "warnings" in meta:
        warnings.extend(str(w) for w in meta["warnings"].value or [])
    return BuildOutcome(
        release_path=Path(str(meta["local_path"].value if "local_path" in meta else meta["path"].value)),
        version=str(meta["version"].value),
        content_hash=str(meta["content_hash"].value),
        items=int(meta["items"].value),
        rejected=int(meta["rejected"].value),
        run_id=result.run_id,
        warnings=warnings,
        location=str(meta["path"].value),
    )
