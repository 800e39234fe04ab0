"""The result every stage returns: records that go on, rejections that do not, and the books."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from schemas.records import Record, Rejection

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class StageResult(Generic[R]):
    """Output of one stage. `records_in` is what it was given; the books must balance.

    A stage that turns one input into several outputs (one case report into two items) says so by
    setting `records_in` to what it consumed and `expanded` to the extra records it made, so that
    records_in + expanded == len(records) + len(rejections).
    """

    stage: str
    records: Sequence[R]
    rejections: Sequence[Rejection] = ()
    records_in: int | None = None
    expanded: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.records_in is not None and not self.balanced:
            raise ValueError(
                f"stage {self.stage}: books do not balance: in {self.records_in} + expanded "
                f"{self.expanded} != out {len(self.records)} + rejected {len(self.rejections)}"
            )

    @property
    def balanced(self) -> bool:
        """Whether in + expanded == out + rejected."""
        if self.records_in is None:
            return True
        return self.records_in + self.expanded == len(self.records) + len(self.rejections)

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
