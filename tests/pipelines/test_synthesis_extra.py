"""Synthesis extras in Dagster: backend resources and the item/translation checks."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.synthesis_extra import (
    NoLLMResource,
    OpenAICompatibleResource,
    TransformersResource,
    defs,
    resource_from_spec,
    synthesized_items_pass_item_checks,
    translations_are_linked,
)
from schemas import BenchmarkSpec, Figure, SourceSpec
from synthesis.generate import synthesize_items, translate_items
from synthesis.llm import MissingAPIKeyError


def spec(**synthesis) -> BenchmarkSpec:
    return BenchmarkSpec(
        benchmark="t", sources=[SourceSpec(id="s", kind="pdf", licence="CC-BY-4.0")], synthesis=synthesis
    )


def test_resources_follow_the_spec_and_fail_fast_without_a_key(monkeypatch):
    assert isinstance(resource_from_spec(spec()), NoLLMResource)
    assert resource_from_spec(spec()).build_backend().name == "none"
    assert isinstance(
        resource_from_spec(spec(backend="transformers", model="/models/x")), TransformersResource
    )
    monkeypatch.delenv("MEDFORGE_KEY_X", raising=False)
    with pytest.raises(MissingAPIKeyError, match="MEDFORGE_KEY_X"):
        resource_from_spec(spec(backend="openai", model="m", api_key_env="MEDFORGE_KEY_X"))
    backend = OpenAICompatibleResource(model="m", base_url="http://127.0.0.1:9/v1").build_backend()
    assert (backend.name, backend.model) == ("openai", "m")


def test_checks_pass_on_a_real_run_and_definitions_load():
    figure = Figure(
        record_id="f1",
        document_id="d",
        source_id="s",
        uri="u",
        page=1,
        bbox=[0, 0, 1, 1],
        caption="MRI of the brain showing a ring-enhancing lesion.",
        image_path="aa/a.png",
        image_sha256="a" * 64,
        licence="CC-BY-4.0",
    )
    result = synthesize_items(spec(), [], [], [figure])
    check = synthesized_items_pass_item_checks(synthesized_items=result)
    assert check.passed and check.metadata["llm_calls"].value == 0
    linked = translations_are_linked(translated_items=translate_items(spec(), result.records))
    assert linked.passed
    assert len(dg.Definitions.merge(defs).resolve_asset_graph().asset_check_keys) == 2
