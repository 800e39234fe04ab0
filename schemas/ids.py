"""Content-derived ids and hashes: the same content gives the same id in every rebuild."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the form every content hash is taken over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_hex(data: bytes | str) -> str:
    """sha256 of bytes (or UTF-8 text) as 64 hex characters."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes as 64 hex characters, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_root() -> Path:
    """Where medforge keeps what it derives and may reuse (model files, embeddings, downloaded
    releases): $MEDFORGE_CACHE or ~/.cache/medforge."""
    return Path(os.environ.get("MEDFORGE_CACHE") or Path.home() / ".cache" / "medforge")


def content_id(value: Any, length: int = 20) -> str:
    """A short stable id for any JSON-able value."""
    return sha256_hex(canonical_json(value))[:length]
