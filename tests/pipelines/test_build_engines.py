"""A whole build on a Ray cluster publishes the release a local build publishes (same content hash)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from pipelines.build import run_build
from schemas import MedforgeError
from tests.conftest import REPO_ROOT


def _spec(tmp_path: Path) -> Path:
    """The demo's real Revalida bank alone (no crawl, no PDF), deduplicated by all three methods."""
    demo = yaml.safe_load((REPO_ROOT / "specs" / "demo.yaml").read_text(encoding="utf-8"))
    source = next(s for s in demo["sources"] if s["id"] == "revalida-2025-1")
    spec = {
        "benchmark": "engines-demo",
        "base_dir": str(REPO_ROOT / "samples"),
        "sources": [source],
        "curation": {"methods": ["exact", "minhash", "semantic"], "options": {"semantic_threshold": 0.8}},
        "execution": {"engine": "ray", "batch_size": 16},
        "splits": {"test": 0.8, "dev": 0.2},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def test_an_unknown_engine_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(MedforgeError, match="unknown engine 'spark'; choose from local, ray"):
        run_build(_spec(tmp_path), "1.0.0", tmp_path / "store", tmp_path / "work", engine="spark")


@pytest.mark.ray
def test_a_build_on_a_ray_cluster_gives_the_local_release(ray_cluster, tmp_path: Path, monkeypatch) -> None:
    import ray

    spec = _spec(tmp_path)
    local = run_build(
        spec, "1.0.0", tmp_path / "local", tmp_path / "work-local", cache_root=tmp_path / "c1", engine="local"
    )
    assert not ray.is_initialized()  # --engine local: no Ray at all
    monkeypatch.setenv("RAY_ADDRESS", ray_cluster.address)
    # the spec's own execution.engine (ray); a cache of its own, so every vector is encoded on the cluster
    on_ray = run_build(spec, "1.0.0", tmp_path / "ray", tmp_path / "work-ray", cache_root=tmp_path / "c2")
    assert not ray.is_initialized()  # the run's engine disconnected at the end of the run
    assert on_ray.content_hash == local.content_hash and on_ray.items == local.items > 50
    manifests = [json.loads((o.release_path / "manifest.json").read_text()) for o in (local, on_ray)]
    assert manifests[0]["spec_hash"] == manifests[1]["spec_hash"]  # where it ran is not what it built
    clusters = [pq.read_table(o.release_path / "clusters.parquet").to_pylist() for o in (local, on_ray)]
    assert clusters[0] == clusters[1]
    assert (tmp_path / "c2" / "embeddings").is_dir() and any((tmp_path / "c2" / "embeddings").rglob("*.npz"))
