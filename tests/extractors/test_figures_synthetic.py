"""Generated publisher layouts (samples.figure_layouts): every true figure found with its label and
caption on its page, including the layouts a nearest-caption rule got wrong."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractors.figures import extract_figures_from_bytes
from samples import figure_layouts


def _extract(doc: figure_layouts.SyntheticDocument, tmp_path: Path):
    return extract_figures_from_bytes(doc.pdf, doc.name, tmp_path)


def _iou(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


@pytest.mark.parametrize("layout", sorted(figure_layouts.LAYOUTS))
def test_every_layout_gives_its_figures_labels_and_captions(layout: str, tmp_path: Path) -> None:
    for doc in figure_layouts.documents([layout], variants=1, seed=7):
        found = _extract(doc, tmp_path)
        got = sorted((f.page, f.label, f.caption) for f in found.figures)
        want = sorted((t.page, t.label.replace("图 ", "图"), t.caption) for t in doc.figures)
        assert got == want, doc.name


@pytest.mark.parametrize("variant", range(3))
def test_figure_grid_each_caption_under_its_own_figure(variant: int, tmp_path: Path) -> None:
    """Two figures per row, captions side by side on one baseline (PyMuPDF puts them in one block)."""
    (doc,) = [
        d for d in figure_layouts.documents(["crowded"], variants=3) if d.name == f"crowded-{variant}-0"
    ]
    found = _extract(doc, tmp_path)
    by_label = {f.label: f for f in found.figures}
    assert sorted(by_label) == sorted(t.label for t in doc.figures)
    for truth in doc.figures:
        figure = by_label[truth.label]
        assert figure.caption == truth.caption
        assert _iou(figure.bbox, truth.bbox) > 0.9, truth.label


def test_bold_label_caption_at_body_size_stops_before_the_next_paragraph(tmp_path: Path) -> None:
    """Springer style: 'Fig. 1' bold in its own span, no delimiter, caption in the body size, prose after."""
    docs = list(figure_layouts.documents(["bold_labels"], variants=3))
    for doc in docs:
        found = _extract(doc, tmp_path)
        assert [(f.label, f.caption) for f in found.figures] == [(t.label, t.caption) for t in doc.figures]


def test_caption_at_the_head_of_the_next_column(tmp_path: Path) -> None:
    for doc in figure_layouts.documents(["column_break"], variants=3):
        found = _extract(doc, tmp_path)
        (truth,) = doc.figures
        assert [(f.label, f.caption, f.page) for f in found.figures] == [(truth.label, truth.caption, 1)]
        assert _iou(found.figures[0].bbox, truth.bbox) > 0.8


def test_rotated_pages_are_cropped_where_the_figure_is(tmp_path: Path) -> None:
    """A /Rotate 90 page read sideways, and a landscape page set upright: boxes in the reading frame."""
    for doc in figure_layouts.documents(["rotated"], variants=3):
        found = _extract(doc, tmp_path)
        assert [(f.label, f.caption) for f in found.figures] == [(t.label, t.caption) for t in doc.figures]
        for figure, truth in zip(found.figures, doc.figures, strict=True):
            assert _iou(figure.bbox, truth.bbox) > 0.9, (doc.name, truth.label)


def test_scanned_page_without_text_layer_invents_no_caption(tmp_path: Path) -> None:
    (doc,) = figure_layouts.documents(["scanned"], variants=1)
    found = _extract(doc, tmp_path)
    assert {f.page for f in found.figures} == {1}  # nothing from the scanned page 2
    assert pymupdf.open(stream=doc.pdf)[1].get_text().strip() == ""


def test_documents_are_reproducible() -> None:
    a = [(d.name, d.figures) for d in figure_layouts.documents(["two_column", "side_captions"], variants=2)]
    b = [(d.name, d.figures) for d in figure_layouts.documents(["two_column", "side_captions"], variants=2)]
    assert a == b


def test_long_textbook_numbered_by_chapter(tmp_path: Path) -> None:
    (doc,) = figure_layouts.documents(["textbook"], variants=1, seed=3)
    assert doc.pages >= 18 and len(doc.figures) >= 24
    found = _extract(doc, tmp_path)
    assert [(f.page, f.label, f.caption) for f in found.figures] == [
        (t.page, t.label, t.caption) for t in doc.figures
    ]
    assert {f.label.split()[1].split(".")[0] for f in found.figures} == {"1", "2", "3", "4"}
    for figure, truth in zip(found.figures, doc.figures, strict=True):
        assert _iou(figure.bbox, truth.bbox) > 0.9, figure.label
