"""Release store speed and memory: write, hash, validate and read N synthetic items; and the demo build.

Usage: python benchmarks/bench_release.py [--sizes 1000 10000 100000] [--demo]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from data_contracts import validate_items
from releases import Release, ReleaseInputs, assign_splits, content_hash, write_release
from schemas import BenchmarkItem, ItemOrigin, Option, ReleaseTime, SourceRef, TaskType


def synthetic_items(n: int) -> list[BenchmarkItem]:
    """n distinct four-option items with realistic lengths."""
    items = []
    for k in range(n):
        question = (
            f"A {20 + k % 60}-year-old patient number {k} presents with fever, cough and pleuritic pain "
            f"for {1 + k % 9} days. Which investigation should be performed first?"
        )
        options = [
            Option(label=label, text=f"{text} ({k % 7})")
            for label, text in zip(
                "ABCD",
                ["Chest radiograph", "CT pulmonary angiogram", "Echocardiogram", "Sputum culture"],
                strict=True,
            )
        ]
        items.append(
            BenchmarkItem(
                item_id=BenchmarkItem.make_id(TaskType.MCQ_SINGLE, "en", question, options, ["A"]),
                source_key=f"bench/{k}",
                task=TaskType.MCQ_SINGLE,
                language="en",
                question=question,
                options=options,
                answers=["A"],
                source=SourceRef(source_id="bench", uri=f"https://example.org/{k}"),
                licence="CC-BY-4.0",
                origin=ItemOrigin.SCRAPED,
                release_time=ReleaseTime(year=2015 + k % 10),
            )
        )
    return items


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int) -> None:
    items = assign_splits(synthetic_items(n), {"test": 0.8, "dev": 0.2}, seed=0)
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        digest = content_hash(items)
        hashed = time.perf_counter() - start
        start = time.perf_counter()
        report = validate_items(items, ["test", "dev"])
        validated = time.perf_counter() - start
        start = time.perf_counter()
        path = write_release(
            Path(store),
            ReleaseInputs(
                benchmark="bench",
                version="1.0.0",
                spec={"sources": [], "splits": {"test": 0.8, "dev": 0.2}},
                spec_hash="0" * 64,
                items=items,
                rejections=[],
                stage_counts={},
                input_fingerprints=[],
            ),
        )
        written = time.perf_counter() - start
        size = sum(p.stat().st_size for p in path.rglob("*.parquet"))
        start = time.perf_counter()
        read = Release.open(path).items()
        reread = time.perf_counter() - start
    assert len(read) == n and report.success and digest
    print(
        f"{n:>7} items: hash {hashed:6.2f} s | contract {validated:6.2f} s | write {written:6.2f} s "
        f"({n / written:8.0f} items/s, {size / 2**20:6.1f} MiB parquet) | read {reread:6.2f} s | "
        f"peak RSS {peak_rss_mib():7.0f} MiB"
    )


def bench_demo() -> None:
    from pipelines.build import run_build
    from samples.demo import write_demo_sources

    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        write_demo_sources(repo / ".medforge" / "demo-sources")
        outcome = run_build(
            repo / "specs" / "demo.yaml", "1.0.0", Path(scratch) / "store", Path(scratch) / "work"
        )
        took = time.perf_counter() - start
    print(
        f"demo build (crawl, extract, synthesize, tag, curate, review, release): {outcome.items} items, "
        f"{outcome.rejected} rejected, {took:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--demo", action="store_true", help="also time a whole demo build")
    args = parser.parse_args()
    for n in args.sizes:
        bench_size(n)
    if args.demo:
        bench_demo()


if __name__ == "__main__":
    main()
