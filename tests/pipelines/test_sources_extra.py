"""The per-family crawl assets: partitions from the spec, a real materialization on the demo site."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from pipelines.defs.sources_extra import CRAWL_ASSETS, PARTITIONS, crawl_sources_sensor, family_source_ids
from pipelines.resources import BuildSettings
from samples.exam_site import render_exam_site
from schemas import load_spec

REPO = Path(__file__).resolve().parents[2]


def _spec_file(tmp_path: Path) -> Path:
    render_exam_site(tmp_path / "site", years=range(2019, 2020), per_edition=3)
    demo = yaml.safe_load((REPO / "specs" / "demo.yaml").read_text())
    exam = next(s for s in demo["sources"] if s["kind"] == "exam_site")
    exam["site_dir"] = "site"
    spec = {"benchmark": "t", "sources": [exam], "licence_allow": ["CC-BY-4.0"]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_family_ids_and_sensor(tmp_path: Path) -> None:
    path = _spec_file(tmp_path)
    assert family_source_ids(load_spec(path), "exam_sites") == ["demo-exam-site"]
    assert family_source_ids(load_spec(path), "case_reports") == []
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, resources={"build": BuildSettings(spec_path=str(path))}
        )
        result = crawl_sources_sensor(context)
        [request] = result.dynamic_partitions_requests
        assert request.partitions_def_name == "exam_sites_sources" and list(request.partition_keys) == [
            "demo-exam-site"
        ]


def test_exam_site_crawl_materializes(tmp_path: Path) -> None:
    path = _spec_file(tmp_path)
    build = BuildSettings(
        spec_path=str(path), work_root=str(tmp_path / "work"), store_root=str(tmp_path / "rel")
    )
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(PARTITIONS["exam_sites"].name, ["demo-exam-site"])
        result = dg.materialize(
            [CRAWL_ASSETS[0]], instance=instance, resources={"build": build}, partition_key="demo-exam-site"
        )
        assert result.success
        [event] = result.asset_materializations_for_node("exam_sites_crawl")
        metadata = {k: v.value for k, v in event.metadata.items()}
        assert metadata["fetched"] == 6 and metadata["failed"] == 0 and metadata["bytes"] > 0
