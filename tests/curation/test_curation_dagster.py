"""The curation extras in Dagster: the blocking cross-split check and the flags table, run for real."""

from __future__ import annotations

import dagster as dg
import yaml

from pipelines.defs.curation_extra import curation_flags, defs, release_has_no_cross_split_duplicates
from pipelines.resources import BuildSettings
from schemas import Flag, StageResult


def _settings(tmp_path) -> BuildSettings:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "benchmark": "unit",
                "sources": [{"id": "unit", "kind": "exam_collection", "licence": "CC-BY-4.0"}],
                "curation": {"methods": ["exact", "minhash"]},
            }
        )
    )
    return BuildSettings(
        spec_path=str(spec), store_root=str(tmp_path / "store"), work_root=str(tmp_path / "w")
    )


def test_blocking_check_fails_on_cross_split_duplicates(tmp_path, make_item):
    dev = make_item("Which organ produces insulin in humans?").model_copy(update={"split": "dev"})
    test = make_item("which organ produces insulin in humans", ("Kidney", "Spleen", "Pancreas", "Liver"))
    test = test.model_copy(update={"split": "test"})
    other = make_item("Which vitamin deficiency causes scurvy in sailors?").model_copy(
        update={"split": "test"}
    )
    build = _settings(tmp_path)
    bad = release_has_no_cross_split_duplicates(
        build=build, release_candidate=StageResult("release", [dev, test, other])
    )
    assert not bad.passed and bad.metadata["cross_split_pairs"].value == 1
    assert bad.metadata["by_method"].value == {"exact": 1}
    good = release_has_no_cross_split_duplicates(
        build=build, release_candidate=StageResult("release", [dev, other])
    )
    assert good.passed
    (spec,) = release_has_no_cross_split_duplicates.check_specs
    assert spec.blocking and spec.asset_key == dg.AssetKey("release_candidate")
    assert release_has_no_cross_split_duplicates in defs.asset_checks


def test_flags_table_lists_leakage_flags(make_item):
    flag = Flag(kind="leakage", method="ngram13", score=1.0, evidence="mmlu:1: ...")
    item = make_item().model_copy(update={"flags": [flag]})
    output = curation_flags(
        curated_items=StageResult("curate", [item, make_item("Which organ stores bile?")])
    )
    rows = output.value.to_pylist()
    assert rows == [
        {
            "item_id": item.item_id,
            "kind": "leakage",
            "method": "ngram13",
            "score": 1.0,
            "evidence": "mmlu:1: ...",
        }
    ]
    assert output.metadata["leakage:ngram13"].value == 1
