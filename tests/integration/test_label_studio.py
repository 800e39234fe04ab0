"""The review loop against a real Label Studio: push, two annotators, pull, kappa, adjudication, the gate.

Needs Label Studio in its own venv (`python -m annotation.server install`). Without it this module
fails with that command in the message, unless MEDFORGE_SKIP_LABEL_STUDIO=1 is set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml
from label_studio_sdk import LabelStudio

from annotation import server
from annotation.agreement import cohen_kappa
from annotation.client import LabelStudioClient, connect
from annotation.errors import LabelStudioAuthError, LabelStudioUnavailable
from annotation.policy import ReviewPolicy, gate
from annotation.review import review_items
from annotation.store import ReviewState
from annotation.sync import pull, push
from annotation.tasks import external_id
from pipelines.defs.review.checks import review_policy_met
from pipelines.defs.review.sensors import label_studio_reviews
from pipelines.resources import LabelStudioResource, SpecResource
from schemas import ReasonCode, ReviewStatus, load_spec
from tests.annotation import sample_items

pytestmark = pytest.mark.integration
BOSS = "boss@medforge.local"


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.ServerHandle]:
    """A real server on a free port in a temporary data dir, stopped by its own PID."""
    if not server.is_installed():
        if os.environ.get("MEDFORGE_SKIP_LABEL_STUDIO") == "1":
            pytest.skip("MEDFORGE_SKIP_LABEL_STUDIO=1")
        pytest.fail(
            f"Label Studio is not installed in {server.venv_dir()}: run `{server.INSTALL_COMMAND}` "
            "(or set MEDFORGE_SKIP_LABEL_STUDIO=1 to skip these tests)"
        )
    handle = server.start(tmp_path_factory.mktemp("label-studio"))
    yield handle
    handle.stop()


def write_spec(tmp_path: Path, benchmark: str, **options: Any) -> Path:
    """A spec with policy label_studio; each test its own benchmark, so its own projects."""
    path = tmp_path / "review.yaml"
    spec = {
        "benchmark": benchmark,
        "sources": [{"id": "medbench-brasil", "kind": "exam_collection", "licence": "Apache-2.0"}],
        "review": {
            "policy": "label_studio",
            "options": {"state_dir": str(tmp_path / "state"), "sample_scraped": 0.1, **options},
        },
    }
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def choice(name: str, *values: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": "question", "type": "choices", "value": {"choices": list(values)}}


def text(name: str, value: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": "question", "type": "textarea", "value": {"text": [value]}}


def test_review_loop_end_to_end(label_studio: server.ServerHandle, tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, "loop", min_annotators=2, adjudicator=BOSS))
    images = tmp_path / "images"
    items = (
        sample_items.french_items()[::47]
        + sample_items.exam_items(20)
        + sample_items.case_items(2)
        + sample_items.vqa_items(images, 2)
    )
    client = connect(label_studio.url, label_studio.token)

    first = push(spec, items, client, image_root=images)
    assert first.imported == first.selected == 20 + 2 + 2 + 2  # 20 French, 2 sampled exams, 2 cases, 2 VQA
    assert set(first.projects) == {"mcq_single", "mcq_multi", "case_diagnosis", "vqa"}
    again = push(spec, items, client, image_root=images)
    assert again.imported == 0 and again.already_present == first.selected

    sdk = LabelStudio(base_url=label_studio.url, api_key=label_studio.token)
    users = {
        name: sdk.users.create(email=f"{name}@medforge.local", username=name).id for name in ("r1", "r2")
    }
    users["boss"] = sdk.users.create(email=BOSS, username="boss").id
    tasks = [t for project in first.projects.values() for t in client.export_tasks(project)]
    by_item = {t["data"]["item_id"]: t for t in tasks}
    single = [t for t in tasks if t["data"]["kind"] == "mcq_single"]
    fixed_task, rejected_task, disputed_task, invalid_task = single[:4]
    wrong_key = next(lbl for lbl in fixed_task["data"]["option_labels"] if lbl not in json.loads(
        fixed_task["data"]["item_json"])["answers"])  # fmt: skip
    plan: dict[int, tuple[list[dict], list[dict]]] = {
        fixed_task["id"]: (
            [
                choice("verdict", "fix_answer"),
                choice("corrected_answer", wrong_key),
                choice("issues", "wrong_key"),
            ],
            [choice("verdict", "fix_answer"), choice("corrected_answer", wrong_key)],
        ),
        rejected_task["id"]: (
            [choice("verdict", "reject"), choice("issues", "ambiguous")],
            [choice("verdict", "reject"), text("comment", "two answers defensible")],
        ),
        disputed_task["id"]: ([choice("verdict", "accept")], [choice("verdict", "reject")]),
        invalid_task["id"]: ([choice("verdict", "accept")], [choice("verdict", "maybe")]),
    }
    for task in tasks:
        r1, r2 = plan.get(task["id"], ([choice("verdict", "accept")], [choice("verdict", "accept")]))
        sdk.annotations.create(id=task["id"], result=r1, completed_by=users["r1"])
        sdk.annotations.create(id=task["id"], result=r2, completed_by=users["r2"])

    report = pull(spec, client)
    assert report.tasks == first.selected
    assert report.by_status == {"accepted": 22, "disputed": 1, "fixed": 1, "pending": 1, "rejected": 1}
    assert report.invalid == 1
    pairs = [("fix_answer", "fix_answer"), ("reject", "reject"), ("accept", "reject")] + [
        ("accept", "accept")
    ] * (len(single) - 4)
    mcq = report.agreement["mcq_single"]["verdict"]
    assert mcq["method"] == "cohen_kappa" and mcq["units"] == len(single) - 1  # the invalid one has one rater
    assert mcq["value"] == pytest.approx(cohen_kappa(pairs), abs=1e-4)
    assert "reject" in report.agreement["mcq_single"]["per_label"]

    result = review_items(spec, items)
    policy = ReviewPolicy.from_spec(spec)
    blocked = gate(policy, result)
    assert not blocked.passed and blocked.by_status["disputed"] == 1 and blocked.by_status["pending"] == 1
    fixed_item = next(
        i
        for i in result.records
        if i.source_key == by_item[fixed_task["data"]["item_id"]]["data"]["source_key"]
    )
    assert fixed_item.review_status is ReviewStatus.FIXED and fixed_item.answers == [wrong_key]
    assert json.loads(fixed_item.review_events[-1].changes)["answers"][1] == [wrong_key]
    assert {e.reviewer for e in fixed_item.review_events} == {"r1@medforge.local", "r2@medforge.local"}
    [rejection] = result.rejections
    assert rejection.reason_code == ReasonCode.REVIEW_REJECTED
    assert (
        rejection.record_id == rejected_task["data"]["item_id"]
        and "two answers defensible" in rejection.message
    )

    sdk.annotations.create(
        id=disputed_task["id"], result=[choice("verdict", "accept")], completed_by=users["boss"]
    )
    sdk.annotations.create(
        id=invalid_task["id"], result=[choice("verdict", "accept")], completed_by=users["r2"]
    )
    settled = pull(spec, client)
    assert settled.by_status == {"accepted": 24, "fixed": 1, "rejected": 1}
    released = review_items(spec, items)
    assert gate(policy, released).passed
    decision = ReviewState(policy.state_dir).decisions()[disputed_task["data"]["external_id"]]
    assert decision.adjudicated and decision.final.reviewer == BOSS

    revise = invalid_task["data"]["item_id"]
    edited = [i.with_changes(question=i.question + " (revised)") if i.item_id == revise else i for i in items]
    changed = push(spec, edited, client, image_root=images)
    assert changed.imported == 1 and changed.changed == 1
    old_ids = {t["id"] for t in tasks}
    new_task = next(t for t in client.export_tasks(first.projects["mcq_single"]) if t["id"] not in old_ids)
    assert new_task["data"]["previous_task_id"] == invalid_task["id"]
    assert new_task["data"]["previous_item_id"] == invalid_task["data"]["item_id"]
    assert not gate(policy, review_items(spec, edited)).passed  # the new version waits for review


class FailingSecondExport:
    """A real client whose second project export fails, as when the server goes away mid-pull."""

    def __init__(self, client: LabelStudioClient) -> None:
        self.client, self.url, self.exports = client, client.url, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def export_tasks(self, project_id: int) -> list[dict[str, Any]]:
        self.exports += 1
        if self.exports == 2:
            raise LabelStudioUnavailable(self.url, "connection reset")
        return self.client.export_tasks(project_id)


def test_partial_pull_keeps_what_it_finished_and_a_rerun_completes(label_studio, tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, "partial"))
    items = sample_items.french_items()[::60]
    client = connect(label_studio.url, label_studio.token)
    pushed = push(spec, items, client)
    assert set(pushed.projects) == {"mcq_single", "mcq_multi"}
    with pytest.raises(LabelStudioUnavailable, match="connection reset"):
        pull(spec, FailingSecondExport(client))
    state = ReviewState(ReviewPolicy.from_spec(spec).state_dir)
    assert 0 < len(state.decisions()) < len(items)
    pull(spec, client)
    assert {d.external_id for d in state.decisions().values()} == {external_id(i) for i in items}


def test_bad_token_missing_token_and_server_down_give_one_clear_error(label_studio, monkeypatch) -> None:
    with pytest.raises(LabelStudioAuthError, match="MEDFORGE_LABEL_STUDIO_TOKEN"):
        LabelStudioClient(label_studio.url, "0" * 40).whoami()
    monkeypatch.delenv("MEDFORGE_LABEL_STUDIO_TOKEN", raising=False)
    with pytest.raises(LabelStudioAuthError, match="MEDFORGE_LABEL_STUDIO_TOKEN"):
        connect(label_studio.url)
    down = f"http://127.0.0.1:{server.free_port()}"
    with pytest.raises(LabelStudioUnavailable, match="unavailable.*MEDFORGE_LABEL_STUDIO_URL"):
        LabelStudioClient(down, "0" * 40, timeout_s=2).whoami()


def test_sensor_pulls_new_reviews_requests_the_release_and_the_check_gates(label_studio, tmp_path) -> None:
    spec_path = write_spec(tmp_path, "sensor")
    spec = load_spec(spec_path)
    items = sample_items.french_items()[::200]
    client = connect(label_studio.url, label_studio.token)
    push(spec, items, client)
    pinned = SpecResource.pinned(spec_path)
    resources = {
        "spec": pinned,
        "label_studio": LabelStudioResource(url=label_studio.url, token=label_studio.token),
    }

    context = dg.build_sensor_context(resources=resources)
    first = label_studio_reviews(context)
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    second = label_studio_reviews(dg.build_sensor_context(resources=resources, cursor=first.cursor))
    assert isinstance(second, dg.SkipReason) and "no new reviews" in second.skip_message

    check = review_policy_met(spec=pinned, reviewed_items=review_items(spec, items))
    assert not check.passed and check.metadata["review_pending"].value == len(items)

    sdk = LabelStudio(base_url=label_studio.url, api_key=label_studio.token)
    for project in ReviewState(ReviewPolicy.from_spec(spec).state_dir).projects().values():
        for task in client.export_tasks(project):
            sdk.annotations.create(id=task["id"], result=[choice("verdict", "accept")])
    third = label_studio_reviews(dg.build_sensor_context(resources=resources, cursor=first.cursor))
    assert isinstance(third, dg.SensorResult) and third.cursor != first.cursor
    assert third.run_requests[0].tags["medforge/decided"] == str(len(items))
    check = review_policy_met(spec=pinned, reviewed_items=review_items(spec, items))
    assert check.passed and check.metadata["review_accepted"].value == len(items)

    away = {
        **resources,
        "label_studio": LabelStudioResource(url=f"http://127.0.0.1:{server.free_port()}", token="x"),
    }
    skipped = label_studio_reviews(dg.build_sensor_context(resources=away, cursor=third.cursor))
    assert isinstance(skipped, dg.SkipReason) and "will try again" in skipped.skip_message
