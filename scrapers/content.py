"""Checks that fetched bytes are what they claim to be, before they are stored as a document."""

from __future__ import annotations

import codecs

from schemas import ReasonCode

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")


def check_content(body: bytes, media_type: str, encoding: str | None) -> tuple[str, str] | None:
    """None when the bytes look right; else (reason code, message)."""
    if not body:
        return ReasonCode.CORRUPT_DOCUMENT.value, "empty body"
    if media_type == "application/pdf":
        if not body.lstrip()[:5].startswith(b"%PDF-"):
            return ReasonCode.CORRUPT_DOCUMENT.value, f"not a PDF (starts with {body[:16]!r})"
        return None
    if media_type in _TEXT_TYPES:
        name = encoding or "utf-8"
        try:
            codecs.lookup(name)
        except LookupError:
            name = "utf-8"
        try:
            body.decode(name)
        except UnicodeDecodeError as error:
            return (
                ReasonCode.DECODE_ERROR.value,
                f"bytes are not valid {name}: {error.reason} at {error.start}",
            )
    return None
