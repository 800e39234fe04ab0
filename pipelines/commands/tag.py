"""`medforge tag`: the taxonomy tags of one text (`--text`) or of a JSONL file of items (`--out`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipelines.progress import cli_progress
from schemas import BenchmarkItem, MedforgeError, TaxonomyTag
from schemas.jsonl import read_jsonl_objects
from schemas.spec import TaxonomySpec
from taxonomy.base import TextToTag
from taxonomy.tagging import build_taggers, tag_benchmark_items, tag_texts

console = Console()
err_console = Console(stderr=True)


def tag_json(tag: TaxonomyTag) -> dict[str, Any]:
    """The JSON form `--json` prints for one tag."""
    return {
        "vocabulary": str(tag.vocabulary),
        "code": tag.code,
        "title": tag.title,
        "level": tag.level,
        "confidence": tag.confidence,
        "tagger": tag.tagger,
        "primary": tag.primary,
    }


def by_confidence(tags: list[TaxonomyTag]) -> list[TaxonomyTag]:
    """The primary ICD-10 code first, then most confident first (then vocabulary and code, for a
    stable order)."""
    return sorted(tags, key=lambda t: (not t.primary, -t.confidence, str(t.vocabulary), t.code))


def _row_text(row: dict[str, Any]) -> tuple[str, str | None]:
    """The text and language of a plain row; fields of the wrong type are left out, not crashed on."""
    text = row.get("text") or row.get("question") or ""
    options = row.get("options") or []
    if isinstance(options, dict):
        options = list(options.values())
    if not isinstance(options, list):
        options = []
    parts = [
        text if isinstance(text, str) else "",
        *(str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in options),
    ]
    language = row.get("language")
    return "\n".join(p for p in parts if p), language if isinstance(language, str) and language else None


def tag_file(path: Path, out: Path, taggers: list, min_confidence: float) -> tuple[int, int]:
    """Tags every row of a JSONL file (BenchmarkItem rows, or rows with `text`/`question`)."""
    rows = [row for _, row in read_jsonl_objects(path)]
    # BenchmarkItem rows are tagged as the stage tags them (keyed text, then distractors; the tags
    # they carried kept); other rows by their text
    items: dict[int, BenchmarkItem] = {}
    texts: dict[int, TextToTag] = {}
    for index, row in enumerate(rows):
        try:
            items[index] = BenchmarkItem.model_validate(row)
        except ValueError:
            texts[index] = TextToTag(*_row_text(row))
    tagged_items, item_results = tag_benchmark_items(list(items.values()), taggers, min_confidence)
    by_index: dict[int, tuple[list[TaxonomyTag], str | None]] = {
        index: (list(item.tags), result.reason)
        for index, item, result in zip(items, tagged_items, item_results, strict=True)
    }
    text_results = tag_texts(list(texts.values()), taggers, min_confidence)
    by_index.update(
        {index: (result.tags, result.reason) for index, result in zip(texts, text_results, strict=True)}
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tagged = 0
    with out.open("w", encoding="utf-8") as handle:
        for index, row in enumerate(rows):
            tags, reason = by_index[index]
            row = {**row, "tags": [tag_json(t) for t in tags]}
            if not tags:
                row["untagged_reason"] = reason
            tagged += bool(tags)
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows), tagged


def tag(
    items: Annotated[Path | None, typer.Argument(help="items .jsonl to tag (with --out)")] = None,
    text: Annotated[str | None, typer.Option("--text", help="tag this text and print its tags")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="where the tagged .jsonl goes")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON list, most confident first")] = False,
    language: Annotated[str | None, typer.Option("--language", help="BCP 47 tag of --text")] = None,
    tagger: Annotated[
        list[str], typer.Option("--tagger", help="lexicon (default), embedding, llm; repeat for several")
    ] = [],  # noqa: B006 - typer reads the default
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="drop weaker tags (0 to 1)")
    ] = 0.5,
) -> None:
    """Tag one text (--text) or a file of items (ITEMS.jsonl --out TAGGED.jsonl) with the taxonomies."""
    names = tagger or TaxonomySpec().taggers
    taggers = build_taggers([n for n in names if n != "source_labels"])
    if (text is None) == (items is None):
        raise MedforgeError('give either --text "..." or an ITEMS.jsonl file (with --out)')
    if items is not None:
        if out is None:
            raise MedforgeError("tagging a file needs --out TAGGED.jsonl")
        with cli_progress(console):
            total, tagged = tag_file(items, out, taggers, min_confidence)
        console.print(f"tagged {tagged} of {total} items -> {out} ({total - tagged} without tags)")
        return
    result = tag_texts([TextToTag(text or "", language)], taggers, min_confidence)[0]
    tags = by_confidence(result.tags)
    if as_json:
        print(json.dumps([tag_json(t) for t in tags], ensure_ascii=False, indent=2))
        if not tags:
            err_console.print(f"no tags: {result.reason}")
        return
    if not tags:
        console.print(f"no tags: {result.reason}")
        return
    table = Table("vocabulary", "code", "title", "level", "confidence", "tagger", "primary")
    for t in tags:
        table.add_row(
            str(t.vocabulary),
            t.code,
            t.title,
            t.level or "",
            f"{t.confidence:.2f}",
            t.tagger,
            "yes" if t.primary else "",
        )
    console.print(table)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Adds `medforge tag`."""
    app.command("tag")(tag)
