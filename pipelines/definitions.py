"""The Dagster Definitions: everything under `pipelines.defs`, autoloaded, with the default resources.

`dagster dev -m pipelines.definitions` (or `medforge ui`) serves them; `medforge build` runs the
same graph in process with the resources of its own build.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import dagster as dg

from pipelines.executors import run_executor
from pipelines.paths import DEFAULT_HOME
from pipelines.resources import BuildSettings, SpecResource, build_resources

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The folder of pyproject.toml, whose `[tool.dg]` names `pipelines.defs` as the defs module."""


@cache
def asset_graph() -> dg.Definitions:
    """Every domain's assets, checks, sensors and jobs, found in `pipelines/defs/` by Dagster's own
    loader (the project's `[tool.dg]` names the folder), without resources."""
    return dg.load_from_defs_folder(path_within_project=PROJECT_ROOT)


def definitions_for(spec: SpecResource, settings: BuildSettings) -> dg.Definitions:
    """The asset graph with the resources of one build and the executor of UI runs (`run_executor`)."""
    return dg.Definitions.merge(
        asset_graph(), dg.Definitions(resources=build_resources(spec, settings), executor=run_executor())
    )


def build_release_job() -> dg.JobDefinition:
    """The release job of the default definitions, reconstructable the way the UI's run worker
    loads it (`dg.reconstructable(build_release_job)`)."""
    from pipelines.defs.release.jobs import BUILD_JOB

    return defs.resolve_job_def(BUILD_JOB)


def job_named(name: str) -> dg.JobDefinition:
    """Any job of the default definitions, reconstructable in another process with
    `dg.build_reconstructable_job("pipelines.definitions", "job_named", reconstructable_kwargs=...)`
    (`{"name": "crawl_exam_sites"}`)."""
    return defs.resolve_job_def(name)


def default_resources() -> tuple[SpecResource, BuildSettings]:
    """The spec and settings from MEDFORGE_* variables, defaulting to the demo spec (read at run time,
    so the UI starts even while the spec has an error, and shows it when a run starts)."""
    spec = SpecResource(path=str(Path(os.environ.get("MEDFORGE_SPEC", "specs/demo.yaml")).resolve()))
    settings = BuildSettings(
        version=os.environ.get("MEDFORGE_VERSION", "auto"),
        store_root=os.environ.get("MEDFORGE_STORE", str(DEFAULT_HOME / "releases")),
        work_root=os.environ.get("MEDFORGE_WORK", str(DEFAULT_HOME / "work" / "default")),
        cache_root=os.environ.get("MEDFORGE_CACHE_DIR", ""),
    )
    return spec, settings


defs = definitions_for(*default_resources())
