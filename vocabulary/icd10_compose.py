"""The ICD-10 composition tables (`data/icd10_compose.yaml`): sites, heads and organisms, each with the
WHO codes a disease named by its parts is filed under ('gastric' + 'adenocarcinoma' -> C16, 肺 + 结核
-> A15, 'CMV' + 'pneumonia' -> B25.0). The taggers combine them; this module reads and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vocabulary.load import load_icd10
from vocabulary.yaml_data import as_tuple_map, read_data, with_traditional

DEFAULT = "default"
# A kind of disease a site has no code for is filed as a broader kind it has ('肝破裂' is an injury
# of the liver, a subdural haematoma a subdural bleed).
KIND_FALLBACK = {
    "rupture": "injury",
    "laceration": "injury",
    "contusion": "injury",
    "hematoma": "bleeding",
    "prolapse": "ptosis",
    "herniation": "prolapse",
    "pseudocyst": "cyst",
    "empyema": "abscess",
    "effusion": "hydrops",
    "insufficiency": "failure",
}
Codes = Mapping[str, Mapping[str, str]]
"""kind -> modifier (or 'default') -> WHO code."""


@dataclass(frozen=True)
class Site:
    """An organ or structure: its names by language and the code of each kind of disease of it."""

    id: str
    names: Mapping[str, tuple[str, ...]]
    codes: Codes
    itis: tuple[str, ...] = ()

    def code(self, kind: str, modifiers: tuple[str, ...] = ()) -> str | None:
        """The code of a kind of disease of this site, the first modifier that has its own first."""
        by_modifier = self.codes.get(kind)
        seen = {kind}
        while not by_modifier and kind in KIND_FALLBACK and KIND_FALLBACK[kind] not in seen:
            kind = KIND_FALLBACK[kind]
            seen.add(kind)
            by_modifier = self.codes.get(kind)
        if not by_modifier:
            return None
        for modifier in modifiers:
            if modifier in by_modifier:
                return by_modifier[modifier]
        return by_modifier.get(DEFAULT)


@dataclass(frozen=True)
class Head:
    """A morphology or kind of disease ('adenocarcinoma', '结核'): the kind it names, a code of its own
    when no site is named (`default`), whether that code holds whatever the site (`fixed`), and codes
    for particular sites (`site_codes`)."""

    kind: str
    names: Mapping[str, tuple[str, ...]]
    default: str | None = None
    fixed: bool = False
    site_codes: Mapping[str, str] = field(default_factory=dict)
    generic: bool = False
    """Whether `default` only says 'site unspecified' (C80.9, D36.9): a weak code, used when nothing
    better is named."""


@dataclass(frozen=True)
class Organism:
    """A pathogen: names, cased abbreviations ('CMV'), and the code of each disease it causes."""

    names: Mapping[str, tuple[str, ...]]
    abbreviations: tuple[str, ...]
    codes: Codes

    def code(self, kind: str, modifiers: tuple[str, ...] = ()) -> str | None:
        """The code of the disease `kind` caused by this organism (None when it has none)."""
        return Site("", {}, self.codes).code(kind, modifiers)


@dataclass(frozen=True)
class Composition:
    """Every composition table, read once."""

    version: str
    modifiers: Mapping[str, Mapping[str, tuple[str, ...]]]
    cjk_fillers: tuple[str, ...]
    sites: tuple[Site, ...]
    heads: tuple[Head, ...]
    organisms: tuple[Organism, ...]
    organism_kinds: Mapping[str, Mapping[str, tuple[str, ...]]]


def _codes(raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for kind, value in (raw or {}).items():
        if isinstance(value, Mapping):
            out[str(kind)] = {str(m): str(c) for m, c in value.items() if c}
        elif value:
            out[str(kind)] = {DEFAULT: str(value)}
    return out


def _names(entry: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    langs = {k: v for k, v in entry.items() if k in ("en", "zh-Hans", "zh-Hant", "ja")}
    return with_traditional(as_tuple_map(langs))


def _check(codes: list[str]) -> None:
    table = load_icd10()
    unknown = sorted({c for c in codes if table.resolve(c) is None})
    if unknown:
        raise ValueError(f"icd10_compose.yaml names codes that are not ICD-10: {unknown}")


@cache
def load_composition() -> Composition:
    """The composition tables, with every code checked against WHO ICD-10 (raises naming unknown ones)."""
    data = read_data("icd10_compose.yaml")
    sites = tuple(
        Site(str(s["id"]), _names(s), _codes(s.get("codes")), tuple(s.get("itis") or ()))
        for s in data["sites"]
    )
    heads = tuple(
        Head(
            str(h["kind"]),
            _names(h),
            h.get("default"),
            bool(h.get("fixed")),
            {str(k): str(v) for k, v in (h.get("site_codes") or {}).items()},
            bool(h.get("generic")),
        )
        for h in data["heads"]
    )
    organisms = tuple(
        Organism(_names(o), tuple(str(a) for a in o.get("abbr") or ()), _codes(o.get("codes")))
        for o in data["organisms"]
    )
    site_ids = {s.id for s in sites}
    unknown_sites = sorted({k for h in heads for k in h.site_codes} - site_ids)
    if unknown_sites:
        raise ValueError(f"icd10_compose.yaml: heads name unknown sites {unknown_sites}")
    _check(
        [c for s in sites for m in s.codes.values() for c in m.values()]
        + [c for h in heads for c in (h.default, *h.site_codes.values()) if c]
        + [c for o in organisms for m in o.codes.values() for c in m.values()]
    )
    return Composition(
        version=str(data["version"]),
        modifiers={str(k): _names(v) for k, v in data["modifiers"].items()},
        cjk_fillers=tuple(str(f) for f in data.get("cjk_fillers") or ()),
        sites=sites,
        heads=heads,
        organisms=organisms,
        organism_kinds={str(k): _names(v) for k, v in data["organism_kinds"].items()},
    )
