"""What the review stage needs from Label Studio (a Protocol) and the SDK-backed client that provides it.

Every call is turned into one clear error: the server down or slow (`LabelStudioUnavailable`, naming
the URL and MEDFORGE_LABEL_STUDIO_URL) or the token missing or refused (`LabelStudioAuthError`, naming
MEDFORGE_LABEL_STUDIO_TOKEN).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import httpx

from annotation.errors import TOKEN_ENV, URL_ENV, LabelStudioAuthError, LabelStudioUnavailable

DEFAULT_URL = "http://127.0.0.1:8080"
IMPORT_BATCH = 500
T = TypeVar("T")


class ReviewClient(Protocol):
    """The Label Studio operations push, pull and the sensor use."""

    url: str

    def ensure_project(self, title: str, label_config: str, description: str = "") -> int:
        """The id of the project with this title, created with this config if missing."""
        ...

    def find_project(self, title: str) -> int | None:
        """The id of the project with this title, or None."""
        ...

    def export_tasks(self, project_id: int) -> list[dict[str, Any]]:
        """Every task of the project with its data and annotations."""
        ...

    def import_tasks(self, project_id: int, tasks: Sequence[dict[str, Any]]) -> list[int]:
        """Import task data; returns the new task ids in order."""
        ...

    def reviewers(self) -> dict[int, str]:
        """User id -> e-mail."""
        ...

    def project_progress(self, project_id: int) -> dict[str, int]:
        """Cheap counters that change when reviews are added: tasks, annotated tasks, annotations."""
        ...


class LabelStudioClient:
    """`ReviewClient` over label-studio-sdk 2.x."""

    def __init__(self, url: str, token: str, timeout_s: float = 30.0) -> None:
        from label_studio_sdk import LabelStudio  # here, not at import: the SDK takes ~1 s to import

        self.url = url.rstrip("/")
        self._sdk = LabelStudio(base_url=self.url, api_key=token, timeout=timeout_s)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        from label_studio_sdk.core.api_error import ApiError

        try:
            return fn()
        except ApiError as error:
            if error.status_code in (401, 403):
                raise LabelStudioAuthError(self.url, f"HTTP {error.status_code} on {what}") from None
            if error.status_code is not None and error.status_code >= 500:
                raise LabelStudioUnavailable(self.url, f"HTTP {error.status_code} on {what}") from None
            raise LabelStudioUnavailable(
                self.url, f"{what} failed: HTTP {error.status_code} {error.body}"
            ) from None
        except httpx.TimeoutException:
            raise LabelStudioUnavailable(self.url, f"timed out on {what}") from None
        except httpx.HTTPError as error:
            raise LabelStudioUnavailable(self.url, f"{type(error).__name__} on {what}") from None

    def find_project(self, title: str) -> int | None:
        """The id of the project with this exact title, or None."""
        projects = self._call("list projects", lambda: list(self._sdk.projects.list(title=title)))
        ids = sorted(int(p.id) for p in projects if p.title == title and p.id is not None)
        return ids[0] if ids else None

    def ensure_project(self, title: str, label_config: str, description: str = "") -> int:
        """The id of the project with this title, created with this config if missing."""
        found = self.find_project(title)
        if found is not None:
            return found
        project = self._call(
            "create project",
            lambda: self._sdk.projects.create(
                title=title, label_config=label_config, description=description
            ),
        )
        return int(project.id)

    def export_tasks(self, project_id: int) -> list[dict[str, Any]]:
        """Every task with data and annotations, in one export call."""
        chunks = self._call(
            "export tasks",
            lambda: b"".join(self._sdk.projects.exports.download_sync(project_id, download_all_tasks=True)),
        )
        return list(json.loads(chunks))

    def import_tasks(self, project_id: int, tasks: Sequence[dict[str, Any]]) -> list[int]:
        """Import in batches; each batch returns its task ids."""
        ids: list[int] = []
        for start in range(0, len(tasks), IMPORT_BATCH):
            batch = [dict(t) for t in tasks[start : start + IMPORT_BATCH]]
            response = self._call(
                "import tasks",
                lambda batch=batch: self._sdk.projects.import_tasks(
                    project_id, request=batch, return_task_ids=True
                ),
            )
            ids.extend(int(i) for i in response.task_ids or [])
        return ids

    def reviewers(self) -> dict[int, str]:
        """User id -> e-mail."""
        users = self._call("list users", lambda: list(self._sdk.users.list()))
        return {int(u.id): str(u.email) for u in users if u.id is not None}

    def project_progress(self, project_id: int) -> dict[str, int]:
        """Task and annotation counters of one project."""
        project = self._call("read project", lambda: self._sdk.projects.get(project_id)).model_dump()
        return {
            "tasks": int(project.get("task_number") or 0),
            "annotated_tasks": int(project.get("num_tasks_with_annotations") or 0),
            "annotations": int(project.get("total_annotations_number") or 0),
        }

    def whoami(self) -> str:
        """The token's user e-mail: a cheap check that URL and token work."""
        return str(self._call("check token", lambda: self._sdk.users.whoami()).email)


def connect(url: str | None = None, token: str | None = None, timeout_s: float = 30.0) -> LabelStudioClient:
    """A client from arguments or the environment (MEDFORGE_LABEL_STUDIO_URL, MEDFORGE_LABEL_STUDIO_TOKEN)."""
    url = url or os.environ.get(URL_ENV) or DEFAULT_URL
    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        raise LabelStudioAuthError(url, "no token given")
    return LabelStudioClient(url, token, timeout_s)
