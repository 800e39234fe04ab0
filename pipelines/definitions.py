"""The Dagster Definitions: every `pipelines.defs` sub-package merged, with default resources.

`dagster dev -m pipelines.definitions` (or `medforge ui`) serves them; `medforge build` runs the
same graph in process with its own resources.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import dagster as dg

import pipelines.defs
from pipelines.defs.synthesis_extra import SpecLLMResource
from pipelines.io_manager import StageIOManager
from pipelines.resources import DEFAULT_HOME, BuildSettings


def stage_definitions() -> list[dg.Definitions]:
    """The `defs` of every sub-package of `pipelines.defs`, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(pipelines.defs.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"pipelines.defs.{info.name}")
        if isinstance(getattr(module, "defs", None), dg.Definitions):
            found.append(module.defs)
    return found


def build_resources(settings: BuildSettings) -> dict[str, object]:
    """Resources for one build: the settings, an IO manager under its work folder, and the LLM the
    spec names (swap `llm` for another `LLMBackendResource` subclass to override it)."""
    return {
        "build": settings,
        "io_manager": StageIOManager(base_dir=str(Path(settings.work_root) / "stages")),
        "llm": SpecLLMResource(spec_path=settings.spec_path),
    }


def default_settings() -> BuildSettings:
    """Settings from MEDFORGE_* variables, defaulting to the demo spec."""
    return BuildSettings(
        spec_path=os.environ.get("MEDFORGE_SPEC", "specs/demo.yaml"),
        version=os.environ.get("MEDFORGE_VERSION", "auto"),
        store_root=os.environ.get("MEDFORGE_STORE", str(DEFAULT_HOME / "releases")),
        work_root=os.environ.get("MEDFORGE_WORK", str(DEFAULT_HOME / "work" / "default")),
    )


def all_asset_graph() -> dg.Definitions:
    """Every stage's assets, checks, sensors and jobs, without resources."""
    return dg.Definitions.merge(*stage_definitions())


defs = dg.Definitions.merge(all_asset_graph(), dg.Definitions(resources=build_resources(default_settings())))
