"""Opening a PDF safely: refuse zero-byte, non-PDF, truncated, corrupt, encrypted and oversized files."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from schemas import ReasonCode, RecordError

MAX_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused before parsing (bounded memory)."""
MAX_PAGES = 2000
"""Documents with more pages than this are refused (bounded time)."""

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)


@dataclass(frozen=True)
class Limits:
    """Bounds on one document's cost; exceeding them is a rejection, not a hang."""

    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PAGES
    max_paths_per_page: int = 20000
    max_seconds: float = 120.0


def open_pdf(data: bytes, name: str, limits: Limits | None = None) -> pymupdf.Document:
    """A PyMuPDF document from bytes; raises RecordError with a reason code saying why it cannot be read."""
    limits = limits or Limits()
    if len(data) == 0:
        raise RecordError(ReasonCode.EMPTY_DOCUMENT, f"{name}: zero-byte file")
    if len(data) > limits.max_bytes:
        raise RecordError(
            ReasonCode.RESOURCE_LIMIT, f"{name}: {len(data)} bytes is over the {limits.max_bytes}-byte limit"
        )
    head = data[:1024].lstrip()
    if b"%PDF-" not in data[:1024]:
        kind = "text" if head[:64].isascii() else "binary data"
        raise RecordError(
            ReasonCode.UNSUPPORTED_MEDIA, f"{name}: not a PDF (no %PDF- header; looks like {kind})"
        )
    if b"%%EOF" not in data[-2048:]:
        raise RecordError(
            ReasonCode.TRUNCATED_DOCUMENT, f"{name}: truncated PDF (no %%EOF trailer at the end)"
        )
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as error:  # pymupdf raises FileDataError, RuntimeError, ValueError
        raise RecordError(ReasonCode.CORRUPT_DOCUMENT, f"{name}: corrupt PDF ({error})") from None
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise RecordError(ReasonCode.ENCRYPTED_DOCUMENT, f"{name}: encrypted PDF (needs a password)")
    try:
        pages = doc.page_count
    except Exception as error:
        doc.close()
        raise RecordError(ReasonCode.CORRUPT_DOCUMENT, f"{name}: corrupt PDF ({error})") from None
    if pages == 0:
        doc.close()
        raise RecordError(ReasonCode.CORRUPT_DOCUMENT, f"{name}: PDF has no readable pages")
    if pages > limits.max_pages:
        doc.close()
        raise RecordError(
            ReasonCode.RESOURCE_LIMIT, f"{name}: {pages} pages is over the {limits.max_pages}-page limit"
        )
    return doc
