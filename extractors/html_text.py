"""HTML bytes to text in the encoding the page declares (BOM, meta charset), as browsers do."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

from schemas import ReasonCode, RecordError

MAX_REPLACED_SHARE = 0.01


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The page's text; RecordError(decode_error) when it cannot be read in any declared encoding."""
    encoding, text = html_to_unicode(content_type, data)
    replaced = text.count("\ufffd")
    if replaced and replaced > MAX_REPLACED_SHARE * max(len(text), 1):
        raise RecordError(
            ReasonCode.DECODE_ERROR,
            f"page does not decode as its declared {encoding}: {replaced} bad characters",
        )
    return text
