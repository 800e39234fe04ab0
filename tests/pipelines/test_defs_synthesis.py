"""Synthesis in Dagster: the item and translation checks on a real run."""

from __future__ import annotations

from pipelines.defs.synthesis.checks import synthesized_items_pass_item_checks, translations_are_linked
from schemas import BenchmarkSpec, Figure, SourceSpec
from synthesis.generate import synthesize_items, translate_items


def spec(**synthesis) -> BenchmarkSpec:
    return BenchmarkSpec(
        benchmark="t", sources=[SourceSpec(id="s", kind="pdf", licence="CC-BY-4.0")], synthesis=synthesis
    )


def test_checks_pass_on_a_real_run():
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
