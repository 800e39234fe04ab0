"""Tagging quality and speed: specialty accuracy on the 400 Brazilian exam questions, ICD-10 chapters
of case-report diagnoses, and items tagged per second.

    python benchmarks/bench_tagging.py [--embedding] [--show-errors N]

Quality: the medbench_brasil files label each question with one or two of six exam areas
(clinica-medica, cirurgia, pediatria, ginecologia-obstetricia, saude-publica,
medicina-familia-comunidade). Our specialty areas map onto them (AREA_TO_LABEL); top-1 is right when
the most confident mapped area is one of the labels, any-match when any mapped area is. A question
with no specialty tag counts as wrong. Case reports: the JATS article titles of the Hindawi
fixtures (case reports name their diagnosis in the title) are tagged; the share with an ICD-10
chapter is printed with every title and its chapter, for a spot check.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import TaxonomyTag, Vocabulary  # noqa: E402
from taxonomy.base import TextToTag  # noqa: E402
from taxonomy.lexicon import LexiconTagger  # noqa: E402
from taxonomy.tagging import tag_texts  # noqa: E402
from vocabulary import load_all, load_vocabulary  # noqa: E402

AREA_TO_LABEL = {
    "internal_medicine": "clinica-medica",
    "psychiatry": "clinica-medica",
    "emergency_medicine": "clinica-medica",
    "surgery": "cirurgia",
    "pediatrics": "pediatria",
    "obstetrics_gynecology": "ginecologia-obstetricia",
    "public_health": "saude-publica",
    "family_medicine": "medicina-familia-comunidade",
}


def fixtures_dir() -> Path:
    """The shared fixtures folder (MEDFORGE_FIXTURES overrides ../shared/fixtures)."""
    path = Path(os.environ.get("MEDFORGE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
    if not path.is_dir():
        sys.exit(f"fixtures not found at {path} (set MEDFORGE_FIXTURES)")
    return path


def load_exam_questions(root: Path) -> list[dict]:
    """Every medbench_brasil question with its text (stem + options: specialty is a topic
    vocabulary, tagged with distractors as `taxonomy.tagging.item_text` does) and specialty labels."""
    questions = []
    for path in sorted(glob.glob(str(root / "exams" / "medbench_brasil" / "*.json"))):
        for q in json.loads(Path(path).read_text(encoding="utf-8"))["questions"]:
            options = q.get("options") or {}
            text = "\n".join([q["stem"], *(str(v) for v in options.values())])
            questions.append({"id": q["id"], "text": text, "labels": set(q["specialty"])})
    return questions


def area_scores(tags: list[TaxonomyTag]) -> list[tuple[str, float]]:
    """Mapped exam labels with the confidence of their best area tag, best first."""
    best: dict[str, float] = {}
    table = load_vocabulary(Vocabulary.SPECIALTY)
    for tag in tags:
        if Vocabulary(tag.vocabulary) is not Vocabulary.SPECIALTY:
            continue
        area = table.top_level(tag.code).code
        label = AREA_TO_LABEL.get(area)
        if label:
            best[label] = max(best.get(label, 0.0), tag.confidence)
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def case_report_titles(root: Path) -> list[tuple[str, str]]:
    """(file, article title) of the Hindawi JATS case reports."""
    out = []
    for path in sorted((root / "case_reports" / "jats" / "hindawi").glob("*.xml")):
        try:
            tree = ET.parse(path)
        except ET.ParseError:
            continue
        article = tree.getroot()
        kind = article.get("article-type", "")
        title = article.find(".//article-meta/title-group/article-title")
        if title is not None and kind == "case-report":
            out.append((path.name, " ".join("".join(title.itertext()).split())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding", action="store_true", help="add the MiniLM nearest-label tagger")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many top-1 errors")
    parser.add_argument("--min-confidence", type=float, default=0.5)
    args = parser.parse_args()
    root = fixtures_dir()

    started = time.perf_counter()
    load_all()
    taggers = [LexiconTagger()]
    if args.embedding:
        from embeddings import default_encoder
        from taxonomy.embedding import EmbeddingTagger

        taggers.append(EmbeddingTagger(default_encoder()))
    tag_texts([TextToTag("warm-up: pneumonia", "en")], taggers)
    print(f"vocabularies and lexicons loaded in {time.perf_counter() - started:.2f} s")

    questions = load_exam_questions(root)
    texts = [TextToTag(q["text"], "pt-BR") for q in questions]
    started = time.perf_counter()
    results = tag_texts(texts, taggers, args.min_confidence)
    elapsed = time.perf_counter() - started
    top1 = any_match = untagged = 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for question, result in zip(questions, results, strict=True):
        scores = area_scores(result.tags)
        if not scores:
            untagged += 1
            confusion[(sorted(question["labels"])[0], "(none)")] += 1
            continue
        predicted = scores[0][0]
        top1 += predicted in question["labels"]
        any_match += any(label in question["labels"] for label, _ in scores)
        if predicted not in question["labels"]:
            confusion[(sorted(question["labels"])[0], predicted)] += 1
            errors.append((question, scores))
    n = len(questions)
    print(
        f"\nspecialty vs medbench_brasil labels ({n} questions, pt-BR, taggers: {[t.name for t in taggers]})"
    )
    print(f"  top-1 accuracy     {top1 / n:.3f} ({top1}/{n})")
    print(f"  any-match accuracy {any_match / n:.3f} ({any_match}/{n})")
    print(f"  no specialty tag   {untagged}")
    print(f"  label distribution {dict(Counter(sorted(q['labels'])[0] for q in questions).most_common())}")
    print("  most common top-1 errors (gold -> predicted):")
    for (gold, predicted), count in confusion.most_common(8):
        print(f"    {gold} -> {predicted}: {count}")
    print(f"  speed: {n / elapsed:.0f} items/s ({elapsed * 1000 / n:.2f} ms/item, 1 process)")
    for question, scores in errors[: args.show_errors]:
        print(f"\n  [{question['id']}] gold {sorted(question['labels'])} predicted {scores[:3]}")
        print("   ", question["text"][:300].replace("\n", " "))

    titles = case_report_titles(root)
    if titles:
        icd = load_vocabulary(Vocabulary.ICD10)
        results = tag_texts([TextToTag(t, "en") for _, t in titles], taggers, args.min_confidence)
        with_chapter = 0
        print(f"\nICD-10 chapters of {len(titles)} Hindawi case-report titles (spot check below)")
        for (_name, title), result in zip(titles, results, strict=True):
            chapters = [
                t
                for t in result.tags
                if Vocabulary(t.vocabulary) is Vocabulary.ICD10 and t.level == "chapter"
            ]
            codes = [
                t.code
                for t in result.tags
                if Vocabulary(t.vocabulary) is Vocabulary.ICD10 and t.level != "chapter"
            ]
            with_chapter += bool(chapters)
            shown = ", ".join(f"{c.code} {icd.title(c.code)[:28]}" for c in chapters[:2]) or "-"
            print(f"  {title[:70]:70} | {shown} | {' '.join(codes[:3])}")
        print(
            f"  share with an ICD-10 chapter: {with_chapter / len(titles):.3f} ({with_chapter}/{len(titles)})"
        )

    # throughput on a larger batch: the 400 questions repeated five times
    batch = texts * 5
    started = time.perf_counter()
    tag_texts(batch, taggers, args.min_confidence)
    elapsed = time.perf_counter() - started
    print(f"\nthroughput: {len(batch)} items in {elapsed:.2f} s = {len(batch) / elapsed:.0f} items/s")


if __name__ == "__main__":
    main()
