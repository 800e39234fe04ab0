"""Case-report chain on real parser output: JATS/HTML -> CaseReport -> diagnosis items -> tags.

Prints articles, typed case reports, with case presentation, with diagnosis (by where found), items
made (open-ended, MCQ), rejections by reason, the share of diagnoses and items tagged with an ICD-10
chapter, and a sample (title | diagnosis | chapter) to spot-check by hand. Works on any folder of JATS
(.xml/.nxml) or saved journal pages (.html).

Run: python benchmarks/bench_case_chain.py [--jats DIR ...] [--sample 15] [--all] [--items 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.fast import cache_root  # noqa: E402
from extractors.case_reports import build_case_report, is_case_report, parse_article  # noqa: E402
from schemas import BenchmarkSpec, CaseReport, RecordError, TaskType, Vocabulary, content_id  # noqa: E402
from synthesis.generate import synthesize_items  # noqa: E402
from taxonomy import tag_items, tag_text  # noqa: E402
from vocabulary import load_vocabulary  # noqa: E402

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
DEFAULT_DIRS = [FIXTURES / "case_reports" / "jats", FIXTURES / "html" / "bmc_trials"]
SUFFIXES = (".xml", ".nxml", ".html", ".htm")


def article_files(folders: list[Path]) -> list[Path]:
    """Every article file under the folders (the BMC pages' .xml twins are articles too)."""
    files: list[Path] = []
    for folder in folders:
        if not folder.exists():
            raise SystemExit(f"no such folder: {folder}")
        if folder.is_file():
            files.append(folder)
            continue
        files.extend(p for p in sorted(folder.rglob("*")) if p.suffix.lower() in SUFFIXES and p.is_file())
    return files


def parse_all(files: list[Path]) -> tuple[list[CaseReport], Counter[str], int]:
    """(case reports, parse/typing rejections by reason, typed case reports)."""
    reports: list[CaseReport] = []
    rejected: Counter[str] = Counter()
    typed = 0
    for path in files:
        try:
            parts = parse_article(path.read_bytes(), None, path.name)
        except RecordError as error:
            rejected[f"extract:{error.reason_code}"] += 1
            continue
        doc_id = content_id([str(path)])
        report = build_case_report(parts, doc_id, "bench", str(path), "unknown", "en")
        typed += "case" in (parts.article_type or "").lower()
        if not is_case_report(parts, report.case_presentation):
            rejected["extract:not_a_case_report"] += 1
            continue
        reports.append(report)
    return reports, rejected, typed


def icd_chapter(text: str | None) -> str | None:
    """The ICD-10 chapter(s) the lexicon tags a text with ('II Neoplasms; IX ...'), or None."""
    if not text:
        return None
    tags = [t for t in tag_text(text).tags if t.vocabulary == Vocabulary.ICD10 and t.level == "chapter"]
    return "; ".join(f"{t.code} {t.title}" for t in tags) or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jats", type=Path, nargs="+", default=DEFAULT_DIRS, help="folders or files")
    parser.add_argument("--sample", type=int, default=15, help="rows of the spot-check sample")
    parser.add_argument("--all", action="store_true", help="print every case report, not a sample")
    parser.add_argument("--items", type=int, default=0, help="print this many MCQ items in full")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    files = article_files(args.jats)
    started = time.perf_counter()
    reports, rejected, typed = parse_all(files)
    parse_s = time.perf_counter() - started
    with_case = [r for r in reports if r.case_presentation]
    with_dx = [r for r in reports if r.diagnosis]
    where = Counter((r.diagnosis_found_in or "").split(":")[0] for r in with_dx)
    print(f"articles: {len(files)}  (parsed in {parse_s:.2f} s, {len(files) / parse_s:.0f} docs/s)")
    print(f"case reports: {len(reports)} (typed case-report: {typed})")
    print(f"  with case presentation: {len(with_case)}")
    print(f"  with diagnosis: {len(with_dx)}  by where found: {dict(sorted(where.items()))}")
    print(f"  without diagnosis: {len(reports) - len(with_dx)}")

    with tempfile.TemporaryDirectory() as tmp:
        spec = BenchmarkSpec(
            benchmark="bench-case-chain",
            base_dir=tmp,
            sources=[{"id": "bench", "kind": "case_reports_jats", "licence": "CC-BY"}],
            synthesis={"cache_dir": str(cache_root() / "bench_case_chain")},
        )
        started = time.perf_counter()
        # the vocabularies the chain's synthesis asset passes: the taxonomy's own
        vocabularies = {
            v: load_vocabulary(v) for v in (Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.ICD10)
        }
        synthesized = synthesize_items(spec, [], reports, [], vocabularies=vocabularies)
        synth_s = time.perf_counter() - started
        started = time.perf_counter()
        tagged = tag_items(spec, synthesized.records)
        tag_s = time.perf_counter() - started
    items = tagged.records
    open_items = [i for i in items if i.task == TaskType.OPEN_ENDED]
    mcq_items = [i for i in items if i.task != TaskType.OPEN_ENDED]
    print(
        f"items: {len(items)} (open-ended {len(open_items)}, MCQ {len(mcq_items)}) "
        f"from {len({i.source.uri for i in items})} case reports  "
        f"[synthesis {synth_s:.1f} s, tagging {tag_s:.2f} s]"
    )
    reasons = Counter(f"synthesis:{r.reason_code}" for r in synthesized.rejections) + rejected
    print(f"rejections by reason: {dict(sorted(reasons.items()))}")
    for rejection in sorted(synthesized.rejections, key=lambda r: r.record_id):
        print(
            f"  - {Path(rejection.source_uri or '').name}: {rejection.reason_code}: {rejection.message[:100]}"
        )

    dx_chapters = {r.record_id: icd_chapter(r.diagnosis) for r in with_dx}
    n_dx = len(with_dx)
    n_dx_tagged = sum(1 for c in dx_chapters.values() if c)
    print(
        f"diagnosis text tagged with an ICD-10 chapter: {n_dx_tagged}/{n_dx}"
        f" ({n_dx_tagged / max(n_dx, 1):.0%})"
    )
    item_tagged = sum(
        1
        for i in open_items
        if any(t.vocabulary == Vocabulary.ICD10 and t.level == "chapter" for t in i.tags)
    )
    print(
        f"open-ended diagnosis items tagged with an ICD-10 chapter (tag_items): {item_tagged}/"
        f"{len(open_items)} ({item_tagged / max(len(open_items), 1):.0%})"
    )

    rows = sorted(with_dx, key=lambda r: r.uri)
    if not args.all:
        rows = sorted(random.Random(args.seed).sample(rows, min(args.sample, len(rows))), key=lambda r: r.uri)
    print(f"\nspot-check ({len(rows)} of {n_dx}): file | title | diagnosis [where] | ICD-10 chapter")
    for r in rows:
        print(
            f"{Path(r.uri).name} | {r.title[:90]} | {r.diagnosis} [{r.diagnosis_found_in}]"
            f" | {dx_chapters[r.record_id] or '-'}"
        )
    missing = [r for r in reports if not r.diagnosis]
    if missing:
        print(f"\nno diagnosis ({len(missing)}): " + "; ".join(Path(r.uri).name for r in missing))
    for item in mcq_items[: args.items]:
        print(f"\n--- {item.source.title}\n{item.question}")
        for option in item.options:
            print(f"  {option.label}. {option.text}{'   <== answer' if option.label in item.answers else ''}")


if __name__ == "__main__":
    main()
