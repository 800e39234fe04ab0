"""One IO manager for every stage output: StageResults and tables as Parquet, one folder per asset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import Field

from schemas import MedforgeError, Rejection, StageResult, from_table, record_type_of, to_table


class StageIOManager(dg.ConfigurableIOManager):
    """Stores StageResults as records + rejections Parquet and result.json; tables as table.parquet."""

    base_dir: str = Field(description="folder holding one sub-folder per asset")

    def _path(self, key: dg.AssetKey) -> Path:
        return Path(self.base_dir).joinpath(*key.path)

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        path = self._path(context.asset_key)
        path.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StageResult):
            model = type(obj.records[0]) if obj.records else None
            model_name = obj.metadata.get("record_type") if model is None else model.__name__
            if model is not None:
                pq.write_table(to_table(list(obj.records), model), path / "records.parquet")
            else:
                (path / "records.parquet").unlink(missing_ok=True)
            pq.write_table(to_table(list(obj.rejections), Rejection), path / "rejections.parquet")
            meta = {
                "stage": obj.stage,
                "records_in": obj.records_in,
                "expanded": obj.expanded,
                "metadata": obj.metadata,
                "record_type": model_name,
            }
            (path / "result.json").write_text(json.dumps(meta, default=str, sort_keys=True), encoding="utf-8")
            rows = len(obj.records)
        elif isinstance(obj, pa.Table):
            pq.write_table(obj, path / "table.parquet")
            rows = obj.num_rows
        else:
            raise TypeError(f"StageIOManager cannot store {type(obj).__name__} for {context.asset_key}")
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path)), "row_count": rows})

    def load_input(self, context: dg.InputContext) -> Any:
        path = self._path(context.asset_key)
        if (path / "table.parquet").is_file():
            return pq.read_table(path / "table.parquet")
        meta = json.loads((path / "result.json").read_text(encoding="utf-8"))
        records: list[Any] = []
        if (path / "records.parquet").is_file():
            table = pq.read_table(path / "records.parquet")
            records = from_table(table, record_type_of(table))
        rejections = from_table(pq.read_table(path / "rejections.parquet"), Rejection)
        try:
            return StageResult(
                stage=meta["stage"],
                records=records,
                rejections=rejections,
                records_in=meta["records_in"],
                expanded=meta["expanded"],
                metadata=meta["metadata"],
            )
        except ValueError as error:  # an unknown stage name, books that do not balance
            raise MedforgeError(
                f"{path / 'result.json'}: not a stage result this medforge can read ({error}); "
                f"materialize {context.asset_key.to_user_string()} again"
            ) from None
