"""Layouts the fixtures do not show, built with PyMuPDF: the misses a nearest-caption rule makes."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from extractors.figures import extract_figures_from_bytes

BODY = (
    "The patient was admitted with fever and cough. Examination showed reduced breath sounds on the "
    "right. Blood tests showed raised inflammatory markers and the chest radiograph was abnormal. "
) * 3


def _png(width: int = 300, height: int = 200, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
    return cv2.imencode(".png", cv2.GaussianBlur(pixels, (5, 5), 0))[1].tobytes()


def _image(page: pymupdf.Page, rect: pymupdf.Rect, png: bytes) -> int:
    return page.insert_image(rect, stream=png, keep_proportion=False)


def _text(page: pymupdf.Page, rect: tuple[float, float, float, float], text: str, size: float = 9) -> None:
    assert page.insert_textbox(pymupdf.Rect(rect), text, fontsize=size) >= 0, text


def _run(doc: pymupdf.Document, tmp_path: Path):
    data = doc.tobytes()
    doc.close()
    return extract_figures_from_bytes(data, "made.pdf", tmp_path)


def test_previous_caption_closer_than_the_right_one(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _image(page, pymupdf.Rect(72, 72, 372, 250), _png(seed=1))
    _text(page, (72, 254, 528, 272), "Figure 1: Axial CT of the chest.")
    _image(page, pymupdf.Rect(72, 277, 372, 450), _png(seed=2))  # 5 pt under caption 1
    _text(page, (72, 478, 528, 496), "Figure 2: Coronal CT of the abdomen.")  # 28 pt under its figure
    _text(page, (72, 520, 528, 640), BODY, size=10)
    result = _run(doc, tmp_path)
    got = {f.label: (f.caption, [round(v) for v in f.bbox]) for f in result.figures}
    assert got == {
        "Figure 1": ("Axial CT of the chest.", [72, 72, 372, 250]),
        "Figure 2": ("Coronal CT of the abdomen.", [72, 277, 372, 450]),
    }


def test_captions_above_their_figures(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _text(page, (72, 60, 528, 78), "Fig. 1. Fundus photograph of the left eye.")
    _image(page, pymupdf.Rect(72, 82, 372, 260), _png(seed=3))
    _text(page, (72, 268, 528, 286), "Fig. 2. Optical coherence tomography.")
    _image(page, pymupdf.Rect(72, 290, 372, 460), _png(seed=4))
    _text(page, (72, 500, 528, 640), BODY, size=10)
    result = _run(doc, tmp_path)
    got = {f.label: (f.caption, round(f.bbox[1])) for f in result.figures}
    assert got == {
        "Fig. 1": ("Fundus photograph of the left eye.", 82),
        "Fig. 2": ("Optical coherence tomography.", 290),
    }


def test_vector_figure_with_no_image(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    page.draw_line((100, 300), (400, 300))
    page.draw_line((100, 100), (100, 300))
    for i, height in enumerate([120, 60, 180, 90, 150]):
        x = 120 + i * 55
        page.draw_rect(pymupdf.Rect(x, 300 - height, x + 35, 300), color=(0, 0, 0), fill=(0.3, 0.5, 0.8))
    _text(page, (72, 320, 528, 350), "Figure 3: Monthly admissions with sepsis, 2019 to 2023.")
    _text(page, (72, 380, 528, 500), BODY, size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [
        ("Figure 3", "Monthly admissions with sepsis, 2019 to 2023.")
    ]
    x0, y0, x1, y1 = result.figures[0].bbox
    assert x0 < 101 and y0 < 181 and x1 > 399 and 299 <= y1 < 320


def test_figure_cut_into_hundreds_of_tiles_is_one_figure(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    tile = _png(32, 32, seed=5)
    for row in range(15):
        for col in range(20):
            _image(page, pymupdf.Rect(100 + col * 20, 80 + row * 20, 120 + col * 20, 100 + row * 20), tile)
    _text(page, (72, 390, 528, 408), "Figure 1: Whole-slide image of the biopsy.")
    result = _run(doc, tmp_path)
    assert len(result.figures) == 1
    assert [round(v) for v in result.figures[0].bbox] == [100, 80, 500, 380]


def test_caption_whose_words_are_placed_without_spaces(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _image(page, pymupdf.Rect(72, 72, 372, 250), _png(seed=6))
    x = 72.0
    for word in "Figure 1: Chest radiograph showing right lower lobe consolidation.".split():
        page.insert_text((x, 266), word, fontsize=9)
        x += pymupdf.get_text_length(word, fontsize=9) + 1.0
    assert "Figure1:Chestradiograph" in page.get_text()  # what plain extraction gives
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [
        ("Figure 1", "Chest radiograph showing right lower lobe consolidation.")
    ]


def test_caption_split_across_blocks_is_read_whole(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _image(page, pymupdf.Rect(72, 72, 372, 250), _png(seed=7))
    page.insert_text((72, 264), "Figure 1: Magnetic resonance image of the brain showing a ring", fontsize=9)
    page.insert_text((72, 276), "enhancing lesion in the right frontal lobe (arrow).", fontsize=9)
    _text(page, (72, 310, 528, 420), BODY, size=10)
    result = _run(doc, tmp_path)
    assert [f.caption for f in result.figures] == [
        "Magnetic resonance image of the brain showing a ring enhancing lesion "
        "in the right frontal lobe (arrow)."
    ]


def test_labelled_figure_with_no_caption_and_mentions_in_text(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _image(page, pymupdf.Rect(72, 72, 372, 250), _png(seed=8))
    page.insert_text((200, 264), "Figure 1", fontsize=9)
    _text(page, (72, 300, 528, 420), "Figure 1 shows the lesion before treatment. " + BODY, size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [("Figure 1", None)]
    assert result.figures[0].context[0] == "Figure 1 shows the lesion before treatment."
    assert result.captions == 1  # the sentence opening with 'Figure 1 shows' is not a caption


def test_two_columns_figure_in_the_right_column(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _text(page, (50, 72, 290, 700), BODY * 2, size=10)
    _image(page, pymupdf.Rect(320, 72, 550, 220), _png(seed=9))
    _text(page, (310, 226, 550, 250), "Figure 2: Histology of the excised lesion (H&E, x40).")
    _text(page, (310, 270, 550, 700), BODY * 2, size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, [round(v) for v in f.bbox]) for f in result.figures] == [
        ("Figure 2", [320, 72, 550, 220])
    ]


@pytest.mark.parametrize(
    ("caption", "font", "label"),
    [
        ("Rycina 1. Zdjecie rentgenowskie klatki piersiowej.", "helv", "Rycina 1"),
        ("Abbildung 1: Röntgenaufnahme des Thorax.", "helv", "Abbildung 1"),
        ("Figura 1. Radiografía de tórax.", "helv", "Figura 1"),
        ("图1 胸部X线片", "china-s", "图1"),
    ],
)
def test_caption_labels_in_several_languages(caption: str, font: str, label: str, tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    _image(page, pymupdf.Rect(72, 72, 372, 250), _png(seed=10))
    assert page.insert_textbox(pymupdf.Rect(72, 256, 528, 274), caption, fontsize=9, fontname=font) >= 0
    result = _run(doc, tmp_path)
    assert [f.label for f in result.figures] == [label]
    assert result.figures[0].caption and result.figures[0].caption in caption


def test_repeated_logos_blank_and_tiny_images_are_dropped(tmp_path: Path) -> None:
    doc = pymupdf.open()
    logo = _png(120, 40, seed=11)
    blank = cv2.imencode(".png", np.full((100, 100, 3), 255, np.uint8))[1].tobytes()
    xref = 0
    for _ in range(3):
        page = doc.new_page(width=600, height=800)
        if xref:
            page.insert_image(pymupdf.Rect(72, 20, 192, 60), xref=xref, keep_proportion=False)
        else:
            xref = _image(page, pymupdf.Rect(72, 20, 192, 60), logo)
        _text(page, (72, 500, 528, 640), BODY, size=10)
    page = doc[1]
    _image(page, pymupdf.Rect(72, 80, 372, 250), _png(seed=12))
    _image(page, pymupdf.Rect(380, 80, 386, 86), _png(8, 8, seed=13))  # a speck
    _text(page, (72, 256, 528, 274), "Figure 1: Dermoscopy of the naevus.")
    page = doc[2]
    _image(page, pymupdf.Rect(72, 80, 372, 250), blank)
    _text(page, (72, 256, 528, 274), "Figure 2: Placeholder that printed blank.")
    result = _run(doc, tmp_path)
    assert [(f.label, f.page, [round(v) for v in f.bbox]) for f in result.figures] == [
        ("Figure 1", 2, [72, 80, 372, 250])
    ]
    assert result.dropped_images >= 4  # three logos and the speck
    assert result.unpaired_captions == ["page 3: Figure 2 (blank image)"]


def test_page_with_thousands_of_drawings_still_finishes(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    shape = page.new_shape()
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([80, 80], [500, 400], size=(5000, 2)):
        shape.draw_line((x, y), (x + 2, y + 2))
    shape.finish(color=(0, 0, 0), width=0.3)
    shape.commit()
    _text(page, (72, 420, 528, 440), "Figure 1: Scatter of 5000 measurements.")
    result = _run(doc, tmp_path)
    assert [f.label for f in result.figures] == ["Figure 1"]
    assert result.figures[0].bbox[1] < 90 and result.figures[0].bbox[3] > 390
