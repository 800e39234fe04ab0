"""Where medforge keeps its local state by default (kept free of heavy imports: the CLI reads it)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path(os.environ.get("MEDFORGE_HOME", ".medforge"))
