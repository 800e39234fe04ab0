"""`medforge leakage ITEMS --reference DIR_OR_FILE... --out DIR`: items found in public benchmarks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from curation.config import DedupConfig
from curation.curate import embedder_from_options
from curation.leakage import reference_leaks
from curation.references import load_references
from pipelines.commands.dedup import ITEMS_HELP, load_items, parse_options
from pipelines.paths import DEFAULT_STORE, STORE_HELP
from pipelines.progress import cli_progress
from schemas import MedforgeError

console = Console()


def leakage(
    items: Annotated[str, typer.Argument(help=ITEMS_HELP)],
    reference: Annotated[
        list[Path], typer.Option("--reference", help="reference benchmark file or folder (repeatable)")
    ],
    out: Annotated[Path, typer.Option("--out", help="folder for leakage.jsonl")],
    ngram: Annotated[int, typer.Option("--ngram", help="n-gram length of the overlap check")] = 13,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="also compare embeddings")
    ] = True,
    option: Annotated[
        list[str], typer.Option("--option", help="config key=value, e.g. leak_semantic_threshold=0.9")
    ] = [],  # noqa: B006
    store: Annotated[str, typer.Option("--store", help=STORE_HELP, envvar="MEDFORGE_STORE")] = DEFAULT_STORE,
) -> None:
    """Flag items found in reference benchmarks; writes one flag per leaked item to DIR/leakage.jsonl."""
    if not reference:
        raise MedforgeError("give at least one --reference file or folder")
    options = parse_options(option)
    config = DedupConfig.from_options(options)
    texts, _ = load_items(items, store)
    references = load_references(reference)
    embedder = None
    if semantic:
        embedder = embedder_from_options(options)
    with cli_progress(console):
        hits = reference_leaks(texts, references, ngram, config, embedder)
    best: dict[str, object] = {}
    for hit in sorted(hits, key=lambda h: (h.item_id, -h.score)):
        best.setdefault(hit.item_id, hit)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "leakage.jsonl"
    with target.open("w", encoding="utf-8") as handle:
        for item_id in sorted(best):
            hit = best[item_id]
            row = {
                "item_id": item_id,
                "kind": "leakage",
                "reference_item": hit.ref_id,  # type: ignore[attr-defined]
                "method": hit.method,  # type: ignore[attr-defined]
                "score": round(hit.score, 4),  # type: ignore[attr-defined]
                "evidence": hit.evidence,  # type: ignore[attr-defined]
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    methods = Counter(h.method for h in hits)
    console.print(f"items {len(texts)}  references {len(references)}  leaked {len(best)}")
    for name, count in sorted(methods.items()):
        console.print(f"  {name}: {count}")
    console.print(f"wrote {target}")


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add `medforge leakage`."""
    app.command("leakage")(leakage)
