"""Tagging quality and speed: specialty accuracy on the 400 Brazilian exam questions, ICD-10 chapters
of case-report diagnoses, per-vocabulary precision and recall on a hand-labelled sample, and items
tagged per second.

    python benchmarks/bench_tagging.py [--embedding] [--show-errors N] [--only precision]

Quality: the medbench_brasil files label each question with one or two of six exam areas
(clinica-medica, cirurgia, pediatria, ginecologia-obstetricia, saude-publica,
medicina-familia-comunidade). Our specialty areas map onto them (AREA_TO_LABEL); top-1 is right when
the most confident mapped area is one of the labels, any-match when any mapped area is. A question
with no specialty tag counts as wrong. Case reports: the JATS article titles of the Hindawi
fixtures (case reports name their diagnosis in the title) are tagged; the share with an ICD-10
chapter is printed with every title and its chapter, for a spot check.

Precision: `benchmarks/data/tagging_labels.yaml` holds 70 items from the fixtures (exam MCQs in pt-BR
and en, case-report diagnosis items, figure captions) with the codes a careful annotator gives them,
labelled by hand (rules in its header). Each is built as a BenchmarkItem and tagged as the tag stage
tags items (`tag_benchmark_items`: keyed text for the subject vocabularies, distractors kept for
specialty). Per vocabulary: micro precision, recall and F1 over items. ICD-10 is compared at the
3-character level (category and subcategory tags; chapters and blocks are not compared); the other
vocabularies by code, a tag's roll-up ancestors dropped when a tag below them is kept: "path"
counts a tag as right when it lies on a gold code's path (ancestor or descendant: 'cardiovascular'
for 'heart'), "exact" only when it is the gold code. Tags of codes the labels mark `ok` count neither
way. Also the primary-code accuracy (the tag marked primary vs the first gold code or a `primary_ok`
alternative) and, with --show-errors N, the N most frequent false positives (with the words that gave
them) and misses.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import (  # noqa: E402
    BenchmarkItem,
    ImageRef,
    ItemOrigin,
    Option,
    SourceRef,
    TaskType,
    TaxonomyTag,
    Vocabulary,
)
from taxonomy.base import Tagger, TagHit, TextToTag  # noqa: E402
from taxonomy.lexicon import LexiconTagger  # noqa: E402
from taxonomy.primary import primary_tag  # noqa: E402
from taxonomy.tagging import tag_benchmark_items, tag_texts  # noqa: E402
from vocabulary import load_all, load_vocabulary  # noqa: E402

LABELS_FILE = ROOT / "benchmarks" / "data" / "tagging_labels.yaml"
SCORED = (Vocabulary.ICD10, Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.SPECIALTY)
KINDS = ("exam", "case", "caption")
CAPTION_QUESTION = "What does the image show?"

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


def labelled_item(entry: dict) -> BenchmarkItem:
    """A labelled sample entry as the BenchmarkItem the pipeline would make of it: an MCQ with its
    keyed option, an open-ended diagnosis item (case presentation, diagnosis as the answer), or a
    VQA item whose image carries the caption."""
    from synthesis.case_items import OPEN_STEM

    kind, language = entry["kind"], entry["language"]
    options: list[Option] = []
    answers: list[str] = []
    images: list[ImageRef] = []
    if kind == "exam":
        task = TaskType.MCQ_SINGLE
        question = entry["question"]
        options = [Option(label=k, text=str(v)) for k, v in entry["options"].items()]
        answers = [entry["answer"]]
    elif kind == "case":
        task = TaskType.OPEN_ENDED
        question = f"{entry['question']}\n{OPEN_STEM}"
        answers = [entry["answer"]]
    elif kind == "caption":
        task = TaskType.VQA
        question = CAPTION_QUESTION
        images = [ImageRef(path=f"{entry['id']}.png", sha256="0" * 64, caption=entry["caption"])]
    else:
        raise ValueError(f"{entry['id']}: unknown kind {kind!r}")
    return BenchmarkItem(
        item_id=BenchmarkItem.make_id(task, language, question, options, answers, [i.sha256 for i in images]),
        source_key=f"labels/{entry['id']}",
        task=task,
        language=language,
        question=question,
        options=options,
        answers=answers,
        images=images,
        source=SourceRef(source_id="tagging_labels", uri=entry["source"]["file"]),
        licence="fixture",
        origin=ItemOrigin.SCRAPED,
    )


def load_labels(path: Path = LABELS_FILE) -> list[dict]:
    """The labelled entries; exits naming any label code that is not in its vocabulary."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    unknown = []
    for entry in entries:
        codes = [(v, c) for v, cs in entry["labels"].items() for c in cs]
        codes += [(v, c) for v, cs in (entry.get("ok") or {}).items() for c in cs]
        codes += [("icd10", c) for c in entry.get("primary_ok") or []]
        for vocabulary, code in codes:
            table = load_vocabulary(Vocabulary(vocabulary))
            if code not in table:
                unknown.append(f"{entry['id']}: {vocabulary} {code}")
    if unknown:
        sys.exit("label codes not in the vocabularies:\n  " + "\n  ".join(unknown))
    return entries


def predicted_codes(tags: list[TaxonomyTag], vocabulary: Vocabulary) -> set[str]:
    """The codes an item was tagged with in one vocabulary, as they are compared: ICD-10 categories
    (3 characters) of its category and subcategory tags; elsewhere the codes left once roll-up
    ancestors of another kept code are dropped."""
    codes = {t.code for t in tags if Vocabulary(t.vocabulary) is vocabulary}
    if vocabulary is Vocabulary.ICD10:
        return {
            t.code[:3]
            for t in tags
            if Vocabulary(t.vocabulary) is vocabulary and t.level in ("category", "subcategory")
        }
    table = load_vocabulary(vocabulary)
    implied = {a.code for c in codes for a in table.ancestors(c)}
    return codes - implied


def on_path(vocabulary: Vocabulary, a: str, b: str, exact: bool) -> bool:
    """Whether code a matches code b: the same code, or (not exact) one an ancestor of the other."""
    if a == b:
        return True
    if exact or vocabulary is Vocabulary.ICD10:
        return False
    table = load_vocabulary(vocabulary)
    return b in {t.code for t in table.ancestors(a)} or a in {t.code for t in table.ancestors(b)}


@dataclass
class Counts:
    """Tallies of one vocabulary: predictions right/wrong, gold codes found/missed."""

    right: int = 0
    wrong: int = 0
    found: int = 0
    missed: int = 0
    ignored: int = 0
    false_positives: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)

    def scores(self) -> tuple[float, float, float]:
        precision = self.right / (self.right + self.wrong) if self.right + self.wrong else 0.0
        recall = self.found / (self.found + self.missed) if self.found + self.missed else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def evidence_of(hits: list[TagHit], vocabulary: Vocabulary, code: str) -> str:
    """The words that gave a code (an ICD-10 category: any hit on it or below it)."""
    words = {
        h.evidence
        for h in hits
        if h.vocabulary is vocabulary
        and (h.code == code or (vocabulary is Vocabulary.ICD10 and h.code[:3] == code))
        and h.evidence
    }
    return "/".join(sorted(words)[:3]) or "(roll-up or composed)"


def score_item(
    entry: dict,
    tags: list[TaxonomyTag],
    hits: list[TagHit],
    vocabulary: Vocabulary,
    exact: bool,
    counts: Counts,
) -> None:
    """Adds one item's predictions and gold codes of one vocabulary to the tallies."""
    gold = list(entry["labels"].get(vocabulary.value) or [])
    ok = list((entry.get("ok") or {}).get(vocabulary.value) or [])
    if vocabulary is Vocabulary.ICD10:
        ok += entry.get("primary_ok") or []
    predicted = predicted_codes(tags, vocabulary)
    for code in sorted(predicted):
        if any(on_path(vocabulary, code, g, exact) for g in gold):
            counts.right += 1
        elif any(on_path(vocabulary, code, o, exact) for o in ok):
            counts.ignored += 1
        else:
            counts.wrong += 1
            counts.false_positives[(code, evidence_of(hits, vocabulary, code))] += 1
    for code in gold:
        if any(on_path(vocabulary, p, code, exact) for p in predicted):
            counts.found += 1
        else:
            counts.missed += 1
            counts.misses[code] += 1


def precision_report(taggers: list[Tagger], min_confidence: float, show_errors: int) -> None:
    """Per-vocabulary precision, recall and F1 on the hand-labelled sample, and primary-code accuracy."""
    entries = load_labels()
    items = [labelled_item(e) for e in entries]
    started = time.perf_counter()
    tagged, results = tag_benchmark_items(items, taggers, min_confidence)
    elapsed = time.perf_counter() - started
    by_kind = Counter(e["kind"] for e in entries)
    print(
        f"\nprecision/recall on {len(entries)} hand-labelled items ({dict(by_kind)}; {LABELS_FILE.name}, "
        f"taggers: {[t.name for t in taggers]}, min confidence {min_confidence}, {elapsed:.2f} s)"
    )
    print(
        f"  {'vocabulary':<11} {'items':<8} {'P':>6} {'R':>6} {'F1':>6}   {'right':>5} {'wrong':>5} "
        f"{'found':>5} {'gold':>5} {'ok':>4} | exact {'P':>6} {'R':>6} {'F1':>6}"
    )
    for vocabulary in SCORED:
        for kind in ("all", *KINDS):
            path, exact = Counts(), Counts()
            for entry, item, result in zip(entries, tagged, results, strict=True):
                if kind != "all" and entry["kind"] != kind:
                    continue
                score_item(entry, item.tags, result.hits, vocabulary, False, path)
                score_item(entry, item.tags, result.hits, vocabulary, True, exact)
            p, r, f = path.scores()
            ep, er, ef = exact.scores()
            name = vocabulary.value if kind == "all" else ""
            print(
                f"  {name:<11} {kind:<8} {p:>6.3f} {r:>6.3f} {f:>6.3f}   {path.right:>5} {path.wrong:>5} "
                f"{path.found:>5} {path.found + path.missed:>5} {path.ignored:>4} | exact {ep:>6.3f} "
                f"{er:>6.3f} {ef:>6.3f}"
            )
    primary_report(entries, tagged)
    if show_errors:
        print_errors(entries, tagged, results, show_errors)


def primary_report(entries: list[dict], tagged: list[BenchmarkItem]) -> None:
    """Primary-code accuracy at the 3-character level, over the items with a gold ICD-10 code."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for entry, item in zip(entries, tagged, strict=True):
        gold = entry["labels"].get("icd10") or []
        if not gold:
            continue
        primary = primary_tag(item.tags)
        accepted = {gold[0], *(entry.get("primary_ok") or [])}
        for kind in ("all", entry["kind"]):
            totals[kind][0] += 1
            totals[kind][1] += primary is not None and primary.code[:3] in accepted
            totals[kind][2] += primary is None
    print("  primary ICD-10 code (3 characters) vs the first gold code or a primary_ok alternative:")
    for kind in ("all", *KINDS):
        n, right, none = totals[kind]
        if n:
            print(f"    {kind:<8} {right / n:.3f} ({right}/{n}, no primary: {none})")


def print_errors(entries: list[dict], tagged: list[BenchmarkItem], results: list, limit: int) -> None:
    """The most frequent false positives (code, the words that gave it, items) and misses."""
    for vocabulary in SCORED:
        wrong: Counter[tuple[str, str]] = Counter()
        where: dict[tuple[str, str], list[str]] = defaultdict(list)
        missed: Counter[str] = Counter()
        missed_where: dict[str, list[str]] = defaultdict(list)
        for entry, item, result in zip(entries, tagged, results, strict=True):
            counts = Counts()
            score_item(entry, item.tags, result.hits, vocabulary, False, counts)
            for key, n in counts.false_positives.items():
                if n:
                    wrong[key] += n
                    where[key].append(entry["id"])
            for code in counts.misses:
                missed[code] += 1
                missed_where[code].append(entry["id"])
        table = load_vocabulary(vocabulary)
        print(f"\n  {vocabulary.value}: false positives (code, matched words: items)")
        for (code, words), n in wrong.most_common(limit):
            print(
                f"    {n:>2} {code} {table.title(code)[:30]!r} <- {words!r}: "
                f"{', '.join(where[(code, words)][:4])}"
            )
        print(f"  {vocabulary.value}: misses")
        for code, n in missed.most_common(limit):
            print(f"    {n:>2} {code} {table.title(code)[:30]!r}: {', '.join(missed_where[code][:4])}")


def specialty_report(root: Path, taggers: list[Tagger], min_confidence: float, show_errors: int) -> None:
    """Specialty top-1 and any-match accuracy on the medbench_brasil labels."""
    questions = load_exam_questions(root)
    texts = [TextToTag(q["text"], "pt-BR") for q in questions]
    started = time.perf_counter()
    results = tag_texts(texts, taggers, min_confidence)
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
    for question, scores in errors[:show_errors]:
        print(f"\n  [{question['id']}] gold {sorted(question['labels'])} predicted {scores[:3]}")
        print("   ", question["text"][:300].replace("\n", " "))


def titles_report(root: Path, taggers: list[Tagger], min_confidence: float) -> None:
    """ICD-10 chapters of the Hindawi case-report titles, printed for a spot check."""
    titles = case_report_titles(root)
    if titles:
        icd = load_vocabulary(Vocabulary.ICD10)
        results = tag_texts([TextToTag(t, "en") for _, t in titles], taggers, min_confidence)
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


def throughput(root: Path, taggers: list[Tagger], min_confidence: float) -> None:
    """Items tagged per second on a larger batch."""
    texts = [TextToTag(q["text"], "pt-BR") for q in load_exam_questions(root)]
    # the 400 questions repeated five times
    batch = texts * 5
    started = time.perf_counter()
    tag_texts(batch, taggers, min_confidence)
    elapsed = time.perf_counter() - started
    print(f"\nthroughput: {len(batch)} items in {elapsed:.2f} s = {len(batch) / elapsed:.0f} items/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding", action="store_true", help="add the MiniLM nearest-label tagger")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many errors of each kind")
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument(
        "--only", choices=("specialty", "titles", "precision", "speed"), help="run one section (default: all)"
    )
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

    if args.only in (None, "specialty"):
        specialty_report(root, taggers, args.min_confidence, args.show_errors)
    if args.only in (None, "titles"):
        titles_report(root, taggers, args.min_confidence)
    if args.only in (None, "precision"):
        precision_report(taggers, args.min_confidence, args.show_errors)
    if args.only in (None, "speed"):
        throughput(root, taggers, args.min_confidence)


if __name__ == "__main__":
    main()
