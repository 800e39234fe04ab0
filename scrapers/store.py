"""The content-addressed raw store: bytes kept once under `<sha[:2]>/<sha256>`, whoever fetched them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def raw_relpath(sha256: str) -> str:
    """Where bytes with this hash live, relative to the store root."""
    return f"{sha256[:2]}/{sha256}"


def store_bytes(raw_store: Path, data: bytes) -> tuple[str, str, bool]:
    """Keep `data` in the store; returns (sha256, relative path, newly written).

    Bytes already stored under the same hash are not written again: that is what makes a re-crawl
    incremental. The write goes through a temporary file and a rename, so a crash never leaves a
    half-written object under a valid address.
    """
    sha = hashlib.sha256(data).hexdigest()
    rel = raw_relpath(sha)
    target = raw_store / rel
    if target.is_file():
        return sha, rel, False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return sha, rel, True


def read_raw(raw_store: Path, raw_path: str) -> bytes:
    """The bytes of a stored document."""
    return (raw_store / raw_path).read_bytes()
