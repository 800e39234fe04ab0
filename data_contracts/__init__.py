"""Great Expectations suites, one per released table, and the runner."""

from data_contracts.runner import ContractReport, run_contract, validate_items

__all__ = ["ContractReport", "run_contract", "validate_items"]
