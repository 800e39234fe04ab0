"""Where medforge keeps its local state by default (kept free of heavy imports: the CLI reads it)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path(os.environ.get("MEDFORGE_HOME", ".medforge"))
DEFAULT_STORE = str(DEFAULT_HOME / "releases")
STORE_HELP = "release store: a folder, file://PATH or an fsspec URL (s3://BUCKET/PREFIX, gs://...)"
