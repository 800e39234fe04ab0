"""`medforge dedup ITEMS --method exact|minhash|semantic --out DIR`: duplicate clusters of a file or release.

ITEMS is an items .jsonl, a split's .parquet, a release folder or `benchmark@version` (`@latest`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyarrow.parquet as pq
import typer
from pyarrow import ArrowException
from rich.console import Console

from curation.config import DedupConfig
from curation.curate import embedder_from_options, representative_rank
from curation.dedup import METHOD_ORDER, find_duplicates
from curation.references import load_item_texts
from curation.texts import ItemText
from engines import DEFAULT_BATCH_SIZE, ENGINE_NAMES, open_engine
from pipelines.paths import DEFAULT_STORE, STORE_HELP
from pipelines.progress import cli_progress
from releases import Release, resolve_release
from schemas import BenchmarkItem, MedforgeError, from_table

console = Console()


ITEMS_HELP = (
    "items: a .jsonl (rows with id and text, or BenchmarkItem rows), a release split .parquet, a release "
    "folder or benchmark@version"
)


def load_items(items: str, store: str | Path) -> tuple[list[ItemText], list[BenchmarkItem] | None]:
    """Comparable texts (and the items, when there are items) of a JSONL file, a Parquet split or a
    release: what `dedup` and `leakage` read."""
    path = Path(items)
    if path.is_file() and path.suffix.lower() == ".parquet":
        try:
            table = pq.read_table(path)
        except (OSError, ArrowException) as error:
            raise MedforgeError(f"{path} is not a readable Parquet file: {error}") from None
        records = from_table(table, BenchmarkItem)
    elif path.is_file():
        return load_item_texts(path)
    elif path.is_dir() and not (path / "manifest.json").is_file():
        raise MedforgeError(f"{path} is a folder, neither a release (no manifest.json) nor a .jsonl file")
    else:
        records = Release.open(resolve_release(items, store)).items()
    return [ItemText.of_item(item) for item in records], records


def parse_options(pairs: list[str]) -> dict[str, object]:
    """`key=value` pairs as config options; numbers parsed as numbers."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise MedforgeError(f"--option expects key=value, got '{pair}'")
        try:
            options[key.strip()] = json.loads(raw)
        except ValueError:
            options[key.strip()] = raw
    return options


def dedup(
    items: Annotated[str, typer.Argument(help=ITEMS_HELP)],
    out: Annotated[Path, typer.Option("--out", help="folder for clusters.jsonl")],
    method: Annotated[
        list[str], typer.Option("--method", help="exact, minhash or semantic (repeat for several)")
    ] = ["exact"],  # noqa: B006 - typer reads the default
    min_chars: Annotated[int, typer.Option("--min-chars", help="shorter stems are not compared")] = 12,
    option: Annotated[
        list[str], typer.Option("--option", help="config key=value, e.g. semantic_threshold=0.9")
    ] = [],  # noqa: B006
    store: Annotated[str, typer.Option("--store", help=STORE_HELP, envvar="MEDFORGE_STORE")] = DEFAULT_STORE,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="where embedding and MinHash batches run: local (in process) or ray (the cluster at "
            "$RAY_ADDRESS, else a local Ray on 127.0.0.1)",
        ),
    ] = "local",
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="texts (or candidate pairs) per batch")
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Find duplicate clusters; writes DIR/clusters.jsonl {cluster_id, method, members, similarity}."""
    unknown = sorted(set(method) - set(METHOD_ORDER))
    if unknown:
        raise MedforgeError(f"unknown --method {', '.join(unknown)}; choose from {', '.join(METHOD_ORDER)}")
    if engine not in ENGINE_NAMES:
        raise MedforgeError(f"unknown --engine {engine}; choose from {', '.join(ENGINE_NAMES)}")
    options = parse_options(option)
    config = DedupConfig.from_options(options)
    texts, records = load_items(items, store)
    batches = open_engine(engine, batch_size=batch_size)
    embedder = None
    if "semantic" in method:
        embedder = embedder_from_options(options, engine=batches)
    rank = representative_rank(records) if records is not None else None
    try:
        with cli_progress(console):
            outcome = find_duplicates(texts, method, config, min_chars, rank, embedder, batches)
    finally:
        batches.close()
    out.mkdir(parents=True, exist_ok=True)
    target = out / "clusters.jsonl"
    with target.open("w", encoding="utf-8") as handle:
        for cluster in sorted(outcome.clusters, key=lambda c: c.cluster_id):
            row = {k: v for k, v in cluster.as_row().items() if k != "kept"}
            row["kept"] = cluster.kept
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    removed = sum(len(c.removed) for c in outcome.clusters)
    console.print(
        f"items {len(texts)}  clusters {len(outcome.clusters)}  removed {removed}  "
        f"kept {len(texts) - removed}"
    )
    for name, counts in outcome.counts.items():
        stages = ""
        if "candidate_pairs" in counts:
            pairs, encoded = counts["candidate_pairs"], counts["encoded"]
            stages = f" ({pairs} static candidate pairs, {encoded} texts encoded)"
        console.print(
            f"  {name}: compared {counts['compared']}, clusters {counts['clusters']}, "
            f"removed {counts['removed']}{stages}"
        )
    if outcome.skipped:
        reasons: dict[str, int] = {}
        for reason in outcome.skipped.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        console.print("  not compared: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    if outcome.guarded:
        console.print("  kept apart: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.guarded.items())))
    console.print(f"  settings: {config}  engine: {engine}, batches of {batch_size}")
    console.print(f"wrote {target}")


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add `medforge dedup`."""
    app.command("dedup")(dedup)
