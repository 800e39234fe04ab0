"""Extraction assets: raw documents to exam questions, case reports and figures (thin wrappers over the
extractors), and figures of one PDF per partition for inspecting a single document in the UI."""

from typing import Any

import dagster as dg

from pipelines.defs.extract.partitions import pdf_documents
from pipelines.metadata import markdown_cell, stage_output
from pipelines.resources import BuildSettings, SpecResource
from schemas import StageResult

PREVIEW_ROWS = 12


@dg.asset(
    group_name="extract",
    kinds={"python", "html"},
    description="Exam questions from exam pages, exam-paper PDFs and existing collections (JSON/CSV/XLSX).",
)
def exam_questions(
    spec: SpecResource, build: BuildSettings, source_documents: StageResult
) -> dg.Output[StageResult]:
    from extractors.exams import extract_exam_questions

    return stage_output(
        extract_exam_questions(spec.get(), source_documents.records, build.raw_store(), build.image_dir())
    )


@dg.asset(
    group_name="extract",
    kinds={"python", "xml"},
    description="Case reports from JATS XML and journal HTML: case presentation, diagnosis, figures.",
)
def case_reports(
    spec: SpecResource, build: BuildSettings, source_documents: StageResult
) -> dg.Output[StageResult]:
    from extractors.case_reports import extract_case_reports

    return stage_output(extract_case_reports(spec.get(), source_documents.records, build.raw_store()))


@dg.asset(
    group_name="extract",
    kinds={"python", "pdf"},
    description="Figures cut from PDF pages with their captions, panels and referring text.",
)
def figures(
    spec: SpecResource, build: BuildSettings, source_documents: StageResult
) -> dg.Output[StageResult]:
    from extractors.figures import extract_figures

    return stage_output(
        extract_figures(spec.get(), source_documents.records, build.raw_store(), build.image_dir())
    )


def figures_preview(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the first figures: page, label, caption, panels, image path."""
    if not rows:
        return "_no figures_"
    lines = ["| page | label | caption | panels | image |", "|---|---|---|---|---|"]
    for row in rows[:PREVIEW_ROWS]:
        panels = "".join(p["letter"] for p in row["panels"])
        lines.append(
            f"| {row['page']} | {markdown_cell(row['label'], 90)} | {markdown_cell(row['caption'], 90)} "
            f"| {panels or '—'} | {row['image_path']} |"
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
    context: dg.AssetExecutionContext, spec: SpecResource, build: BuildSettings, source_documents: StageResult
) -> dg.MaterializeResult:
    from extractors.figures.stage import figure_settings, figures_of_document

    key = context.partition_key
    doc = next((d for d in source_documents.records if d.document_id == key), None)
    if doc is None:
        raise dg.Failure(description=f"no source document {key} in source_documents")
    language, dpi = figure_settings(spec.get(), doc.source_id)
    records, rejection, found = figures_of_document(
        doc, build.raw_store(), build.image_dir(), language=language, dpi=dpi
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
