"""Pairing graphic elements with captions by layout: above/below/beside, within columns, never across text.

The rule that beats 'nearest caption': each caption kind (figure, table) has one side it sits on in a
document (below figures, above tables, as a rule), learned by a vote over the unambiguous nearest pairs;
an element then takes the nearest caption on that side that no text or other caption separates from it.
So a figure sitting just under the previous figure's caption still goes to its own caption.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.figures.captions import Caption
from extractors.figures.graphics import Element
from extractors.figures.layout import Box, Columns, TextBlock

BELOW, ABOVE, SIDE = "below", "above", "side"
"""Where a caption sits relative to its figure."""
TOL = 4.0
"""Points of overlap tolerated between a figure and its caption."""
MAX_GAP_FRACTION = 0.4
"""A caption further than this fraction of the page height from an element is not its caption."""


@dataclass(frozen=True)
class PageLayout:
    """What pairing needs to know about one page."""

    number: int
    rect: Box
    blocks: Sequence[TextBlock]
    captions: Sequence[Caption]
    elements: Sequence[Element]
    columns: Columns
    body_size: float
    blockers: Sequence[Box] = field(default_factory=tuple)


@dataclass(frozen=True)
class Candidate:
    """A caption an element could belong to, on which side and how far."""

    caption: int
    side: str
    gap: float
    shares_width: bool = True
    """Whether the caption overlaps the element horizontally (for captions above or below)."""


def is_blocker(block: TextBlock, body_size: float) -> bool:
    """Text that separates a figure from a caption: running prose, not labels inside a figure."""
    text = block.text
    return len(text) >= 60 or (
        len(block.lines) >= 2 and len(text) >= 30 and abs(block.size - body_size) < 0.6
    )


def _hoverlap(a: Box, b: tuple[float, float]) -> float:
    return min(a[2], b[1]) - max(a[0], b[0])


def _voverlap(a: Box, b: Box) -> float:
    return min(a[3], b[3]) - max(a[1], b[1])


def _blocked_vertically(top: float, bottom: float, xs: tuple[float, float], obstacles: Sequence[Box]) -> bool:
    for box in obstacles:
        if box[1] >= top - 2 and box[3] <= bottom + 2 and _hoverlap(box, xs) > 2:
            return True
    return False


def _blocked_horizontally(left: float, right: float, ys: Box, obstacles: Sequence[Box]) -> bool:
    for box in obstacles:
        if box[0] >= left - 2 and box[2] <= right + 2 and _voverlap(box, ys) > 2:
            return True
    return False


def candidates(layout: PageLayout, element: Element) -> list[Candidate]:
    """Every caption on the page that this element could belong to."""
    e = element.bbox
    max_gap = MAX_GAP_FRACTION * (layout.rect[3] - layout.rect[1])
    out = []
    for index, caption in enumerate(layout.captions):
        c = caption.bbox
        obstacles = [b for b in layout.blockers if b != c] + [
            other.bbox for j, other in enumerate(layout.captions) if j != index
        ]
        span = layout.columns.span_of(c)
        width = e[2] - e[0]
        in_column = _hoverlap(e, span) >= 0.5 * width
        # under or over its figure, a caption usually shares some of its width (a grid of figures puts
        # each caption under its own); a short caption under a wide figure still counts, ranked after
        shares = _hoverlap(c, (e[0], e[2])) > 0
        ex = (e[0], e[2])
        if in_column and c[1] >= e[3] - TOL:
            gap = max(0.0, c[1] - e[3])
            if gap <= max_gap and not _blocked_vertically(e[3], c[1], ex, obstacles):
                out.append(Candidate(index, BELOW, gap, shares))
        elif in_column and c[3] <= e[1] + TOL:
            gap = max(0.0, e[1] - c[3])
            if gap <= max_gap and not _blocked_vertically(c[3], e[1], ex, obstacles):
                out.append(Candidate(index, ABOVE, gap, shares))
        elif _voverlap(e, c) > 0.3 * min(e[3] - e[1], c[3] - c[1]):
            if c[0] >= e[2] - TOL:
                gap = max(0.0, c[0] - e[2])
                left, right = e[2], c[0]
            elif c[2] <= e[0] + TOL:
                gap = max(0.0, e[0] - c[2])
                left, right = c[2], e[0]
            else:
                continue
            if gap <= 0.25 * (layout.rect[2] - layout.rect[0]) and not _blocked_horizontally(
                left, right, e, obstacles
            ):
                out.append(Candidate(index, SIDE, gap))
    return out


def preferred_sides(layouts: Sequence[PageLayout]) -> dict[str, str]:
    """For each caption kind, the side its captions sit on in this document (majority of nearest pairs)."""
    votes: dict[str, Counter[str]] = {}
    ambiguous: list[tuple[PageLayout, list[Candidate]]] = []
    for layout in layouts:
        for element in layout.elements:
            found = [c for c in candidates(layout, element) if c.side != SIDE]
            if len({c.side for c in found}) == 1:  # a caption on one side only: an unambiguous vote
                nearest = min(found, key=lambda c: c.gap)
                votes.setdefault(layout.captions[nearest.caption].kind, Counter())[nearest.side] += 1
            elif found:
                ambiguous.append((layout, found))
    if not votes:  # only ambiguous elements: the nearest caption decides
        for layout, found in ambiguous:
            nearest = min(found, key=lambda c: c.gap)
            votes.setdefault(layout.captions[nearest.caption].kind, Counter())[nearest.side] += 1
    defaults = {"figure": BELOW, "table": ABOVE}
    out = dict(defaults)
    for kind, counter in votes.items():
        ranked = counter.most_common()
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            out[kind] = ranked[0][0]
    return out


def assign(layout: PageLayout, sides: dict[str, str]) -> tuple[dict[int, list[Element]], list[Element]]:
    """Elements grouped by the caption they belong to, and the elements no caption claims."""
    groups: dict[int, list[Element]] = {}
    orphans: list[Element] = []

    def order(c: Candidate) -> int:
        preferred = sides.get(layout.captions[c.caption].kind, BELOW)
        return 0 if c.side == preferred else (2 if c.side == SIDE else 1)

    # first the elements with a caption on their document's side; then the rest, each to a caption that
    # has no element yet where one can take it: a figure under the previous figure's caption (which
    # already has its figure above it) belongs to the caption set beside or below it
    later: list[tuple[Element, list[Candidate]]] = []
    for element in layout.elements:
        found = candidates(layout, element)
        if not found:
            orphans.append(element)
            continue
        best = min(found, key=lambda c: (order(c), not c.shares_width, c.gap))
        if order(best):
            later.append((element, found))
        else:
            groups.setdefault(best.caption, []).append(element)
    claimed = set(groups)
    for element, found in later:
        best = min(found, key=lambda c: (c.caption in claimed, order(c), not c.shares_width, c.gap))
        groups.setdefault(best.caption, []).append(element)
    return groups, orphans


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box around all boxes."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def grow_with_labels(layout: PageLayout, bbox: Box, caption: Caption, reach: float = 8.0) -> Box:
    """The figure box grown to take in short text that belongs to it (panel letters, axis labels)."""
    members = set(caption.block_indexes)
    caption_boxes = [c.bbox for c in layout.captions]
    changed = True
    while changed:
        changed = False
        for index, block in enumerate(layout.blocks):
            b = block.bbox
            if index in members or is_blocker(block, layout.body_size) or b in caption_boxes:
                continue
            if any(_voverlap(b, cb) > 0 and _hoverlap(b, (cb[0], cb[2])) > 0 for cb in caption_boxes):
                continue
            near = (
                b[0] <= bbox[2] + reach
                and b[2] >= bbox[0] - reach
                and b[1] <= bbox[3] + reach
                and b[3] >= bbox[1] - reach
            )
            if near and not (b[0] >= bbox[0] and b[1] >= bbox[1] and b[2] <= bbox[2] and b[3] <= bbox[3]):
                grown = union([bbox, b])
                if (
                    _voverlap(grown, caption.bbox) > TOL
                    and _hoverlap(grown, (caption.bbox[0], caption.bbox[2])) > 0
                ):
                    continue  # never swallow the caption
                bbox = grown
                changed = True
    return bbox


def empty_region(layout: PageLayout, caption: Caption, side: str) -> Box | None:
    """The free area on `side` of a caption, up to the nearest prose or caption: where a figure drawn
    without images or paths (text-as-outlines, a form object) must be."""
    span = layout.columns.span_of(caption.bbox)
    c = caption.bbox
    others = [b for b in layout.blockers if b != c] + [o.bbox for o in layout.captions if o.bbox != c]
    height = layout.rect[3] - layout.rect[1]
    top_margin = max(
        [b.bbox[3] for b in layout.blocks if b.bbox[3] <= layout.rect[1] + 0.1 * height]
        + [layout.rect[1] + 0.04 * height]
    )
    bottom_margin = min(
        [b.bbox[1] for b in layout.blocks if b.bbox[1] >= layout.rect[3] - 0.1 * height]
        + [layout.rect[3] - 0.04 * height]
    )
    if side == BELOW:  # the figure is above the caption
        limit = max([b[3] for b in others if b[3] <= c[1] + 2 and _hoverlap(b, span) > 2] + [top_margin])
        region = (span[0], limit + 1, span[1], c[1] - 1)
    elif side == ABOVE:
        limit = min([b[1] for b in others if b[1] >= c[3] - 2 and _hoverlap(b, span) > 2] + [bottom_margin])
        region = (span[0], c[3] + 1, span[1], limit - 1)
    else:
        return None
    if region[3] - region[1] < 30 or region[2] - region[0] < 30:
        return None
    return region


def reading_order(boxes: Sequence[Box]) -> list[int]:
    """Indexes of boxes in reading order: rows top to bottom (by overlap), left to right within a row."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1], boxes[i][0]))
    rows: list[list[int]] = []
    for i in order:
        b = boxes[i]
        for row in rows:
            r = boxes[row[0]]
            if _voverlap(b, r) > 0.5 * min(b[3] - b[1], r[3] - r[1]):
                row.append(i)
                break
        else:
            rows.append([i])
    return [i for row in rows for i in sorted(row, key=lambda j: boxes[j][0])]
