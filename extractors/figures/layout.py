"""Text layout of a PDF page: blocks with font sizes, columns, and text repair (hyphens, lost spaces)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pymupdf

Box = tuple[float, float, float, float]

_HYPHEN_END = re.compile(r"\w[-\u00ad]$")
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
"""Soft hyphens and zero-width characters: typesetting marks that a reader never sees."""
_DEGREE = re.compile("[\u25e6\u2218](?=\\s?[CFK]\\b)")
"""A ring set for the degree sign ('37 ◦C'), as some typesetters do."""
_LONG_WORD = 25
"""A 'word' longer than this hints that the PDF places words with gaps, not spaces."""


@dataclass(frozen=True)
class TextLine:
    """One line of text with its box and the size of its first non-blank span."""

    bbox: Box
    text: str
    size: float
    bold: bool
    direction: tuple[float, float] = (1.0, 0.0)
    """Writing direction: (1, 0) for horizontal text, (0, +-1) for text set sideways."""
    font: str = ""
    """The font family that sets most of the line's characters, weight and style left out."""


@dataclass(frozen=True)
class TextBlock:
    """A block of lines as PyMuPDF groups them; `size` is its dominant font size."""

    bbox: Box
    lines: tuple[TextLine, ...]
    size: float

    @cached_property
    def font(self) -> str:
        """The font family that sets most of the block's characters."""
        families: Counter[str] = Counter()
        for line in self.lines:
            families[line.font] += len(line.text)
        return families.most_common(1)[0][0] if families else ""

    @cached_property
    def text(self) -> str:
        """The block's lines joined, hyphenated line ends mended."""
        return join_lines([line.text for line in self.lines])


def join_lines(lines: Sequence[str]) -> str:
    """Lines joined with spaces; a word hyphenated at a line end ('com-' + 'plete') is rejoined."""
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if parts and parts[-1].endswith("\u00ad"):  # a soft hyphen marks a word broken at the line end
            parts[-1] = parts[-1][:-1] + line
        elif parts and _HYPHEN_END.match(parts[-1][-2:]) and line[:1].islower():
            # only the last two characters are looked at: a search over the text so far made this quadratic
            parts[-1] = parts[-1][:-1] + line
        else:
            parts.append(line)
    text = _DEGREE.sub("°", _INVISIBLE.sub("", " ".join(parts)))
    return _SPACES.sub(" ", text).strip()


COLUMN_GAP_EM = 1.6
"""A gap between two spans wider than this many font sizes is a column gutter, not a word space."""


WHITE = 0xFFFFFF
_HEAVY_FONT = re.compile(r"(?i)bold|black|heavy|semibold|demi|[-,]b$|\bbd\b|-bd|med(?:ium)?$")
"""Font names of heavy weights: Arial-Bold, Lato-Black, Frutiger-Heavy, MyriadPro-Semibold, Helvetica-Bd."""


def _visible(span: dict) -> bool:
    """Whether a span is printed where a reader sees it: not fully transparent, not white (text set white
    on a white page is a hidden copy, as some publishers lay a title under the visible caption)."""
    return span.get("alpha", 255) > 0 and span.get("color", 0) != WHITE


_STYLE_SUFFIX = re.compile(
    r"(?:bold|italic|oblique|regular|roman|medium|light|semibold|black|heavy|book|condensed|mt|ps|std|pro)+$"
)


@lru_cache(maxsize=4096)
def font_family(name: str) -> str:
    """A font's family: 'ABCDEF+TimesNewRomanPS-BoldMT' and 'TimesNewRomanPSMT' both read 'timesnew'."""
    name = re.split(r"[-,]", name.split("+", 1)[-1])[0].lower()
    return _STYLE_SUFFIX.sub("", name) or name


def _line_from_spans(line: dict) -> list[TextLine]:
    """A PyMuPDF line as TextLines: one, or several where spans are a gutter apart (two columns' text
    on one baseline, such as the captions of two figures side by side)."""
    spans = [s for s in line.get("spans", ()) if s.get("text", "") and _visible(s)]
    pieces: list[list[dict]] = []
    for span in spans:
        if pieces and pieces[-1]:
            last = pieces[-1][-1]
            gap = span["bbox"][0] - last["bbox"][2]
            if gap > COLUMN_GAP_EM * max(float(last["size"]), float(span["size"]), 1.0):
                pieces.append([])
        elif not pieces:
            pieces.append([])
        pieces[-1].append(span)
    direction = tuple(float(v) for v in line.get("dir", (1.0, 0.0)))
    out = []
    for piece in pieces:
        text = "".join(s["text"] for s in piece)
        if not text.strip():
            continue
        first = next((s for s in piece if s["text"].strip()), piece[0])
        bold = bool(first.get("flags", 0) & 16) or _HEAVY_FONT.search(first.get("font", "")) is not None
        bbox = (
            (
                min(s["bbox"][0] for s in piece),
                min(s["bbox"][1] for s in piece),
                max(s["bbox"][2] for s in piece),
                max(s["bbox"][3] for s in piece),
            )
            if len(pieces) > 1
            else tuple(line["bbox"])
        )
        families: dict[str, int] = {}
        for span in piece:
            family = font_family(span.get("font", ""))
            families[family] = families.get(family, 0) + len(span["text"])
        out.append(
            TextLine(
                bbox=bbox,
                text=text,
                size=round(float(first["size"]), 1),
                bold=bold,
                direction=direction,
                font=max(families, key=families.__getitem__),
            )
        )
    return out


def _side_by_side(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Lines of one block grouped by the columns they sit in: lines whose x-ranges overlap stay together.

    PyMuPDF can put the captions of two figures side by side (or two columns' text) in one block.
    """
    groups: list[tuple[list[float], list[TextLine]]] = []
    for line in lines:
        x0, x1 = line.bbox[0], line.bbox[2]
        hit = [g for g in groups if min(x1, g[0][1]) - max(x0, g[0][0]) > 0]
        if not hit:
            groups.append(([x0, x1], [line]))
            continue
        keep = hit[0]
        for other in hit[1:]:
            keep[0][0], keep[0][1] = min(keep[0][0], other[0][0]), max(keep[0][1], other[0][1])
            keep[1].extend(other[1])
            groups.remove(other)
        keep[0][0], keep[0][1] = min(keep[0][0], x0), max(keep[0][1], x1)
        keep[1].append(line)
    return [sorted(g[1], key=lambda t: (t.bbox[1], t.bbox[0])) for g in groups]


def _spaced_line(line: dict) -> str:
    """Rebuild a line from its characters, putting a space wherever the gap between two is wide.

    'Wide' is relative to the line's own letter spacing (its median gap), so tracked text stays whole.
    """
    chars = [
        (char["c"], char["bbox"][0], char["bbox"][2], float(span.get("size", 10.0)) or 10.0)
        for span in line.get("spans", ())
        for char in span.get("chars", ())
    ]
    gaps = sorted(b[1] - a[2] for a, b in zip(chars, chars[1:], strict=False) if a[0] != " " and b[0] != " ")
    baseline = max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0
    out: list[str] = []
    for i, (c, x0, _, size) in enumerate(chars):
        if i and c != " " and out[-1] != " " and x0 - chars[i - 1][2] > baseline + 0.08 * size:
            out.append(" ")
        out.append(c)
    return "".join(out)


def needs_spacing(text: str) -> bool:
    """Whether a text reads as words run together (no spaces between them)."""
    words = text.split()
    if not words:
        return False
    longest = max(len(w) for w in words)
    return longest > _LONG_WORD or (len(text) > 40 and text.count(" ") < len(text) / 30)


def respaced_text(page: pymupdf.Page, bbox: Box) -> str:
    """The text inside `bbox` with spaces restored from character positions (for PDFs that omit them)."""
    raw = page.get_text("rawdict", clip=pymupdf.Rect(bbox), flags=0)
    lines = [_spaced_line(line) for block in raw["blocks"] for line in block.get("lines", ())]
    return join_lines(lines)


def page_blocks(page: pymupdf.Page) -> list[TextBlock]:
    """The text blocks of a page in PyMuPDF's order, each with its lines and dominant font size."""
    flags = pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    data = page.get_text("dict", flags=flags)
    blocks: list[TextBlock] = []
    for block in data["blocks"]:
        if block.get("type") != 0:
            continue
        lines = [tl for line in block.get("lines", ()) for tl in _line_from_spans(line)]
        if not lines:
            continue
        groups = _side_by_side(lines)
        for group in groups:
            sizes: Counter[float] = Counter()
            for line in group:
                sizes[line.size] += len(line.text)
            bbox = (
                tuple(block["bbox"])
                if len(groups) == 1
                else (
                    min(t.bbox[0] for t in group),
                    min(t.bbox[1] for t in group),
                    max(t.bbox[2] for t in group),
                    max(t.bbox[3] for t in group),
                )
            )
            blocks.append(TextBlock(bbox=bbox, lines=tuple(group), size=sizes.most_common(1)[0][0]))
    return blocks


def vertical_share(blocks: Sequence[TextBlock]) -> tuple[float, tuple[float, float]]:
    """The share of characters set sideways, and their most common direction."""
    by_direction: Counter[tuple[float, float]] = Counter()
    for block in blocks:
        for line in block.lines:
            dx, dy = line.direction
            key = (0.0, 1.0 if dy > 0 else -1.0) if abs(dy) > abs(dx) else (1.0, 0.0)
            by_direction[key] += len(line.text)
    total = sum(by_direction.values())
    if not total:
        return 0.0, (1.0, 0.0)
    sideways = {k: n for k, n in by_direction.items() if k[1]}
    if not sideways:
        return 0.0, (1.0, 0.0)
    top = max(sideways, key=sideways.get)
    return sum(sideways.values()) / total, top


def body_font(blocks: Sequence[TextBlock]) -> str:
    """The font family that sets the most characters: the body text's."""
    families: Counter[str] = Counter()
    for block in blocks:
        for line in block.lines:
            families[line.font] += len(line.text)
    return families.most_common(1)[0][0] if families else ""


def body_font_size(blocks: Sequence[TextBlock]) -> float:
    """The font size that carries the most characters: the body text size."""
    sizes: Counter[float] = Counter()
    for block in blocks:
        for line in block.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


@dataclass(frozen=True)
class Columns:
    """The text columns of a page as x-ranges, left to right."""

    spans: tuple[tuple[float, float], ...]

    def span_of(self, bbox: Box) -> tuple[float, float]:
        """The x-range of the columns a box overlaps (a full-width caption spans all)."""
        hit = [s for s in self.spans if min(bbox[2], s[1]) - max(bbox[0], s[0]) > 0]
        if not hit:
            return (bbox[0], bbox[2])
        return (min(bbox[0], min(s[0] for s in hit)), max(bbox[2], max(s[1] for s in hit)))


def page_columns(blocks: Sequence[TextBlock], page_width: float) -> Columns:
    """Columns read from where body-text blocks end and start: the whole width, or two halves split in the
    middle of the gutter. Pass the page's blocks without its captions."""
    wide = [b for b in blocks if len(b.text) >= 60 and (b.bbox[2] - b.bbox[0]) < 0.6 * page_width]
    mid = page_width / 2
    left = [b for b in wide if b.bbox[2] <= mid + 0.02 * page_width]
    right = [b for b in wide if b.bbox[0] >= mid - 0.02 * page_width]
    if left and right:
        left_end = max(b.bbox[2] for b in left)
        right_start = min(b.bbox[0] for b in right)
        if right_start > left_end:
            split = (left_end + right_start) / 2
            return Columns(spans=((0.0, split), (split, page_width)))
    return Columns(spans=((0.0, page_width),))
