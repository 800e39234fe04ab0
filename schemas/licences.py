"""Licence statements (URLs, 'CC BY 4.0', 'Creative Commons Attribution License') as SPDX-like ids."""

from __future__ import annotations

import re

_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses|licences)/(?P<kind>[a-z-]+)/(?P<version>[0-9.]+)", re.IGNORECASE
)
_CC_ZERO = re.compile(r"creativecommons\.org/publicdomain/zero/(?P<version>[0-9.]+)", re.IGNORECASE)
_PD_MARK = re.compile(r"creativecommons\.org/publicdomain/mark/", re.IGNORECASE)
_CC_TEXT = re.compile(r"\bCC[ -](?P<kind>BY(?:[ -](?:NC|SA|ND))*)[ -]?(?P<version>[0-9]\.[0-9])?\b", re.I)
_CC_WORDS = re.compile(
    r"Creative\s+Commons\s+Attribution(?P<rest>(?:[ -]+(?:Non-?Commercial|Share-?Alike|No-?Deriv\w*))*)"
    r"(?:\s+(?:License|Licence))?(?:\s*(?:,\s*)?(?:version\s+)?(?P<version>[0-9]\.[0-9]))?",
    re.IGNORECASE,
)


def normalise_licence(text: str | None) -> str | None:
    """A licence id from how a page or an article states it; the text itself when unknown."""
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    for pattern, build in (
        (_CC_URL, lambda m: f"CC-{m['kind'].upper()}-{m['version'].rstrip('.')}"),
        (_CC_ZERO, lambda m: f"CC0-{m['version']}"),
        (_PD_MARK, lambda m: "public-domain"),
    ):
        match = pattern.search(text)
        if match:
            return build(match)
    match = _CC_TEXT.search(text)
    if match:
        kind = re.sub(r"[ -]+", "-", match["kind"].upper())
        return f"CC-{kind}-{match['version']}" if match["version"] else f"CC-{kind}"
    match = _CC_WORDS.search(text)
    if match:
        rest = match["rest"].lower()
        kind = "BY" + ("-NC" if "commercial" in rest else "") + ("-SA" if "share" in rest else "")
        kind += "-ND" if "deriv" in rest else ""
        return f"CC-{kind}-{match['version']}" if match["version"] else f"CC-{kind}"
    return text[:200] or None
