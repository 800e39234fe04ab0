"""`medforge extract figures` and the per-document Dagster asset, run for real on fixture PDFs."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.defs.extract.assets import figures_by_document
from pipelines.defs.extract.partitions import pdf_documents
from pipelines.defs.extract.sensors import stored_pdf_ids
from pipelines.io_manager import StageIOManager
from pipelines.resources import BuildSettings, SpecResource
from schemas import Rejection, SourceDocument, sha256_hex, to_table

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", REPO.parent / "shared" / "fixtures"))
CASE_PDFS = FIXTURES / "pdfs" / "case_reports"


def _pdf(pmcid: str) -> Path:
    path = CASE_PDFS / f"{pmcid}.pdf"
    if not path.is_file():
        pytest.fail(f"fixture missing: {path} (set MEDFORGE_FIXTURES to the shared fixtures folder)")
    return path


def test_cli_writes_images_figures_and_rejections(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.pdf").write_bytes(_pdf("PMC4735925").read_bytes())
    (inputs / "empty.pdf").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", "figures", str(inputs), "--out", str(out), "--dpi", "72"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "figures.jsonl").read_text().splitlines()]
    assert [r["label"] for r in rows] == ["Figure 1", "Figure 2", "Figure 3"]
    assert rows[2]["caption"] == "Maggots retrieved from the lesion."
    for row in rows:
        assert set(row) >= {"source", "page", "bbox", "label", "caption", "image", "panels"}
        assert row["source"] == str(inputs / "a.pdf") and row["page"] == 2 and len(row["bbox"]) == 4
        assert (out / row["image"]).is_file()
    rejected = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert [(r["source"], r["reason_code"]) for r in rejected] == [
        (str(inputs / "empty.pdf"), "empty_document")
    ]


def test_cli_turns_a_library_failure_into_a_rejection_and_goes_on(tmp_path: Path, monkeypatch) -> None:
    """As the stage does: one PDF that breaks the library is `internal_error`, the others are read."""
    import extractors.figures.stage as stage

    real = stage.extract_figures_from_pdf

    def breaks_on_b(path, *args, **kwargs):
        if Path(path).name == "b.pdf":
            raise RuntimeError("mupdf: cannot find page tree")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(stage, "extract_figures_from_pdf", breaks_on_b)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.pdf", "b.pdf"):
        (inputs / name).write_bytes(_pdf("PMC4735925").read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", "figures", str(inputs), "--out", str(out), "--dpi", "72"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "figures.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rows} == {str(inputs / "a.pdf")} and len(rows) == 3
    [rejected] = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert rejected["source"] == str(inputs / "b.pdf") and rejected["reason_code"] == "internal_error"
    assert "RuntimeError: mupdf: cannot find page tree" in rejected["message"]


def test_cli_names_a_missing_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", "figures", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "no such file or folder" in str(result.exception)


def test_asset_materializes_one_document_partition(tmp_path: Path) -> None:
    work = tmp_path / "work"
    raw = work / "raw"
    raw.mkdir(parents=True)
    data = _pdf("PMC4736389").read_bytes()
    digest = sha256_hex(data)
    (raw / digest).write_bytes(data)
    doc = SourceDocument(
        document_id=digest,
        source_id="case_pdfs",
        uri="https://example.org/PMC4736389.pdf",
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        media_type="application/pdf",
        byte_size=len(data),
        licence="CC-BY-4.0",
        raw_path=digest,
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text("benchmark: t\nsources:\n  - {id: case_pdfs, kind: pdf, licence: CC-BY-4.0}\n")
    source_documents = dg.AssetSpec("source_documents")
    io_manager = StageIOManager(base_dir=str(work / "stages"))
    stage_dir = work / "stages" / "source_documents"
    stage_dir.mkdir(parents=True)
    pq.write_table(to_table([doc], SourceDocument), stage_dir / "records.parquet")
    pq.write_table(to_table([], Rejection), stage_dir / "rejections.parquet")
    (stage_dir / "result.json").write_text(
        json.dumps(
            {
                "stage": "ingest",
                "records_in": 1,
                "expanded": 0,
                "metadata": {},
                "record_type": "SourceDocument",
            }
        )
    )
    assert stored_pdf_ids(stage_dir) == [digest]
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(pdf_documents.name, [digest])
    result = dg.materialize(
        [figures_by_document, source_documents],
        selection=[figures_by_document],
        partition_key=digest,
        instance=instance,
        resources={
            "spec": SpecResource(path=str(spec)),
            "build": BuildSettings(work_root=str(work)),
            "io_manager": io_manager,
        },
    )
    assert result.success
    meta = result.asset_materializations_for_node("figures_by_document")[0].metadata
    assert meta["figures"].value == 2 and meta["captions"].value == 2
    assert meta["unpaired_figures"].value == 0 and meta["unpaired_captions"].value == 0
    assert "Colonoscopy image of the ascending colon" in meta["preview"].value
