"""Graphic elements of a page: embedded images and clusters of vector drawings, with cheap filters."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import cv2
import numpy as np
import pymupdf

from extractors.figures.layout import Box, TextBlock

MIN_SIDE_PT = 12.0
"""Images or drawing clusters thinner than this (points) are rules, bullets or specks, not figures."""
MIN_IMAGE_PX = 16
"""Images with fewer pixels than this on a side are spacers and icons."""
MIN_VECTOR_AREA_PT = 40.0 * 40.0
"""A drawing cluster smaller than this is a glyph or an arrow, unless it touches an image."""
CLUSTER_GAP_PT = 6.0
"""Drawings closer than this belong to the same cluster."""


@dataclass(frozen=True)
class Element:
    """One graphic element: an image or a cluster of drawings, with its box on the page."""

    kind: str
    bbox: Box
    key: str = ""


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _inside(inner: Box, outer: Box, tol: float = 1.0) -> bool:
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _clip(b: Box, page: Box) -> Box | None:
    x0, y0 = max(b[0], page[0]), max(b[1], page[1])
    x1, y1 = min(b[2], page[2]), min(b[3], page[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def page_images(page: pymupdf.Page) -> list[tuple[Box, int, int, int]]:
    """(bbox, xref, width, height) of every image drawn on the page, clipped to it.

    `get_image_info(xrefs=True)` hashes every image's pixels; matching by pixel size to the page's image
    list gives the xref without decoding anything (0 where the size is ambiguous).
    """
    rect = tuple(page.rect)
    by_size: dict[tuple[int, int], set[int]] = {}
    for item in page.get_images(full=True):
        by_size.setdefault((int(item[2]), int(item[3])), set()).add(int(item[0]))
    out = []
    for info in page.get_image_info():
        box = _clip(tuple(info["bbox"]), rect)
        if box is None:
            continue
        width, height = int(info["width"]), int(info["height"])
        xrefs = by_size.get((width, height), set())
        out.append((box, next(iter(xrefs)) if len(xrefs) == 1 else 0, width, height))
    return out


def image_key(bbox: Box, xref: int, width: int, height: int) -> str:
    """What makes two images 'the same' across pages: the object, or its size and place."""
    if xref:
        return f"x{xref}"
    return f"s{width}x{height}@{round(bbox[0])},{round(bbox[1])}"


def image_elements(
    images: Sequence[tuple[Box, int, int, int]], repeated_keys: set[str]
) -> tuple[list[Element], int]:
    """Images that can be figure parts: not tiny, not repeated on many pages. Also how many were dropped."""
    kept: list[Element] = []
    dropped = 0
    for box, xref, width, height in images:
        key = image_key(box, xref, width, height)
        if (
            box[2] - box[0] < MIN_SIDE_PT
            or box[3] - box[1] < MIN_SIDE_PT
            or min(width, height) < MIN_IMAGE_PX
            or key in repeated_keys
        ):
            dropped += 1
            continue
        kept.append(Element(kind="image", bbox=box, key=key))
    return kept, dropped


def _path_boxes(page: pymupdf.Page, max_paths: int) -> list[Box]:
    rect = tuple(page.rect)
    page_area = _area(rect)
    boxes = []
    for kind, r in page.get_bboxlog():
        if "path" not in kind and "shade" not in kind:
            continue
        box = _clip(tuple(r), rect)
        if box is None or _area(box) > 0.8 * page_area:
            continue  # page backgrounds
        boxes.append(box)
        if len(boxes) >= max_paths:
            break
    return boxes


def cluster_boxes(boxes: Sequence[Box], page_rect: Box, gap: float = CLUSTER_GAP_PT) -> list[Box]:
    """Boxes merged where they lie within `gap` of each other, via connected components on a 1-pt grid.

    A grid keeps pages with thousands of drawings linear in their number.
    """
    if not boxes:
        return []
    scale = 1.0
    width = int(page_rect[2] - page_rect[0]) + 2
    height = int(page_rect[3] - page_rect[1]) + 2
    grid = np.zeros((height, width), dtype=np.uint8)
    half = gap / 2
    for x0, y0, x1, y1 in boxes:
        gx0 = max(0, int((x0 - page_rect[0] - half) * scale))
        gy0 = max(0, int((y0 - page_rect[1] - half) * scale))
        gx1 = min(width, int((x1 - page_rect[0] + half) * scale) + 1)
        gy1 = min(height, int((y1 - page_rect[1] + half) * scale) + 1)
        grid[gy0:gy1, gx0:gx1] = 1
    count, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, w, h = (float(v) for v in stats[i][:4])
        out.append(
            (
                page_rect[0] + x + half,
                page_rect[1] + y + half,
                page_rect[0] + x + w - half,
                page_rect[1] + y + h - half,
            )
        )
    return out


def drawing_clusters(page: pymupdf.Page, max_paths: int = 20000) -> list[Box]:
    """The boxes of a page's drawings, merged where they lie close together."""
    return cluster_boxes(_path_boxes(page, max_paths), tuple(page.rect))


def cluster_key(box: Box) -> str:
    """What makes two drawing clusters on different pages 'the same': their place and size, to a point."""
    return "v" + ",".join(str(round(v)) for v in box)


def repeated_clusters(per_page: Sequence[Sequence[Box]], pages: int) -> set[str]:
    """Drawing clusters found in the same place on three pages or more (and on a third of the pages or
    more): running-head bands, rules and frames of the page design, not figures."""
    seen: dict[str, int] = {}
    for boxes in per_page:
        for key in {cluster_key(b) for b in boxes}:
            seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if n >= 3 and n >= pages / 3}


def vector_elements(
    clusters: Sequence[Box],
    images: Sequence[Element],
    blocks: Sequence[TextBlock],
    repeated: AbstractSet[str] = frozenset(),
) -> list[Element]:
    """Clusters of drawings that look like figures: big enough, not a text box, not an overlay on an image,
    not part of the page design repeated on many pages."""
    out = []
    for box in clusters:
        if cluster_key(box) in repeated:
            continue
        w, h = box[2] - box[0], box[3] - box[1]
        if w < MIN_SIDE_PT or h < MIN_SIDE_PT:
            continue
        if any(_inside(box, img.bbox, tol=2.0) for img in images):
            continue  # arrows and marks drawn over a photograph
        touches_image = any(
            min(box[2], img.bbox[2]) - max(box[0], img.bbox[0]) > -CLUSTER_GAP_PT
            and min(box[3], img.bbox[3]) - max(box[1], img.bbox[1]) > -CLUSTER_GAP_PT
            for img in images
        )
        if w * h < MIN_VECTOR_AREA_PT and not touches_image:
            continue
        prose = sum(len(b.text) for b in blocks if _inside(b.bbox, box, tol=2.0) and len(b.text) >= 200)
        if prose:
            continue  # a framed text box or a shaded panel of prose, not a figure
        out.append(Element(kind="vector", bbox=box))
    return out


def trim_frames(elements: Sequence[Element], caption_boxes: Sequence[Box]) -> list[Element]:
    """Drawing clusters that frame a figure together with its caption, cut back to the figure's side.

    Publishers such as BMC draw one box around figure and caption; uncut, the box overlaps its own caption.
    """
    out = []
    for element in elements:
        box = element.bbox
        if element.kind == "vector":
            for c in caption_boxes:
                if not _inside(c, box, tol=3.0):
                    continue
                above = c[1] - box[1]
                below = box[3] - c[3]
                box = (
                    (box[0], box[1], box[2], c[1] - 1)
                    if above >= below
                    else (box[0], c[3] + 1, box[2], box[3])
                )
        if box[3] - box[1] >= MIN_SIDE_PT:
            out.append(Element(kind=element.kind, bbox=box, key=element.key))
    return out
