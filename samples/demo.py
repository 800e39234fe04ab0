"""Writes the demo's sample sources (exam site, textbook PDF, JATS case reports) for `specs/demo.yaml`."""

from __future__ import annotations

from pathlib import Path

from samples.case_reports_jats import render_case_reports
from samples.exam_site import render_exam_site
from samples.textbook_pdf import render_textbook_pdf

DEMO_SOURCES_DIRNAME = "demo-sources"


def write_demo_sources(root: Path) -> Path:
    """Render every demo source under `root` (idempotent: same bytes each time) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    render_exam_site(root / "exam-site")
    render_textbook_pdf(root / "textbook" / "clinical-imaging-primer.pdf")
    render_case_reports(root / "case-reports")
    return root
