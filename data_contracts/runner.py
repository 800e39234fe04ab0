"""Runs a data contract with Great Expectations and reports failures with the ids of bad items."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from data_contracts.items_suite import item_expectations, items_frame
from schemas import BenchmarkItem, ContractViolation

MAX_IDS_PER_FAILURE = 20


@dataclass(frozen=True)
class ContractReport:
    """The outcome of a contract run: which expectations failed, on which items."""

    success: bool
    evaluated: int
    failures: list[dict[str, Any]] = field(default_factory=list)

    def raise_for_failures(self) -> None:
        """Raise ContractViolation when anything failed."""
        if not self.success:
            raise ContractViolation(self.failures)


def run_contract(
    frame: pd.DataFrame, expectations: Sequence[Any], name: str, id_column: str
) -> ContractReport:
    """Validate `frame` against `expectations` in an ephemeral GX context."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas("medforge")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("all")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    if frame.empty:
        return ContractReport(success=True, evaluated=len(expectations))
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
    )
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        index_list = outcome.result.get("unexpected_index_list") or []
        ids = sorted({str(row.get(id_column)) for row in index_list if isinstance(row, dict)})
        failures.append(
            {
                "expectation": config.type,
                "column": config.kwargs.get("column"),
                "unexpected_count": outcome.result.get("unexpected_count"),
                "item_ids": ids[:MAX_IDS_PER_FAILURE],
            }
        )
    return ContractReport(success=bool(result.success), evaluated=len(result.results), failures=failures)


def validate_items(items: Sequence[BenchmarkItem], splits: Sequence[str] | None = None) -> ContractReport:
    """The released-items contract on a list of items."""
    return run_contract(items_frame(items), item_expectations(splits), "released_items", "item_id")
