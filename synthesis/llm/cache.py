"""A content-addressed on-disk cache of LLM replies: a rebuild with the same cache costs nothing."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from schemas import canonical_json, sha256_hex
from synthesis.llm.base import LLMReply


def cache_key(backend: str, model: str, prompt_version: str, request: Any) -> str:
    """sha256 over (backend, model, prompt version, the whole request): the reply's address."""
    return sha256_hex(
        canonical_json({"backend": backend, "model": model, "prompt": prompt_version, "request": request})
    )


class ResponseCache:
    """Replies stored as `<dir>/<k[:2]>/<k>.json`; writes are atomic, so threads may share it."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> LLMReply | None:
        """The stored reply, or None."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return LLMReply(**data)
        except (ValueError, TypeError):
            return None

    def put(self, key: str, reply: LLMReply) -> None:
        """Store a reply (write to a temporary file, then rename into place)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = canonical_json(reply.__dict__)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(tmp, path)
