"""Synthesis assets: thin wrappers over `synthesis.generate`, given the LLM resource, the taxonomy
vocabularies and a response cache in the build's working folder."""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.defs.synthesis_extra import LLMBackendResource
from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import BenchmarkSpec, StageResult, Vocabulary
from synthesis.generate import synthesize_items, translate_items
from vocabulary import load_vocabulary

# the vocabularies figure VQA draws answers and sibling distractors from: the tagger's own, so a
# generated item's answer and its tags use the same codes
VQA_VOCABULARIES = (Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.ICD10)


def spec_with_cache(build: BuildSettings) -> BenchmarkSpec:
    """The spec, with LLM responses cached in the build's cache folder unless the spec names one:
    a rebuild then replays responses instead of calling (and paying for) the model again."""
    spec = build.load_spec()
    if spec.synthesis.cache_dir:
        return spec
    cache = str(build.cache_dir() / "llm")
    return spec.model_copy(update={"synthesis": spec.synthesis.model_copy(update={"cache_dir": cache})})


def vocabularies() -> dict[Vocabulary, Any]:
    """The taxonomy vocabularies synthesis works with."""
    return {vocabulary: load_vocabulary(vocabulary) for vocabulary in VQA_VOCABULARIES}


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
    build: BuildSettings,
    llm: LLMBackendResource,
    exam_questions: StageResult,
    case_reports: StageResult,
    figures: StageResult,
) -> dg.Output[StageResult]:
    return stage_output(
        synthesize_items(
            spec_with_cache(build),
            exam_questions.records,
            case_reports.records,
            figures.records,
            llm=llm.build_backend(),
            vocabularies=vocabularies(),
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
    build: BuildSettings, llm: LLMBackendResource, synthesized_items: StageResult
) -> dg.Output[StageResult]:
    return stage_output(
        translate_items(spec_with_cache(build), synthesized_items.records, llm=llm.build_backend())
    )
