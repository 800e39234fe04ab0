"""Renders a small open-textbook chapter PDF with raster and vector figures, captions and references.

The images are drawn with OpenCV so the demo has pixels to cut out, caption texts that name the
modality and anatomy a taxonomy can tag, and body text that refers to each figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pymupdf


@dataclass(frozen=True)
class SampleFigure:
    """A figure to draw: its caption and the sentence of body text that refers to it."""

    kind: str
    caption: str
    mention: str


FIGURES = [
    SampleFigure(
        "ct",
        "Axial computed tomography (CT) of the chest showing a spiculated nodule in the right upper lobe "
        "of the lung, suspicious for lung cancer.",
        "A solitary pulmonary nodule is best characterised on thin-section CT, as shown in Figure {n}.",
    ),
    SampleFigure(
        "xray",
        "Posteroanterior chest radiograph (X-ray) showing right lower lobe consolidation of the lung "
        "consistent with pneumonia.",
        "Lobar pneumonia appears as a dense opacity with air bronchograms (Figure {n}).",
    ),
    SampleFigure(
        "ultrasound",
        "Abdominal ultrasound of the liver showing a hyperechoic lesion typical of hepatic haemangioma.",
        "Most hepatic haemangiomas are found incidentally on ultrasound, as Figure {n} illustrates.",
    ),
    SampleFigure(
        "histology",
        "Histopathology (H&E stain) of a skin biopsy showing nests of atypical melanocytes in melanoma.",
        "The diagnosis of melanoma rests on histopathology of the excised lesion (see Figure {n}).",
    ),
    SampleFigure(
        "ecg",
        "Twelve-lead electrocardiogram (ECG) showing ST-segment elevation in the inferior leads in acute "
        "myocardial infarction of the heart.",
        "Inferior myocardial infarction produces ST elevation in leads II, III and aVF (Figure {n}).",
    ),
    SampleFigure(
        "endoscopy",
        "Upper gastrointestinal endoscopy showing a clean-based ulcer of the stomach (gastric ulcer).",
        "Endoscopy confirms the ulcer and allows biopsy, as shown in Figure {n}.",
    ),
]

BODY = (
    "This chapter reviews common findings in clinical imaging and pathology. Each section describes "
    "the typical appearance of a disease and how it is confirmed. "
)


def draw_image(kind: str, size: int = 320, seed: int = 0) -> bytes:
    """PNG bytes of a synthetic image in the style of the modality."""
    rng = np.random.default_rng(seed)
    img = np.zeros((size, size, 3), dtype=np.uint8)
    c = size // 2
    if kind == "ct":
        cv2.ellipse(img, (c, c), (c - 20, c - 60), 0, 0, 360, (90, 90, 90), -1)
        cv2.ellipse(img, (c - 60, c), (50, 70), 0, 0, 360, (20, 20, 20), -1)
        cv2.ellipse(img, (c + 60, c), (50, 70), 0, 0, 360, (20, 20, 20), -1)
        cv2.circle(img, (c - 70, c - 30), 9, (200, 200, 200), -1)
    elif kind == "xray":
        img[:] = 30
        for i in range(6):
            cv2.ellipse(img, (c, 60 + i * 40), (120, 30), 0, 180, 360, (170, 170, 170), 4)
        cv2.circle(img, (c + 60, c + 70), 40, (140, 140, 140), -1)
    elif kind == "ultrasound":
        pts = np.array([[c, 10], [10, size - 10], [size - 10, size - 10]], dtype=np.int32)
        cv2.fillPoly(img, [pts], (60, 60, 60))
        cv2.circle(img, (c, c + 60), 30, (220, 220, 220), -1)
    elif kind == "histology":
        img[:] = (230, 200, 240)
        for _ in range(60):
            x, y = rng.integers(10, size - 10, 2)
            cv2.circle(img, (int(x), int(y)), int(rng.integers(4, 12)), (150, 60, 120), -1)
    elif kind == "ecg":
        img[:] = 255
        xs = np.arange(size)
        ys = c + (40 * np.sin(xs / 6) * (np.sin(xs / 40) > 0.9)).astype(int)
        for x in range(1, size):
            cv2.line(img, (int(x - 1), int(ys[x - 1])), (int(x), int(ys[x])), (0, 0, 0), 2)
    elif kind == "endoscopy":
        cv2.circle(img, (c, c), c - 10, (70, 80, 190), -1)
        cv2.circle(img, (c + 20, c - 10), 30, (230, 230, 230), -1)
    noise = rng.integers(0, 20, img.shape, dtype=np.uint8)
    img = cv2.add(img, noise)
    ok, png = cv2.imencode(".png", img)
    if not ok:
        raise RuntimeError("could not encode PNG")
    return png.tobytes()


def render_textbook_pdf(path: Path, title: str = "Clinical Imaging and Pathology: A Primer") -> Path:
    """Write the chapter PDF: two figures per page, captions below, references in the text."""
    doc = pymupdf.open()
    doc.set_metadata(
        {
            "title": title,
            "author": "medforge sample generator",
            "creationDate": "D:20240101000000",
            "modDate": "D:20240101000000",
            "producer": "medforge",
        }
    )
    for start in range(0, len(FIGURES), 2):
        page = doc.new_page(width=595, height=842)
        y = 50.0
        if start == 0:
            page.insert_textbox(pymupdf.Rect(50, y, 545, y + 30), title, fontsize=16, fontname="helv")
            y += 35
        for offset, figure in enumerate(FIGURES[start : start + 2]):
            number = start + offset + 1
            text = BODY + figure.mention.format(n=number)
            page.insert_textbox(pymupdf.Rect(50, y, 545, y + 60), text, fontsize=10, fontname="helv")
            y += 65
            rect = pymupdf.Rect(180, y, 420, y + 240)
            page.insert_image(rect, stream=draw_image(figure.kind, seed=number))
            y += 248
            page.insert_textbox(
                pymupdf.Rect(50, y, 545, y + 45),
                f"Figure {number}. {figure.caption}",
                fontsize=9,
                fontname="helv",
            )
            y += 55
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path, garbage=4, deflate=True, no_new_id=True)
    doc.close()
    return path
