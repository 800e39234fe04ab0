"""The per-family crawl assets: partitions from the spec, a real materialization on the demo site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import yaml

from pipelines.defs.sources.assets import CRAWL_ASSETS, family_source_ids
from pipelines.defs.sources.partitions import FAMILY_PARTITIONS
from pipelines.defs.sources.sensors import crawl_sources_sensor
from pipelines.resources import BuildSettings, SpecResource, build_resources
from samples.exam_site import render_exam_site
from schemas import load_spec

REPO = Path(__file__).resolve().parents[2]


def _spec_file(tmp_path: Path, sites: int = 1) -> Path:
    """A spec of `sites` exam sites (the first is `demo-exam-site`), each rendered under tmp_path."""
    demo = yaml.safe_load((REPO / "specs" / "demo.yaml").read_text())
    template = next(s for s in demo["sources"] if s["kind"] == "exam_site")
    sources = []
    for index in range(sites):
        name = "site" if index == 0 else f"site{index}"
        render_exam_site(tmp_path / name, years=range(2019, 2020), per_edition=3, seed=index)
        exam = dict(template, site_dir=name)
        if index:
            exam.update(id=f"demo-exam-site-{index}", public_url=f"https://exams{index}.medforge.invalid/")
        sources.append(exam)
    spec = {"benchmark": "t", "sources": sources, "licence_allow": ["CC-BY-4.0"]}
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
    resources = build_resources(SpecResource(path=str(path)), build)
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
        assert list(metadata["sources"]) == ["demo-exam-site"]


RANGE_RUN = """
import json, sys
import dagster as dg
from pipelines.defs.sources.partitions import FAMILY_PARTITIONS
keys = sys.argv[1:]
instance = dg.DagsterInstance.get()
instance.add_dynamic_partitions(FAMILY_PARTITIONS["exam_sites"].name, keys)
job = dg.build_reconstructable_job(
    "pipelines.definitions", "job_named", reconstructable_kwargs={"name": "crawl_exam_sites"}
)
tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
result = dg.execute_job(job, instance=instance, tags=tags)
events = {}
for record in instance.all_logs(result.run_id):
    event = record.dagster_event
    if event is not None and event.event_type_value in ("STEP_START", "STEP_SUCCESS"):
        events[f"{event.step_key} {event.event_type_value}"] = record.timestamp
done = sorted(instance.get_materialized_partitions(dg.AssetKey("exam_sites_crawl")))
print(json.dumps({"success": result.success, "events": events, "materialized": done}))
"""


def test_a_run_over_two_sources_crawls_them_in_parallel_on_the_multiprocess_executor(tmp_path: Path) -> None:
    """A run over a range of crawl partitions (what a backfill of them launches, the crawl assets
    having a single-run backfill policy): one crawl step per source, two at a time."""
    path = _spec_file(tmp_path, sites=2)
    (tmp_path / "dagster").mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "MEDFORGE_SPEC": str(path),
        "MEDFORGE_STORE": str(tmp_path / "store"),
        "MEDFORGE_WORK": str(tmp_path / "work"),
        "MEDFORGE_CACHE": str(tmp_path / "cache"),
        "MEDFORGE_EXECUTOR": "multiprocess",
        "MEDFORGE_MAX_CONCURRENT": "2",
        "MEDFORGE_MAX_CRAWLS": "2",
        "HF_HUB_OFFLINE": "1",
    }
    keys = ["demo-exam-site", "demo-exam-site-1"]
    done = subprocess.run(
        [sys.executable, "-c", RANGE_RUN, *keys],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["success"] and outcome["materialized"] == keys
    events = outcome["events"]
    steps = [k.split()[0] for k in events if k.endswith("STEP_START") and "crawl_source" in k]
    assert sorted(steps) == [
        "exam_sites_crawl.exam_sites_crawl_source[s0_demo_exam_site]",
        "exam_sites_crawl.exam_sites_crawl_source[s1_demo_exam_site_1]",
    ]
    # both crawl steps started before either finished: they ran side by side
    first_end = min(events[f"{step} STEP_SUCCESS"] for step in steps)
    assert all(events[f"{step} STEP_START"] < first_end for step in steps)
    # each source's pages are in its own crawl folder and its documents in the shared raw store
    for key in keys:
        documents = (tmp_path / "work" / "crawls" / key / "documents.jsonl").read_text().splitlines()
        assert len(documents) == 6
        for line in documents:
            assert (tmp_path / "work" / "raw" / json.loads(line)["raw_path"]).is_file()
