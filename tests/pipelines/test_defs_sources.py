"""The per-family crawl assets: partitions from the spec, a real materialization on the demo site."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from pipelines.defs.sources.assets import CRAWL_ASSETS, family_source_ids
from pipelines.defs.sources.partitions import FAMILY_PARTITIONS
from pipelines.defs.sources.sensors import crawl_sources_sensor
from pipelines.resources import BuildSettings, SpecResource
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
        context = dg.build_sensor_context(instance=instance, resources={"spec": SpecResource(path=str(path))})
        result = crawl_sources_sensor(context)
        [request] = result.dynamic_partitions_requests
        assert request.partitions_def_name == "exam_sites_sources" and list(request.partition_keys) == [
            "demo-exam-site"
        ]


def test_exam_site_crawl_materializes(tmp_path: Path) -> None:
    path = _spec_file(tmp_path)
    build = BuildSettings(work_root=str(tmp_path / "work"), store_root=str(tmp_path / "rel"))
    resources = {"spec": SpecResource(path=str(path)), "build": build}
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(FAMILY_PARTITIONS["exam_sites"].name, ["demo-exam-site"])
        crawl = [a for a in CRAWL_ASSETS if a.key == dg.AssetKey("exam_sites_crawl")]
        result = dg.materialize(
            crawl,
            instance=instance,
            resources=resources,
            partition_key="demo-exam-site",
        )
        assert result.success
        [event] = result.asset_materializations_for_node("exam_sites_crawl")
        metadata = {k: v.value for k, v in event.metadata.items()}
        assert metadata["fetched"] == 6 and metadata["failed"] == 0 and metadata["bytes"] > 0
