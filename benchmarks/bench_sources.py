"""Sources benchmark: pages/s of a crawl of the generated exam site on 127.0.0.1, documents/s of the
JATS parser on the fixture articles, and the share of fixture case reports whose case presentation
and diagnosis were found.

Run: python benchmarks/bench_sources.py [--editions-years 6] [--per-edition 25] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.case_reports import build_case_report, parse_article  # noqa: E402
from samples.exam_site import render_exam_site  # noqa: E402
from schemas import BenchmarkSpec  # noqa: E402
from scrapers.ingest import ingest_sources  # noqa: E402

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
EXAM_OPTIONS = {
    "exam": "bench",
    "edition_links": "a.edition-link::attr(href)",
    "question_links": "a.question-link::attr(href)",
    "edition": "p.edition",
}


def bench_crawl(years: int, per_edition: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        render_exam_site(base / "site", years=range(2000, 2000 + years), per_edition=per_edition)
        spec = BenchmarkSpec(
            benchmark="bench",
            base_dir=str(base),
            sources=[
                {
                    "id": "site",
                    "kind": "exam_site",
                    "licence": "CC-BY-4.0",
                    "site_dir": "site",
                    "public_url": "https://bench.invalid/",
                    "start_urls": ["index.html"],
                    "options": EXAM_OPTIONS,
                }
            ],
        )
        started = time.perf_counter()
        result = ingest_sources(spec, base / "raw", base / "work")
        wall = time.perf_counter() - started
        meta = result.metadata["sources"]["site"]
        pages = meta["pages_crawled"]
        print(
            f"crawl: {pages} pages ({meta['fetched']} documents, {meta['failed']} failures) "
            f"in {meta['elapsed_s']:.2f} s of crawl = {pages / max(meta['elapsed_s'], 1e-9):.0f} pages/s; "
            f"{wall:.2f} s wall with subprocess start = {pages / wall:.0f} pages/s"
        )


def bench_jats(repeat: int) -> None:
    files = sorted((FIXTURES / "case_reports" / "jats").rglob("*.*ml"))
    if not files:
        print(f"no JATS fixtures under {FIXTURES} (set MEDFORGE_FIXTURES)", file=sys.stderr)
        sys.exit(2)
    blobs = [(f, f.read_bytes()) for f in files]
    started = time.perf_counter()
    reports = []
    for _ in range(repeat):
        reports = [
            build_case_report(parse_article(b, None, f.name), "d", "s", str(f), "?", "en") for f, b in blobs
        ]
    elapsed = time.perf_counter() - started
    size = sum(len(b) for _, b in blobs) * repeat
    count = len(blobs) * repeat
    print(
        f"jats: {count} documents in {elapsed:.2f} s = {count / elapsed:.0f} docs/s "
        f"({size / elapsed / 1e6:.1f} MB/s)"
    )
    cases = [r for r in reports if r.article_type == "case-report"]
    with_case = sum(r.case_presentation is not None for r in cases)
    with_dx = sum(r.diagnosis is not None for r in cases)
    both = sum(r.case_presentation is not None and r.diagnosis is not None for r in cases)
    where = Counter((r.diagnosis_found_in or "none").split(":")[0] for r in cases)
    print(
        f"case reports: {len(cases)} typed case-report of {len(reports)} fixture articles; "
        f"case presentation {with_case}/{len(cases)} ({with_case / len(cases):.0%}), "
        f"diagnosis {with_dx}/{len(cases)} ({with_dx / len(cases):.0%}), both {both / len(cases):.0%}; "
        f"diagnosis found in {dict(sorted(where.items()))}"
    )
    fig_ok = sum(
        len(r.figures) == b.count(b"<fig ") + b.count(b"<fig>")
        for r, (_, b) in zip(reports, blobs, strict=True)
    )
    print(f"figures: count equals <fig> count in {fig_ok}/{len(reports)} articles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=6, help="exam years on the site (2 sessions each)")
    parser.add_argument("--per-edition", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the JATS fixtures")
    args = parser.parse_args()
    bench_crawl(args.years, args.per_edition)
    bench_jats(args.repeat)


if __name__ == "__main__":
    main()
