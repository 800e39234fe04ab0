"""Figures per source document: a partition per PDF, with figure/caption counts and a preview.

The chain's `figures` asset extracts every PDF at once; this one lets a single document be re-run and
inspected in the UI. A sensor adds a partition for each PDF that `source_documents` has stored.
"""

from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq

from pipelines.resources import BuildSettings
from schemas import StageResult

pdf_documents = dg.DynamicPartitionsDefinition(name="pdf_documents")
"""One partition per PDF source document, keyed by its document_id (sha256 of its bytes)."""
PREVIEW_ROWS = 12


def _cell(value: Any, width: int = 90) -> str:
    text = str(value if value is not None else "—").replace("|", "/").replace("\n", " ")
    return text[:width] + ("…" if len(text) > width else "")


def figures_preview(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the first figures: page, label, caption, panels, image path."""
    if not rows:
        return "_no figures_"
    lines = ["| page | label | caption | panels | image |", "|---|---|---|---|---|"]
    for row in rows[:PREVIEW_ROWS]:
        panels = "".join(p["letter"] for p in row["panels"])
        lines.append(
            f"| {row['page']} | {_cell(row['label'])} | {_cell(row['caption'])} | {panels or '—'} "
            f"| {row['image_path']} |"
        )
    return "\n".join(lines)


@dg.asset(
    partitions_def=pdf_documents,
    group_name="extract",
    kinds={"python", "pdf"},
    description="Figures and captions of one PDF source document (partition = document_id), with counts "
    "of figures, captions, unpaired figures and unpaired captions, and a preview.",
)
def figures_by_document(
    context: dg.AssetExecutionContext, build: BuildSettings, source_documents: StageResult
) -> dg.MaterializeResult:
    from extractors.figures import figures_of_document

    key = context.partition_key
    doc = next((d for d in source_documents.records if d.document_id == key), None)
    if doc is None:
        raise dg.Failure(description=f"no source document {key} in source_documents")
    spec = build.load_spec()
    language = next((s.language for s in spec.sources if s.id == doc.source_id), "en")
    records, rejection, found = figures_of_document(
        doc, build.raw_store(), build.image_dir(), language=language
    )
    metadata: dict[str, Any] = {"uri": doc.uri, "figures": len(records)}
    if rejection is not None:
        metadata.update({"rejected": rejection.reason_code, "message": rejection.message})
    if found is not None:
        counts = found.counts()
        metadata.update(
            {
                "pages": counts["pages"],
                "captions": counts["captions"],
                "unpaired_figures": counts["unpaired_figures"],
                "unpaired_captions": counts["unpaired_captions"],
                "unpaired_caption_labels": dg.MetadataValue.json(found.unpaired_captions),
                "dropped_images": counts["dropped_images"],
                "seconds": counts["seconds"],
            }
        )
    metadata["preview"] = dg.MetadataValue.md(figures_preview([r.model_dump(mode="json") for r in records]))
    return dg.MaterializeResult(metadata=metadata)


def stored_pdf_ids(stage_dir: Path) -> list[str]:
    """document_ids of the PDFs in a stored `source_documents` result (empty when there is none yet)."""
    path = stage_dir / "records.parquet"
    if not path.is_file():
        return []
    table = pq.read_table(path, columns=["document_id", "media_type"]).to_pylist()
    return sorted({row["document_id"] for row in table if row["media_type"] == "application/pdf"})


@dg.sensor(
    asset_selection=[figures_by_document],
    minimum_interval_seconds=60,
    description="Adds a `pdf_documents` partition (and runs it) for each new PDF in source_documents.",
)
def pdf_documents_sensor(context: dg.SensorEvaluationContext, build: BuildSettings) -> dg.SensorResult:
    known = set(context.instance.get_dynamic_partitions(pdf_documents.name))
    new = [k for k in stored_pdf_ids(Path(build.work_root) / "stages" / "source_documents") if k not in known]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=k) for k in new],
        dynamic_partitions_requests=[pdf_documents.build_add_request(new)] if new else [],
    )


defs = dg.Definitions(assets=[figures_by_document], sensors=[pdf_documents_sensor])
