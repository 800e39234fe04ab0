"""One vocabulary entry (`Term`) and the errors of looking one up."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas import MedforgeError, Vocabulary

ANY_LANGUAGE = "*"
TERM_FIELDS = ("code", "title", "level", "parent", "synonyms")


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
    `settings` name where a patient is seen ('UBS', 'pronto-socorro'): weak evidence, since a question
    set in an emergency room or a health centre is often about something else.
    """

    code: str
    title: str
    level: str | None
    parent: str | None
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    strong_cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    settings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def synonyms(self) -> tuple[str, ...]:
        """All names, English first, without repeats."""
        ordered = [
            *self.names.get("en", ()),
            *(n for lang, ns in self.names.items() if lang != "en" for n in ns),
        ]
        return tuple(dict.fromkeys(ordered))

    @property
    def labels(self) -> tuple[str, ...]:
        """Title first, then every synonym: what a caption or a case may call the term."""
        return (self.title, *self.synonyms)

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

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Term:
        """A term from a row (code, title, level, parent, synonyms as a list or a '|'/';' string)."""
        return cls(
            code=str(row["code"]),
            title=str(row.get("title") or row["code"]),
            level=row.get("level"),
            parent=row.get("parent"),
            names={ANY_LANGUAGE: _flat_synonyms(row.get("synonyms"))},
        )


def _flat_synonyms(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in re.split(r"[|;]", value) if s.strip())
    return tuple(str(s) for s in value if s)


def rows_of(value: Any) -> list[dict[str, Any]]:
    """Rows of a table-shaped value: a pyarrow Table, a pandas DataFrame, dicts or objects with the
    term fields; a callable is called first (a `terms()` method as well as a `terms` attribute)."""
    if callable(value):
        value = value()
    if hasattr(value, "to_pylist"):
        return list(value.to_pylist())
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return list(value.to_dict("records"))
    rows: list[dict[str, Any]] = []
    for entry in value:
        if isinstance(entry, Mapping):
            rows.append(dict(entry))
        else:
            rows.append({k: getattr(entry, k, None) for k in TERM_FIELDS})
    return rows


def terms_of(value: Any) -> list[Term]:
    """Terms of a table-shaped value (see `rows_of`); `Term`s pass through unchanged."""
    if callable(value):
        value = value()
    if isinstance(value, Iterable) and not hasattr(value, "to_pylist") and not hasattr(value, "columns"):
        entries = list(value)
        if all(isinstance(e, Term) for e in entries):
            return entries
        value = entries
    return [Term.from_row(r) for r in rows_of(value) if r.get("code")]
