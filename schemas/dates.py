"""Dates as sources write them: ISO strings, possibly with a time part; anything else is unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_iso_date(value: Any) -> dt.date | None:
    """The date of '2024-03-17' or '2024-03-17T10:00:00Z'; None for empty or unreadable values."""
    if not value:
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
