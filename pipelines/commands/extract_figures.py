"""`medforge extract figures`: figures with captions from local PDFs, written as images and JSONL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from extractors.figures import DEFAULT_DPI
from extractors.figures.stage import read_pdf_figures
from pipelines.progress import cli_progress
from schemas import MedforgeError, RecordError
from schemas.progress import track

console = Console(soft_wrap=True)  # one line per file, whatever the terminal width


def pdf_inputs(paths: list[Path]) -> list[Path]:
    """Files given, and the PDFs under folders given, sorted; a missing path is an error."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        elif path.is_file():
            found.append(path)
        else:
            raise MedforgeError(f"no such file or folder: {path}")
    if not found:
        raise MedforgeError(f"no PDF files in {', '.join(str(p) for p in paths)}")
    return sorted(dict.fromkeys(found))


def figures(
    inputs: Annotated[list[Path], typer.Argument(help="PDF files or folders of PDFs", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="folder for images/, figures.jsonl, rejected.jsonl")],
    dpi: Annotated[int, typer.Option("--dpi", min=36, max=600, help="resolution of the cropped figures")] = (
        DEFAULT_DPI
    ),
) -> None:
    """Cut figures out of PDFs and pair them with their captions; bad files go to rejected.jsonl."""
    pdfs = pdf_inputs(inputs)
    out.mkdir(parents=True, exist_ok=True)
    image_dir = out / "images"
    n_figures = n_rejected = n_pages = 0
    with (
        (out / "figures.jsonl").open("w", encoding="utf-8") as figures_file,
        (out / "rejected.jsonl").open("w", encoding="utf-8") as rejected_file,
        cli_progress(console),
    ):
        for pdf in track(pdfs, "figures", unit="PDFs"):
            try:
                found = read_pdf_figures(pdf, image_dir, dpi=dpi)
            except RecordError as error:
                n_rejected += 1
                row = {"source": str(pdf), "reason_code": str(error.reason_code), "message": str(error)}
                rejected_file.write(json.dumps(row, ensure_ascii=False) + "\n")
                console.print(
                    f"[yellow]rejected[/yellow] {escape(str(pdf))}: {error.reason_code}", highlight=False
                )
                continue
            n_pages += found.pages
            for figure in found.figures:
                n_figures += 1
                row = {
                    "source": str(pdf),
                    "page": figure.page,
                    "bbox": figure.bbox,
                    "label": figure.label,
                    "caption": figure.caption,
                    "image": f"images/{figure.image_path}",
                    "image_sha256": figure.image_sha256,
                    "panels": [
                        {**p.model_dump(), "image_path": f"images/{p.image_path}" if p.image_path else None}
                        for p in figure.panels
                    ],
                    "context": list(figure.context),
                    "quality": figure.quality.model_dump(),
                    "found_by": figure.source,
                }
                figures_file.write(json.dumps(row, ensure_ascii=False) + "\n")
            counts = found.counts()
            console.print(
                f"{escape(str(pdf))}: {counts['figures']} figures, {counts['captions']} captions, "
                f"{counts['unpaired_figures']} unpaired figures, "
                f"{counts['unpaired_captions']} unpaired captions",
                highlight=False,
            )
    console.print(
        f"{len(pdfs)} files, {n_pages} pages: {n_figures} figures, {n_rejected} rejected "
        f"-> {escape(str(out))}",
        highlight=False,
    )


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add `medforge extract figures`."""
    groups["extract"].command("figures")(figures)
