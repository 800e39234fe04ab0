"""Shared test helpers: the real fixtures folder and small item factories."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemas import BenchmarkItem, ItemOrigin, Option, ReleaseTime, SourceRef, TaskType

REPO_ROOT = Path(__file__).resolve().parents[1]


def fixtures_root() -> Path:
    """The shared real fixtures (../shared/fixtures, or MEDFORGE_FIXTURES)."""
    return Path(os.environ.get("MEDFORGE_FIXTURES", REPO_ROOT.parent / "shared" / "fixtures")).resolve()


@pytest.fixture(scope="session", autouse=True)
def _caches_in_temp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests write derived models, embeddings and Dagster state to temporary folders, never $HOME."""
    os.environ.setdefault("MEDFORGE_CACHE", str(tmp_path_factory.mktemp("medforge-cache")))
    # datasets, huggingface_hub, lm-eval and inspect open releases in tests: their caches go to a
    # temporary folder too (a shared cache could hand one test another's rows), and nothing goes online
    hf_home = tmp_path_factory.mktemp("hf-home")
    os.environ["HF_HOME"] = str(hf_home)
    os.environ["HF_DATASETS_CACHE"] = str(hf_home / "datasets")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["INSPECT_LOG_DIR"] = str(tmp_path_factory.mktemp("inspect-logs"))


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The fixtures folder; a test that needs it fails (never skips) when it is missing."""
    root = fixtures_root()
    if not root.is_dir():
        pytest.fail(f"shared fixtures not found at {root} (set MEDFORGE_FIXTURES)")
    return root


def build_item(
    question: str = "Which organ produces insulin?",
    options: tuple[str, ...] = ("Liver", "Pancreas", "Spleen", "Kidney"),
    answers: tuple[str, ...] = ("B",),
    language: str = "en",
    source_key: str | None = None,
    year: int | None = 2024,
    **fields: object,
) -> BenchmarkItem:
    """A valid MCQ item; keyword fields override anything else."""
    opts = [Option(label="ABCDE"[i], text=t) for i, t in enumerate(options)]
    task = TaskType.MCQ_MULTI if len(answers) > 1 else TaskType.MCQ_SINGLE
    data: dict[str, object] = {
        "source_key": source_key or f"src/{question}",
        "task": task,
        "language": language,
        "question": question,
        "options": opts,
        "answers": list(answers),
        "source": SourceRef(source_id="unit", uri="https://example.org/q"),
        "licence": "CC-BY-4.0",
        "origin": ItemOrigin.SCRAPED,
        "release_time": ReleaseTime(year=year),
    }
    data.update(fields)
    data["item_id"] = BenchmarkItem.make_id(
        data["task"],
        language,
        question,
        opts,
        list(answers),
        [],  # type: ignore[arg-type]
    )
    return BenchmarkItem.model_validate(data)


@pytest.fixture
def make_item() -> Callable[..., BenchmarkItem]:
    """Factory fixture for valid items."""
    return build_item


@dataclass(frozen=True)
class S3Server:
    """A moto S3 server on 127.0.0.1 with the environment pointed at it."""

    endpoint: str

    def new_bucket(self) -> str:
        """An empty bucket of its own for one test."""
        import boto3

        name = f"medforge-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint).create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key under a prefix."""
        import boto3

        pages = boto3.client("s3", endpoint_url=self.endpoint).get_paginator("list_objects_v2")
        return sorted(
            o["Key"] for p in pages.paginate(Bucket=bucket, Prefix=prefix) for o in p.get("Contents", [])
        )


def free_port() -> int:
    """A TCP port nothing listens on, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on a free loopback port for the module's tests; AWS_* variables point at it
    (test credentials, no instance metadata lookups) and are restored when it stops."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        "AWS_ACCESS_KEY_ID": "medforge-test",
        "AWS_SECRET_ACCESS_KEY": "medforge-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield S3Server(endpoint)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class RayCluster:
    """A Ray cluster on 127.0.0.1 started by the tests: a head and worker nodes, 1 CPU each."""

    address: str
    nodes: int


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayCluster]:
    """Head + 2 worker nodes on 127.0.0.1 (`ray.cluster_utils.Cluster`: its processes are this
    session's children, stopped by their ids), with a temporary folder of its own; tests connect by
    `RAY_ADDRESS`. `ray start` worker nodes refuse the loopback-only switch this needs."""
    from ray._private import ray_constants
    from ray.cluster_utils import Cluster

    temp = Path(tempfile.mkdtemp(prefix="mf-ray-"))  # short: Ray's socket paths must fit 107 bytes
    (temp / "ray").mkdir()
    names = ("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "RAY_TMPDIR", "RAY_USAGE_STATS_ENABLED")
    saved = {k: os.environ.get(k) for k in names}
    # keep 127.0.0.1 (Ray would swap in the routable address), write its address file in `temp`, and
    # send no usage report to usage-stats.ray.io
    os.environ.update(
        {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_TMPDIR": str(temp), "RAY_USAGE_STATS_ENABLED": "0"}
    )
    saved_flag, ray_constants.ENABLE_RAY_CLUSTER = ray_constants.ENABLE_RAY_CLUSTER, False
    node = {"num_cpus": 1, "node_ip_address": "127.0.0.1"}
    head = {**node, "include_dashboard": False, "temp_dir": str(temp / "ray")}
    cluster = Cluster(initialize_head=True, head_node_args=head)
    try:
        for _ in range(2):
            cluster.add_node(**node)
        cluster.wait_for_nodes()
        yield RayCluster(address=cluster.address, nodes=3)
    finally:
        cluster.shutdown()
        ray_constants.ENABLE_RAY_CLUSTER = saved_flag
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(temp, ignore_errors=True)
