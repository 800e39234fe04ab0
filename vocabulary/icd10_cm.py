"""ICD-10-CM titles and inclusion terms (from `simple-icd-10-cm`, offline) as extra English names of
the WHO ICD-10 codes they refine.

ICD-10-CM (US, public domain) extends WHO ICD-10 below the same 3-character categories and lists far
more of the names clinicians write ('Chronic renal failure NOS' under N18.9, 'Frozen shoulder' under
M75.0). Each CM category or subcategory is mapped back to the deepest WHO code that shares its prefix
(E83.01 -> E83.0, C91.10 -> C91.1, K25 -> K25); CM-only categories (E08, C7A, M1A ...) are skipped.
Names are cleaned the way WHO titles are: qualifiers such as 'NOS', ', unspecified', 'without
complication' dropped, and names that need the rest of the classification to make sense ('Other
...', 'unspecified', laterality, 'in remission') left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from importlib import metadata

from textkit import american_spelling

_DROP = re.compile(
    r"\b(other|others|unspecified|specified|not elsewhere|classified|elsewhere|nec|right|left|"
    r"bilateral|unilateral|remission|relapse|sequela|subsequent|initial encounter|encounter|"
    r"history|screening|examination|observation|family|personal|counseling|contact with|"
    r"exposure to|underdosing|undetermined|assault|accidental|intentional|unknown|ill-defined|"
    r"trimester|weeks of gestation|episode of care)\b",
    re.IGNORECASE,
)
_QUALIFIERS = (
    re.compile(r"\s*\([^)]*\)|\s*\[[^\]]*\]"),
    re.compile(r",?\s+NOS\b"),
    re.compile(r",\s*unspecified$", re.IGNORECASE),
    re.compile(r"\s+not having achieved remission$", re.IGNORECASE),
    re.compile(r"\s+without (?:complications?|coma|mention of [a-z ]+|[a-z]+ (?:coma|complications?))$"),
    re.compile(r"\s+of unspecified (?:site|type|part)$", re.IGNORECASE),
)
# Factors, encounters and external causes: their CM names are about circumstances, not diseases.
_NOT_DISEASES = frozenset("VWXYZ")
MAX_WORDS = 7
_RESIDUAL = re.compile(r"^Other\b|\bunspecified\b", re.IGNORECASE)
MIN_CHARS = 4


def cm_match_name(text: str) -> str | None:
    """A CM title or inclusion term cleaned for text matching, or None when it is unusable."""
    cleaned = text.strip()
    for pattern in _QUALIFIERS:
        cleaned = pattern.sub("", cleaned).strip()
    if (
        len(cleaned) < MIN_CHARS
        or _DROP.search(cleaned)
        or any(c in cleaned for c in ",:;/")
        or len(cleaned.split()) > MAX_WORDS
        or not re.search(r"[A-Za-z]{3}", cleaned)
    ):
        return None
    return cleaned


def _who_code(cm_code: str, who_codes: Collection[str]) -> str | None:
    for prefix in (cm_code, cm_code[:5], cm_code[:3]):
        if prefix in who_codes:
            return prefix
    return None


def cm_names_by_who_code(who_codes: Collection[str]) -> dict[str, tuple[str, ...]]:
    """English names from ICD-10-CM, keyed by the WHO code each refines (British and American
    spellings); a name that would land in two WHO categories goes to the first CM code listing it."""
    import simple_icd_10_cm as cm

    seen: dict[str, str] = {}
    out: dict[str, list[str]] = defaultdict(list)
    for code in cm.get_all_codes(True):
        if cm.is_chapter_or_block(code) or cm.is_extended_subcategory(code) or code[0] in _NOT_DISEASES:
            continue
        who = _who_code(code, who_codes)
        if who is None:
            continue
        description = cm.get_description(code)
        residual = _RESIDUAL.search(description) is not None
        for raw in (description, *cm.get_inclusion_term(code)):
            name = cm_match_name(raw)
            if name is None or (residual and raw is not description and " " not in name):
                # one generic word ('Wound', 'Fracture') filed under an 'other / unspecified' code is a
                # passing mention in most texts, not what they are about
                continue
            for spelling in dict.fromkeys((name, american_spelling(name))):
                key = spelling.casefold()
                if key in seen:
                    continue
                seen[key] = who
                out[who].append(spelling)
    return {code: tuple(names) for code, names in out.items()}


def cm_version() -> str:
    """The installed simple-icd-10-cm version (the CM release it carries), for the table version."""
    try:
        return metadata.version("simple-icd-10-cm")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with medforge
        return "unknown"
