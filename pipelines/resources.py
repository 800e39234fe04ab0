"""Dagster resources: where a build reads its spec and writes its work and releases."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.paths import DEFAULT_HOME
from schemas import BenchmarkSpec, load_spec


class BuildSettings(dg.ConfigurableResource):
    """One benchmark build: the spec, the release version and the folders it uses."""

    spec_path: str = Field(description="benchmark spec (YAML)")
    version: str = Field(default="auto", description="release version; 'auto' takes the next free patch")
    store_root: str = Field(default=str(DEFAULT_HOME / "releases"), description="release store folder")
    work_root: str = Field(
        default=str(DEFAULT_HOME / "work"),
        description="per-benchmark working folder: raw documents, images, caches, stage outputs",
    )

    def load_spec(self) -> BenchmarkSpec:
        """The validated spec."""
        return load_spec(self.spec_path)

    def work_dir(self) -> Path:
        """Working folder (created on demand)."""
        path = Path(self.work_root)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def raw_store(self) -> Path:
        """Content-addressed raw documents, shared by every build of the benchmark."""
        return self._sub("raw")

    def image_dir(self) -> Path:
        """Content-addressed figure images."""
        return self._sub("images")

    def cache_dir(self) -> Path:
        """Response and embedding caches."""
        return self._sub("cache")

    def _sub(self, name: str) -> Path:
        path = self.work_dir() / name
        path.mkdir(parents=True, exist_ok=True)
        return path
