"""ICD-10 coding of real diagnosis strings: primary-code accuracy and coverage at category level, by language.

    python benchmarks/bench_icd.py [--show-errors N] [--set NAME]

Reads `benchmarks/data/icd_eval.yaml` (real diagnoses from the shared fixtures, each with the
3-character categories a coder would accept, labelled by hand before the coding rules were tuned).
Each string is tagged with the lexicon tagger as an open-ended diagnosis; the code compared is the
tag marked primary (or, where no tag is marked, the most confident one at category level or finer).
Coverage is the share of strings given such a code; accuracy the share whose code's category is
one of those accepted (an uncoded string counts as wrong). Also prints strings coded per second.

The *-unseen sets were drawn and labelled after the coding tables were written, before they were
run on them: they are the honest figure for diagnoses the tables were not written for.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import TaxonomyTag, Vocabulary  # noqa: E402
from taxonomy.tagging import tag_text  # noqa: E402
from vocabulary import load_all  # noqa: E402

EVAL_FILE = ROOT / "benchmarks" / "data" / "icd_eval.yaml"


def primary_code(tags: list[TaxonomyTag]) -> str | None:
    """The tag marked primary, else the most confident ICD-10 code at category level or finer."""
    icd = [t for t in tags if Vocabulary(t.vocabulary) is Vocabulary.ICD10]
    marked = [t for t in icd if getattr(t, "primary", False)]
    if marked:
        return marked[0].code
    fine = [t for t in icd if t.level in ("category", "subcategory")]
    return max(fine, key=lambda t: t.confidence).code if fine else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", type=int, default=0, help="print up to N misses per set")
    parser.add_argument("--set", action="append", help="only these sets (repeatable)")
    parser.add_argument("--eval-file", type=Path, default=EVAL_FILE, help="the evaluation YAML")
    args = parser.parse_args()
    data = yaml.safe_load(args.eval_file.read_text(encoding="utf-8"))
    load_all()
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    count = 0
    print(f"{'set':<16} {'n':>4} {'coverage':>9} {'top-1':>7}")
    for name, spec in data["sets"].items():
        if args.set and name not in args.set:
            continue
        language = spec["language"]
        n = covered = right = 0
        misses = []
        for text, accepted in spec["items"]:
            code = primary_code(tag_text(text, language).tags)
            count += 1
            n += 1
            covered += code is not None
            ok = code is not None and code[:3] in accepted
            right += ok
            if not ok:
                misses.append(f"    {text!r}: got {code}, want {'/'.join(accepted)}")
        print(f"{name:<16} {n:>4} {covered / n:>9.3f} {right / n:>7.3f}")
        for line in misses[: args.show_errors]:
            print(line)
        totals = by_language[language.split("-")[0]]
        totals[0] += n
        totals[1] += covered
        totals[2] += right
    for language, (n, covered, right) in sorted(by_language.items()):
        print(f"{'all ' + language:<16} {n:>4} {covered / n:>9.3f} {right / n:>7.3f}")
    elapsed = time.perf_counter() - started
    print(f"{count} strings in {elapsed:.2f} s ({count / elapsed:.0f}/s)")
    japanese_bank_coverage()


def japanese_bank_coverage() -> None:
    """Share of the Japanese clinical-laboratory exam bank (exams_wild/jp_rinsho, stem + options)
    with any tag and with a primary ICD-10 code: coverage only, no labels."""
    fixtures = Path(os.environ.get("MEDFORGE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
    path = fixtures / "exams_wild" / "jp_rinsho" / "src" / "data" / "examData.ts"
    if not path.is_file():
        print(f"(no Japanese bank at {path})")
        return
    source = path.read_text(encoding="utf-8")
    stems = re.findall(r'"text": "([^"]+)"', source)
    options = re.findall(r'"options": \[([^\]]*)\]', source)
    tagged = primary = 0
    for stem, opts in zip(stems, options, strict=False):
        tags = tag_text(f"{stem}\n{opts}", "ja").tags
        tagged += bool(tags)
        primary += any(getattr(t, "primary", False) for t in tags)
    n = max(len(stems), 1)
    print(
        f"jp_rinsho ({len(stems)} items, stem + options): any tag {tagged / n:.3f}, "
        f"primary ICD-10 {primary / n:.3f}"
    )


if __name__ == "__main__":
    main()
