"""Figure extraction on real articles from many publishers (pdfs_wide): each class of miss, on the PDF
that shows it, checked against the article's own JATS captions."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from extractors.figures import DocumentFigures, extract_figures_from_pdf


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", "", re.sub(r"[\u2010-\u2015\u2212]", "-", text))


def _similar(a: str | None, b: str | None) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b)).ratio()


@pytest.fixture(scope="module")
def wide(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = fixtures_dir / "pdfs_wide"
    truth_file = folder / "truth.json"
    if not truth_file.exists():
        pytest.fail(f"fixture missing: {truth_file}")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    image_dir = tmp_path_factory.mktemp("wide-images")
    cache: dict[str, DocumentFigures] = {}

    def get(key: str) -> tuple[DocumentFigures, dict[str, dict]]:
        if key not in cache:
            cache[key] = extract_figures_from_pdf(folder / key / f"{key}.pdf", image_dir)
        return cache[key], {re.sub(r"\D", "", t["label"]): t for t in truth[key]}

    return get


def _by_number(found: DocumentFigures) -> dict[str, object]:
    return {re.sub(r"\D", "", f.label or ""): f for f in found.figures}


def _assert_all_right(found: DocumentFigures, truth: dict[str, dict], numbers: list[str]) -> None:
    figures = _by_number(found)
    for number in numbers:
        assert number in figures, f"figure {number} missed"
        figure, expected = figures[number], truth[number]
        assert figure.page == expected["page"], number
        assert _similar(figure.caption, expected["caption"]) >= 0.95, (number, figure.caption)


def test_hidden_white_copy_of_the_title_does_not_hide_the_label(wide) -> None:
    # BMC 2006: each caption's title is also set in white on the label's line; the visible label 'Figure N'
    # is not the first text of its block until the hidden copy is dropped
    found, truth = wide("PMC1397864")
    assert len(found.figures) == 9
    _assert_all_right(found, truth, [str(n) for n in range(1, 10)])
    first = _by_number(found)["1"]
    assert first.caption.startswith("Representative photomicrographs of ventricular tissue stained for Bax")


def test_page_of_long_captions_is_measured_against_the_body_size_of_the_document(wide) -> None:
    # pages 5 and 6 carry more caption text (8 pt) than body text (9.8 pt): 'Figure 3 Inhibitory ...' has
    # no delimiter, so only its size tells it from a mention in the text
    found, truth = wide("PMC4219006")
    assert [f.label for f in found.figures] == [f"Figure {n}" for n in range(1, 7)]
    _assert_all_right(found, truth, ["3", "4"])
    assert _by_number(found)["4"].caption.startswith("Effects of EEOS on downregulation of OPN and CD44")


def test_label_in_a_black_weight_font_ended_by_an_em_space(wide) -> None:
    # Wiley: 'FIGURE\u00a01\u2003Different Ocimum species', the label in Lato-Black at the body size
    found, truth = wide("PMC6093152")
    _assert_all_right(found, truth, ["1", "2", "4", "5", "6"])
    assert _by_number(found)["1"].caption.startswith(
        "Different Ocimum species from India. (A) Ocimum basilicum"
    )


def test_vector_charts_with_captions_beside_them_in_a_heavy_label_font(wide) -> None:
    # Wiley: two line charts drawn as vectors only, each caption set to the right of its chart
    found, truth = wide("PMC5448358")
    assert len(found.figures) == 2
    _assert_all_right(found, truth, ["1", "2"])


def test_caption_beside_its_figure_under_the_previous_figures_caption(wide) -> None:
    # Wiley page 7: figure 3's chart sits just under figure 2's caption, its own caption set to its left on a
    # white box; the chart goes to the caption beside it, figure 2 keeps only its own tree
    found, truth = wide("PMC6093152")
    assert len(found.figures) == 6
    _assert_all_right(found, truth, [str(n) for n in range(1, 7)])
    figures = _by_number(found)
    assert figures["3"].bbox[0] > 200 and figures["3"].bbox[1] > 390  # the chart right of its caption
    assert figures["2"].bbox[3] < 360  # the tree above figure 2's caption, not down to the chart


def test_caption_cut_at_the_foot_of_a_page_is_read_on_from_the_next(wide) -> None:
    # Oxford: figure 4's caption stops mid-sentence at the foot of page 13 and goes on at the foot of 14
    found, truth = wide("PMC6289780")
    _assert_all_right(found, truth, [str(n) for n in range(1, 7)])
    caption = _by_number(found)["4"].caption
    assert "relative transcript levels of different terpenoid genes" in caption
    assert caption.endswith("E-CDS, ent-copalyl diphosphate synthase.")
    assert all("ent-copalyl" not in s for f in found.figures for s in f.context)


def test_running_head_band_drawn_on_every_page_is_not_part_of_a_figure(wide) -> None:
    # Scientific Reports draws a band behind the running head of each page; figure 2 sits under it
    found, truth = wide("PMC5696514")
    assert len(found.figures) == 14
    _assert_all_right(found, truth, [str(n) for n in range(1, 15)])
    for figure in found.figures:
        assert figure.bbox[1] > 35, (figure.label, figure.bbox)  # below the band (page top to y=29)


def _rows(panels) -> list[str]:
    """Panel letters grouped by the rows they sit in (tops within a fifth of a panel height)."""
    rows: list[list] = []
    for panel in panels:
        if rows and abs(panel.bbox[1] - rows[-1][0].bbox[1]) < 0.2 * (panel.bbox[3] - panel.bbox[1]):
            rows[-1].append(panel)
        else:
            rows.append([panel])
    return ["".join(p.letter for p in row) for row in rows]


def test_multi_panel_figures_are_cut_at_their_widest_gutters(wide) -> None:
    # Frontiers figure 3: six SEM images A-F in two rows of three, one raster image with thin white gutters
    found, _ = wide("PMC4558530")
    grid = _by_number(found)["3"]
    assert [p.letter for p in grid.panels] == list("ABCDEF")
    assert _rows(grid.panels) == ["ABC", "DEF"]
    assert all(p.image_path for p in grid.panels)
    # BMC figure 5: a blot (A), a blot (B) and a bar chart (C) stacked in one image, each with its own
    # inner gutters (lanes, bars) narrower than the gutters between the panels
    found, _ = wide("PMC4219006")
    stacked = _by_number(found)["5"]
    assert _rows(stacked.panels) == ["A", "B", "C"]
    tops = [p.bbox[1] for p in stacked.panels]
    assert tops == sorted(tops) and stacked.panels[-1].bbox[3] <= stacked.bbox[3] + 1


def test_each_panel_carries_its_own_words_from_the_caption(wide) -> None:
    # markers before their words: '(A) Effect of EEOS ..., (B) ...'
    found, _ = wide("PMC4219006")
    stacked = _by_number(found)["5"]
    words = {p.letter: p.caption for p in stacked.panels}
    assert words["A"].startswith("RT-PCR analysis showed that EEOS attenuated the expression of uPA")
    assert words["B"].startswith("Effect EEOS on the mRNA expression of uPA")
    assert words["C"].startswith("Effect EEOS on MMP-9 activity")
    assert not any("(B)" in w or "(C)" in w for w in words.values())
    # markers after their words: '... crystal violet staining (A) and were quantified (B).'
    two = _by_number(found)["2"]
    assert {p.letter: p.caption for p in two.panels} == {
        "A": "Attached cells were photographed (×200) after crystal violet staining",
        "B": "were quantified",
    }
