"""Where things live in a release: `<store>/<benchmark>/<version>/` and the files inside (see store.py)."""

from __future__ import annotations

import re
from pathlib import Path

from schemas.spec import validate_version

MANIFEST = "manifest.json"
REJECTED = "rejected.parquet"
CARD = "README.md"
IMAGES = "images"
PLOTS = "plots"


def release_dir(store: Path, benchmark: str, version: str) -> Path:
    """The folder of one release."""
    return Path(store) / benchmark / validate_version(version)


def parse_version(version: str) -> tuple[int, ...]:
    """Numeric parts of a version, for ordering."""
    return tuple(int(p) for p in re.findall(r"\d+", version.split("-")[0].split("+")[0]))
