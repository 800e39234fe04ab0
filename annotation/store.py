"""The review state of one benchmark on disk: pushed tasks, pulled decisions, agreement.

Every file is written whole to a temporary name and renamed into place, so a push or pull that stops
half-way leaves the previous state readable and a re-run picks up from it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotation.decisions import Decision


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ReviewState:
    """Files under one state dir: projects.json, tasks.json, decisions.json, agreement.json."""

    root: Path

    def projects(self) -> dict[str, int]:
        """Item kind -> Label Studio project id."""
        return {k: int(v) for k, v in _read_json(self.root / "projects.json", {}).items()}

    def save_projects(self, projects: dict[str, int]) -> None:
        """Record the projects (merged with those known)."""
        _write_json(self.root / "projects.json", {**self.projects(), **projects})

    def tasks(self) -> dict[str, dict[str, Any]]:
        """External id -> {project_id, task_id, item_id, slot_key, kind, previous_task_id}."""
        return dict(_read_json(self.root / "tasks.json", {}))

    def save_tasks(self, tasks: dict[str, dict[str, Any]]) -> None:
        """Record pushed tasks (merged with those known)."""
        _write_json(self.root / "tasks.json", {**self.tasks(), **tasks})

    def decisions(self) -> dict[str, Decision]:
        """External id -> the latest pulled decision."""
        raw = _read_json(self.root / "decisions.json", {})
        return {key: Decision.model_validate(value) for key, value in raw.items()}

    def save_decisions(self, decisions: dict[str, Decision]) -> None:
        """Record decisions (merged: a re-pulled task replaces its old decision)."""
        merged = {k: d.model_dump(mode="json") for k, d in self.decisions().items()}
        merged.update({k: d.model_dump(mode="json") for k, d in decisions.items()})
        _write_json(self.root / "decisions.json", merged)

    def agreement(self) -> dict[str, Any]:
        """Agreement per project and per label, as of the last pull."""
        return dict(_read_json(self.root / "agreement.json", {}))

    def save_agreement(self, agreement: dict[str, Any]) -> None:
        """Record agreement figures (merged per project)."""
        _write_json(self.root / "agreement.json", {**self.agreement(), **agreement})
