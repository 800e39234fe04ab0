"""The data model: content ids, Arrow round trips, spec validation errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from pydantic import ValidationError

from schemas import (
    RECORD_TYPES,
    BenchmarkItem,
    Disposition,
    Option,
    ReasonCode,
    Rejection,
    SpecError,
    Stage,
    arrow_schema,
    from_table,
    load_spec,
    record_type_of,
    to_table,
)
from schemas.spec import parse_spec, validate_version


def test_item_id_is_derived_from_content(make_item) -> None:
    a = make_item()
    b = make_item(source_key="another/place")
    assert a.item_id == b.item_id and a.item_id.startswith("itm-")
    assert make_item(question="Which organ produces bile?").item_id != a.item_id


def test_item_with_wrong_id_is_refused(make_item) -> None:
    data = make_item().model_dump()
    data["item_id"] = "itm-000"
    with pytest.raises(ValidationError, match="does not match its content"):
        BenchmarkItem.model_validate(data)


def test_with_changes_recomputes_the_id(make_item) -> None:
    item = make_item()
    edited = item.with_changes(question="Which organ secretes insulin?")
    assert edited.item_id != item.item_id and edited.question == "Which organ secretes insulin?"
    assert edited.source_key == item.source_key


@pytest.mark.parametrize("name", sorted(RECORD_TYPES))
def test_every_record_type_has_an_arrow_schema(name: str) -> None:
    schema = arrow_schema(RECORD_TYPES[name])
    assert isinstance(schema, pa.Schema) and len(schema) > 3


def test_items_round_trip_through_arrow(make_item) -> None:
    items = [make_item(), make_item(question="Q2?", answers=("A", "C"))]
    table = to_table(items, BenchmarkItem)
    assert table.schema.field("options").type == pa.list_(
        pa.struct([pa.field("label", pa.string(), False), pa.field("text", pa.string(), False)])
    )
    assert record_type_of(table) is BenchmarkItem
    assert from_table(table, BenchmarkItem) == items
    assert str(from_table(table, BenchmarkItem)[1].task) == "mcq_multi"


def test_rejection_of_carries_stage_locator_and_payload(make_item) -> None:
    item = make_item()
    rejection = Rejection.of(
        "curate",
        item.item_id,
        "BenchmarkItem",
        ReasonCode.LEAKED,
        "leaked: ngram13",
        uri="exams/2024.json",
        locator="question 7",
        payload=item,
        cluster_id="c1",
    )
    assert rejection.stage is Stage.CURATE and rejection.reason_code == "leaked"
    assert (rejection.source_uri, rejection.locator, rejection.cluster_id) == (
        "exams/2024.json",
        "question 7",
        "c1",
    )
    assert BenchmarkItem.model_validate_json(rejection.payload) == item
    assert str(rejection.disposition) == "rejected"
    row = Rejection.of(
        Stage.EXTRACT,
        "exq-1",
        "ExamQuestion",
        "parse_error",
        "row 3 is a list",
        uri="bank.json",
        locator="row 3",
        payload={"row": ["a", 1]},
        disposition=Disposition.QUARANTINED,
    )
    assert row.payload == '{"row":["a",1]}' and str(row.disposition) == "quarantined"
    assert from_table(to_table([rejection, row], Rejection), Rejection) == [rejection, row]
    assert arrow_schema(Rejection).field("locator").nullable


MINIMAL_SPEC = {
    "benchmark": "unit-bench",
    "sources": [{"id": "s1", "kind": "pdf", "licence": "CC-BY-4.0", "paths": []}],
}


def test_spec_errors_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="sources.0.kind"):
        parse_spec({**MINIMAL_SPEC, "sources": [{"id": "s1", "kind": "ftp", "licence": "x"}]})
    with pytest.raises(SpecError, match="'colour'"):
        parse_spec({**MINIMAL_SPEC, "colour": "blue"})
    with pytest.raises(SpecError, match=r"sources.0.paths.0.*missing file"):
        parse_spec(
            {**MINIMAL_SPEC, "sources": [{"id": "s1", "kind": "pdf", "licence": "x", "paths": ["no.pdf"]}]},
            base_dir=tmp_path,
        )
    with pytest.raises(SpecError, match="splits"):
        parse_spec({**MINIMAL_SPEC, "splits": {"test": 0.5}})
    with pytest.raises(SpecError, match="spec.*missing file"):
        load_spec(tmp_path / "absent.yaml")
    with pytest.raises(SpecError, match="version"):
        validate_version("v1 final")
    assert validate_version("2025.1") == "2025.1"


def test_spec_hash_ignores_where_the_spec_lies(tmp_path: Path) -> None:
    a = parse_spec(MINIMAL_SPEC, base_dir=tmp_path)
    b = parse_spec(MINIMAL_SPEC, base_dir=tmp_path / "elsewhere")
    assert a.spec_hash() == b.spec_hash()
    assert a.spec_hash() != parse_spec({**MINIMAL_SPEC, "seed": 3}).spec_hash()


def test_options_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Option(label="A", text="x").label = "B"  # type: ignore[misc]
