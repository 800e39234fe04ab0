"""Synthesis assets: thin wrappers over `synthesis.generate`, given the LLM and embedder resources, the
taxonomy vocabularies and the build's cache folder (LLM replies replayed on a rebuild)."""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings, EmbedderResource, LLMBackendResource, SpecResource
from schemas import StageResult, Vocabulary
from vocabulary import load_vocabulary

LLM_CACHE = "llm"
"""Sub-folder of the build's cache for LLM replies (unless the spec's `synthesis.cache_dir` names one)."""


def vocabularies() -> dict[Vocabulary, Any]:
    """The vocabulary tables synthesis draws from: the tagger's own (loaded once per process), so a
    generated item's answer and its tags use the same codes."""
    from synthesis.vocab import GENERATION_VOCABULARIES

    return {vocabulary: load_vocabulary(vocabulary) for vocabulary in GENERATION_VOCABULARIES}


@dg.asset(
    group_name="synthesis",
    kinds={"python"},
    description=(
        "Benchmark items from exam questions (normalised pass-through), case reports (open-ended and MCQ "
        "diagnosis items, give-aways removed) and figures (VQA from the taxonomy vocabularies), with the "
        "`llm` resource (by default the spec's backend; `none` is the deterministic path)."
    ),
)
def synthesized_items(
    spec: SpecResource,
    build: BuildSettings,
    llm: LLMBackendResource,
    embedder: EmbedderResource,
    exam_questions: StageResult,
    case_reports: StageResult,
    figures: StageResult,
) -> dg.Output[StageResult]:
    from synthesis.generate import synthesize_items

    return stage_output(
        synthesize_items(
            spec.get(),
            exam_questions.records,
            case_reports.records,
            figures.records,
            llm=llm.build_backend(),
            vocabularies=vocabularies(),
            embedder=embedder.build_embedder(),
            cache_dir=build.cache_dir(LLM_CACHE),
        )
    )


@dg.asset(
    group_name="synthesis",
    kinds={"python"},
    description=(
        "Translations into the spec's target languages (OpenCC for Chinese scripts, the LLM otherwise), "
        "linked to their originals by parallel group."
    ),
)
def translated_items(
    spec: SpecResource,
    build: BuildSettings,
    llm: LLMBackendResource,
    embedder: EmbedderResource,
    synthesized_items: StageResult,
) -> dg.Output[StageResult]:
    from synthesis.generate import translate_items

    return stage_output(
        translate_items(
            spec.get(),
            synthesized_items.records,
            llm=llm.build_backend(),
            embedder=embedder.build_embedder(),
            cache_dir=build.cache_dir(LLM_CACHE),
        )
    )
