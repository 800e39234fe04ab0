"""Extract sensors: a `pdf_documents` partition (and its run) for each new PDF in source_documents."""

from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from pipelines.defs.extract.assets import figures_by_document
from pipelines.defs.extract.partitions import pdf_documents
from pipelines.resources import BuildSettings


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
    new = [k for k in stored_pdf_ids(build.stage_dir() / "source_documents") if k not in known]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=k) for k in new],
        dynamic_partitions_requests=[pdf_documents.build_add_request(new)] if new else [],
    )
