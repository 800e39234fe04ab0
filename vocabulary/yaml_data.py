"""The versioned YAML data in `vocabulary/data/`: read, and turned into terms and tables.

Chinese names are written in simplified script; the traditional forms are derived with OpenCC, so
every name list that has zh-Hans also has zh-Hant.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from schemas import Vocabulary
from textkit import to_traditional
from vocabulary.table import VocabularyTable
from vocabulary.terms import ANY_LANGUAGE, Term

DATA_PACKAGE = "vocabulary.data"


def read_data(name: str) -> dict[str, Any]:
    """One YAML file of `vocabulary/data/`."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def as_tuple_map(value: Any) -> dict[str, tuple[str, ...]]:
    """`{lang: [names]}` or a bare list (any language) as a mapping of tuples."""
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        return {ANY_LANGUAGE: tuple(str(v) for v in value)}
    return {str(lang): tuple(str(v) for v in names or ()) for lang, names in value.items()}


def with_traditional(names: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Adds zh-Hant from zh-Hans (OpenCC s2t) when a mapping has simplified names only."""
    if "zh-Hans" in names and "zh-Hant" not in names:
        names = {**names, "zh-Hant": tuple(dict.fromkeys(to_traditional(n) for n in names["zh-Hans"]))}
    return names


def _terms_from_tree(
    nodes: list[dict[str, Any]], levels: tuple[str, ...], parent: str | None, depth: int
) -> list[Term]:
    out: list[Term] = []
    for node in nodes:
        code = str(node["code"])
        names = as_tuple_map(node.get("synonyms"))
        names.setdefault("en", ())
        if node["title"].casefold() not in {n.casefold() for n in names["en"]}:
            names["en"] = (node["title"], *names["en"])
        out.append(
            Term(
                code=code,
                title=str(node["title"]),
                level=levels[min(depth, len(levels) - 1)],
                parent=parent,
                names=with_traditional(names),
                abbreviations=with_traditional(as_tuple_map(node.get("abbr"))),
                cues=with_traditional(as_tuple_map(node.get("cues"))),
                strong_cues=with_traditional(as_tuple_map(node.get("strong_cues"))),
                settings=with_traditional(as_tuple_map(node.get("settings"))),
            )
        )
        out.extend(_terms_from_tree(node.get("children") or [], levels, code, depth + 1))
    return out


def yaml_vocabulary(vocabulary: Vocabulary) -> VocabularyTable:
    """The table of a vocabulary kept as a YAML tree (`<name>.yaml`: version, levels, terms, overlaps)."""
    data = read_data(f"{vocabulary.value}.yaml")
    levels = tuple(data.get("levels") or ("term",))
    overlaps = [tuple(str(c) for c in pair) for pair in data.get("overlaps") or ()]
    terms = _terms_from_tree(data["terms"], levels, None, 0)
    return VocabularyTable(vocabulary, str(data["version"]), levels, terms, overlaps)
