"""`medforge import PATH... --out SPEC.yaml`: guess an exam bank's mapping and write a spec to build it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from extractors.exam_image_files import infer_image_root
from extractors.exam_infer import BankFile, infer_mapping, preview
from schemas import MedforgeError, RecordError
from scrapers.ingest import MEDIA_TYPES

console = Console(soft_wrap=True)
BANK_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".xlsx", ".js", ".mjs", ".cjs", ".ts", ".mts")


def bank_files(paths: list[Path]) -> tuple[Path, list[Path]]:
    """The bank's files under the given files and folders, and the folder they share."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in BANK_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise MedforgeError(f"no such file or folder: {path}")
    if not files:
        raise MedforgeError(
            f"no JSON, JSONL, CSV, TSV, XLSX, JS or TS file under {', '.join(map(str, paths))}"
        )
    resolved = [f.resolve() for f in files]
    base = Path(os.path.commonpath([str(f.parent) for f in resolved]))
    return base, resolved


def _name(base: Path) -> str:
    name = re.sub(r"[^a-z0-9_.-]+", "-", base.name.lower()).strip("-.") or "bank"
    return name[:60]


def import_bank(
    paths: Annotated[list[Path], typer.Argument(help="the bank's files or folders")],
    out: Annotated[Path | None, typer.Option("--out", help="spec to write (default: print it)")] = None,
    benchmark: Annotated[str | None, typer.Option("--benchmark", help="benchmark name")] = None,
    licence: Annotated[str, typer.Option("--licence", help="the bank's licence (SPDX id)")] = "unknown",
) -> None:
    """Guess the mapping of an exam bank (stem, options, key, id, edition, language, images), show the
    first questions as it reads them and what it could not map, and write a spec to build it."""
    base, files = bank_files(paths)
    bank = [
        BankFile(
            f.relative_to(base).as_posix(),
            f.read_bytes(),
            MEDIA_TYPES.get(f.suffix.lower(), "application/octet-stream"),
        )
        for f in files
    ]
    try:
        inferred = infer_mapping(bank)
    except RecordError as error:
        raise MedforgeError(f"cannot map {base}: {error}") from None
    name = benchmark or _name(base)
    language = inferred.language or "und"
    source: dict[str, Any] = {
        "id": name,
        "kind": "exam_collection",
        "licence": licence,
        "language": language,
        "paths": inferred.question_files + inferred.key_files,
        "options": {"exam": base.name, **inferred.options},
    }
    image_root = infer_image_root(inferred.image_refs, [p.resolve() for p in paths if p.is_dir()] or [base])
    if image_root is not None:
        source["options"]["image_root"] = os.path.relpath(image_root, base)
        inferred.notes.append(f"images: found under {image_root} (image_root)")
    where = out.resolve().parent if out else Path.cwd()
    spec = {
        "benchmark": name,
        "description": f"imported from {base} by medforge import; read and edit the mapping under options",
        "base_dir": os.path.relpath(base, where),
        "sources": [source],
        "curation": {"methods": ["exact", "minhash"]},
    }
    first = next(f for f in bank if f.uri == inferred.question_files[0])
    keys = [f for f in bank if f.uri in inferred.key_files]
    console.print(f"[bold]{len(inferred.question_files)}[/bold] question file(s) under {escape(str(base))}")
    for note in inferred.notes:
        console.print(f"  {escape(note)}")
    console.print(
        f"  language {language}"
        + (f", rows also in {inferred.row_languages}" if inferred.row_languages else "")
    )
    try:
        for block in preview(first, source["options"], language, keys):
            console.print("  " + escape(block))
    except RecordError as error:
        console.print(f"  [yellow]preview failed:[/yellow] {escape(str(error))}")
    for field in inferred.unmapped:
        if field == "id":
            console.print("  no unique id field: rows are numbered by position (set options.fields.id)")
        else:
            console.print(f"  [yellow]not mapped:[/yellow] {field} (set options.fields.{field} in the spec)")
    for uri, why in sorted(inferred.skipped.items()):
        console.print(f"  [dim]left out {escape(uri)}: {escape(why)}[/dim]")
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=110)
    if out is None:
        console.print(escape(text), highlight=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(out))}; build it with: medforge build --spec {escape(str(out))}")


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Adds `medforge import`."""
    app.command("import")(import_bank)
