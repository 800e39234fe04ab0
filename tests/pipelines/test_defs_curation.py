"""Curation and release checks in Dagster: the blocking cross-split check and the flags table, for real."""

from __future__ import annotations

import dagster as dg
import yaml

from pipelines.definitions import defs
from pipelines.defs.curation.assets import curation_flags
from pipelines.defs.release.checks import release_has_no_cross_split_duplicates
from pipelines.resources import SpecResource
from schemas import Flag, StageResult


def _spec(tmp_path) -> SpecResource:
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
    return SpecResource(path=str(spec))


def test_blocking_check_fails_on_cross_split_duplicates(tmp_path, make_item):
    dev = make_item("Which organ produces insulin in humans?").model_copy(update={"split": "dev"})
    test = make_item("which organ produces insulin in humans", ("Kidney", "Spleen", "Pancreas", "Liver"))
    test = test.model_copy(update={"split": "test"})
    other = make_item("Which vitamin deficiency causes scurvy in sailors?").model_copy(
        update={"split": "test"}
    )
    spec = _spec(tmp_path)
    bad = release_has_no_cross_split_duplicates(
        spec=spec, release_candidate=StageResult("release", [dev, test, other])
    )
    assert not bad.passed and bad.metadata["cross_split_pairs"].value == 1
    assert bad.metadata["by_method"].value == {"exact": 1}
    good = release_has_no_cross_split_duplicates(
        spec=spec, release_candidate=StageResult("release", [dev, other])
    )
    assert good.passed
    (check,) = release_has_no_cross_split_duplicates.check_specs
    assert check.blocking and check.asset_key == dg.AssetKey("release_candidate")
    assert check.key in defs.resolve_asset_graph().asset_check_keys


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
