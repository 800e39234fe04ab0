"""Synthetic PDFs that mimic publishers' figure layouts, with the true labels and captions known by
construction: the evaluation set for layouts the extractor was not tuned on (no downloads needed).

Each layout is a function of a seeded random generator, so a variant is reproducible and several
variants of one layout differ in page size, fonts, sizes, positions and texts. Used by
`benchmarks/bench_figures.py --synthetic` and by the layout tests.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import pymupdf

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class TrueFigure:
    """A figure as written: its label, caption text after the label (None: a bare label) and page."""

    label: str
    caption: str | None
    page: int
    bbox: Box


@dataclass(frozen=True)
class SyntheticDocument:
    """One generated PDF with the figures it holds."""

    name: str
    layout: str
    pdf: bytes
    figures: tuple[TrueFigure, ...]
    pages: int


# ---------------------------------------------------------------- text


_SUBJECTS = [
    "The patient",
    "A 54-year-old woman",
    "The child",
    "An elderly man",
    "The second biopsy",
    "Follow-up imaging",
    "Laboratory testing",
    "The surgical team",
    "Repeat echocardiography",
    "The multidisciplinary board",
]
_VERBS = [
    "presented with",
    "showed",
    "revealed",
    "was treated for",
    "confirmed",
    "excluded",
    "was consistent with",
    "suggested",
]
_OBJECTS = [
    "a three-week history of fever and productive cough",
    "raised inflammatory markers and a mild normocytic anaemia",
    "a well-circumscribed mass in the right lower lobe",
    "diffuse thickening of the bowel wall without obstruction",
    "granulomatous inflammation with central necrosis",
    "a small pericardial effusion and preserved ejection fraction",
    "no evidence of metastatic disease on staging",
    "an intermittent headache that worsened at night",
    "bilateral pleural effusions and basal atelectasis",
    "elevated liver enzymes with a cholestatic pattern",
]
_TAILS = [
    "",
    " after admission",
    " on the third day",
    " despite empirical antibiotics",
    " at the outpatient clinic",
    " during the second cycle of treatment",
]

_CAPTION_HEADS = [
    "Axial contrast-enhanced CT of the chest",
    "Chest radiograph on admission",
    "Histopathology of the resected specimen (H&E, x200)",
    "Coronal T2-weighted MRI of the pelvis",
    "Transthoracic echocardiogram, apical four-chamber view",
    "Dermoscopic image of the pigmented lesion",
    "Fundus photograph of the right eye",
    "Timeline of symptoms, treatment and follow-up",
    "Serum ferritin and C-reactive protein during admission",
    "Immunohistochemistry for CD20 in the lymph node",
    "Ultrasound of the right upper quadrant",
    "Kaplan-Meier estimate of survival by treatment arm",
    "Endoscopic view of the gastric antrum",
    "Electrocardiogram on the second day",
]
_CAPTION_TAILS = [
    "showing a cavitating lesion in the right upper lobe",
    "with the arrow marking the area of enhancement",
    "demonstrating resolution after six weeks of therapy",
    "compared with the study three months earlier",
    "in which the dashed line marks the resection margin",
    "before and after intravenous contrast",
    "with a scale bar of 100 micrometres",
]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}."


def paragraph(rng: random.Random, sentences: int | None = None, mention: int | None = None) -> str:
    """Running prose; `mention` puts '(Figure N)' in the middle of a sentence, as articles do."""
    parts = [_sentence(rng) for _ in range(sentences or rng.randint(3, 6))]
    if mention is not None:
        i = rng.randrange(len(parts))
        parts[i] = parts[i][:-1] + f" (Figure {mention})."
    return " ".join(parts)


def caption_text(rng: random.Random, panels: int = 0) -> str:
    """A caption as articles write them: a head, sometimes a longer tail, sometimes panel letters."""
    text = rng.choice(_CAPTION_HEADS)
    if panels >= 2:
        letters = "abcdefgh"[:panels]
        text += ": " + ", ".join(
            f"({c}) {rng.choice(['before', 'after', 'axial', 'sagittal'])} view" for c in letters
        )
    elif rng.random() < 0.7:
        text += " " + rng.choice(_CAPTION_TAILS)
    text += "."
    if rng.random() < 0.35:
        text += " " + rng.choice(_OBJECTS).capitalize() + "."
    return text


# ---------------------------------------------------------------- a tiny typesetter


@dataclass
class Style:
    """Fonts and sizes of one document; every variant draws its own."""

    body_font: str = "tiro"
    bold_font: str = "tibo"
    body_size: float = 9.5
    caption_size: float = 8.0
    caption_font: str = "tiro"
    nospace: bool = False
    """Place words at their positions without space characters (PDFs that omit them)."""

    @property
    def leading(self) -> float:
        return 1.22


@functools.lru_cache(maxsize=65536)
def _width(text: str, font: str, size: float) -> float:
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


def _wrap(words: Sequence[tuple[str, str]], width_at: Callable[[int], float], size: float) -> list[list]:
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for word, font in words:
        w = _width(word, font, size)
        space = _width(" ", font, size) if lines[-1] else 0.0
        if lines[-1] and used + space + w > width_at(len(lines) - 1):
            lines.append([])
            used, space = 0.0, 0.0
        lines[-1].append((word, font))
        used += space + w
    return [line for line in lines if line]


def write_text(
    page: pymupdf.Page,
    x: float,
    y: float,
    width: float | Callable[[int], float],
    words: Sequence[tuple[str, str]],
    size: float,
    style: Style,
    x_at: Callable[[int], float] | None = None,
    max_y: float | None = None,
) -> tuple[float, int]:
    """Words set in lines from top `y`; returns (bottom y, how many words fitted above max_y).

    Consecutive words in one font are written as one span, so a bold label is its own span.
    """
    width_at = width if callable(width) else (lambda _i, w=width: w)
    line_height = size * style.leading
    placed = 0
    for i, line in enumerate(_wrap(words, width_at, size)):
        if max_y is not None and y + line_height > max_y:
            return y, placed
        cx = x_at(i) if x_at else x
        baseline = y + size * 0.95
        if style.nospace:
            for word, font in line:
                page.insert_text((cx, baseline), word, fontname=font, fontsize=size)
                cx += _width(word, font, size) + 0.12 * size
        else:
            runs: list[tuple[str, str]] = []
            for word, font in line:
                if runs and runs[-1][1] == font:
                    runs[-1] = (runs[-1][0] + " " + word, font)
                else:
                    runs.append((word, font))
            for text, font in runs:
                page.insert_text((cx, baseline), text, fontname=font, fontsize=size)
                cx += _width(text + " ", font, size)
        placed += len(line)
        y += line_height
    return y, placed


def _words(text: str, font: str) -> list[tuple[str, str]]:
    return [(w, font) for w in text.split()]


def fill(
    page: pymupdf.Page, rect: Box, rng: random.Random, style: Style, mention: int | None = None
) -> float:
    """Body paragraphs filling a rectangle; returns the bottom of the last line."""
    x0, y0, x1, y1 = rect
    y = y0
    first = True
    while y + style.body_size * style.leading <= y1:
        text = paragraph(rng, mention=mention if first else None)
        first = False
        indent = 0 if y == y0 else style.body_size
        words = _words(text, style.body_font)
        y, placed = write_text(
            page,
            x0,
            y,
            x1 - x0,
            words,
            style.body_size,
            style,
            x_at=lambda i, ind=indent: x0 + (ind if i == 0 else 0),
            max_y=y1,
        )
        if placed < len(words):
            break
        y += style.body_size * 0.5
    return y


def write_caption(
    page: pymupdf.Page,
    x: float,
    y: float,
    width: float,
    label: str,
    text: str | None,
    style: Style,
    delim: str = ".",
    bold_label: bool = True,
) -> float:
    """A caption: the label (bold in its own span, or not) with its delimiter, then the text."""
    label_font = style.bold_font if bold_label else style.caption_font
    head = _words(label + delim, label_font)
    words = head + (_words(text, style.caption_font) if text else [])
    bottom, _ = write_text(page, x, y, width, words, style.caption_size, style)
    return bottom


# ---------------------------------------------------------------- graphics


def _png(rng: random.Random, width: int = 160, height: int = 120) -> bytes:
    pixels = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 255, (height, width, 3), np.uint8)
    pixels = cv2.GaussianBlur(pixels, (7, 7), 0)
    return cv2.imencode(".png", pixels)[1].tobytes()


def photo(page: pymupdf.Page, rect: Box, rng: random.Random) -> Box:
    """A photograph-like raster image filling rect."""
    page.insert_image(pymupdf.Rect(rect), stream=_png(rng), keep_proportion=False)
    return rect


def tiles(page: pymupdf.Page, rect: Box, rng: random.Random, n: int = 12) -> Box:
    """One picture cut into n x n image tiles, as scanners and slide viewers write them."""
    x0, y0, x1, y1 = rect
    tw, th = (x1 - x0) / n, (y1 - y0) / n
    tile = _png(rng, 24, 24)
    xref = 0
    for r in range(n):
        for c in range(n):
            box = pymupdf.Rect(x0 + c * tw, y0 + r * th, x0 + (c + 1) * tw, y0 + (r + 1) * th)
            if xref:
                page.insert_image(box, xref=xref, keep_proportion=False)
            else:
                xref = page.insert_image(box, stream=tile, keep_proportion=False)
    return rect


def chart(page: pymupdf.Page, rect: Box, rng: random.Random, style: Style) -> Box:
    """A chart drawn with vector paths only: axes, bars or a line, tick labels and an axis title."""
    x0, y0, x1, y1 = rect
    ax0, ay1 = x0 + 22, y1 - 16
    shape = page.new_shape()
    shape.draw_line((ax0, y0 + 4), (ax0, ay1))
    shape.draw_line((ax0, ay1), (x1 - 2, ay1))
    shape.finish(color=(0, 0, 0), width=0.6)
    n = rng.randint(4, 8)
    step = (x1 - 2 - ax0) / n
    values = [rng.uniform(0.15, 1.0) for _ in range(n)]
    if rng.random() < 0.5:
        for i, v in enumerate(values):
            bx = ax0 + i * step + step * 0.2
            shape.draw_rect(pymupdf.Rect(bx, ay1 - v * (ay1 - y0 - 8), bx + step * 0.6, ay1))
        shape.finish(color=(0, 0, 0), fill=(0.35, 0.5, 0.8), width=0.3)
    else:
        points = [(ax0 + (i + 0.5) * step, ay1 - v * (ay1 - y0 - 8)) for i, v in enumerate(values)]
        shape.draw_polyline(points)
        shape.finish(color=(0.8, 0.1, 0.1), width=1.0)
        for px, py in points:
            shape.draw_circle((px, py), 1.8)
        shape.finish(color=(0.8, 0.1, 0.1), fill=(0.8, 0.1, 0.1))
    shape.commit()
    for i in range(n):
        page.insert_text((ax0 + i * step + step * 0.35, ay1 + 8), str(2016 + i), fontname="helv", fontsize=5)
    for k in range(3):
        page.insert_text((x0 + 4, ay1 - k * (ay1 - y0 - 8) / 2 + 2), str(k * 50), fontname="helv", fontsize=5)
    page.insert_text((ax0 + 10, y1 - 1), "Year of admission", fontname="helv", fontsize=5.5)
    return rect


def table(page: pymupdf.Page, rect: Box, rng: random.Random, style: Style) -> Box:
    """A ruled table of short cells: three rules and a grid of text, as journals set them."""
    x0, y0, x1, y1 = rect
    rows = max(3, int((y1 - y0) / 12) - 1)
    cols = 4
    shape = page.new_shape()
    for yy in (y0, y0 + 13, y1):
        shape.draw_line((x0, yy), (x1, yy))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    heads = ["Variable", "Baseline", "Day 7", "Day 30"]
    for c in range(cols):
        cx = x0 + 3 + c * (x1 - x0) / cols
        page.insert_text((cx, y0 + 10), heads[c], fontname=style.bold_font, fontsize=7)
        for r in range(rows - 1):
            cell = (
                rng.choice(["CRP", "WBC", "Hb", "ALT", "Na", "K"]) if c == 0 else f"{rng.uniform(1, 150):.1f}"
            )
            yy = y0 + 24 + r * 12
            if yy < y1 - 2:
                page.insert_text((cx, yy), cell, fontname=style.body_font, fontsize=7)
    return rect


# ---------------------------------------------------------------- documents


@dataclass
class _Doc:
    """A document being written and the truth gathered on the way."""

    rng: random.Random
    style: Style
    width: float
    height: float
    margin: float
    gutter: float
    doc: pymupdf.Document = field(default_factory=pymupdf.open)
    truth: list[TrueFigure] = field(default_factory=list)
    number: int = 0

    def page(self) -> pymupdf.Page:
        return self.doc.new_page(width=self.width, height=self.height)

    @property
    def columns(self) -> tuple[tuple[float, float], tuple[float, float]]:
        mid = self.width / 2
        return (self.margin, mid - self.gutter / 2), (mid + self.gutter / 2, self.width - self.margin)

    @property
    def top(self) -> float:
        return self.margin

    @property
    def bottom(self) -> float:
        return self.height - self.margin

    def label(self, word: str = "Figure") -> str:
        self.number += 1
        return f"{word} {self.number}"

    def record(self, page: pymupdf.Page, label: str, caption: str | None, bbox: Box) -> None:
        self.truth.append(TrueFigure(label=label, caption=caption, page=page.number + 1, bbox=bbox))

    def figure(self, page: pymupdf.Page, rect: Box, kind: str | None = None) -> Box:
        kind = kind or self.rng.choice(["photo", "photo", "chart"])
        if kind == "chart":
            return chart(page, rect, self.rng, self.style)
        if kind == "tiles":
            return tiles(page, rect, self.rng)
        return photo(page, rect, self.rng)

    def finish(self, name: str, layout: str) -> SyntheticDocument:
        pages = self.doc.page_count
        pdf = self.doc.tobytes(garbage=3, deflate=True)
        self.doc.close()
        return SyntheticDocument(name=name, layout=layout, pdf=pdf, figures=tuple(self.truth), pages=pages)


def _new(rng: random.Random, **style: object) -> _Doc:
    width, height = rng.choice([(612.0, 792.0), (595.0, 842.0), (576.0, 792.0)])
    serif = rng.random() < 0.6
    body = rng.choice([9.0, 9.5, 10.0])
    base = Style(
        body_font="tiro" if serif else "helv",
        bold_font="tibo" if serif else "hebo",
        caption_font="tiro" if serif else "helv",
        body_size=body,
        caption_size=body - rng.choice([0.5, 1.0, 1.5]),
    )
    for key, value in style.items():
        setattr(base, key, value)
    return _Doc(
        rng=rng,
        style=base,
        width=width,
        height=height,
        margin=rng.uniform(48, 66),
        gutter=rng.uniform(14, 24),
    )


def _fig_height(rng: random.Random, width: float) -> float:
    return width * rng.uniform(0.55, 0.8)


def two_column(rng: random.Random) -> _Doc:
    """Two columns, figures one column wide at the top or in the middle of a column, captions below."""
    d = _new(rng)
    for _ in range(2):
        page = d.page()
        for cx0, cx1 in d.columns:
            y = d.top
            if rng.random() < 0.5:
                y = (
                    fill(page, (cx0, y, cx1, y + rng.uniform(80, 260)), rng, d.style, mention=d.number + 1)
                    + 6
                )
            h = _fig_height(rng, cx1 - cx0)
            box = d.figure(page, (cx0, y, cx1, y + h))
            label, text = d.label(), caption_text(rng)
            y = write_caption(page, cx0, y + h + rng.uniform(4, 10), cx1 - cx0, label, text, d.style)
            d.record(page, label, text, box)
            fill(page, (cx0, y + 10, cx1, d.bottom), rng, d.style)
    return d


def spanning(rng: random.Random) -> _Doc:
    """A figure across both columns at the top of a page, one at the bottom; two-column text around."""
    d = _new(rng)
    (l0, l1), (r0, r1) = d.columns
    page = d.page()
    h = rng.uniform(160, 240)
    box = d.figure(page, (l0, d.top, r1, d.top + h))
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, l0, d.top + h + 6, r1 - l0, label, text, d.style)
    d.record(page, label, text, box)
    for cx0, cx1 in d.columns:
        fill(page, (cx0, y + 14, cx1, d.bottom), rng, d.style)
    page = d.page()
    label, text = d.label(), caption_text(rng)
    cap_h = 3 * d.style.caption_size * d.style.leading
    fig_top = d.bottom - cap_h - 8 - h
    for cx0, cx1 in d.columns:
        fill(page, (cx0, d.top, cx1, fig_top - 14), rng, d.style)
    box = d.figure(page, (l0 + 30, fig_top, r1 - 30, fig_top + h), kind="chart")
    write_caption(page, l0, fig_top + h + 6, r1 - l0, label, text, d.style)
    d.record(page, label, text, box)
    return d


def caption_above(rng: random.Random) -> _Doc:
    """Captions above their figures throughout the document (some journals and most theses)."""
    d = _new(rng)
    for _ in range(2):
        page = d.page()
        y = fill(page, (d.margin, d.top, d.width - d.margin, d.top + rng.uniform(60, 140)), rng, d.style) + 10
        for _ in range(2):
            label, text = d.label(), caption_text(rng)
            y = write_caption(page, d.margin, y, d.width - 2 * d.margin, label, text, d.style) + 4
            w = rng.uniform(240, d.width - 2 * d.margin)
            h = rng.uniform(130, 190)
            box = d.figure(page, (d.margin, y, d.margin + w, y + h))
            d.record(page, label, text, box)
            y += h + 16
        fill(page, (d.margin, y, d.width - d.margin, d.bottom), rng, d.style)
    return d


def side_captions(rng: random.Random) -> _Doc:
    """Captions beside their figures (books and Springer-style wide margins), left or right."""
    d = _new(rng)
    page = d.page()
    y = fill(page, (d.margin, d.top, d.width - d.margin, d.top + 90), rng, d.style) + 12
    text_width = d.width - 2 * d.margin
    for right in (True, rng.random() < 0.5):
        fw = text_width * rng.uniform(0.55, 0.65)
        h = rng.uniform(150, 210)
        label, text = d.label(), caption_text(rng)
        if right:
            box = d.figure(page, (d.margin, y, d.margin + fw, y + h))
            cap_x = d.margin + fw + 12
        else:
            box = d.figure(page, (d.width - d.margin - fw, y, d.width - d.margin, y + h))
            cap_x = d.margin
        cap_y = y + (h - 40 if rng.random() < 0.3 else 0)
        write_caption(page, cap_x, cap_y, text_width - fw - 12, label, text, d.style)
        d.record(page, label, text, box)
        y += h + 14
        y = fill(page, (d.margin, y, d.width - d.margin, y + 60), rng, d.style) + 12
    fill(page, (d.margin, y, d.width - d.margin, d.bottom), rng, d.style)
    return d


def crowded(rng: random.Random) -> _Doc:
    """Figures stacked on a page where each caption sits closer to the next figure than to its own."""
    d = _new(rng)
    page = d.page()
    y = d.top
    w = d.width - 2 * d.margin
    for _ in range(3):
        h = rng.uniform(140, 170)
        fw = rng.uniform(0.5, 0.9) * w
        box = d.figure(page, (d.margin, y, d.margin + fw, y + h))
        label, text = d.label(), caption_text(rng)
        y = write_caption(page, d.margin, y + h + rng.uniform(10, 16), w, label, text, d.style)
        d.record(page, label, text, box)
        y += rng.uniform(2, 5)
    page = d.page()
    (l0, l1), (r0, r1) = d.columns
    y = d.top
    for _ in range(2):  # a grid: two figures per row, captions under each
        h = rng.uniform(120, 160)
        bottom = y
        for cx0, cx1 in d.columns:
            box = d.figure(page, (cx0, y, cx1, y + h))
            label, text = d.label(), caption_text(rng)
            end = write_caption(page, cx0, y + h + 5, cx1 - cx0, label, text, d.style)
            d.record(page, label, text, box)
            bottom = max(bottom, end)
        y = bottom + 6
    fill(page, (d.margin, y + 8, d.width - d.margin, d.bottom), rng, d.style)
    return d


def column_break(rng: random.Random) -> _Doc:
    """A figure at the bottom of the left column whose caption opens the right column."""
    d = _new(rng)
    page = d.page()
    (l0, l1), (r0, r1) = d.columns
    h = _fig_height(rng, l1 - l0)
    fig_top = d.bottom - h
    fill(page, (l0, d.top, l1, fig_top - 12), rng, d.style, mention=1)
    box = d.figure(page, (l0, fig_top, l1, d.bottom))
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, r0, d.top, r1 - r0, label, text, d.style)
    d.record(page, label, text, box)
    fill(page, (r0, y + 12, r1, d.bottom), rng, d.style)
    page = d.page()  # and a normal one after it
    for cx0, cx1 in d.columns:
        fill(page, (cx0, d.top, cx1, d.bottom), rng, d.style)
    return d


def bold_labels(rng: random.Random) -> _Doc:
    """Springer-style captions: a bold 'Fig. N' span, no delimiter, caption at the body size."""
    d = _new(rng)
    d.style.caption_size = d.style.body_size
    for _ in range(2):
        page = d.page()
        for cx0, cx1 in d.columns:
            y = fill(page, (cx0, d.top, cx1, d.top + rng.uniform(40, 200)), rng, d.style) + 10
            h = _fig_height(rng, cx1 - cx0)
            box = d.figure(page, (cx0, y, cx1, y + h))
            d.number += 1
            label, text = f"Fig. {d.number}", caption_text(rng)
            y = write_caption(page, cx0, y + h + 6, cx1 - cx0, label, text, d.style, delim="")
            d.record(page, label, text, box)
            fill(page, (cx0, y + 10, cx1, d.bottom), rng, d.style)
    return d


LABEL_STYLES = [
    ("Figure", ":", False),
    ("FIGURE", ".", True),
    ("Fig", " |", True),
    ("Supplementary Figure S", "", True),
    ("Figura", ".", True),
    ("Rycina", ".", False),
    ("Abbildung", ":", True),
]


def label_variants(rng: random.Random) -> list[_Doc]:
    """One document per label style ('FIGURE 2.', 'Fig 2 |', 'Supplementary Figure S1', 'Figura 1', ...)."""
    out = []
    for word, delim, bold in LABEL_STYLES:
        d = _new(rng)
        page = d.page()
        y = d.top
        for _ in range(2):
            h = rng.uniform(150, 200)
            box = d.figure(page, (d.margin, y, d.margin + rng.uniform(250, 400), y + h))
            d.number += 1
            label = f"{word}{d.number}" if word.endswith(" S") else f"{word} {d.number}"
            text = caption_text(rng)
            y = write_caption(
                page,
                d.margin,
                y + h + 6,
                d.width - 2 * d.margin,
                label,
                text,
                d.style,
                delim=delim,
                bold_label=bold,
            )
            d.record(page, label, text, box)
            y = fill(page, (d.margin, y + 10, d.width - d.margin, y + 100), rng, d.style) + 10
        out.append(d)
    return out


CJK_CAPTIONS = ["胸部X线片显示右下肺实变", "腹部CT增强扫描", "病理切片（HE染色，×200）"]


def cjk_labels(rng: random.Random) -> list[_Doc]:
    """Chinese '图 1' and Japanese '図1' captions written in a CJK font."""
    out = []
    for mark, space in (("图", " "), ("図", "")):
        d = _new(rng)
        page = d.page()
        y = d.top
        for i in range(2):
            h = rng.uniform(150, 200)
            box = d.figure(page, (d.margin, y, d.margin + rng.uniform(250, 400), y + h))
            label = f"{mark}{space}{i + 1}"
            text = CJK_CAPTIONS[(i + len(out)) % len(CJK_CAPTIONS)]
            page.insert_text((d.margin + 40, y + h + 14), f"{label}  {text}", fontname="china-s", fontsize=9)
            d.record(page, label, text, box)
            y = fill(page, (d.margin, y + h + 34, d.width - d.margin, y + h + 120), rng, d.style) + 14
        out.append(d)
    return out


def body_mentions(rng: random.Random) -> _Doc:
    """Paragraphs that open with 'Figure 2 shows', right next to figures, in the caption's size."""
    d = _new(rng)
    d.style.caption_size = d.style.body_size
    page = d.page()
    w = d.width - 2 * d.margin
    y = d.top
    for i in range(2):
        h = rng.uniform(150, 190)
        box = d.figure(page, (d.margin, y, d.margin + rng.uniform(250, w), y + h))
        label, text = d.label(), caption_text(rng)
        y = write_caption(page, d.margin, y + h + 6, w, label, text, d.style, bold_label=rng.random() < 0.5)
        d.record(page, label, text, box)
        opener = rng.choice(["shows", "illustrates", "demonstrates", "summarises"])
        mention = f"Figure {d.number + (1 if i == 0 else -1)} {opener} " + paragraph(rng, 3)
        y, _ = write_text(
            page, d.margin, y + 12, w, _words(mention, d.style.body_font), d.style.body_size, d.style
        )
        y += 14
    page = d.page()
    y = d.top
    text = "Figures 1 and 2 show " + paragraph(rng, 2)
    y, _ = write_text(page, d.margin, y, w, _words(text, d.style.body_font), d.style.body_size, d.style)
    text = "Fig. 2 demonstrates " + paragraph(rng, 2)
    y, _ = write_text(page, d.margin, y + 8, w, _words(text, d.style.body_font), d.style.body_size, d.style)
    fill(page, (d.margin, y + 8, d.width - d.margin, d.bottom), rng, d.style)
    return d


def tables_near(rng: random.Random) -> _Doc:
    """Tables with 'Table N' captions above them, right under or over figures."""
    d = _new(rng)
    w = d.width - 2 * d.margin
    page = d.page()
    y = d.top
    h = rng.uniform(150, 200)
    box = d.figure(page, (d.margin, y, d.margin + rng.uniform(250, w), y + h))
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, d.margin, y + h + 6, w, label, text, d.style)
    d.record(page, label, text, box)
    y = write_caption(
        page, d.margin, y + 10, w, "Table 1", "Laboratory values on admission and follow-up.", d.style
    )
    table(page, (d.margin, y + 4, d.width - d.margin, y + 100), rng, d.style)
    fill(page, (d.margin, y + 116, d.width - d.margin, d.bottom), rng, d.style)
    page = d.page()
    y = write_caption(page, d.margin, d.top, w, "Table 2", "Treatment given and response.", d.style)
    table(page, (d.margin, y + 4, d.width - d.margin, y + 90), rng, d.style)
    y += 100
    box = d.figure(page, (d.margin, y, d.margin + rng.uniform(250, w), y + h), kind="chart")
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, d.margin, y + h + 6, w, label, text, d.style)
    d.record(page, label, text, box)
    fill(page, (d.margin, y + 14, d.width - d.margin, d.bottom), rng, d.style)
    return d


def vector_charts(rng: random.Random) -> _Doc:
    """Charts made only of drawings and small text, one per figure or two panels side by side."""
    d = _new(rng)
    page = d.page()
    (l0, l1), (r0, r1) = d.columns
    y = d.top
    h = rng.uniform(140, 180)
    box_a = chart(page, (l0, y, l1, y + h), rng, d.style)
    box_b = chart(page, (r0, y, r1, y + h), rng, d.style)
    page.insert_text((l0, y + 8), "(a)", fontname="helv", fontsize=8)
    page.insert_text((r0, y + 8), "(b)", fontname="helv", fontsize=8)
    label, text = d.label(), caption_text(rng, panels=2)
    y = write_caption(page, l0, y + h + 8, r1 - l0, label, text, d.style)
    d.record(page, label, text, (box_a[0], box_a[1], box_b[2], box_b[3]))
    for cx0, cx1 in d.columns:
        fill(page, (cx0, y + 12, cx1, y + 200), rng, d.style)
    y += 212
    box = chart(page, (l0, y, l1, y + h), rng, d.style)
    label, text = d.label(), caption_text(rng)
    end = write_caption(page, l0, y + h + 6, l1 - l0, label, text, d.style)
    d.record(page, label, text, box)
    fill(page, (l0, end + 10, l1, d.bottom), rng, d.style)
    fill(page, (r0, y, r1, d.bottom), rng, d.style)
    return d


def image_tiles(rng: random.Random) -> _Doc:
    """Figures made of many image tiles, and a four-panel figure of separate images."""
    d = _new(rng)
    w = d.width - 2 * d.margin
    page = d.page()
    y = d.top
    h = rng.uniform(180, 240)
    box = tiles(page, (d.margin, y, d.margin + h * 1.3, y + h), rng, n=rng.randint(8, 20))
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, d.margin, y + h + 6, w, label, text, d.style)
    d.record(page, label, text, box)
    y += 12
    pw = (w - 12) / 4
    for i in range(4):
        photo(page, (d.margin + i * (pw + 4), y, d.margin + i * (pw + 4) + pw, y + pw), rng)
    label, text = d.label(), caption_text(rng, panels=4)
    end = write_caption(page, d.margin, y + pw + 6, w, label, text, d.style)
    d.record(page, label, text, (d.margin, y, d.margin + w, y + pw))
    fill(page, (d.margin, end + 12, d.width - d.margin, d.bottom), rng, d.style)
    return d


def scanned(rng: random.Random) -> _Doc:
    """A page scanned to one image (text as pixels, no text layer) after a normal page with a figure."""
    source = two_column(rng)
    pix = source.doc[0].get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    truth = [t for t in source.truth if t.page == 2]
    d = _Doc(
        rng=rng,
        style=source.style,
        width=source.width,
        height=source.height,
        margin=source.margin,
        gutter=source.gutter,
    )
    d.doc.insert_pdf(source.doc, from_page=1, to_page=1)
    page = d.doc.new_page(width=source.width, height=source.height)
    page.insert_image(page.rect, pixmap=pix)
    source.doc.close()
    d.truth = [TrueFigure(t.label, t.caption, 1, t.bbox) for t in truth]
    return d


def rotated(rng: random.Random) -> _Doc:
    """A landscape page stored rotated (/Rotate 90) among portrait pages, figure and caption on both."""
    d = _new(rng)
    page = d.page()
    w = d.width - 2 * d.margin
    h = rng.uniform(150, 200)
    box = d.figure(page, (d.margin, d.top, d.margin + rng.uniform(250, w), d.top + h))
    label, text = d.label(), caption_text(rng)
    y = write_caption(page, d.margin, d.top + h + 6, w, label, text, d.style)
    d.record(page, label, text, box)
    fill(page, (d.margin, y + 12, d.width - d.margin, d.bottom), rng, d.style)
    page = d.page()
    page.set_rotation(rng.choice([90, 270]))
    # drawn in unrotated coordinates: the whole page reads sideways, as scanned landscape pages do
    fw = d.width - 2 * d.margin
    h = rng.uniform(400, 560)
    top = d.bottom - h - 50
    box = d.figure(page, (d.margin, top, d.margin + fw, top + h))
    label, text = d.label(), caption_text(rng)
    write_caption(page, d.margin, top + h + 8, fw, label, text, d.style)
    d.record(page, label, text, box)
    # a landscape page set upright for the reader: content turned a quarter and the page rotated back
    land = pymupdf.open()
    lpage = land.new_page(width=d.height, height=d.width)
    fw, h = d.height - 2 * d.margin, rng.uniform(260, 340)
    box = d.figure(lpage, (d.margin, d.top, d.margin + fw * rng.uniform(0.6, 1.0), d.top + h), kind="chart")
    label, text = d.label(), caption_text(rng)
    y = write_caption(lpage, d.margin, d.top + h + 8, fw, label, text, d.style)
    fill(lpage, (d.margin, y + 12, d.height - d.margin, d.width - d.margin), rng, d.style)
    turn = rng.choice([90, 270])
    page = d.page()
    page.show_pdf_page(page.rect, land, 0, rotate=turn)
    page.set_rotation(turn)
    land.close()
    d.truth.append(TrueFigure(label=label, caption=text, page=page.number + 1, bbox=box))
    return d


def no_spaces(rng: random.Random) -> _Doc:
    """Every word placed by position with no space characters between words, body and captions alike."""
    d = _new(rng, nospace=True)
    for _ in range(2):
        page = d.page()
        for cx0, cx1 in d.columns:
            y = fill(page, (cx0, d.top, cx1, d.top + rng.uniform(40, 200)), rng, d.style) + 10
            h = _fig_height(rng, cx1 - cx0)
            box = d.figure(page, (cx0, y, cx1, y + h))
            label, text = d.label(), caption_text(rng)
            y = write_caption(page, cx0, y + h + 6, cx1 - cx0, label, text, d.style, delim=":")
            d.record(page, label, text, box)
            fill(page, (cx0, y + 10, cx1, d.bottom), rng, d.style)
    return d


@dataclass(frozen=True)
class _Float:
    """Where the lines of a page run when a float (figure and caption) takes one side of some of them."""

    top: float
    line: float
    float_top: float
    float_bottom: float
    x0: float
    x1: float
    taken: float
    right: bool

    def _beside(self, i: int) -> bool:
        top = self.top + i * self.line
        return self.float_top - 6 < top + self.line and top < self.float_bottom + 6

    def width_at(self, i: int) -> float:
        return (self.x1 - self.x0 - self.taken) if self._beside(i) else (self.x1 - self.x0)

    def x_at(self, i: int) -> float:
        return self.x0 + self.taken if (self._beside(i) and not self.right) else self.x0


def textbook_wrap(rng: random.Random) -> _Doc:
    """Single column with figures floated right (or left), body text wrapping around figure and caption."""
    d = _new(rng)
    for _ in range(2):
        page = d.page()
        x0, x1 = d.margin, d.width - d.margin
        fw = (x1 - x0) * rng.uniform(0.38, 0.5)
        right = rng.random() < 0.7
        fx0, fx1 = (x1 - fw, x1) if right else (x0, x0 + fw)
        fy = d.top + rng.uniform(60, 200)
        h = fw * rng.uniform(0.6, 0.9)
        box = d.figure(page, (fx0, fy, fx1, fy + h))
        label, text = d.label(), caption_text(rng)
        float_bottom = write_caption(page, fx0, fy + h + 5, fw, label, text, d.style)
        d.record(page, label, text, box)
        gap = rng.uniform(12, 18)
        size = d.style.body_size * d.style.leading

        around = _Float(d.top, size, fy, float_bottom, x0, x1, fw + gap, right)
        words = []
        while len(words) < 900:
            words += _words(paragraph(rng), d.style.body_font)
        write_text(
            page,
            x0,
            d.top,
            around.width_at,
            words,
            d.style.body_size,
            d.style,
            x_at=around.x_at,
            max_y=d.bottom,
        )
    return d


def textbook(rng: random.Random) -> _Doc:
    """A long single-column textbook: chapters with headings, two or three figures a page numbered by
    chapter ('Figure 2.3'), captions below, prose between them and a chapter opening on its own page."""
    d = _new(rng)
    x0, x1 = d.margin, d.width - d.margin
    line = d.style.body_size * d.style.leading
    for chapter in range(1, 5):
        page = d.page()
        y = d.top + 40
        page.insert_text((x0, y), f"Chapter {chapter}", fontname=d.style.bold_font, fontsize=18)
        fill(page, (x0, y + 30, x1, d.bottom), rng, d.style)
        for k in range(1, rng.randint(6, 9) + 1):
            if k == 1 or rng.random() < 0.45:
                page = d.page()
                y = d.top
            fw = (x1 - x0) * rng.uniform(0.5, 0.9)
            h = fw * rng.uniform(0.35, 0.6)
            if y + h + 4 * line > d.bottom:
                page = d.page()
                y = d.top
            fx0 = x0 + ((x1 - x0) - fw) / 2
            box = d.figure(page, (fx0, y, fx0 + fw, y + h))
            label, text = f"Figure {chapter}.{k}", caption_text(rng, panels=rng.choice([0, 0, 2, 3]))
            bottom = write_caption(page, x0, y + h + 6, x1 - x0, label, text, d.style)
            d.record(page, label, text, box)
            y = bottom + 2 * line
            room = min(d.bottom, y + rng.uniform(3, 9) * line)
            if room - y > 2 * line:
                y = fill(page, (x0, y, x1, room), rng, d.style, mention=None) + 2 * line
    return d


LAYOUTS: dict[str, Callable[[random.Random], _Doc | list[_Doc]]] = {
    "two_column": two_column,
    "spanning": spanning,
    "caption_above": caption_above,
    "side_captions": side_captions,
    "crowded": crowded,
    "column_break": column_break,
    "bold_labels": bold_labels,
    "label_variants": label_variants,
    "cjk_labels": cjk_labels,
    "body_mentions": body_mentions,
    "tables_near": tables_near,
    "vector_charts": vector_charts,
    "image_tiles": image_tiles,
    "scanned": scanned,
    "rotated": rotated,
    "no_spaces": no_spaces,
    "textbook_wrap": textbook_wrap,
    "textbook": textbook,
}
"""Every layout by name; a layout gives one document or several."""


def documents(
    layouts: Sequence[str] | None = None, variants: int = 3, seed: int = 0
) -> Iterator[SyntheticDocument]:
    """The synthetic set: `variants` seeded documents (or document groups) per layout."""
    for name in layouts or LAYOUTS:
        for variant in range(variants):
            rng = random.Random(f"{seed}:{name}:{variant}")
            made = LAYOUTS[name](rng)
            for i, d in enumerate(made if isinstance(made, list) else [made]):
                yield d.finish(f"{name}-{variant}-{i}", name)
