"""Figure-caption extraction benchmark: quality against JATS ground truth and pages per second per core.

Usage:
    python benchmarks/bench_figures.py                       # the eight fixture case reports
    python benchmarks/bench_figures.py --pdfs DIR --jats DIR # any PDFs with JATS XML of the same stem
    python benchmarks/bench_figures.py --pdfs ../shared/fixtures/html/bmc_trials --jats same
    python benchmarks/bench_figures.py --synthetic           # generated publisher layouts, per layout
    python benchmarks/bench_figures.py --synthetic --variants 5 --layout crowded --save /tmp/synth -v

Ground truth is either a `figure_captions.json` ({doc: [{id, label, caption}]}) or, with --jats, the
`<fig>` elements of each PDF's XML (label from <label> or <title>, caption from <caption>, or from
<text> when that is longer, as BMC's format has it). `--jats same` looks beside each PDF.
A figure counts as paired correctly when its label number matches a true figure and its caption
matches (both empty, or similarity >= 0.9 after whitespace and case are normalised); where the truth
knows the page (the synthetic set), the page must match too. `--synthetic` scores the layouts of
`samples.figure_layouts` (written with PyMuPDF, truth known by construction) and also counts
right pairs whose box overlaps the true figure's by IoU >= 0.5 ("box").
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.figures import extract_figures_from_bytes, extract_figures_from_pdf  # noqa: E402
from samples import figure_layouts  # noqa: E402
from schemas import RecordError  # noqa: E402

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", ROOT.parent / "shared" / "fixtures"))
MATCH = 0.9


def normalise(text: str | None) -> str:
    """Caption text compared without case, whitespace or dash variants."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", "", text)


def number_of(label: str | None) -> str | None:
    """'Figure 3' -> '3'; 'Fig. S2' -> 'S2'; 'Figure 2.3' -> '2.3' (textbooks number by chapter)."""
    if not label:
        return None
    match = re.search(r"S?\d+(?:\.\d+)*[A-Za-z]?", label)
    return match.group(0).upper() if match else None


def _text(node: ET.Element | None) -> str:
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip() if node is not None else ""


def jats_figures(xml_path: Path) -> list[dict]:
    """[{id, label, caption}] from the <fig> elements of a JATS (or BMC) XML file."""
    raw = xml_path.read_bytes()
    raw = re.sub(rb"<!DOCTYPE[^>]*>", b"", raw)
    root = ET.fromstring(raw)
    out = []
    for fig in root.iter():
        if not isinstance(fig.tag, str) or fig.tag.split("}")[-1] != "fig":
            continue
        children = {c.tag.split("}")[-1]: c for c in fig if isinstance(c.tag, str)}
        label = _text(children.get("label")) or _text(children.get("title"))
        caption = _text(children.get("caption"))
        body = _text(children.get("text"))
        if len(body) > len(caption):
            caption = body
        if label and caption.startswith(label):
            caption = caption[len(label) :].lstrip(" :.|")
        out.append({"id": fig.get("id"), "label": label or None, "caption": caption or None})
    return out


def ground_truth(pdfs: list[Path], truth: Path | None, jats: str | None) -> dict[Path, list[dict]]:
    """True figures for each PDF."""
    if jats is None:
        table = json.loads(Path(truth).read_text(encoding="utf-8"))
        return {p: table[p.stem] for p in pdfs if p.stem in table}
    out = {}
    for pdf in pdfs:
        folder = pdf.parent if jats == "same" else Path(jats)
        xml = next(
            (
                folder / f"{pdf.stem}{ext}"
                for ext in (".xml", ".nxml")
                if (folder / f"{pdf.stem}{ext}").exists()
            ),
            None,
        )
        if xml is not None:
            out[pdf] = jats_figures(xml)
    return out


def iou(a: tuple | list, b: tuple | list) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def score_document(found: list, truth: list[dict]) -> dict:
    """Counts for one document: true, predicted, figures found, pairs right, caption exact matches."""
    true_by_number = {number_of(t["label"]): t for t in truth}
    hit_numbers: set[str] = set()
    right = exact = boxed = 0
    similarity = []
    errors = []
    for figure in found:
        number = number_of(figure.label)
        expected = true_by_number.get(number)
        if expected is None or number in hit_numbers:
            errors.append(f"extra {figure.label!r} p{figure.page}: {str(figure.caption)[:60]!r}")
            continue
        hit_numbers.add(number)
        a, b = normalise(figure.caption), normalise(expected["caption"])
        ratio = 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()
        similarity.append(ratio)
        exact += a == b
        page = expected.get("page")
        pages = {figure.page, getattr(figure, "caption_page", None)}  # a caption can be on another page
        if ratio >= MATCH and page is not None and page not in pages:
            errors.append(f"page {figure.label!r}: got p{figure.page} want p{page}")
        elif ratio >= MATCH:
            right += 1
            boxed += "bbox" in expected and iou(figure.bbox, expected["bbox"]) >= 0.5
        else:
            errors.append(
                f"caption {figure.label!r}: got {str(figure.caption)[:60]!r} "
                f"want {str(expected['caption'])[:60]!r}"
            )
    for number, t in true_by_number.items():
        if number not in hit_numbers:
            errors.append(f"missed {t['label']!r}")
    return {
        "true": len(truth),
        "predicted": len(found),
        "found": len(hit_numbers),
        "right": right,
        "exact": exact,
        "boxed": boxed,
        "similarity": similarity,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pdfs",
        type=Path,
        default=FIXTURES / "pdfs" / "case_reports",
        help="folder of PDFs (searched recursively)",
    )
    parser.add_argument("--truth", type=Path, default=None, help="figure_captions.json (default: in --pdfs)")
    parser.add_argument(
        "--jats", default=None, help="folder of JATS XML named like the PDFs, or 'same' for beside each PDF"
    )
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs over the whole set (best is kept)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and extra")
    parser.add_argument("--synthetic", action="store_true", help="score the generated layouts instead")
    parser.add_argument("--variants", type=int, default=3, help="--synthetic: seeded variants per layout")
    parser.add_argument("--seed", type=int, default=0, help="--synthetic: base seed")
    parser.add_argument("--layout", action="append", help="--synthetic: only these layouts (repeatable)")
    parser.add_argument("--save", type=Path, default=None, help="--synthetic: also write the PDFs here")
    args = parser.parse_args(argv)
    if args.synthetic:
        return run_synthetic(args)
    if not args.pdfs.is_dir():
        print(f"no PDF folder at {args.pdfs} (set MEDFORGE_FIXTURES or pass --pdfs)", file=sys.stderr)
        return 2
    pdfs = sorted(args.pdfs.rglob("*.pdf"))
    truth_file = args.truth or args.pdfs / "figure_captions.json"
    if args.jats is None and not truth_file.exists():
        print(f"no ground truth: {truth_file} is missing and --jats was not given", file=sys.stderr)
        return 2
    truth = ground_truth(pdfs, truth_file, args.jats)
    pdfs = [p for p in pdfs if p in truth]
    results: dict[Path, list] = {}
    best_cpu = best_wall = float("inf")
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(max(1, args.repeat)):
            image_dir = Path(tmp) / f"run{run}"
            pages = 0
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for pdf in pdfs:
                try:
                    found = extract_figures_from_pdf(pdf, image_dir, dpi=args.dpi)
                    results[pdf] = found.figures
                    pages += found.pages
                except RecordError as error:
                    results[pdf] = []
                    print(f"rejected {pdf.name}: {error}", file=sys.stderr)
            best_cpu = min(best_cpu, time.process_time() - cpu0)
            best_wall = min(best_wall, time.perf_counter() - wall0)
    totals = {"true": 0, "predicted": 0, "found": 0, "right": 0, "exact": 0}
    similarity: list[float] = []
    print(f"{'document':<28} true pred found right exact    F1")
    scores: dict[Path, dict] = {}
    for pdf in pdfs:
        s = scores[pdf] = score_document(results[pdf], truth[pdf])
        for k in totals:
            totals[k] += s[k]
        similarity += s["similarity"]
        name = str(pdf.relative_to(args.pdfs))
        print(
            f"{name:<28} {s['true']:>4} {s['predicted']:>4} {s['found']:>5} {s['right']:>5} {s['exact']:>5} "
            f"{_f1(s['right'], s['predicted'], s['true']):>5.3f}"
        )
        if args.verbose or s["errors"]:
            for e in s["errors"]:
                print(f"    {e}")
    precision = totals["right"] / totals["predicted"] if totals["predicted"] else 1.0
    recall = totals["right"] / totals["true"] if totals["true"] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print()
    print(
        f"documents {len(pdfs)}  pages {pages}  true figures {totals['true']}  "
        f"predicted {totals['predicted']}"
    )
    print(f"figure recall          {totals['found'] / max(1, totals['true']):.3f}")
    print(f"pairing precision      {precision:.3f}")
    print(f"pairing recall         {recall:.3f}")
    per_document = [_f1(s["right"], s["predicted"], s["true"]) for s in scores.values()]
    print(f"pairing F1             {f1:.3f}  (worst document {min(per_document, default=1.0):.3f})")
    print(
        f"caption exact match    {totals['exact'] / max(1, totals['found']):.3f}  "
        "(whitespace/case-insensitive)"
    )
    print(
        f"caption similarity     {sum(similarity) / max(1, len(similarity)):.3f}  (mean over found figures)"
    )
    print(
        f"speed                  {pages / best_cpu:.1f} pages/s/core (CPU time), "
        f"{pages / best_wall:.1f} pages/s wall, dpi {args.dpi}"
    )
    return 0


def _f1(right: int, predicted: int, true: int) -> float:
    precision = right / predicted if predicted else 1.0
    recall = right / true if true else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run_synthetic(args: argparse.Namespace) -> int:
    """Per-layout scores on the generated set, then the totals and the speed."""
    unknown = set(args.layout or ()) - set(figure_layouts.LAYOUTS)
    if unknown:
        print(
            f"unknown layouts {sorted(unknown)}; known: {', '.join(figure_layouts.LAYOUTS)}", file=sys.stderr
        )
        return 2
    docs = list(figure_layouts.documents(args.layout, variants=args.variants, seed=args.seed))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            (args.save / f"{doc.name}.pdf").write_bytes(doc.pdf)
    keys = ("docs", "pages", "true", "predicted", "found", "right", "boxed")
    per_layout: dict[str, dict[str, int]] = {}
    errors: dict[str, list[str]] = {}
    cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for doc in docs:
            truth = [
                {"label": t.label, "caption": t.caption, "page": t.page, "bbox": t.bbox} for t in doc.figures
            ]
            cpu0 = time.process_time()
            try:
                found = extract_figures_from_bytes(doc.pdf, doc.name, Path(tmp), dpi=args.dpi)
                figures, pages = found.figures, found.pages
            except RecordError as error:
                figures, pages = [], doc.pages
                errors.setdefault(doc.name, []).append(f"rejected: {error}")
            cpu += time.process_time() - cpu0
            s = score_document(figures, truth)
            row = per_layout.setdefault(doc.layout, dict.fromkeys(keys, 0))
            row["docs"] += 1
            row["pages"] += pages
            for k in keys[2:]:
                row[k] += s[k]
            errors.setdefault(doc.name, []).extend(s["errors"])
    print(f"{'layout':<16} docs pages true pred found right  box    F1")
    totals = dict.fromkeys(keys, 0)
    for layout, row in per_layout.items():
        for k in keys:
            totals[k] += row[k]
        f1 = _f1(row["right"], row["predicted"], row["true"])
        print(
            f"{layout:<16} {row['docs']:>4} {row['pages']:>5} {row['true']:>4} {row['predicted']:>4} "
            f"{row['found']:>5} {row['right']:>5} {row['boxed']:>4} {f1:>5.3f}"
        )
        if args.verbose:
            for doc in docs:
                if doc.layout == layout:
                    for e in errors.get(doc.name, ()):
                        print(f"    {doc.name}: {e}")
    f1 = _f1(totals["right"], totals["predicted"], totals["true"])
    layout_f1 = [_f1(r["right"], r["predicted"], r["true"]) for r in per_layout.values()]
    print()
    print(
        f"documents {totals['docs']}  pages {totals['pages']}  true figures {totals['true']}  "
        f"predicted {totals['predicted']}"
    )
    print(f"figure recall          {totals['found'] / max(1, totals['true']):.3f}")
    print(f"pairing F1             {f1:.3f}  (worst layout {min(layout_f1):.3f})")
    print(f"right box (IoU>=0.5)   {totals['boxed'] / max(1, totals['right']):.3f}  of right pairs")
    print(
        f"speed                  {totals['pages'] / max(cpu, 1e-9):.1f} pages/s/core (CPU time), "
        f"dpi {args.dpi}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
