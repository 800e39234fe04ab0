"""Language identification: the fast identifier (CLD2, else py3langid) vs langdetect on real exam texts.

    python benchmarks/bench_language.py            # up to 300 texts per language
    python benchmarks/bench_language.py --per-language 1000

Texts are real questions (with their options where the file has them) from ../shared/fixtures in
eleven languages and scripts: en, pt, fr, es, sv, ru, he, ja, zh-Hans (two sources), zh-Hant. Both
identifiers go through `textkit.detect_language`, so the script rules (ja/ko/zh-Hans/zh-Hant) are the
same for both and the comparison is of what decides the other languages.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", REPO.parent / "shared" / "fixtures"))


def _need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"fixture missing: {path} (set MEDFORGE_FIXTURES)")
    return path


def fixture_texts() -> dict[str, list[str]]:
    """Declared language -> real question texts (stem + options, as the item check reads them)."""
    wild = FIXTURES / "exams_wild"
    out: dict[str, list[str]] = {}
    refs = FIXTURES / "reference_benchmarks" / "medagentsbench"
    out["en"] = [
        " ".join([r["question"], *map(str, r["options"].values())])
        for r in map(json.loads, _need(refs / "medqa" / "test.jsonl").open(encoding="utf-8"))
    ]
    out["pt"] = [
        " ".join(
            [q["stem"], *(str(o.get("text", o)) if isinstance(o, dict) else str(o) for o in q["options"])]
        )
        for f in sorted(_need(FIXTURES / "exams" / "medbench_brasil").glob("*.json"))
        for q in json.loads(f.read_text(encoding="utf-8"))["questions"]
    ]
    out["fr"] = [
        " ".join([r["question"], *map(str, r["answers"].values())])
        for r in json.loads(_need(FIXTURES / "exams" / "frenchmedmcqa" / "test.json").read_text("utf-8"))
    ]
    with _need(wild / "pe_conareme" / "01.Datasets" / "combined_exam_dataset.csv").open(
        encoding="utf-8-sig"
    ) as f:
        out["es"] = [
            " ".join(v for k, v in row.items() if k.startswith(("question", "option_")) and v)
            for row in csv.DictReader(f)
        ]
    out["sv"] = [
        " ".join(
            [
                r["question"],
                *map(str, r["options"].values() if isinstance(r["options"], dict) else r["options"]),
            ]
        )
        for r in json.loads(_need(wild / "sv_kunskapsprov" / "final_dataset.json").read_text("utf-8"))
    ]
    out["ru"] = [
        " ".join([r["question"], *(r.get(k, "") for k in "1234")])
        for r in map(
            json.loads, _need(wild / "ru_rumedtest" / "data" / "RuMedTest" / "private_test_v1.jsonl").open()
        )
    ]
    out["he"] = [
        m.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        for f in sorted(_need(wild / "he_ophth" / "JS" / "DATA").glob("*.js"))
        for m in re.findall(r'question: *"((?:[^"\\]|\\.)*)"', f.read_text(encoding="utf-8"))
    ]
    source = _need(wild / "jp_rinsho" / "src" / "data" / "examData.ts").read_text(encoding="utf-8")
    out["ja"] = [
        m.replace("\\n", " ")
        for m in re.findall(r': *"([^"]{20,})"', source)
        if re.search("[\u3040-\u30ff]", m)
    ]
    tw = [
        json.loads(f.read_text("utf-8"))
        for f in sorted(_need(wild / "tw_medexam" / "Question-Bank").glob("*.json"))
    ]
    out["zh-Hant"] = [" ".join([q["question_text"], *q.get("choices", [])]) for rows in tw for q in rows]
    cases = json.loads(_need(FIXTURES / "case_reports" / "zh" / "cmb-clin-test-qa.json").read_text("utf-8"))
    out["zh-Hans"] = [c["description"] for c in cases] + [
        qa["question"] for c in cases for qa in c["QA_pairs"]
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=300)
    args = parser.parse_args()
    from textkit import detect_language, language_matches

    by_language = {k: v[: args.per_language] for k, v in fixture_texts().items()}
    all_texts = [t for texts in by_language.values() for t in texts]
    print(f"Language identification on {len(all_texts):,} real exam texts ({os.cpu_count()} cores):")
    answers: dict[str, list[str | None]] = {}
    for identifier in ("langdetect", "fast"):
        [detect_language(t, identifier) for t in all_texts[::50]]  # load profiles and models once
        wall, cpu = time.perf_counter(), time.process_time()
        answers[identifier] = [detect_language(t, identifier) for t in all_texts]
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        latin = sum(1 for t in all_texts if not re.search("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", t))
        print(
            f"  {identifier:10s}: {len(all_texts) / wall:9,.0f} texts/s wall "
            f"({wall:6.2f} s, CPU {cpu:6.2f} s; "
            f"{latin:,} of them past the script rules)"
        )
    print(f"  {'language':8s} {'n':>5s}  {'agree':>6s}  {'ld right':>8s}  {'fast right':>10s}  fast answers")
    start = 0
    for language, texts in by_language.items():
        old = answers["langdetect"][start : start + len(texts)]
        new = answers["fast"][start : start + len(texts)]
        start += len(texts)
        agree = sum(a == b for a, b in zip(old, new, strict=True)) / len(texts)
        right_old = sum(language_matches(language, a) for a in old) / len(texts)
        right_new = sum(language_matches(language, b) for b in new) / len(texts)
        top = ", ".join(f"{k}:{v}" for k, v in Counter(map(str, new)).most_common(3))
        print(f"  {language:8s} {len(texts):5d}  {agree:6.3f}  {right_old:8.3f}  {right_new:10.3f}  {top}")
    total = sum(a == b for a, b in zip(answers["langdetect"], answers["fast"], strict=True)) / len(all_texts)
    print(f"  overall agreement {total:.3f} ('right' = passes the item check for the declared language)")


if __name__ == "__main__":
    main()
