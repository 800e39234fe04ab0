"""`medforge extract case-reports FILE... --out OUT.jsonl`: parse JATS XML or saved journal HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from extractors.case_reports import case_report_of_article
from schemas import MedforgeError, ReasonCode, RecordError, sha256_hex


def rejected_path(out: Path) -> Path:
    """The rejected file beside OUT: OUT.jsonl -> OUT.rejected.jsonl."""
    return out.with_name(out.stem + ".rejected" + (out.suffix or ".jsonl"))


def article_row(path: Path) -> dict[str, object]:
    """One article as the command writes it; raises RecordError when the file cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecordError(ReasonCode.FETCH_FAILED, f"cannot read: {error}") from None
    report = case_report_of_article(data, None, sha256_hex(data), "cli", str(path), "unknown", "en")
    return {
        "source": str(path),
        "pmcid": report.pmcid,
        "doi": report.doi,
        "title": report.title,
        "article_type": report.article_type,
        "published": report.published.isoformat() if report.published else None,
        "license": report.licence if report.licence != "unknown" else None,
        "language": report.language,
        "abstract": report.abstract,
        "case_presentation": report.case_presentation,
        "diagnosis": report.diagnosis,
        "diagnosis_found_in": report.diagnosis_found_in,
        "figures": [{"label": f.label, "caption": f.caption} for f in report.figures],
        "figure_mentions": report.figure_mentions,
    }


def extract_case_reports_files(files: list[Path], out: Path) -> tuple[int, int]:
    """Write one JSON object per readable article to `out`, failures beside it; (written, rejected)."""
    rows, rejected = [], []
    for path in files:
        try:
            rows.append(article_row(path))
        except RecordError as error:
            rejected.append({"source": str(path), "reason": str(error.reason_code), "message": str(error)})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    with rejected_path(out).open("w", encoding="utf-8") as handle:
        for row in rejected:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows), len(rejected)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Adds `medforge extract case-reports`."""

    @groups["extract"].command("case-reports")
    def case_reports(
        files: Annotated[
            list[Path], typer.Argument(help="JATS XML (.xml/.nxml) or saved journal HTML files")
        ],
        out: Annotated[Path, typer.Option("--out", help="JSONL output, one object per article")],
    ) -> None:
        """Parse case reports: title, type, date, licence, case presentation, diagnosis, figures."""
        if not files:
            raise MedforgeError("no input files given")
        written, rejected = extract_case_reports_files(files, out)
        typer.echo(f"{written} articles -> {out}; {rejected} rejected -> {rejected_path(out)}")
