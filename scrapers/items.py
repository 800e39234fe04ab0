"""What a spider yields: a fetched page with its provenance, or a failed fetch with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FetchedPage:
    """One fetched document a source is about (not the archive pages that only lead to it)."""

    url: str
    status: int
    media_type: str
    body: bytes
    role: str = "document"
    encoding: str | None = None
    licence: str | None = None
    title: str | None = None
    edition_year: int | None = None
    edition_session: str | None = None
    published: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None
    raw_path: str | None = None
    newly_stored: bool | None = None


@dataclass
class FetchFailure:
    """A request that did not give a document: the URL, a reason code and a message."""

    url: str
    reason_code: str
    message: str
    role: str = "document"
    referer: str | None = None
