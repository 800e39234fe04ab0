"""Synthesis assets: thin wrappers over `synthesis.generate`."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import StageResult
from synthesis.generate import synthesize_items, translate_items


@dg.asset(
    group_name="synthesis",
    kinds={"python"},
    description=(
        "Benchmark items from exam questions (normalised pass-through), case reports (diagnosis items) "
        "and figures (VQA), with the spec's LLM backend or none."
    ),
)
def synthesized_items(
    build: BuildSettings,
    exam_questions: StageResult,
    case_reports: StageResult,
    figures: StageResult,
) -> dg.Output[StageResult]:
    return stage_output(
        synthesize_items(build.load_spec(), exam_questions.records, case_reports.records, figures.records)
    )


@dg.asset(
    group_name="synthesis",
    kinds={"python"},
    description="Translations of items into the spec's target languages, linked to their originals.",
)
def translated_items(build: BuildSettings, synthesized_items: StageResult) -> dg.Output[StageResult]:
    return stage_output(translate_items(build.load_spec(), synthesized_items.records))
