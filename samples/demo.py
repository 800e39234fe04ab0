"""Writes the demo's sources for `specs/demo.yaml`: generated ones (exam site, textbook PDF, JATS case
reports) and the real ones bundled in samples/real."""

from __future__ import annotations

import shutil
from pathlib import Path

from samples.case_reports_jats import render_case_reports
from samples.exam_site import render_exam_site
from samples.textbook_pdf import render_textbook_pdf

DEMO_SOURCES_DIRNAME = "demo-sources"
REAL_DIRNAME = "real"
REAL_SOURCES = Path(__file__).parent / "real"
"""Real, openly licensed sources (see its README.md for attribution and licences)."""


def write_demo_sources(root: Path) -> Path:
    """Render every demo source under `root` (idempotent: same bytes each time) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    render_exam_site(root / "exam-site")
    render_textbook_pdf(root / "textbook" / "clinical-imaging-primer.pdf")
    render_case_reports(root / "case-reports")
    copy_real_sources(root / REAL_DIRNAME)
    return root


def copy_real_sources(target: Path) -> Path:
    """Copies the bundled real sources (samples/real, with their licences) beside the generated ones."""
    for path in sorted(REAL_SOURCES.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(REAL_SOURCES)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.is_file() or destination.read_bytes() != path.read_bytes():
                shutil.copyfile(path, destination)
    return target
