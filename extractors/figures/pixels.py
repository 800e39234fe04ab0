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


def split_panels(gray: np.ndarray, expected: int) -> list[tuple[int, int, int, int]]:
    """Sub-images separated by uniform gutters (rows, then columns), in reading order.

    Returns `expected` pixel boxes (x0, y0, x1, y1) when the gutters cut the image into exactly that many
    pieces, else []: a guess that does not match the caption's panel letters is worse than none.
    """
    if gray.size == 0 or expected < 2:
        return []
    h, w = gray.shape
    background = int(np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])))
    flat = np.abs(gray.astype(np.int16) - background) < 12
    min_run = max(2, int(0.006 * max(h, w)))
    rows = _gutters(flat.all(axis=1), min_run)
    bands = _cuts(rows, h)
    boxes: list[tuple[int, int, int, int]] = []
    for y0, y1 in bands:
        cols = _gutters(flat[y0:y1].all(axis=0), min_run)
        for x0, x1 in _cuts(cols, w):
            boxes.append((x0, y0, x1, y1))
    boxes = [b for b in boxes if (b[2] - b[0]) > 0.05 * w and (b[3] - b[1]) > 0.05 * h]
    return boxes if len(boxes) == expected else []


def _cuts(gutters: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    edges = [0] + [g for run in gutters for g in run] + [length]
    pieces = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    return [p for p in pieces if p[1] > p[0]]


def encode_png(gray_or_rgb: np.ndarray) -> bytes:
    """PNG bytes of a pixel array."""
    ok, buf = cv2.imencode(".png", gray_or_rgb, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()
