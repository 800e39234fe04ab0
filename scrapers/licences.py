"""Licence strings as pages and files state them, mapped to SPDX-like ids the spec can allow."""

from __future__ import annotations

import re

_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses|licences)/(?P<kind>[a-z-]+)/(?P<version>[0-9.]+)", re.IGNORECASE
)
_CC_ZERO = re.compile(r"creativecommons\.org/publicdomain/zero/(?P<version>[0-9.]+)", re.IGNORECASE)
_CC_TEXT = re.compile(
    r"\bCC[ -](?P<kind>BY(?:[ -](?:NC|SA|ND))*)[ -]?(?P<version>[0-9]\.[0-9])?\b", re.IGNORECASE
)


def normalise_licence(text: str | None) -> str | None:
    """'https://creativecommons.org/licenses/by/4.0/' or 'CC BY 4.0' -> 'CC-BY-4.0'; else as found."""
    if not text:
        return None
    text = text.strip()
    match = _CC_URL.search(text)
    if match:
        return f"CC-{match['kind'].upper()}-{match['version']}"
    match = _CC_ZERO.search(text)
    if match:
        return f"CC0-{match['version']}"
    match = _CC_TEXT.search(text)
    if match:
        kind = re.sub(r"[ -]+", "-", match["kind"].upper())
        return f"CC-{kind}-{match['version']}" if match["version"] else f"CC-{kind}"
    return text or None
