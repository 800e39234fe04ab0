"""Batch engines: in process and on Ray, the same functions give the same results in the same order.

The Ray tests (marked `ray`) start a Ray of their own on 127.0.0.1: a local one the engine starts,
and a head with two workers (`ray_cluster`) that `medforge dedup --engine ray` connects to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engines import LocalEngine, batched, open_engine
from tests.conftest import REPO_ROOT
from tests.engines.items import write_items

DEDUP_METHODS = ["--method", "exact", "--method", "minhash", "--method", "semantic"]


def squares(start: int, batch: list[int]) -> list[tuple[int, int]]:
    """A batch function: (position, value squared) of each item."""
    return [(start + k, value * value) for k, value in enumerate(batch)]


def node_of(start: int, batch: list[int]) -> tuple[int, str]:
    """A batch function that takes a moment and says which Ray node ran it."""
    import ray

    time.sleep(0.5)
    return start, ray.get_runtime_context().get_node_id()


def test_batched_reads_one_batch_at_a_time() -> None:
    read: list[int] = []

    def source():
        for value in range(10):
            read.append(value)
            yield value

    stream = batched(source(), 4)
    assert next(stream) == (0, [0, 1, 2, 3]) and read == [0, 1, 2, 3]
    assert list(stream) == [(4, [4, 5, 6, 7]), (8, [8, 9])]
    with pytest.raises(ValueError):
        next(batched([1], 0))


def test_local_engine_maps_batches_in_order() -> None:
    engine = LocalEngine(batch_size=3)
    out = [pair for block in engine.map_batches(squares, range(8)) for pair in block]
    assert out == [(k, k * k) for k in range(8)]
    assert open_engine("local").name == "local" and engine.accelerators == 0
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        open_engine("spark")


def _dedup(items: Path, out: Path, *extra: str) -> list[dict]:
    from pipelines.cli import app

    result = CliRunner().invoke(app, ["dedup", str(items), *DEDUP_METHODS, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]


def test_local_dedup_never_imports_ray(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl")
    script = (
        "import sys; from typer.testing import CliRunner; from pipelines.cli import app; "
        f"r = CliRunner().invoke(app, ['dedup', {str(items)!r}, '--method', 'exact', '--method', "
        f"'minhash', '--engine', 'local', '--out', {str(tmp_path / 'out')!r}]); "
        "assert r.exit_code == 0, r.output; print('ray' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.ray
def test_ray_engine_starts_a_local_ray_on_loopback_and_stops_it(monkeypatch) -> None:
    import ray

    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.delenv("RAY_USAGE_STATS_ENABLED", raising=False)
    engine = open_engine("ray", batch_size=3)
    engine.num_cpus = 2  # type: ignore[attr-defined]
    try:
        out = [pair for block in engine.map_batches(squares, range(11)) for pair in block]
        assert out == [(k, k * k) for k in range(11)]
        assert ray.get_runtime_context().gcs_address.startswith("127.0.0.1:")
        assert os.environ["RAY_USAGE_STATS_ENABLED"] == "0"  # no usage report leaves the machine
        temp_dir = Path(engine._temp_dir)  # type: ignore[attr-defined]
        assert temp_dir.is_dir() and engine.accelerators == 0
    finally:
        engine.close()
    assert not ray.is_initialized() and not temp_dir.exists()


@pytest.mark.ray
def test_ray_batches_spread_over_the_cluster_nodes(ray_cluster, monkeypatch) -> None:
    monkeypatch.setenv("RAY_ADDRESS", ray_cluster.address)
    engine = open_engine("ray", batch_size=1)
    try:
        results = list(engine.map_batches(node_of, range(9)))
    finally:
        engine.close()
    assert [start for start, _ in results] == list(range(9))
    assert len({node for _, node in results}) >= 2


@pytest.mark.ray
def test_dedup_on_a_ray_cluster_gives_exactly_the_local_clusters(ray_cluster, tmp_path, monkeypatch) -> None:
    items = write_items(tmp_path / "items.jsonl")
    local = _dedup(items, tmp_path / "local", "--engine", "local", "--batch-size", "5")
    assert {c["method"] for c in local} == {"exact", "minhash", "semantic"}
    assert {"cluster_id": "semantic-q0-00", "kept": "q0-00"}.items() <= next(
        c for c in local if c["method"] == "semantic"
    ).items()
    monkeypatch.setenv("RAY_ADDRESS", ray_cluster.address)
    on_ray = _dedup(items, tmp_path / "ray", "--engine", "ray", "--batch-size", "5")
    assert on_ray == local
    written = [(tmp_path / name / "clusters.jsonl").read_bytes() for name in ("ray", "local")]
    assert written[0] == written[1]
    import ray

    assert not ray.is_initialized()  # the command disconnected; the cluster itself goes on
