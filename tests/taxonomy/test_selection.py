"""The query language: and/or/not, ICD-10 ranges, hierarchy roll-up, item fields, clear errors."""

from __future__ import annotations

import pytest

from schemas import BenchmarkItem, MedforgeError, arrow_schema, to_table
from taxonomy.selection import QueryError, select_items
from tests.taxonomy.conftest import tagged
from vocabulary import UnknownCodeError

ITEMS = [
    tagged("liver CT", "icd10:K70.1", "modality:CT"),
    tagged("liver MRI", "icd10:K74", "modality:MRI"),
    tagged("heart CT", "icd10:I21", "modality:CT"),
    tagged("gallstones US", "icd10:K80", "modality:US", language="pt-BR"),
    tagged("no tags"),
]


def questions(where: str) -> list[str]:
    return [i.question for i in select_items(ITEMS, where)]


def test_the_issue_example():
    assert questions("icd10:K70-K87 and modality:CT") == ["liver CT"]


def test_ranges_and_rollup():
    assert questions("icd10:K70-K87") == ["liver CT", "liver MRI", "gallstones US"]
    assert questions("icd10:XI") == ["liver CT", "liver MRI", "gallstones US"]
    assert questions("icd10:K70") == ["liver CT"]
    assert questions("icd10:K70-K77") == ["liver CT", "liver MRI"]
    assert questions("modality:radiology and not icd10:XI") == ["heart CT"]


def test_or_not_parentheses_lists_and_fields():
    assert questions("modality:MRI or icd10:IX") == ["liver MRI", "heart CT"]
    assert questions("not (icd10:XI or icd10:IX)") == ["no tags"]
    assert questions("modality:ct,us") == ["liver CT", "heart CT", "gallstones US"]
    assert questions("icd10:XI AND language:pt-br") == ["gallstones US"]


def test_a_table_gives_a_table():
    table = to_table(ITEMS, BenchmarkItem)
    selected = select_items(table, "icd10:K70-K87 and modality:CT")
    assert selected.schema == arrow_schema(BenchmarkItem)
    assert selected.column("question").to_pylist() == ["liver CT"]


def test_unknown_code_is_an_error_naming_it():
    with pytest.raises(UnknownCodeError, match="'K999'"):
        select_items(ITEMS, "icd10:K70 or icd10:K999")
    with pytest.raises(UnknownCodeError, match="'Z99X'"):
        select_items(ITEMS, "icd10:K70-Z99X")
    with pytest.raises(UnknownCodeError, match="modality code 'XRAYS'"):
        select_items(ITEMS, "modality:XRAYS")
    with pytest.raises(MedforgeError, match="unknown vocabulary 'organ'"):
        select_items(ITEMS, "organ:liver")


@pytest.mark.parametrize(
    "query", ["", "icd10:K70 and", "(icd10:K70", "icd10", "and icd10:K70", "icd10:K70 modality:CT"]
)
def test_malformed_queries_are_clear_errors(query):
    with pytest.raises(QueryError, match="bad query"):
        select_items(ITEMS, query)
