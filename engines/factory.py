"""An engine from its name and settings (the spec's `execution` section, or `--engine`)."""

from __future__ import annotations

from engines.base import DEFAULT_BATCH_SIZE, ENGINE_NAMES, BatchEngine, LocalEngine


def open_engine(
    name: str = "local", address: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> BatchEngine:
    """`local` (in process) or `ray` (a cluster at `address`, else $RAY_ADDRESS, else a local Ray on
    127.0.0.1 started at the first batch). Ray is imported only for `ray`."""
    if name == "local":
        return LocalEngine(batch_size)
    if name == "ray":
        from engines.ray_engine import RayEngine

        return RayEngine(address=address, batch_size=batch_size)
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINE_NAMES)}")
