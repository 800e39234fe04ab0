"""Reading a published release: its manifest, items per split and rejections."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from releases.layout import MANIFEST, REJECTED
from schemas import BenchmarkItem, Rejection, from_table


@dataclass(frozen=True)
class Release:
    """A release folder opened for reading."""

    path: Path
    manifest: dict[str, Any]

    @classmethod
    def open(cls, path: Path) -> Release:
        """Open a release folder (it must hold a manifest)."""
        return cls(Path(path), json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8")))

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
        tables = [pq.read_table(self.path / f"{split}.parquet") for split in self.splits]
        return pa.concat_tables(tables) if tables else pa.table({})

    def items(self) -> list[BenchmarkItem]:
        """All items of every split."""
        return [item for split in self.splits for item in self.split_items(split)]

    def split_items(self, split: str) -> list[BenchmarkItem]:
        """Items of one split."""
        return from_table(pq.read_table(self.path / f"{split}.parquet"), BenchmarkItem)

    def rejections(self) -> list[Rejection]:
        """Every record that did not make it, with its reason."""
        return from_table(pq.read_table(self.path / REJECTED), Rejection)
