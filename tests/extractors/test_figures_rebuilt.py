"""Layouts the fixtures do not print, rebuilt from their real figures and captions (PMC4219006, BMC):
legends gathered at the end of a manuscript, a caption at the head of the next page, letter-spaced and
small-caps labels."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from extractors.figures import DocumentFigures, extract_figures_from_bytes

KEY = "PMC4219006"


@pytest.fixture(scope="module")
def article(fixtures_dir: Path) -> dict:
    """The article's figure images (in page order), captions and body text."""
    folder = fixtures_dir / "pdfs_wide" / KEY
    pdf = folder / f"{KEY}.pdf"
    if not pdf.exists():
        pytest.fail(f"fixture missing: {pdf}")
    truth = json.loads((fixtures_dir / "pdfs_wide" / "truth.json").read_text(encoding="utf-8"))[KEY]
    doc = pymupdf.open(pdf)
    images = []
    for page in doc:
        for item in page.get_images(full=True):
            info = doc.extract_image(item[0])
            if info["width"] >= 200:
                images.append((info["image"], info["width"], info["height"]))
    body = " ".join(doc[1].get_text().split())[:1800]
    doc.close()
    assert len(images) == len(truth) == 6
    return {"images": images, "captions": [t["caption"] for t in truth], "body": body}


def _figure(page: pymupdf.Page, image: tuple[bytes, int, int], top: float, height: float) -> pymupdf.Rect:
    data, w, h = image
    width = min(450.0, height * w / h)
    rect = pymupdf.Rect(72, top, 72 + width, top + height)
    page.insert_image(rect, stream=data, keep_proportion=False)
    return rect


def _textbox(page: pymupdf.Page, rect: tuple, text: str, size: float = 10, font: str = "helv") -> float:
    left = page.insert_textbox(pymupdf.Rect(rect), text, fontsize=size, fontname=font)
    assert left >= 0, text[:40]
    return rect[3] - left


def _run(doc: pymupdf.Document, tmp_path: Path) -> DocumentFigures:
    data = doc.tobytes()
    doc.close()
    return extract_figures_from_bytes(data, "rebuilt.pdf", tmp_path)


def _short(caption: str) -> str:
    """The caption's first 300 characters, in what the PDF's base font can print (µ for μ)."""
    short = caption.replace("\u03bc", "\u00b5")[:300].rsplit(" ", 1)[0] + "."
    short.encode("latin-1")
    return short


def _legends_page(doc: pymupdf.Document, captions: list[str]) -> None:
    legends = doc.new_page(width=595, height=842)
    y = _textbox(legends, (72, 72, 523, 100), "Figure legends", size=12, font="hebo") + 14
    for n, caption in enumerate(captions, start=1):
        y = _textbox(legends, (72, y, 523, y + 200), f"Figure {n}. {caption}", size=10) + 14


def test_legends_gathered_at_the_end_go_with_the_figure_pages(article: dict, tmp_path: Path) -> None:
    doc = pymupdf.open()
    _textbox(doc.new_page(width=595, height=842), (72, 72, 523, 770), article["body"])
    for image in article["images"][:3]:
        _figure(doc.new_page(width=595, height=842), image, 100, 420)
    captions = [_short(c) for c in article["captions"][:3]]
    _legends_page(doc, captions)
    result = _run(doc, tmp_path)
    got = [(f.label, f.page, f.caption_page, f.caption, f.source) for f in result.figures]
    assert got == [(f"Figure {n}", n + 1, 5, captions[n - 1], "image") for n in (1, 2, 3)]
    assert result.unpaired_captions == [] and result.unpaired_figures == 0


def test_figure_pages_labelled_only_take_the_words_of_their_legends(article: dict, tmp_path: Path) -> None:
    doc = pymupdf.open()
    _textbox(doc.new_page(width=595, height=842), (72, 72, 523, 770), article["body"])
    for n, image in enumerate(article["images"][:3], start=1):
        page = doc.new_page(width=595, height=842)
        rect = _figure(page, image, 100, 420)
        _textbox(page, (72, rect.y1 + 12, 300, rect.y1 + 40), f"Figure {n}", size=11, font="hebo")
    captions = [_short(c) for c in article["captions"][:3]]
    _legends_page(doc, captions)
    result = _run(doc, tmp_path)
    got = [(f.label, f.page, f.caption) for f in result.figures]
    assert got == [(f"Figure {n}", n + 1, captions[n - 1]) for n in (1, 2, 3)]
    assert result.unpaired_captions == []


def test_caption_at_the_head_of_the_next_page(article: dict, tmp_path: Path) -> None:
    doc = pymupdf.open()
    first = doc.new_page(width=595, height=842)
    _textbox(first, (72, 72, 523, 300), article["body"][:900])
    _figure(first, article["images"][0], 320, 440)
    second = doc.new_page(width=595, height=842)
    caption = _short(article["captions"][0])
    y = _textbox(second, (72, 72, 523, 200), f"Figure 1. {caption}", size=9) + 16
    _textbox(second, (72, y, 523, 770), article["body"][900:], size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, f.page, f.caption_page, f.caption) for f in result.figures] == [
        ("Figure 1", 1, 2, caption)
    ]


@pytest.mark.parametrize("spaced", [True, False], ids=["letter-spaced", "small-caps"])
def test_letter_spaced_and_small_caps_labels(article: dict, spaced: bool, tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    captions = [_short(c) for c in article["captions"][:2]]
    y = 72.0
    for n, (image, caption) in enumerate(zip(article["images"][:2], captions, strict=True), start=1):
        rect = _figure(page, image, y, 200)
        top = rect.y1 + 8
        if spaced:
            label_end = rect.x0 + pymupdf.get_text_length(f"F IGURE {n}.  ", fontname="hebo", fontsize=9)
            page.insert_text((rect.x0, top + 8), f"F IGURE {n}.", fontname="hebo", fontsize=9)
        else:  # a capital at full size, the rest of the word in small capitals
            page.insert_text((rect.x0, top + 8), "F", fontname="hebo", fontsize=9)
            x = rect.x0 + pymupdf.get_text_length("F", fontname="hebo", fontsize=9) + 1.5
            page.insert_text((x, top + 8), f"IGURE {n}.", fontname="hebo", fontsize=7)
            label_end = x + pymupdf.get_text_length(f"IGURE {n}.  ", fontname="hebo", fontsize=7)
        bottom = _textbox(page, (label_end, top, 523, top + 120), caption, size=9)
        y = bottom + 30
    _textbox(page, (72, y, 523, 830), article["body"][:300], size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [
        ("FIGURE 1", captions[0]),
        ("FIGURE 2", captions[1]),
    ]


def test_label_inside_a_block_of_the_figures_own_text(article: dict, tmp_path: Path) -> None:
    # the figure's axis words set just above its caption, close enough to be read as one block with it
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    rect = _figure(page, article["images"][0], 72, 300)
    y = rect.y1 + 10
    page.insert_text(
        (72, y), "Control     6     12.5     25     50     100     200", fontname="helv", fontsize=8
    )
    caption = _short(article["captions"][0])
    page.insert_text((72, y + 11), "Figure 1.", fontname="hebo", fontsize=9)
    x = 72 + pymupdf.get_text_length("Figure 1. ", fontname="hebo", fontsize=9)
    words = caption.split()
    first = " ".join(words[:6])
    page.insert_text((x, y + 11), first, fontname="helv", fontsize=9)
    bottom = _textbox(page, (72, y + 13.5, 523, y + 120), " ".join(words[6:]), size=9)
    _textbox(page, (72, bottom + 30, 523, 800), article["body"][:800], size=10)
    data = doc.tobytes()
    blocks = [b for b in pymupdf.open("pdf", data)[0].get_text("dict")["blocks"] if b["type"] == 0]
    assert any(
        "Control" in b["lines"][0]["spans"][0]["text"]
        and any("Figure 1." in s["text"] for s in b["lines"][1]["spans"])
        for b in blocks
    ), "the layout no longer puts the axis words and the label in one block"
    doc.close()
    result = extract_figures_from_bytes(data, "rebuilt.pdf", tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [("Figure 1", caption)]


def test_plain_label_right_under_its_figure_opens_a_caption_but_not_in_the_text(
    article: dict, tmp_path: Path
) -> None:
    # 'Figure 1 The cytotoxicity ...' in the body font and size, no delimiter: a caption under its image;
    # the same words opening a paragraph away from any graphic are running text
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    rect = _figure(page, article["images"][0], 72, 300)
    caption = _short(article["captions"][0])
    bottom = _textbox(page, (72, rect.y1 + 6, 523, rect.y1 + 120), f"Figure 1 {caption}", size=10)
    mention = "Figure 2 Shows how the cells were counted. " + article["body"][:500]
    _textbox(page, (72, bottom + 40, 523, 800), mention, size=10)
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [("Figure 1", caption)]
    assert result.captions == 1


def test_a_small_stray_image_is_not_given_to_a_distant_legend(article: dict, tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    _figure(page, article["images"][0], 72, 70)  # a logo-sized image at the head of the text
    _textbox(page, (72, 170, 523, 770), article["body"])
    _textbox(doc.new_page(width=595, height=842), (72, 72, 523, 770), article["body"])
    _legends_page(doc, [_short(article["captions"][0])])
    result = _run(doc, tmp_path)
    assert result.figures == []
    assert result.unpaired_captions == ["page 3: Figure 1"]


def test_caption_in_its_own_font_stops_where_the_body_font_starts(article: dict, tmp_path: Path) -> None:
    # a sans-serif caption at the body size, the serif body text set right under it at the same leading
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    rect = _figure(page, article["images"][0], 72, 300)
    caption = _short(article["captions"][0])
    y = rect.y1 + 14
    page.insert_text((72, y), "Figure 1.", fontname="hebo", fontsize=10)
    bottom = _textbox(page, (72, y - 9.5, 523, y + 120), "                 " + caption, size=10)
    _textbox(page, (72, bottom + 1, 523, 820), article["body"][:1400], size=10, font="tiro")
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [("Figure 1", caption)]


def test_label_set_alone_above_a_smaller_caption(article: dict, tmp_path: Path) -> None:
    # 'FIGURE 2' as a small heading under the figure, the caption in a smaller size a little lower
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    rect = _figure(page, article["images"][1], 72, 300)
    page.insert_text((72, rect.y1 + 16), "FIGURE 2", fontname="hebo", fontsize=10)
    caption = _short(article["captions"][1])
    bottom = _textbox(page, (72, rect.y1 + 27, 523, rect.y1 + 150), caption, size=8.5)
    _textbox(page, (72, bottom + 30, 523, 800), article["body"][:900], size=10, font="tiro")
    result = _run(doc, tmp_path)
    assert [(f.label, f.caption) for f in result.figures] == [("FIGURE 2", caption)]
