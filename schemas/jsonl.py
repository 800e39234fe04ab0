"""Reading JSON Lines files that users hand to the CLI: every bad line is one clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.errors import MedforgeError


class JsonlError(MedforgeError):
    """Raised when a JSONL file is missing, not UTF-8, or has a line that is not a JSON object."""


def read_jsonl_objects(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; raises JsonlError naming the file and line."""
    if path.is_dir():
        raise JsonlError(f"{path} is a folder, not a .jsonl file")
    if not path.is_file():
        raise JsonlError(f"no such file {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise JsonlError(f"{path} is not UTF-8 text (byte {error.start}): re-encode it as UTF-8") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise JsonlError(f"{path}:{number} is not JSON: {error.msg}") from None
        if not isinstance(row, dict):
            raise JsonlError(f"{path}:{number} is a JSON {type(row).__name__}, not an object of fields")
        rows.append((number, row))
    return rows
