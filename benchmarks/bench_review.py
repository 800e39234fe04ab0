"""Label Studio review speed: server start (fresh and restart), push, re-push and pull of N items.

Run: `.venv/bin/python benchmarks/bench_review.py [--items 1000]`
(needs `python -m annotation.server install`).
Items are FrenchMedMCQA questions (marked synthesized, so all are selected) from the shared fixtures;
half of them get an annotation before the pull, created in bulk through the API.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from label_studio_sdk import LabelStudio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fixture items live in tests/, beside the packages

from annotation import server  # noqa: E402
from annotation.client import connect  # noqa: E402
from annotation.review import review_items  # noqa: E402
from annotation.sync import pull, push  # noqa: E402
from schemas.spec import parse_spec  # noqa: E402
from tests.annotation import sample_items  # noqa: E402


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    pool = sample_items.french_items() + sample_items.exam_items()
    items = pool[: args.items]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        handle = server.start(root / "ls")
        print(f"server start (fresh data dir): {handle.started_in_s:.1f} s")
        handle.stop()
        handle = server.start(root / "ls")
        print(f"server start (restart, same data dir): {handle.started_in_s:.1f} s")
        try:
            spec = parse_spec(
                {
                    "benchmark": "bench",
                    "sources": [{"id": "s", "kind": "pdf", "licence": "Apache-2.0"}],
                    "review": {
                        "policy": "label_studio",
                        "options": {"state_dir": str(root / "state"), "sample_scraped": 1.0},
                    },
                },
                base_dir=root,
            )
            client = connect(handle.url, handle.token)
            started = time.perf_counter()
            report = push(spec, items, client)
            print(f"push {report.imported} items into {len(report.projects)} projects: "
                  f"{time.perf_counter() - started:.2f} s")  # fmt: skip
            started = time.perf_counter()
            again = push(spec, items, client)
            elapsed = time.perf_counter() - started
            print(f"re-push (all {again.already_present} present, 0 imported): {elapsed:.2f} s")
            sdk = LabelStudio(base_url=handle.url, api_key=handle.token)
            started = time.perf_counter()
            annotated = 0
            for project in report.projects.values():
                for task in client.export_tasks(project)[::2]:
                    result = [{"from_name": "verdict", "to_name": "question", "type": "choices",
                               "value": {"choices": ["accept"]}}]  # fmt: skip
                    sdk.annotations.create(id=task["id"], result=result)
                    annotated += 1
            print(f"(setup) {annotated} annotations created via API: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            pulled = pull(spec, client)
            print(f"pull {pulled.tasks} tasks -> {pulled.by_status}: {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
            result = review_items(spec, items)
            elapsed = time.perf_counter() - started
            gate_passed = result.metadata["gate_passed"]
            print(f"review_items over {len(items)} items: {elapsed:.2f} s; gate passed {gate_passed}")
        finally:
            handle.stop()


if __name__ == "__main__":
    main()
