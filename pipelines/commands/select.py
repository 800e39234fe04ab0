"""`medforge select RELEASE --where "icd10:K70-K87 and modality:CT"`: the subset of a release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.console import Console

from pipelines.paths import DEFAULT_STORE, STORE_HELP
from releases import Release, resolve_release
from releases.layout import MANIFEST
from schemas import BenchmarkItem, MedforgeError
from schemas.arrow import RECORD_TYPE_KEY
from taxonomy.selection import select_items

console = Console()


def release_items_table(ref: str, store: str | Path) -> pa.Table:
    """Every split of a release (folder or benchmark@version) as one table with a `split` column.

    A folder without a manifest (say, subsets written by `select`) works too: every Parquet file in
    it written with the BenchmarkItem schema is read; clusters and rejections are not items.
    """
    path = Path(ref)
    if path.is_dir() and not (path / MANIFEST).is_file():
        tables = [
            table
            for table in (pq.read_table(f) for f in sorted(path.glob("*.parquet")))
            if (table.schema.metadata or {}).get(RECORD_TYPE_KEY) == BenchmarkItem.__name__.encode()
        ]
        if not tables:
            raise MedforgeError(f"no BenchmarkItem Parquet files in {path}")
        return pa.concat_tables(tables, promote_options="default")
    return Release.open(resolve_release(ref, store)).items_table()


def write_selection(table: pa.Table, out: Path) -> None:
    """The selection as Parquet (.parquet) or JSON lines (anything else)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        pq.write_table(table, out)
        return
    with out.open("w", encoding="utf-8") as handle:
        for row in table.to_pylist():
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def select(
    release: Annotated[str, typer.Argument(help="release folder or benchmark@version")],
    where: Annotated[str, typer.Option("--where", help='query, e.g. "icd10:K70-K87 and modality:CT"')],
    out: Annotated[Path | None, typer.Option("--out", help="write the subset (.parquet or .jsonl)")] = None,
    store: Annotated[str, typer.Option("--store", help=STORE_HELP, envvar="MEDFORGE_STORE")] = DEFAULT_STORE,
    limit: Annotated[int, typer.Option("--limit", help="items to list when not writing")] = 20,
) -> None:
    """Select items of a release by taxonomy tags (and/or/not, ICD-10 ranges, hierarchy roll-up)."""
    table = release_items_table(release, store)
    selected = select_items(table, where)
    console.print(f"{selected.num_rows} of {table.num_rows} items match: {where}", markup=False)
    if out is not None:
        write_selection(selected, out)
        console.print(f"written to {out}")
        return
    for row in selected.slice(0, limit).to_pylist():
        codes = ", ".join(f"{t['vocabulary']}:{t['code']}" for t in (row.get("tags") or [])[:6])
        question = " ".join(str(row.get("question", "")).split())[:80]
        line = f"  {row['item_id']} [{row.get('split', '')}] {question}  ({codes})"
        console.print(line, highlight=False, markup=False)  # '[test]' and question text print as they are


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Adds `medforge select`."""
    app.command("select")(select)
