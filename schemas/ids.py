"""Content-derived ids and hashes: the same content gives the same id in every rebuild."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the form every content hash is taken over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_hex(data: bytes | str) -> str:
    """sha256 of bytes (or UTF-8 text) as 64 hex characters."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def content_id(value: Any, length: int = 20) -> str:
    """A short stable id for any JSON-able value."""
    return sha256_hex(canonical_json(value))[:length]
