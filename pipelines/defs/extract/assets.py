"""Extraction assets: thin wrappers over the extractors."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import StageResult


@dg.asset(
    group_name="extract",
    kinds={"python", "html"},
    description="Exam questions from exam pages, exam-paper PDFs and existing collections (JSON/CSV/XLSX).",
)
def exam_questions(build: BuildSettings, source_documents: StageResult) -> dg.Output[StageResult]:
    from extractors.exams import extract_exam_questions

    return stage_output(
        extract_exam_questions(build.load_spec(), source_documents.records, build.raw_store())
    )


@dg.asset(
    group_name="extract",
    kinds={"python", "xml"},
    description="Case reports from JATS XML and journal HTML: case presentation, diagnosis, figures.",
)
def case_reports(build: BuildSettings, source_documents: StageResult) -> dg.Output[StageResult]:
    from extractors.case_reports import extract_case_reports

    return stage_output(extract_case_reports(build.load_spec(), source_documents.records, build.raw_store()))


@dg.asset(
    group_name="extract",
    kinds={"python", "pdf"},
    description="Figures cut from PDF pages with their captions, panels and referring text.",
)
def figures(build: BuildSettings, source_documents: StageResult) -> dg.Output[StageResult]:
    from extractors.figures import extract_figures

    return stage_output(
        extract_figures(build.load_spec(), source_documents.records, build.raw_store(), build.image_dir())
    )
