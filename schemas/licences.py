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


_SPDX_IDS = (
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "GPL-3.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "PDDL-1.0",
)
_SPDX_BY_UPPER = {spdx.upper(): spdx for spdx in _SPDX_IDS}
_HUB_IDS = {"ODC-By-1.0": "odc-by", "ODbL-1.0": "odbl", "PDDL-1.0": "pddl"}
_CC_KINDS = {"BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND"}
_CC_ID = re.compile(r"^CC-(?P<kind>BY(?:-NC)?(?:-SA|-ND)?)-(?P<version>[1-4]\.[05])$", re.IGNORECASE)


def hub_licence_id(licence: str) -> str | None:
    """The Hugging Face Hub's licence id ('cc-by-4.0', 'cc0-1.0', 'mit') of a normalised licence, or
    None when the Hub has none for it (the card then says `other` and names it)."""
    text = licence.strip()
    match = _CC_ID.match(text)
    if match and match["kind"].upper() in _CC_KINDS:
        return f"cc-{match['kind'].lower()}-{match['version']}"
    if text.upper() == "CC0-1.0":
        return "cc0-1.0"
    spdx = _SPDX_BY_UPPER.get(text.upper())
    return _HUB_IDS.get(spdx, spdx.lower()) if spdx else None


def licence_url(licence: str) -> str | None:
    """The canonical URL of a Creative Commons or well-known licence (Croissant wants a URL)."""
    text = licence.strip()
    match = _CC_ID.match(text)
    if match and match["kind"].upper() in _CC_KINDS:
        return f"https://creativecommons.org/licenses/{match['kind'].lower()}/{match['version']}/"
    if text.upper() == "CC0-1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if text.lower() == "public-domain":
        return "https://creativecommons.org/publicdomain/mark/1.0/"
    spdx = _SPDX_BY_UPPER.get(text.upper())
    return f"https://spdx.org/licenses/{spdx}.html" if spdx else None
