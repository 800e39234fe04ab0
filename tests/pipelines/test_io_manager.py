"""The stage IO manager: a stage result round-trips, and one it cannot read is named, not a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from pipelines.io_manager import StageIOManager
from schemas import MedforgeError, Stage, StageResult


def test_round_trip_and_an_unreadable_result_names_its_file(tmp_path: Path, make_item) -> None:
    manager = StageIOManager(base_dir=str(tmp_path))
    result = StageResult(Stage.TAG, [make_item(), make_item("Which organ stores bile?")], records_in=2)
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("tagged_items")), result)
    loaded = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("tagged_items")))
    assert loaded.stage == Stage.TAG and [i.item_id for i in loaded.records] == [
        i.item_id for i in result.records
    ]

    meta_path = tmp_path / "tagged_items" / "result.json"
    meta = json.loads(meta_path.read_text())
    meta["stage"] = "extract_exams"  # a stage name of an older medforge
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(MedforgeError, match=r"tagged_items/result\.json.*materialize tagged_items again"):
        manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("tagged_items")))
