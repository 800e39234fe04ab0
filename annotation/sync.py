"""Push items to Label Studio and pull reviewers' decisions back, both safe to re-run.

Push imports only what the server does not hold yet (matched on the external id in the task data),
one project per benchmark and item kind. Pull exports each project whole, turns annotations into
decisions and agreement figures, and saves them project by project: a pull that fails half-way keeps
what it finished, and running it again completes it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.agreement import agreement, per_label_agreement
from annotation.configs import ItemKind, label_config
from annotation.decisions import Decision, decide_task
from annotation.policy import ReviewPolicy, select_for_review
from annotation.store import ReviewState
from annotation.tasks import external_id, inline_image_resolver, item_kind, slot_key, task_data
from schemas import BenchmarkItem, BenchmarkSpec, sha256_hex

TITLE_MAX = 50


def project_title(benchmark: str, kind: ItemKind | str) -> str:
    """The Label Studio project title for a benchmark and item kind (Label Studio allows 50 chars)."""
    title = f"{benchmark}:{kind}"
    if len(title) <= TITLE_MAX:
        return title
    room = TITLE_MAX - len(str(kind)) - 8
    return f"{benchmark[:room]}~{sha256_hex(benchmark)[:6]}:{kind}"


@dataclass
class PushReport:
    """What a push did, per item kind."""

    selected: int = 0
    imported: int = 0
    already_present: int = 0
    changed: int = 0
    projects: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Plain numbers for the CLI and Dagster metadata."""
        return {
            "selected": self.selected,
            "imported": self.imported,
            "already_present": self.already_present,
            "changed": self.changed,
            "projects": dict(self.projects),
            "by_kind": dict(self.by_kind),
        }


def push(
    spec: BenchmarkSpec,
    items: Sequence[BenchmarkItem],
    client: Any,
    image_root: Path | None = None,
) -> PushReport:
    """Send the items the policy selects to one project per kind; idempotent by external id."""
    policy = ReviewPolicy.from_spec(spec)
    state = ReviewState(policy.state_dir)
    selected = select_for_review(policy, items)
    by_kind: dict[ItemKind, list[BenchmarkItem]] = defaultdict(list)
    for item in items:
        if item.item_id in selected:
            by_kind[item_kind(item, policy.case_source_ids)].append(item)
    report = PushReport(selected=len(selected))
    resolve_image = inline_image_resolver(image_root)
    for kind in sorted(by_kind):
        title = project_title(spec.benchmark, kind)
        project_id = client.ensure_project(
            title, label_config(kind), f"medforge review of {spec.benchmark} ({kind})"
        )
        report.projects[str(kind)] = project_id
        state.save_projects({str(kind): project_id})
        existing = client.export_tasks(project_id)
        by_external = {t["data"].get("external_id"): t for t in existing}
        latest_in_slot: dict[str, dict[str, Any]] = {}
        for task in sorted(existing, key=lambda t: int(t["id"])):
            latest_in_slot[task["data"].get("slot_key")] = {
                "task_id": task["id"],
                "item_id": task["data"].get("item_id"),
            }
        known: dict[str, dict[str, Any]] = {}
        new_data: list[dict[str, Any]] = []
        counts = Counter[str]()
        for item in sorted(by_kind[kind], key=external_id):
            key = external_id(item)
            if key in by_external:
                task = by_external[key]
                known[key] = _ledger_row(project_id, int(task["id"]), task["data"])
                counts["already_present"] += 1
                continue
            previous = latest_in_slot.get(slot_key(item))
            counts["changed" if previous else "new"] += 1
            data = task_data(item, kind, resolve_image, previous)
            new_data.append(data)
            by_external[key] = {"id": -1, "data": data}
        task_ids = client.import_tasks(project_id, [{"data": d} for d in new_data]) if new_data else []
        for data, task_id in zip(new_data, task_ids, strict=True):
            known[data["external_id"]] = _ledger_row(project_id, task_id, data)
        state.save_tasks(known)
        report.imported += len(new_data)
        report.already_present += counts["already_present"]
        report.changed += counts["changed"]
        report.by_kind[str(kind)] = {"imported": len(new_data), **dict(counts)}
    return report


def _ledger_row(project_id: int, task_id: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "task_id": task_id,
        "item_id": data.get("item_id"),
        "slot_key": data.get("slot_key"),
        "kind": data.get("kind"),
        "previous_task_id": data.get("previous_task_id"),
    }


@dataclass
class PullReport:
    """What a pull found: decisions by status and agreement, per project."""

    tasks: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    agreement: dict[str, Any] = field(default_factory=dict)
    invalid: int = 0

    def summary(self) -> dict[str, Any]:
        """Plain numbers for the CLI and Dagster metadata."""
        return {"tasks": self.tasks, "by_status": dict(self.by_status), "invalid": self.invalid,
                "agreement": self.agreement}  # fmt: skip


def project_agreement(decisions: Sequence[Decision], adjudicator: str | None) -> dict[str, Any]:
    """Agreement on verdicts (the adjudicator's rulings left out), overall and per label."""
    ratings = {
        d.external_id: {v.reviewer: v.verdict for v in d.verdicts if v.reviewer != adjudicator}
        for d in decisions
    }
    ratings = {unit: raters for unit, raters in ratings.items() if raters}
    return {"verdict": agreement(ratings), "per_label": per_label_agreement(ratings)}


def pull(spec: BenchmarkSpec, client: Any, now: dt.datetime | None = None) -> PullReport:
    """Fetch every pushed project's annotations and save decisions and agreement, project by project."""
    policy = ReviewPolicy.from_spec(spec)
    state = ReviewState(policy.state_dir)
    projects = state.projects()
    if not projects:
        for kind in ItemKind:
            found = client.find_project(project_title(spec.benchmark, kind))
            if found is not None:
                projects[str(kind)] = found
        state.save_projects(projects)
    reviewers = client.reviewers() if projects else {}
    report = PullReport()
    status_counts = Counter[str]()
    for kind, project_id in sorted(projects.items()):
        tasks = client.export_tasks(project_id)
        decisions = [
            decide_task(t, reviewers, project_id, policy.min_annotators, policy.adjudicator, now)
            for t in tasks
            if t.get("data", {}).get("external_id")
        ]
        figures = project_agreement(decisions, policy.adjudicator)
        state.save_decisions({d.external_id: d for d in decisions})
        state.save_agreement({kind: figures})
        report.tasks += len(decisions)
        report.invalid += sum(bool(d.invalid) for d in decisions)
        status_counts.update(str(d.status) for d in decisions)
        report.agreement[kind] = figures
    report.by_status = dict(sorted(status_counts.items()))
    return report


def progress(spec: BenchmarkSpec, client: Any) -> dict[str, dict[str, int]]:
    """Per project counters (tasks, annotated tasks, annotations): what the sensor watches for change."""
    policy = ReviewPolicy.from_spec(spec)
    projects = ReviewState(policy.state_dir).projects()
    return {kind: client.project_progress(project_id) for kind, project_id in sorted(projects.items())}
