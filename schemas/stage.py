"""The result every stage returns: records that go on, rejections that do not, and the books."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from schemas.enums import Stage
from schemas.errors import UnbalancedBooksError
from schemas.records import Record, Rejection

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class StageResult(Generic[R]):
    """Output of one stage. `records_in` is what it was given; the books must balance.

    A stage that turns one input into several outputs (one case report into two items) says so by
    setting `records_in` to what it consumed and `expanded` to the extra records it made, so that
    records_in + expanded == len(records) + len(rejections). `expanded` must come from what the
    stage made (see `Books`), never from the lengths of its outputs, or the check cannot fail.
    """

    stage: Stage
    records: Sequence[R]
    rejections: Sequence[Rejection] = ()
    records_in: int | None = None
    expanded: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", Stage(self.stage))  # a stored result gives the name back
        if self.records_in is None:
            return
        out, rejected = len(self.records), len(self.rejections)
        if self.records_in + self.expanded != out + rejected:
            # several extractors share Stage.EXTRACT: the record type says which one did not balance
            kinds = [type(r).__name__ for r in self.records[:1]] or [
                r.record_type for r in self.rejections[:1]
            ]
            name = f"{self.stage} ({kinds[0]})" if kinds else str(self.stage)
            raise UnbalancedBooksError(name, self.records_in, self.expanded, out, rejected)

    def counts(self) -> dict[str, Any]:
        """The books of this stage, as the manifest and the Dagster metadata show them."""
        reasons = Counter(r.reason_code for r in self.rejections)
        dispositions = Counter(str(r.disposition) for r in self.rejections)
        return {
            "in": self.records_in if self.records_in is not None else len(self.records),
            "expanded": self.expanded,
            "out": len(self.records),
            "rejected": dispositions.get("rejected", 0),
            "quarantined": dispositions.get("quarantined", 0),
            "reasons": dict(sorted(reasons.items())),
        }


class Books(Generic[R]):
    """The books of one stage run, kept input by input: what each input made and so how far it expanded.

    The stage counts its inputs on its own and hands that count to `result`; an input it never booked,
    or a booked record lost before the result is built, then makes the result raise instead of passing.
    An input that makes nothing (a PDF without figures) books nothing and lowers `expanded` by one.
    """

    def __init__(self, stage: Stage) -> None:
        self.stage = Stage(stage)
        self.records: list[R] = []
        self.rejections: list[Rejection] = []
        self.booked = 0
        self.expanded = 0

    def book(
        self, records: Sequence[R] = (), rejections: Sequence[Rejection] = (), *, consumed: int = 1
    ) -> None:
        """`consumed` inputs made these records and rejections; the stage expands by the difference."""
        self.records.extend(records)
        self.rejections.extend(rejections)
        self.booked += consumed
        self.expanded += len(records) + len(rejections) - consumed

    def reject(self, rejection: Rejection) -> None:
        """One input that made nothing but its rejection."""
        self.book(rejections=[rejection])

    def result(
        self,
        records_in: int,
        records: Sequence[R] | None = None,
        rejections: Sequence[Rejection] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> StageResult[R]:
        """The stage's result: the booked records and rejections (or the stage's sorted copies of them)
        against `records_in`, the count of inputs the stage took, made independently of the books."""
        return StageResult(
            stage=self.stage,
            records=self.records if records is None else records,
            rejections=self.rejections if rejections is None else rejections,
            records_in=records_in,
            expanded=self.expanded,
            metadata=metadata or {},
        )
