"""What needs pixels (OpenCV): rendering a crop, blank checks, blur and size, splitting panels."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pymupdf

from extractors.figures.layout import Box

MAX_PIXELS = 25_000_000
"""A crop is rendered at a lower DPI rather than exceed this many pixels (bounded memory)."""
BLANK_STD = 3.0
"""A crop whose grey levels vary less than this is blank."""


@dataclass(frozen=True)
class Crop:
    """A rendered crop: grey-scale and colour pixels, the DPI used, and its PNG bytes."""

    gray: np.ndarray
    bgr: np.ndarray
    png: bytes
    dpi: int
    bbox: Box


def render(page: pymupdf.Page, bbox: Box, dpi: int) -> Crop:
    """The region of a page rendered at `dpi` (lowered to stay under MAX_PIXELS)."""
    w_in = (bbox[2] - bbox[0]) / 72.0
    h_in = (bbox[3] - bbox[1]) / 72.0
    if w_in * h_in * dpi * dpi > MAX_PIXELS:
        dpi = max(24, int((MAX_PIXELS / max(w_in * h_in, 1e-6)) ** 0.5))
    pix = page.get_pixmap(dpi=dpi, clip=pymupdf.Rect(bbox), alpha=False, colorspace=pymupdf.csRGB)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    gray = cv2.cvtColor(rgb[:, :, :3], cv2.COLOR_RGB2GRAY)
    bgr = cv2.cvtColor(rgb[:, :, :3], cv2.COLOR_RGB2BGR)
    return Crop(gray=gray, bgr=bgr, png=encode_png(bgr), dpi=dpi, bbox=bbox)


def is_blank(gray: np.ndarray) -> bool:
    """Whether an image is one flat colour (blank pages, white boxes, spacer images)."""
    if gray.size == 0:
        return True
    _, std = cv2.meanStdDev(gray)  # numpy's std is several times slower on large crops
    return float(std[0][0]) < BLANK_STD


def blur_variance(gray: np.ndarray) -> float:
    """Variance of the Laplacian: low values mean a blurred image."""
    if gray.size == 0:
        return 0.0
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def is_blank_region(page: pymupdf.Page, region: Box, dpi: int = 36) -> bool:
    """Whether a region of a page renders as one flat colour (a white fill, an empty frame's inside)."""
    if region[2] - region[0] < 2 or region[3] - region[1] < 2:
        return True
    pix = page.get_pixmap(dpi=dpi, clip=pymupdf.Rect(region), alpha=False, colorspace=pymupdf.csGRAY)
    return is_blank(np.frombuffer(pix.samples, dtype=np.uint8))


def ink_bbox(page: pymupdf.Page, region: Box, dpi: int = 36) -> Box | None:
    """The box around the non-white pixels of a region, in PDF points; None when it is blank."""
    if region[2] - region[0] < 2 or region[3] - region[1] < 2:
        return None
    pix = page.get_pixmap(dpi=dpi, clip=pymupdf.Rect(region), alpha=False, colorspace=pymupdf.csGRAY)
    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    if is_blank(gray):
        return None
    ys, xs = np.nonzero(gray < 235)
    if len(xs) < 0.01 * gray.size:
        return None
    scale = 72.0 / dpi
    return (
        region[0] + xs.min() * scale,
        region[1] + ys.min() * scale,
        region[0] + (xs.max() + 1) * scale,
        region[1] + (ys.max() + 1) * scale,
    )


def _gutters(profile: np.ndarray, min_run: int) -> list[tuple[int, int]]:
    """Runs of background lines in a projection profile, not touching the ends."""
    runs, start = [], None
    for i, is_bg in enumerate(profile):
        if is_bg and start is None:
            start = i
        elif not is_bg and start is not None:
            if start > 0 and i - start >= min_run:
                runs.append((start, i))
            start = None
    return runs


MAX_PANEL_AREA_RATIO = 12
"""Panels of one figure whose areas differ more than this were not cut between panels."""
MIN_PANEL_SHARE = 0.08
"""A cut that leaves a piece thinner than this share of the figure is not between panels (a line of
axis text, a legend strip)."""


def _blank_bands(
    flat: np.ndarray, box: tuple[int, int, int, int], min_run: int
) -> list[tuple[int, int, int]]:
    """Blank bands across a piece, as (axis, start, end) in page pixels: runs of at least `min_run` rows
    (axis 0) or columns (axis 1) that are background all across it, save for a few stray pixels, and that
    do not touch its edges."""
    x0, y0, x1, y1 = box
    sub = flat[y0:y1, x0:x1]
    out = []
    for axis, origin, across in ((0, y0, x1 - x0), (1, x0, y1 - y0)):
        blank = (~sub).sum(axis=1 - axis) <= max(1, int(0.003 * across))
        edges = np.diff(np.concatenate(([0], blank.astype(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        length = len(blank)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if start > 0 and end < length and end - start >= min_run:
                out.append((axis, origin + start, origin + end))
    return out


def _trim(flat: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """A piece cut back to its ink; None when it has none."""
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(~flat[y0:y1, x0:x1])
    if len(xs) == 0:
        return None
    return (x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1)


def split_panels(gray: np.ndarray, expected: int) -> list[tuple[int, int, int, int]]:
    """Sub-images separated by blank gutters, in reading order.

    The widest gutter of any piece is cut first (a figure's two halves lie further apart than the images
    inside each half), until there are `expected` pieces; a cut that would leave a piece thinner than
    MIN_PANEL_SHARE of the figure (a line of axis text, a legend strip) is not made. Returns the pixel boxes
    (x0, y0, x1, y1), or [] when the gutters run out first or the pieces differ too much in size: a guess
    that does not match the caption's panel letters is worse than none.
    """
    if gray.size == 0 or expected < 2:
        return []
    h, w = gray.shape
    background = int(np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])))
    flat = np.abs(gray.astype(np.int16) - background) < 12
    min_run = max(2, int(0.006 * max(h, w)))
    min_w, min_h = MIN_PANEL_SHARE * w, MIN_PANEL_SHARE * h
    whole = _trim(flat, (0, 0, w, h))
    if whole is None:
        return []
    pieces = [whole]
    bands = {whole: _blank_bands(flat, whole, min_run)}
    while len(pieces) < expected:
        options = sorted(
            (
                (end - start, k, axis, start, end)
                for k, p in enumerate(pieces)
                for axis, start, end in bands[p]
            ),
            reverse=True,
        )
        for _, k, axis, start, end in options:
            x0, y0, x1, y1 = pieces[k]
            halves = (
                ((x0, y0, x1, start), (x0, end, x1, y1))
                if axis == 0
                else ((x0, y0, start, y1), (end, y0, x1, y1))
            )
            trimmed = [_trim(flat, half) for half in halves]
            if all(t is not None and t[2] - t[0] >= min_w and t[3] - t[1] >= min_h for t in trimmed):
                break
        else:
            return []
        pieces.pop(k)
        for t in trimmed:
            assert t is not None
            pieces.append(t)
            bands[t] = _blank_bands(flat, t, min_run)
    areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in pieces]
    if min(areas) * MAX_PANEL_AREA_RATIO < max(areas):
        return []
    return _in_reading_order(pieces)


def _in_reading_order(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes by rows (boxes that overlap vertically by half), left to right within a row."""
    rows: list[list[tuple[int, int, int, int]]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for row in rows:
            r = row[0]
            if min(box[3], r[3]) - max(box[1], r[1]) > 0.5 * min(box[3] - box[1], r[3] - r[1]):
                row.append(box)
                break
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def encode_png(gray_or_rgb: np.ndarray) -> bytes:
    """PNG bytes of a pixel array."""
    ok, buf = cv2.imencode(".png", gray_or_rgb, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()
