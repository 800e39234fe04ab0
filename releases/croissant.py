"""`croissant.json`: MLCommons Croissant metadata of a release, written and validated with mlcroissant.

One FileObject per Parquet file (with its sha256), one RecordSet per split (and per evaluation view),
fields typed from the Arrow schema, nested structs and lists as sub-fields and arrays. Validation
loads the file back with mlcroissant and reads a record of every non-empty record set, so a release
whose metadata a Croissant reader cannot use is never published.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import MedforgeError
from schemas.licences import licence_url

CROISSANT = "croissant.json"
PARQUET_MIME = "application/x-parquet"


class CroissantError(MedforgeError):
    """Raised when a release's Croissant metadata cannot be built, or mlcroissant rejects it."""


def _data_type(mlc: Any, data_type: pa.DataType) -> Any:
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return mlc.DataType.TEXT
    if pa.types.is_boolean(data_type):
        return mlc.DataType.BOOL
    if pa.types.is_integer(data_type):
        return mlc.DataType.INTEGER
    if pa.types.is_floating(data_type):
        return mlc.DataType.FLOAT
    if pa.types.is_date(data_type):
        return mlc.DataType.DATE
    if pa.types.is_timestamp(data_type):
        return mlc.DataType.DATETIME
    if pa.types.is_binary(data_type) or pa.types.is_large_binary(data_type):
        return mlc.DataType.TEXT  # mlcroissant decodes IMAGE_OBJECT only outside arrays
    raise CroissantError(f"no Croissant type for Arrow type {data_type}")


def _field(mlc: Any, parent_id: str, file_id: str, field: pa.Field, path: tuple[str, ...]) -> Any:
    """One Croissant field for an Arrow column (or a struct member, read by a JSON path)."""
    field_id = f"{parent_id}/{field.name}"
    data_type = field.type
    is_array = pa.types.is_list(data_type) or pa.types.is_large_list(data_type)
    if is_array:
        data_type = data_type.value_type
    source_kwargs: dict[str, Any] = {"file_object": file_id, "extract": mlc.Extract(column=path[0])}
    if len(path) > 1:
        source_kwargs["transforms"] = [mlc.Transform(json_path=".".join(path[1:]))]
    if pa.types.is_struct(data_type):
        # members of a list of structs are read relative to each element, as mlcroissant does
        member_path = (path[0],) if is_array else path
        sub_fields = [
            _field(mlc, field_id, file_id, member, (*member_path, member.name)) for member in data_type
        ]
        return mlc.Field(id=field_id, name=field.name, is_array=is_array or None, sub_fields=sub_fields)
    return mlc.Field(
        id=field_id,
        name=field.name,
        data_types=[_data_type(mlc, data_type)],
        is_array=is_array or None,
        source=mlc.Source(**source_kwargs),
    )


def croissant_metadata(
    root: Path,
    manifest: Mapping[str, Any],
    record_sets: Mapping[str, str],
    sha256: Mapping[str, str],
    languages: list[str],
) -> dict[str, Any]:
    """The Croissant JSON-LD of a release.

    `record_sets` maps a record-set name to its Parquet file (relative to `root`); `sha256` holds the
    digest of every file by relative path.
    """
    import mlcroissant as mlc

    distribution = []
    sets = []
    for name, relative in sorted(record_sets.items()):
        file_id = relative
        distribution.append(
            mlc.FileObject(
                id=file_id,
                name=file_id,
                content_url=relative,
                encoding_formats=[PARQUET_MIME],
                sha256=sha256[relative],
                content_size=f"{(root / relative).stat().st_size} B",
            )
        )
        schema = pq.read_schema(root / relative)
        fields = [_field(mlc, name, file_id, column, (column.name,)) for column in schema]
        key = [f"{name}/item_id"] if "item_id" in schema.names else None
        sets.append(mlc.RecordSet(id=name, name=name, fields=fields, key=key))
    licences = [licence_url(licence) or licence for licence in manifest["licences"]]
    created = dt.datetime.fromisoformat(manifest["created_at"])
    spec = manifest["spec"]
    metadata = mlc.Metadata(
        name=manifest["benchmark"],
        description=spec.get("description") or f"{manifest['benchmark']} benchmark built with medforge",
        version=manifest["version"],
        license=licences or None,
        url=_public_url(spec),
        date_published=created,
        cite_as=f"{manifest['benchmark']} {manifest['version']} (content hash {manifest['content_hash']})",
        keywords=["medical", "benchmark", "medforge"],
        in_language=sorted(set(languages)) or None,
        distribution=distribution,
        record_sets=sets,
    )
    issues = metadata.ctx.issues
    if issues.errors:
        raise CroissantError(f"Croissant metadata of {root} is invalid: {'; '.join(sorted(issues.errors))}")
    return metadata.to_json()


def _public_url(spec: Mapping[str, Any]) -> str | None:
    for source in spec.get("sources", []):
        if source.get("public_url"):
            return source["public_url"]
    return None


def write_croissant(root: Path, metadata: Mapping[str, Any]) -> Path:
    """Writes `croissant.json` (sorted keys, so a rebuild writes the same bytes but the date)."""
    path = root / CROISSANT
    path.write_text(json.dumps(metadata, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def validate_croissant(path: Path) -> dict[str, int]:
    """Loads `croissant.json` with mlcroissant and reads the first record of each record set.

    Returns the record sets read; raises CroissantError with mlcroissant's own message otherwise.
    """
    import mlcroissant as mlc

    try:
        dataset = mlc.Dataset(jsonld=str(path))
    except mlc.ValidationError as error:
        raise CroissantError(f"{path}: Croissant validation failed: {error}") from None
    checked: dict[str, int] = {}
    for record_set in dataset.metadata.record_sets:
        rows = 0
        try:
            for _ in dataset.records(record_set=record_set.uuid):
                rows += 1
                break
        except Exception as error:  # mlcroissant raises many kinds; each one means unreadable
            raise CroissantError(
                f"{path}: record set '{record_set.name}' cannot be read: {type(error).__name__}: {error}"
            ) from None
        checked[record_set.name] = rows
    return checked
