"""Reading a published release: its manifest, items per split and rejections."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from releases.layout import MANIFEST, REJECTED
from schemas import BenchmarkItem, MedforgeError, Rejection, from_table


class ReleaseReadError(MedforgeError):
    """Raised when a release folder is damaged: its manifest or a Parquet file is missing or unreadable."""


def _read_manifest(path: Path) -> dict[str, Any]:
    file = path / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ReleaseReadError(f"cannot read release manifest {file}: {error}") from None
    splits = manifest.get("counts", {}).get("splits") if isinstance(manifest, dict) else None
    if not isinstance(splits, dict | list) or not all(k in manifest for k in ("benchmark", "version")):
        raise ReleaseReadError(f"{file} is not a release manifest (needs benchmark, version, counts.splits)")
    return manifest


def _read_parquet(file: Path) -> pa.Table:
    try:
        return pq.read_table(file)
    except FileNotFoundError:
        raise ReleaseReadError(f"release file {file} is missing") from None
    except (OSError, pa.ArrowException) as error:
        raise ReleaseReadError(f"cannot read {file}: {str(error).splitlines()[0]}") from None


def _records(file: Path, record_type: type) -> list:
    try:
        return from_table(_read_parquet(file), record_type)
    except ValidationError as error:
        problem = error.errors()[0]
        raise ReleaseReadError(f"{file} holds a bad {record_type.__name__}: {problem['msg']}") from None


@dataclass(frozen=True)
class Release:
    """A release folder opened for reading."""

    path: Path
    manifest: dict[str, Any]

    @classmethod
    def open(cls, path: Path) -> Release:
        """Open a release folder (it must hold a manifest)."""
        return cls(Path(path), _read_manifest(Path(path)))

    @property
    def ref(self) -> str:
        """`benchmark@version`."""
        return f"{self.manifest['benchmark']}@{self.manifest['version']}"

    @property
    def splits(self) -> list[str]:
        """Split names, as the manifest lists them."""
        return list(self.manifest["counts"]["splits"])

    def items_table(self) -> pa.Table:
        """All items of every split as one Arrow table."""
        tables = [_read_parquet(self.path / f"{split}.parquet") for split in self.splits]
        try:
            return pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})
        except pa.ArrowException as error:
            first = str(error).splitlines()[0]
            raise ReleaseReadError(f"splits of {self.path} do not share one schema: {first}") from None

    def items(self) -> list[BenchmarkItem]:
        """All items of every split."""
        return [item for split in self.splits for item in self.split_items(split)]

    def split_items(self, split: str) -> list[BenchmarkItem]:
        """Items of one split."""
        return _records(self.path / f"{split}.parquet", BenchmarkItem)

    def rejections(self) -> list[Rejection]:
        """Every record that did not make it, with its reason."""
        return _records(self.path / REJECTED, Rejection)
