"""The Ray engine: batches run as Ray tasks (or on GPU actors), a bounded window of them in flight.

The cluster is the one at `address`, else at $RAY_ADDRESS, else a local Ray started for the run on
127.0.0.1 (no dashboard, its own temporary folder), shut down by `close()`. Each batch travels as
one task's argument and at most `max_in_flight` batches are out at once, so the driver and the
object store hold a few batches, never the corpus. Results come back in input order.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from engines.base import DEFAULT_BATCH_SIZE, BatchFn, batched

T = TypeVar("T")
R = TypeVar("R")

LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
"""Set to 0, Ray keeps a local node on the loopback address (see `_loopback_only`)."""
USAGE_STATS_ENV = "RAY_USAGE_STATS_ENABLED"
WORKER_ENV = ("MEDFORGE_CACHE", "HF_HUB_OFFLINE", "HF_HOME", "MEDFORGE_QUIET")
"""Variables handed to the workers (model caches, offline mode) when the driver has them set."""


@contextmanager
def _loopback_only(ray: Any) -> Iterator[None]:
    """Ray resolves 127.0.0.1 to the machine's routable address unless clusters are "off" (its
    Windows/macOS switch): with it off, GCS, raylet and workers listen on 127.0.0.1 only. The
    processes started inside inherit the variable; the driver's environment is restored after."""
    from ray._private import ray_constants

    saved_env = os.environ.get(LOOPBACK_ENV)
    saved_flag = ray_constants.ENABLE_RAY_CLUSTER
    os.environ[LOOPBACK_ENV] = "0"
    ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = saved_flag
        if saved_env is None:
            os.environ.pop(LOOPBACK_ENV, None)
        else:
            os.environ[LOOPBACK_ENV] = saved_env


def _apply(fn: BatchFn[Any, Any], start: int, batch: list[Any]) -> Any:
    """One batch in a Ray worker: the same function the local engine calls."""
    return fn(start, batch)


class _BatchActor:
    """A worker that keeps what a stateful function loads (a model on its GPU) between batches."""

    def run(self, fn: BatchFn[Any, Any], start: int, batch: list[Any]) -> Any:
        return fn(start, batch)


class RayEngine:
    """Runs batches on a Ray cluster; `accelerators` is the cluster's GPU count."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_in_flight: int | None = None,
        num_cpus: int | None = None,
    ) -> None:
        self.address = address
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.num_cpus = num_cpus
        """CPUs of a local Ray started by the engine (default: Ray's count of this machine's)."""
        self._ray: Any = None
        self._owns_ray = False
        self._temp_dir: str | None = None
        self._task: Any = None
        self._actors: list[Any] = []

    # -- the cluster -------------------------------------------------------------------------------
    def _connect(self) -> Any:
        if self._ray is not None:
            return self._ray
        import ray

        # Ray reports usage to usage-stats.ray.io by default; a run sends nothing off this machine
        os.environ.setdefault(USAGE_STATS_ENV, "0")
        if not ray.is_initialized():
            address = self.address or os.environ.get("RAY_ADDRESS") or None
            env = {k: os.environ[k] for k in WORKER_ENV if os.environ.get(k)}
            options: dict[str, Any] = {
                "runtime_env": {"env_vars": env} if env else None,
                "logging_level": logging.WARNING,
                "log_to_driver": False,
            }
            if address:
                # Ray would turn a loopback host into this machine's routable address
                host = address.split("://")[-1].rsplit(":", 1)[0]
                with _loopback_only(ray) if host in ("127.0.0.1", "localhost") else nullcontext():
                    ray.init(address=address, **options)
            else:
                self._temp_dir = tempfile.mkdtemp(prefix="medforge-ray-")
                try:
                    with _loopback_only(ray):
                        ray.init(
                            address="local",
                            _node_ip_address="127.0.0.1",
                            include_dashboard=False,
                            _temp_dir=self._temp_dir,
                            num_cpus=self.num_cpus,
                            **options,
                        )
                except BaseException:  # a Ray that did not start leaves no folder behind
                    shutil.rmtree(self._temp_dir, ignore_errors=True)
                    self._temp_dir = None
                    raise
            self._owns_ray = True
        self._ray = ray
        self._task = ray.remote(num_cpus=1)(_apply)
        return ray

    @property
    def accelerators(self) -> int:
        """GPUs in the cluster (`ray.cluster_resources()`), 0 without."""
        return int(self._connect().cluster_resources().get("GPU", 0))

    def _window(self, workers: int) -> int:
        if self.max_in_flight:
            return self.max_in_flight
        return max(2, 2 * workers)

    def _gpu_actors(self) -> list[Any]:
        if not self._actors:
            ray = self._connect()
            actor = ray.remote(_BatchActor).options(num_gpus=1, num_cpus=0)
            self._actors = [actor.remote() for _ in range(self.accelerators)]
        return self._actors

    # -- batches -----------------------------------------------------------------------------------
    def map_batches(
        self, fn: BatchFn[T, R], items: Iterable[T], batch_size: int | None = None
    ) -> Iterator[R]:
        """`fn(start, batch)` per batch on the cluster; results in input order.

        A `stateful` function goes to one actor per GPU (`num_gpus=1`) where the cluster has GPUs;
        everything else runs as CPU tasks, whose worker processes Ray reuses (a model a function
        caches per process loads once per worker).
        """
        ray = self._connect()
        use_actors = bool(getattr(fn, "stateful", False)) and self.accelerators > 0
        actors = self._gpu_actors() if use_actors else []
        workers = len(actors) or max(1, int(ray.cluster_resources().get("CPU", 1)))
        window = self._window(workers)
        fn_ref = ray.put(fn)
        pending: deque[Any] = deque()
        for number, (start, batch) in enumerate(batched(items, batch_size or self.batch_size)):
            if actors:
                pending.append(actors[number % len(actors)].run.remote(fn_ref, start, batch))
            else:
                pending.append(self._task.remote(fn_ref, start, batch))
            del batch
            if len(pending) >= window:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def close(self) -> None:
        """Kill the engine's actors; shut down the Ray it connected to or started (and its folder)."""
        if self._ray is None:
            return
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._owns_ray:
            self._ray.shutdown()
        self._ray, self._task, self._owns_ray = None, None, False
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RayEngine(address={self.address!r}, batch_size={self.batch_size})"
