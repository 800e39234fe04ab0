"""Selecting items by taxonomy: a small query language over tags and a few item fields.

    icd10:K70-K87 and modality:CT
    specialty:pediatrics or (specialty:obstetrics and not anatomy:breast)
    icd10:XI,IX and language:pt-BR

A term is `vocabulary:code` (several codes joined by commas mean any of them); a code matches an
item tagged with that code or any code below it (hierarchy roll-up: `icd10:XI` matches K70.1). For
ICD-10, `A-B` is a range of categories (K70-K87 holds every code whose category lies in it). Terms
combine with `and`, `or`, `not` and parentheses. `icd10:` matches an item's primary ICD-10 code
(what the item is about; items tagged before primary codes existed match on any ICD-10 tag);
`icd10_any:` matches any ICD-10 code the item mentions, primary or secondary. `language:`,
`task:`, `split:`, `origin:` and `review:` select on item fields. An unknown vocabulary, field or
code is an error that names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa

from schemas import BenchmarkItem, MedforgeError, Vocabulary
from vocabulary import (
    UnknownCodeError,
    VocabularyTable,
    as_vocabulary,
    icd10_category_span,
    is_icd10_range,
    load_vocabulary,
)

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
FIELDS = {
    "language": "language",
    "task": "task",
    "split": "split",
    "origin": "origin",
    "review": "review_status",
}

Row = dict[str, Any]
Predicate = Callable[[Row], bool]
T = TypeVar("T")


class QueryError(MedforgeError):
    """Raised when a --where query cannot be parsed; says where and what was expected."""

    def __init__(self, query: str, message: str) -> None:
        self.query = query
        super().__init__(f"bad query '{query}': {message}")


@dataclass(frozen=True)
class _CodeMatcher:
    """One code (or ICD-10 range) of one vocabulary, compiled."""

    table: VocabularyTable
    code: str | None = None
    span: tuple[str, str] | None = None

    def matches(self, tag_code: str) -> bool:
        if tag_code not in self.table:
            return False
        if self.span is not None:
            first, last = icd10_category_span(self.table, tag_code)
            return self.span[0] <= first and last <= self.span[1]
        return self.table.is_under(tag_code, self.code or "")


def _code_matcher(vocabulary: Vocabulary, raw: str) -> _CodeMatcher:
    table = load_vocabulary(vocabulary)
    if vocabulary is Vocabulary.ICD10 and table.resolve(raw) is None and raw.count("-") == 1:
        start, end = raw.upper().split("-")
        for endpoint in (start, end):
            if table.resolve(endpoint) is None:
                table.get(endpoint)  # raises UnknownCodeError naming the endpoint
        if not is_icd10_range(raw):
            raise MedforgeError(f"icd10 range '{raw}' should join two codes, like K70-K87")
        start, end = table.get(start).code, table.get(end).code
        first = icd10_category_span(table, start)[0]
        last = icd10_category_span(table, end)[1]
        if first > last:
            raise MedforgeError(f"icd10 range '{raw}' runs backwards")
        return _CodeMatcher(table, span=(first, last))
    return _CodeMatcher(table, code=table.get(raw).code)


ANY_MENTION = "icd10_any"


def _tag_term(vocabulary: Vocabulary, codes: list[str], primary_only: bool = False) -> Predicate:
    matchers = [_code_matcher(vocabulary, c) for c in codes]

    def predicate(row: Row) -> bool:
        tags = row.get("tags") or []
        if primary_only:
            primary = [t for t in tags if t.get("primary") and str(t["vocabulary"]) == vocabulary.value]
            tags = primary or tags
        for tag in tags:
            if str(tag["vocabulary"]) == vocabulary.value and any(m.matches(tag["code"]) for m in matchers):
                return True
        return False

    return predicate


def _field_term(field: str, values: list[str]) -> Predicate:
    wanted = {v.casefold() for v in values}

    def predicate(row: Row) -> bool:
        value = row.get(field)
        return value is not None and str(value).casefold() in wanted

    return predicate


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _TOKEN.findall(query)
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise QueryError(self.query, "it ends too early")
        self.position += 1
        return token

    def parse(self) -> Predicate:
        if not self.tokens:
            raise QueryError(self.query, "it is empty")
        predicate = self.disjunction()
        if self.peek() is not None:
            raise QueryError(self.query, f"unexpected '{self.peek()}'")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while (self.peek() or "").lower() == "or":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while (self.peek() or "").lower() == "and":
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def negation(self) -> Predicate:
        if (self.peek() or "").lower() == "not":
            self.take()
            inner = self.negation()
            return lambda row: not inner(row)
        return self.atom()

    def atom(self) -> Predicate:
        token = self.take()
        if token == "(":
            inner = self.disjunction()
            if self.take() != ")":
                raise QueryError(self.query, "a '(' is not closed")
            return inner
        if token.lower() in ("and", "or", ")"):
            raise QueryError(self.query, f"expected a term like icd10:K70, found '{token}'")
        name, sep, value = token.partition(":")
        codes = [c for c in value.split(",") if c]
        if not sep or not codes:
            raise QueryError(self.query, f"'{token}' is not a term like vocabulary:code")
        if name.lower() in FIELDS:
            return _field_term(FIELDS[name.lower()], codes)
        if name.lower() == ANY_MENTION:
            return _tag_term(Vocabulary.ICD10, codes)
        vocabulary = as_vocabulary(name)
        return _tag_term(vocabulary, codes, primary_only=vocabulary is Vocabulary.ICD10)


def compile_query(where: str) -> Predicate:
    """A predicate over item rows (dicts with `tags` as dicts) from a query; errors name the culprit."""
    return _Parser(where).parse()


def _row(item: BenchmarkItem | Row) -> Row:
    if isinstance(item, BenchmarkItem):
        return item.model_dump(mode="json")
    return item


def select_items(items_or_table: Sequence[T] | pa.Table, where: str) -> list[T] | pa.Table:
    """The items (or table rows) a query selects, in their order; a table gives a table back."""
    predicate = compile_query(where)
    if isinstance(items_or_table, pa.Table):
        mask = [predicate(row) for row in items_or_table.select(_columns(items_or_table)).to_pylist()]
        return items_or_table.filter(pa.array(mask, type=pa.bool_()))
    return [item for item in items_or_table if predicate(_row(item))]  # type: ignore[arg-type]


def _columns(table: pa.Table) -> list[str]:
    return [c for c in ("tags", *FIELDS.values()) if c in table.column_names]


__all__ = ["QueryError", "UnknownCodeError", "compile_query", "select_items"]
