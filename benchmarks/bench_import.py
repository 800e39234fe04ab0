"""Imports every exams_wild collection through its spec (no conversion script) and prints its books.

For each spec in benchmarks/exams_wild/: rows read, questions extracted, items released by synthesis,
rejections by reason, seconds, the questions checked by hand against the raw files
(exams_wild_handchecked.yaml: key, year, image flag) that come out right, and (with --sample N) N
seeded items to look at. The chain run is
ingest -> exam extraction -> synthesis (the stages that import a bank); `medforge build SPEC` runs the
same and then tags, dedups and writes the release.

    PYTHONPATH=$PWD python benchmarks/bench_import.py [--sample 10] [--inferred] [SPEC.yaml ...]

With --inferred each collection is also imported as a new user would: `medforge import` on the folder
that holds the spec's files writes a spec, which is built with no edit and checked by hand the same way.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

from extractors.exams import extract_exam_questions
from schemas import load_spec
from schemas.spec import glob_files
from scrapers.ingest import ingest_sources
from synthesis.generate import synthesize_items

SPECS = Path(__file__).parent / "exams_wild"
HAND_CHECKED = Path(__file__).parent / "exams_wild_handchecked.yaml"


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_by_hand(name: str, questions: list, released: set[str]) -> tuple[int, int, list[str]]:
    """(right, checked, what was wrong) for the hand-checked questions of one collection."""
    expected = yaml.safe_load(HAND_CHECKED.read_text(encoding="utf-8")).get(name) or []
    right, wrong = 0, []
    for entry in expected:
        stem = _folded(entry["stem"])
        found = [q for q in questions if _folded(q.stem).startswith(stem)]
        if "year" in entry and len(found) > 1:  # the same stem in several editions: the entry's one
            found = [q for q in found if q.edition_year == entry["year"]] or found
        problems = [] if found else ["not found"]
        for question in found:
            texts = {o.label: _folded(o.text) for o in question.options}
            answers = [texts.get(a, a) for a in question.answers]
            if "answer" in entry:
                want = [_folded(str(a)) for a in entry["answer"]]
                if len(answers) != len(want) or not all(any(a.startswith(w) for a in answers) for w in want):
                    problems.append(f"key {answers} != {want}")
                if question.record_id not in released:
                    problems.append("not released")
            if "year" in entry and question.edition_year != entry["year"]:
                problems.append(f"year {question.edition_year} != {entry['year']}")
            if entry.get("needs_image") and (
                not question.needs_image or (question.record_id in released and not question.images)
            ):
                problems.append("needs an image but released as text")
        if problems:
            wrong.append(f"{entry['stem'][:30]}: {'; '.join(problems)}")
        else:
            right += 1
    return right, len(expected), wrong


def inferred_spec(spec_path: Path, out: Path) -> Path:
    """The spec `medforge import` writes for the folder holding a hand-written spec's files."""
    from typer.testing import CliRunner

    from pipelines.cli import app

    spec = load_spec(spec_path)
    files = [
        p for source in spec.sources for pattern in source.paths for p in glob_files(spec.resolve(pattern))
    ]
    folder = Path(os.path.commonpath([str(f.parent) for f in files])) if len(files) > 1 else files[0]
    result = CliRunner().invoke(app, ["--quiet", "import", str(folder), "--out", str(out)])
    if result.exit_code != 0:
        raise RuntimeError(f"medforge import {folder} failed: {result.output.strip()[-300:]}")
    return out


def run(spec_path: Path, sample: int, name: str | None = None) -> dict[str, object]:
    """The books of one collection's import (`name`: the collection, when the spec is not named so)."""
    spec = load_spec(spec_path)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        raw, work = Path(tmp) / "raw", Path(tmp) / "work"
        documents = ingest_sources(spec, raw, work)
        extracted = extract_exam_questions(spec, documents.records, raw, Path(tmp) / "images")
        items = synthesize_items(spec, extracted.records, [], [])
    seconds = time.perf_counter() - started
    reasons = Counter(f"extract:{r.reason_code}" for r in extracted.rejections)
    reasons.update(f"synthesize:{r.reason_code}" for r in items.rejections)
    rows = len(extracted.records) + sum(1 for r in extracted.rejections if r.record_type == "ExamQuestion")
    picked = random.Random(0).sample(list(items.records), min(sample, len(items.records)))
    right, checked, wrong = check_by_hand(
        name or spec_path.stem, list(extracted.records), {i.source_key for i in items.records}
    )
    return {
        "spec": spec_path.stem if name is None else f"{name} (import)",
        "files": len(documents.records),
        "rows": rows,
        "questions": len(extracted.records),
        "released": len(items.records),
        "reasons": dict(sorted(reasons.items())),
        "seconds": round(seconds, 2),
        "hand_checked": f"{right}/{checked}" if checked else "-",
        "wrong": wrong,
        "sample": picked,
        "rejections": list(extracted.rejections) + list(items.rejections),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", type=Path)
    parser.add_argument("--sample", type=int, default=0, help="items per collection to print")
    parser.add_argument("--rejections", type=int, default=0, help="rejections per collection to print")
    parser.add_argument(
        "--inferred", action="store_true", help="also build the spec `medforge import` writes"
    )
    args = parser.parse_args()
    specs = args.specs or sorted(SPECS.glob("*.yaml"))
    print(
        f"{'collection':28} {'files':>5} {'rows':>6} {'extracted':>9} {'released':>8} {'s':>6} "
        f"{'checked':>7}  rejected by reason"
    )
    runs = [(spec_path, None) for spec_path in specs]
    if args.inferred:
        runs += [(spec_path, spec_path.stem) for spec_path in specs]
    scratch = Path(tempfile.mkdtemp(prefix="bench-import-"))
    for spec_path, name in runs:
        try:
            path = spec_path if name is None else inferred_spec(spec_path, scratch / f"{name}.yaml")
            result = run(path, args.sample, name)
        except Exception as error:  # one bank's failure is a line of the report, not the end of it
            print(f"{spec_path.stem:28} FAILED: {type(error).__name__}: {error}")
            continue
        reasons = ", ".join(f"{k}={v}" for k, v in result["reasons"].items()) or "-"
        print(
            f"{result['spec']:28} {result['files']:>5} {result['rows']:>6} {result['questions']:>9} "
            f"{result['released']:>8} {result['seconds']:>6} {result['hand_checked']:>7}  {reasons}"
        )
        for problem in result["wrong"]:
            print(f"    HAND CHECK FAILED {problem}")
        for item in result["sample"]:
            options = " | ".join(f"{o.label}) {o.text[:40]}" for o in item.options)
            tags = ",".join(t.code for t in item.tags)
            print(
                f"    [{item.release_time.year} {item.release_time.session or ''}] {item.language} "
                f"{item.question[:90]!r}\n      {options}\n      answer={item.answers} tags={tags} "
                f"flags={[f.kind for f in item.flags]}"
            )
        for rejection in result["rejections"][: args.rejections]:
            print(f"    REJECTED {rejection.reason_code}: {rejection.message[:120]} @ {rejection.locator}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
