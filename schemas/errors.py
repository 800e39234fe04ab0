"""Error types raised across medforge; each carries structured context so a report can be built."""

from __future__ import annotations


class MedforgeError(Exception):
    """Raised when medforge refuses an operation; the message is one line meant for a user."""


class SpecError(MedforgeError):
    """Raised when a benchmark spec is wrong; names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"spec field '{field}': {message}")


class ReleaseExistsError(MedforgeError):
    """Raised when a release version is written twice: published versions are immutable."""

    def __init__(self, benchmark: str, version: str, path: str) -> None:
        self.benchmark = benchmark
        self.version = version
        super().__init__(
            f"release {benchmark}@{version} already exists at {path}; "
            "published versions are immutable, choose a new version"
        )


class ReleaseNotFoundError(MedforgeError):
    """Raised when a release reference names no release in the store."""


class ContractViolation(MedforgeError):
    """Raised when released items break their data contract; lists the failing checks and items."""

    def __init__(self, failures: list[dict[str, object]]) -> None:
        self.failures = failures
        lines = [
            f"{f['expectation']} on '{f['column']}': {f['unexpected_count']} bad"
            + (f" (item ids: {', '.join(map(str, f['item_ids']))})" if f.get("item_ids") else "")
            for f in failures
        ]
        super().__init__("data contract failed: " + "; ".join(lines))


class RecordError(MedforgeError):
    """Raised by a stage when one record cannot be handled; becomes a `Rejection`."""

    def __init__(self, reason_code: str, message: str, record_id: str = "") -> None:
        self.reason_code = reason_code
        self.record_id = record_id
        super().__init__(message)


class UnbalancedBooksError(MedforgeError, ValueError):
    """Raised when a stage's books do not balance: records in + expanded != out + rejected.

    It means the stage lost a record (or counted one it never had) between reading and returning.
    """

    def __init__(self, stage: str, records_in: int, expanded: int, out: int, rejected: int) -> None:
        self.stage = stage
        self.records_in = records_in
        self.expanded = expanded
        self.out = out
        self.rejected = rejected
        missing = records_in + expanded - out - rejected
        what = f"{missing} record(s) unaccounted for" if missing > 0 else f"{-missing} record(s) too many"
        super().__init__(
            f"stage {stage}: books do not balance: in {records_in} + expanded {expanded} != "
            f"out {out} + rejected {rejected} ({what})"
        )
