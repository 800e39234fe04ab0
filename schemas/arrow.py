"""Arrow schemas derived from the pydantic records, and conversions both ways.

Deriving the Arrow schema from the model keeps one definition of the data model: a field added to a
record appears in every Parquet file that holds it.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from schemas.records import RECORD_TYPES, Record

R = TypeVar("R", bound=BaseModel)

RECORD_TYPE_KEY = b"medforge.record_type"


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """Arrow type of a Python annotation and whether it may be null."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _arrow_type(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation}")
        return _arrow_type(args[0])[0], True
    if origin is list:
        (inner,) = get_args(annotation)
        return pa.list_(_arrow_type(inner)[0]), False
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return arrow_struct(annotation), False
        if issubclass(annotation, Enum) or annotation is str:
            return pa.string(), False
        if annotation is bool:
            return pa.bool_(), False
        if annotation is int:
            return pa.int64(), False
        if annotation is float:
            return pa.float64(), False
        if annotation is dt.datetime:
            return pa.timestamp("us", tz="UTC"), False
        if annotation is dt.date:
            return pa.date32(), False
    raise TypeError(f"no Arrow type for {annotation!r}")


def _fields(model: type[BaseModel]) -> list[pa.Field]:
    out = []
    for name, info in model.model_fields.items():
        arrow_type, nullable = _arrow_type(info.annotation)
        out.append(pa.field(name, arrow_type, nullable=nullable or not info.is_required()))
    return out


@cache
def arrow_struct(model: type[BaseModel]) -> pa.StructType:
    """The Arrow struct type of a nested model."""
    return pa.struct(_fields(model))


@cache
def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a record type, tagged with the record type's name."""
    return pa.schema(_fields(model), metadata={RECORD_TYPE_KEY: model.__name__.encode()})


def to_table(records: typing.Sequence[BaseModel], model: type[BaseModel]) -> pa.Table:
    """Records as an Arrow table with the model's schema (empty input gives an empty table)."""
    rows = [r.model_dump(mode="python") for r in records]
    return pa.Table.from_pylist(rows, schema=arrow_schema(model))


def from_table(table: pa.Table, model: type[R]) -> list[R]:
    """Records back from an Arrow table written by `to_table`."""
    return [model.model_validate(row) for row in table.to_pylist()]


def record_type_of(table: pa.Table) -> type[Record]:
    """The record type a table was written with (from its schema metadata)."""
    name = (table.schema.metadata or {}).get(RECORD_TYPE_KEY)
    if name is None or name.decode() not in RECORD_TYPES:
        raise TypeError(f"table has no known medforge record type (metadata: {name!r})")
    return RECORD_TYPES[name.decode()]
