"""Annotations to review decisions: parse each against its config, then combine the reviewers' verdicts.

One annotation becomes a `Verdict` (or a reason it does not fit the config). A task's verdicts become
one `Decision`: pending until enough valid verdicts, accepted / fixed / rejected when they agree,
disputed when they do not, and settled by the designated adjudicator's verdict when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from annotation.configs import ItemKind, allowed_values, text_fields
from annotation.errors import AnnotationMismatch
from schemas import ReviewStatus

VERDICT_STATUS = {
    "accept": ReviewStatus.ACCEPTED,
    "fix_answer": ReviewStatus.FIXED,
    "edit_text": ReviewStatus.FIXED,
    "reject": ReviewStatus.REJECTED,
}


class Verdict(BaseModel):
    """One reviewer's parsed annotation of one task."""

    model_config = ConfigDict(frozen=True)

    reviewer: str
    at: dt.datetime
    annotation_id: int
    verdict: str
    corrected_answers: list[str] = Field(default_factory=list)
    corrected_text: str | None = None
    edited_question: str | None = None
    issues: list[str] = Field(default_factory=list)
    gives_away: str | None = None
    taxonomy: list[str] = Field(default_factory=list)
    comment: str | None = None

    def signature(self) -> tuple[Any, ...]:
        """What two reviewers must share to agree: the verdict and the edit it makes."""
        if self.verdict == "fix_answer":
            return (self.verdict, tuple(sorted(self.corrected_answers)), self.corrected_text)
        if self.verdict == "edit_text":
            return (self.verdict, " ".join((self.edited_question or "").split()))
        return (self.verdict,)

    def reason(self) -> str:
        """The reviewer's reason as a rejection message shows it."""
        parts = [f"{self.verdict} by {self.reviewer}"]
        if self.issues:
            parts.append("issues: " + ", ".join(self.issues))
        if self.comment:
            parts.append(f"comment: {self.comment}")
        return "; ".join(parts)


class Decision(BaseModel):
    """The review outcome of one pushed task, as pulled from Label Studio."""

    external_id: str
    item_id: str
    slot_key: str
    kind: str
    project_id: int
    task_id: int
    status: ReviewStatus
    verdicts: list[Verdict] = Field(default_factory=list)
    final: Verdict | None = None
    adjudicated: bool = False
    reason: str | None = None
    invalid: list[str] = Field(default_factory=list, description="annotations that did not fit the config")
    pulled_at: dt.datetime


def _values(result: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for region in result:
        name = str(region.get("from_name", ""))
        value = region.get("value") or {}
        if "choices" in value:
            values.setdefault(name, []).extend(str(v) for v in value["choices"])
        elif "text" in value:
            texts = value["text"] if isinstance(value["text"], list) else [value["text"]]
            values.setdefault(name, []).extend(str(t) for t in texts)
        else:
            raise AnnotationMismatch(f"field '{name}' has an unsupported value {sorted(value)}")
    return values


def _text(values: dict[str, list[str]], name: str) -> str | None:
    joined = "\n".join(t for t in values.get(name, []) if t.strip()).strip()
    return joined or None


def parse_annotation(
    kind: ItemKind | str,
    option_labels: Sequence[str],
    annotation: Mapping[str, Any],
    reviewer: str,
) -> Verdict:
    """One annotation as a verdict; raises `AnnotationMismatch` when it does not fit the config."""
    kind = ItemKind(kind)
    values = _values(annotation.get("result") or [])
    choices = allowed_values(kind)
    known = set(choices) | set(text_fields(kind))
    for name, picked in values.items():
        if name not in known:
            raise AnnotationMismatch(f"unknown field '{name}' for a {kind} task")
        if name in choices:
            bad = [v for v in picked if v not in choices[name]]
            if bad:
                raise AnnotationMismatch(f"unknown choice '{bad[0]}' in '{name}'")
    verdicts = values.get("verdict", [])
    if len(verdicts) != 1:
        raise AnnotationMismatch(
            "missing required field 'verdict'" if not verdicts else "more than one verdict"
        )
    verdict = verdicts[0]
    corrected = sorted(set(values.get("corrected_answer", [])))
    corrected_text = _text(values, "corrected_text")
    edited = _text(values, "edited_question")
    if verdict == "fix_answer":
        if kind is ItemKind.OPEN_ENDED and not corrected_text:
            raise AnnotationMismatch("verdict fix_answer without a corrected answer text")
        if kind is not ItemKind.OPEN_ENDED and not corrected:
            raise AnnotationMismatch("verdict fix_answer without a corrected answer")
        outside = [a for a in corrected if a not in option_labels]
        if outside:
            raise AnnotationMismatch(f"corrected answer '{outside[0]}' is not an option of the item")
        if kind is not ItemKind.MCQ_MULTI and len(corrected) > 1:
            raise AnnotationMismatch("more than one corrected answer for a single-answer item")
    if verdict == "edit_text" and not edited:
        raise AnnotationMismatch("verdict edit_text without an edited question")
    created = annotation.get("updated_at") or annotation.get("created_at")
    at = (
        dt.datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else dt.datetime.now(dt.UTC)
    )
    return Verdict(
        reviewer=reviewer,
        at=at,
        annotation_id=int(annotation.get("id") or 0),
        verdict=verdict,
        corrected_answers=corrected,
        corrected_text=corrected_text,
        edited_question=edited,
        issues=sorted(set(values.get("issues", []))),
        gives_away=(values.get("gives_away") or [None])[0],
        taxonomy=[line.strip() for line in (_text(values, "taxonomy") or "").splitlines() if line.strip()],
        comment=_text(values, "comment"),
    )


def combine(
    verdicts: Sequence[Verdict],
    invalid: Sequence[str],
    min_annotators: int = 1,
    adjudicator: str | None = None,
) -> tuple[ReviewStatus, Verdict | None, bool, str | None]:
    """(status, final verdict, adjudicated, reason) from a task's valid verdicts (one per reviewer)."""
    if adjudicator:
        ruling = [v for v in verdicts if v.reviewer == adjudicator]
        if ruling:
            final = max(ruling, key=lambda v: v.at)
            return VERDICT_STATUS[final.verdict], final, True, f"adjudicated by {adjudicator}"
    voters = [v for v in verdicts if v.reviewer != adjudicator]
    problems = "; ".join(invalid)
    if len(voters) < min_annotators:
        have = f"{len(voters)} of {min_annotators} valid annotation(s)"
        return (
            ReviewStatus.PENDING,
            None,
            False,
            have + (f"; not fitting the config: {problems}" if problems else ""),
        )
    signatures = {v.signature() for v in voters}
    if len(signatures) > 1:
        votes = ", ".join(f"{v.reviewer}: {v.verdict}" for v in voters)
        waiting = f"awaiting adjudication by {adjudicator}" if adjudicator else "no adjudicator designated"
        return ReviewStatus.DISPUTED, None, False, f"reviewers disagree ({votes}); {waiting}"
    final = max(voters, key=lambda v: v.at)
    return VERDICT_STATUS[final.verdict], final, False, final.reason()


def latest_per_reviewer(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """A reviewer who annotated twice counts once, with their latest verdict."""
    latest: dict[str, Verdict] = {}
    for verdict in sorted(verdicts, key=lambda v: (v.at, v.annotation_id)):
        latest[verdict.reviewer] = verdict
    return sorted(latest.values(), key=lambda v: v.reviewer)


def decide_task(
    task: Mapping[str, Any],
    reviewers: Mapping[int, str],
    project_id: int,
    min_annotators: int = 1,
    adjudicator: str | None = None,
    now: dt.datetime | None = None,
) -> Decision:
    """The decision for one exported task (its `data` and `annotations`)."""
    data = task["data"]
    kind = ItemKind(data["kind"])
    verdicts: list[Verdict] = []
    invalid: list[str] = []
    for annotation in task.get("annotations") or []:
        if annotation.get("was_cancelled"):
            continue
        completed_by = annotation.get("completed_by")
        if isinstance(completed_by, Mapping):
            reviewer = str(completed_by.get("email") or completed_by.get("id"))
        else:
            reviewer = reviewers.get(int(completed_by), f"user-{completed_by}") if completed_by else "unknown"
        try:
            verdicts.append(parse_annotation(kind, data.get("option_labels") or [], annotation, reviewer))
        except AnnotationMismatch as error:
            invalid.append(f"{reviewer}: {error.reason}")
    verdicts = latest_per_reviewer(verdicts)
    status, final, adjudicated, reason = combine(verdicts, invalid, min_annotators, adjudicator)
    return Decision(
        external_id=data["external_id"],
        item_id=data["item_id"],
        slot_key=data["slot_key"],
        kind=str(kind),
        project_id=project_id,
        task_id=int(task["id"]),
        status=status,
        verdicts=verdicts,
        final=final,
        adjudicated=adjudicated,
        reason=reason,
        invalid=invalid,
        pulled_at=now or dt.datetime.now(dt.UTC),
    )
