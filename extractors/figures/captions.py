"""Caption finding: label patterns in several languages, captions split across blocks, panel letters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.figures.layout import COLUMN_GAP_EM, Box, TextBlock, TextLine, join_lines

FIGURE_WORDS = (
    r"Figures?|Figs?\.?|FIGURES?|FIGS?\.?|Figura|Figuur|Figur|Abbildung|Abb\.|Rycina|Ryc\.|Рисунок|Рис\.|"
    r"Şekil|Sekil|Obrázek|Obr\.|Kuva|Bild|Imagen|Ilustración|Grafico|Gráfico|Afbeelding|Plate|Exhibit"
)
TABLE_WORDS = r"Tables?|TABLES?|Tabela|Tabla|Tabelle|Tableau|Tabel|Tabella|Tab\.|Таблица"
CJK_FIGURE = r"[图圖図]"
CJK_TABLE = r"表"
_NUMBER = r"(?P<num>(?:S|[A-Z]\.)?\d+(?:\.\d+)?[A-Za-z]?|[IVXLC]+)"
_LABEL = re.compile(
    rf"^\s*(?P<prefix>(?:Supplementa(?:l|ry)|SUPPLEMENTA(?:L|RY)|Extended\s+Data)\s+)?"
    rf"(?P<word>{FIGURE_WORDS}|{TABLE_WORDS}|{CJK_FIGURE}|{CJK_TABLE})\s*{_NUMBER}"
    rf"(?P<delim>\s*[:.|\-–—)]|\s{{2,}}|[\u2002-\u2003\u2007\u2009]|\s*$)?"
)
_TABLE_WORD = re.compile(rf"^(?:{TABLE_WORDS}|{CJK_TABLE})$")
_LOWER_START = re.compile(r"^\s*[a-z]")


@dataclass(frozen=True)
class Caption:
    """A figure or table caption on a page: its label, number, text after the label, and box."""

    kind: str
    label: str
    number: str
    text: str | None
    bbox: Box
    size: float
    block_indexes: tuple[int, ...]


_SPACED_WORD = re.compile(r"^\s*((?:[^\W\d_]\.?\s){1,11}[^\W\d_]*\s?\.?\s*)(?=[\dSIVX])")
"""A first word set letter-spaced or in small caps, as text extraction gives it: 'F IGURE 1', 'F I G . 2'."""


def label_match(text: str) -> tuple[re.Match[str], str] | None:
    """The label match of a text and the text it was made on: the text, or the text with its first word's
    letters closed up when they were spaced out ('F IGURE 1' reads 'FIGURE 1')."""
    match = _LABEL.match(text)
    if match:
        return match, text
    spaced = _SPACED_WORD.match(text)
    if spaced is None or " " not in spaced.group(1).strip():
        return None
    word = re.sub(r"\s+", "", spaced.group(1))
    closed = f"{word} {text[spaced.end() :]}"
    match = _LABEL.match(closed)
    return (match, closed) if match and match.group("prefix") is None else None


def parse_label(text: str) -> tuple[str, str, str, str] | None:
    """(kind, label, number, rest) when a text starts with a figure/table label, else None."""
    found = label_match(text)
    if found is None:
        return None
    match, text = found
    word = match.group("word")
    kind = "table" if _TABLE_WORD.match(word) else "figure"
    label = (
        f"{word} {match.group('num')}"
        if not re.match(rf"{CJK_FIGURE}|{CJK_TABLE}", word)
        else word + match.group("num")
    )
    if match.group("prefix"):  # 'Supplementary Figure S1' is not 'Figure 1' of the article
        label = " ".join(match.group("prefix").split()) + " " + label
    rest = text[match.end() :].strip()
    return kind, label, match.group("num"), rest


def _touches_graphic(block: TextBlock, graphics: Sequence[Box]) -> bool:
    """Whether a block sits right under or over a graphic it shares width with (within two lines)."""
    x0, y0, x1, y1 = block.bbox
    reach = 2.0 * block.size
    return any(
        min(x1, g[2]) - max(x0, g[0]) > 0.3 * min(x1 - x0, g[2] - g[0])
        and (-reach / 2 <= y0 - g[3] <= reach or -reach / 2 <= g[1] - y1 <= reach)
        for g in graphics
    )


def _starts_caption(
    block: TextBlock, body_size: float, graphics: Sequence[Box] = ()
) -> tuple[str, str, str, str] | None:
    """The label of a block that opens a caption; a mention in running text ('Figure 2 shows') is not one.

    A label with neither a delimiter nor a font of its own ('Figure 1 Chest radiograph ...' in the body
    font) opens a caption only where the block sits against a graphic and goes on with a capital."""
    parsed = parse_label(block.lines[0].text)
    if parsed is None:
        return None
    found = label_match(block.lines[0].text)
    assert found is not None
    match, first_text = found
    delimited = match.group("delim") is not None or (
        re.fullmatch(f"{CJK_FIGURE}|{CJK_TABLE}", match.group("word")) is not None
        and first_text[match.end() : match.end() + 1].isspace()
    )
    first = block.lines[0]
    distinct_font = first.bold or abs(block.size - body_size) >= 0.5
    rest = parsed[3]
    if not (delimited or distinct_font):
        if not (rest[:1].isupper() and _touches_graphic(block, graphics)):
            return None
        delimited = True
    if delimited and not distinct_font and _LOWER_START.match(rest) and not rest.startswith(("a)", "b)")):
        # "Figure 2. shows ..." is unusual; "Figure 2 shows" (no delimiter) was refused above
        return None
    kind, label, number, _ = parsed
    return kind, label, number, join_lines([line.text for line in block.lines])


def _leading_gap(block: TextBlock) -> float:
    """How far the next line of this block's text may start below its last: its own line spacing when it
    has several lines, else a third of its font size. A paragraph after a caption, set a blank line
    lower, is further than that."""
    lines = block.lines
    gaps = [b.bbox[1] - a.bbox[3] for a, b in zip(lines, lines[1:], strict=False) if b.bbox[1] > a.bbox[1]]
    own = max(gaps) if gaps else 0.0
    return max(own, 0.0) + 0.35 * block.size


def _continues(
    caption_block: TextBlock,
    candidate: TextBlock,
    line_gap: float,
    body_font: str = "",
    label_only: bool = False,
) -> bool:
    """Whether `candidate` is the next piece of a caption split across blocks (not the body text, set in
    the body's font where the caption has its own). After a label set alone as a heading ('FIGURE 1' over
    its caption), the text may be smaller and a little further down, starting at the label's left edge."""
    if body_font and candidate.font == body_font and caption_block.font != body_font:
        return False
    cx0, _, cx1, cy1 = caption_block.bbox
    x0, y0, x1, _ = candidate.bbox
    if label_only and abs(x0 - cx0) <= 3 and candidate.size <= caption_block.size + 0.5:
        if -0.5 * caption_block.size <= y0 - cy1 <= 1.6 * caption_block.size:
            return True
    same_size = abs(candidate.size - caption_block.size) < 0.3
    below = -0.5 * caption_block.size <= y0 - cy1 <= min(line_gap, _leading_gap(caption_block))
    aligned = min(cx1, x1) - max(cx0, x0) > 0.5 * min(cx1 - cx0, x1 - x0)
    beside = abs(y0 - caption_block.bbox[1]) < line_gap and 0 <= x0 - cx1 < COLUMN_GAP_EM * caption_block.size
    return same_size and ((below and aligned) or beside)


def find_captions(
    blocks: Sequence[TextBlock], body_size: float, graphics: Sequence[Box] = (), body_font: str = ""
) -> list[Caption]:
    """Captions on a page: blocks that open with a label, merged with the blocks that continue them.
    `graphics` are the boxes of the page's images and drawings, which vouch for a label set plainly."""
    captions: list[Caption] = []
    used: set[int] = set()
    for index, block in enumerate(blocks):
        if index in used:
            continue
        opened = _starts_caption(block, body_size, graphics)
        if opened is None:
            continue
        kind, label, number, _ = opened
        alone = not re.sub(
            r"[:.|\-–—)\s]+", "", parse_label(block.text)[3] if parse_label(block.text) else "x"
        )
        members = [index]
        current = block
        line_gap = 1.2 * block.size
        while True:
            nxt = next(
                (
                    j
                    for j, cand in enumerate(blocks)
                    if j not in used
                    and j not in members
                    and parse_label(cand.lines[0].text) is None
                    and len(cand.text) < 2000
                    and _continues(current, cand, line_gap, body_font, label_only=alone and len(members) == 1)
                ),
                None,
            )
            if nxt is None:
                break
            members.append(nxt)
            current = blocks[nxt]
        used.update(members)
        lines = [line.text for m in members for line in blocks[m].lines]
        full = join_lines(lines)
        rest = parse_label(full)
        text = rest[3] if rest else ""
        text = re.sub(r"^[:.|\-–—)\s]+", "", text).strip() or None
        xs0, ys0, xs1, ys1 = zip(*(blocks[m].bbox for m in members), strict=True)
        captions.append(
            Caption(
                kind=kind,
                label=label,
                number=number,
                text=text,
                bbox=(min(xs0), min(ys0), max(xs1), max(ys1)),
                size=block.size,
                block_indexes=tuple(members),
            )
        )
    return captions


_PAREN = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_LETTER_TOKEN = re.compile(r"^[a-zA-Z]$")
_RANGE = re.compile(r"^([a-zA-Z])\s*[-–—]\s*([a-zA-Z])$")


def panel_letters(caption: str | None) -> list[str]:
    """Panel letters a caption names, such as '(a)', '(b and c)', '((c), (d))', '(A–D)'.

    Only a run starting at a/A counts ('(B) bone, (M) marrow' names structures, not panels).
    """
    if not caption:
        return []
    found: set[str] = set()
    for group in _PAREN.findall(caption):
        inner = group.replace("(", " ").replace(")", " ")
        tokens = [t.strip() for t in re.split(r",|;|\band\b|&", inner) if t.strip()]
        if not tokens:
            continue
        for token in tokens:
            ranged = _RANGE.match(token)
            if ranged:
                a, b = ranged.group(1), ranged.group(2)
                if a.islower() == b.islower() and ord(a) <= ord(b) <= ord(a) + 12:
                    found.update(chr(c) for c in range(ord(a), ord(b) + 1))
            elif _LETTER_TOKEN.match(token):
                found.add(token)
            else:
                break
    for case in (str.lower, str.upper):
        letters = sorted({c for c in found if case(c) == c})
        start = "a" if case is str.lower else "A"
        if len(letters) >= 2 and letters == [chr(ord(start) + i) for i in range(len(letters))]:
            return letters
    return []


_SENTENCE_END = re.compile(r"[.!?)\]:;]\s*$")


def _near_page_foot(caption: Caption, blocks: Sequence[TextBlock], page_height: float) -> bool:
    """Whether nothing but running heads and folios comes below a caption on its page."""
    below = [
        b
        for i, b in enumerate(blocks)
        if i not in caption.block_indexes and b.bbox[1] >= caption.bbox[3] - 1 and len(b.text) > 30
    ]
    return not below and caption.bbox[3] >= 0.6 * page_height


def continuation_on_next_page(
    caption: Caption,
    blocks: Sequence[TextBlock],
    page_height: float,
    next_blocks: Sequence[TextBlock],
    next_captions: Sequence[Caption],
    body_size: float,
) -> int | None:
    """The block of the next page that carries on a caption cut at the foot of its page, or None.

    A caption runs over when it stops mid-sentence at the foot of the page; its rest is the first block
    of the next page set in the caption's size (not the body's) that opens no caption of its own.
    """
    if not caption.text or _SENTENCE_END.search(caption.text) or abs(caption.size - body_size) < 0.5:
        return None
    if not _near_page_foot(caption, blocks, page_height):
        return None
    taken = {i for c in next_captions for i in c.block_indexes}
    width = caption.bbox[2] - caption.bbox[0]
    fits = [
        (b.bbox[1], i)
        for i, b in enumerate(next_blocks)
        if i not in taken
        and abs(b.size - caption.size) < 0.3
        and len(b.text) >= 20
        and parse_label(b.text) is None
        and b.bbox[2] - b.bbox[0] >= 0.8 * width
    ]
    return min(fits)[1] if fits else None


_MARKER = re.compile(r"\(([A-Za-z])\)")
_OPENS_WORDS = re.compile(r"\s*(?!(?:and|or|&)\b)[^\W\d_]")
"""After a marker that comes before its panel's words: a word, but not 'and' ('staining (A) and ...')."""
_LEADING_JUNK = re.compile(r"^[\s,;:.]*(?:and\s+|&\s*)?")
_TRAILING_JUNK = re.compile(r"[\s,;:]*(?:\band|&)?[\s,;:]*$")


def panel_captions(caption: str | None, letters: Sequence[str]) -> dict[str, str]:
    """Each panel letter's own words in a caption: '(A) Ocimum basilicum, (B) ...' (the marker before its
    words) or '... cellular processes (A), environmental ... (B)' (the marker after them).

    Only letters marked alone, '(A)', get words; '(A–C)' names several panels at once. A letter with no
    marker of its own is left out.
    """
    if not caption or len(letters) < 2:
        return {}
    wanted = set(letters)
    first: dict[str, re.Match[str]] = {}
    for match in _MARKER.finditer(caption):
        letter = match.group(1)
        if letter in wanted and letter not in first:
            first[letter] = match
    marks = sorted(first.values(), key=lambda m: m.start())
    if len(marks) < 2:
        return {}
    # the marker comes before its words when most markers are followed by a word, not by punctuation
    leading = sum(1 for m in marks if _OPENS_WORDS.match(caption, m.end())) * 2 >= len(marks)
    out: dict[str, str] = {}
    for i, mark in enumerate(marks):
        if leading:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(caption)
            words = caption[mark.end() : end]
        else:
            start = marks[i - 1].end() if i else _sentence_start(caption, mark.start())
            words = caption[start : mark.start()]
        words = _TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", words)).strip()
        if words:
            out[mark.group(1)] = words
    return out


def _sentence_start(text: str, before: int) -> int:
    """Where the sentence holding position `before` starts."""
    ends = [m.end() for m in re.finditer(r"[.;:]\s+", text[:before])]
    return ends[-1] if ends else 0


def _block_of(lines: Sequence[TextLine]) -> TextBlock:
    sizes: dict[float, int] = {}
    for line in lines:
        sizes[line.size] = sizes.get(line.size, 0) + len(line.text)
    return TextBlock(
        bbox=(
            min(t.bbox[0] for t in lines),
            min(t.bbox[1] for t in lines),
            max(t.bbox[2] for t in lines),
            max(t.bbox[3] for t in lines),
        ),
        lines=tuple(lines),
        size=max(sizes, key=lambda k: sizes[k]),
    )


def _opens_inside(previous: TextLine, line: TextLine, left: float) -> bool:
    """Whether a line inside a block opens a caption: a label at the block's left edge, set apart from the
    line above by weight or size (the figure's own text or the previous caption ran on into it)."""
    if abs(line.bbox[0] - left) > 3 or line.bbox[1] < previous.bbox[3] - 0.5 * line.size:
        return False
    found = label_match(line.text)
    if found is None or found[0].group("delim") is None and not line.bold:
        return False
    return (line.bold and not previous.bold) or abs(line.size - previous.size) >= 0.5


def split_at_labels(blocks: Sequence[TextBlock]) -> list[TextBlock]:
    """Blocks cut before any inner line that opens a caption, so that a caption's label is always the first
    line of a block."""
    out: list[TextBlock] = []
    for block in blocks:
        lines = block.lines
        if len(lines) < 2:
            out.append(block)
            continue
        left = min(t.bbox[0] for t in lines)
        cuts = [j for j in range(1, len(lines)) if _opens_inside(lines[j - 1], lines[j], left)]
        if not cuts:
            out.append(block)
            continue
        for a, b in zip([0, *cuts], [*cuts, len(lines)], strict=True):
            out.append(_block_of(lines[a:b]))
    return out


def _back_to_body(
    opening: TextLine, previous: TextLine, line: TextLine, body_font: str, body_size: float
) -> bool:
    """Whether a line after a caption's first returns to the body text: the caption ended a sentence on
    the line above, and this line leaves the caption's font family or size for the body's."""
    if not _SENTENCE_END.search(previous.text):
        return False
    left_font = bool(body_font) and line.font == body_font and opening.font != body_font
    left_size = abs(line.size - body_size) < 0.3 and abs(opening.size - body_size) >= 0.5
    return left_font or left_size


def split_at_caption_end(blocks: Sequence[TextBlock], body_font: str, body_size: float) -> list[TextBlock]:
    """Blocks that open with a label cut where the body text starts again inside them: a caption set
    without a gap before the next paragraph is read only as far as it goes."""
    out: list[TextBlock] = []
    for block in blocks:
        lines = block.lines
        if len(lines) < 2 or parse_label(lines[0].text) is None:
            out.append(block)
            continue
        cut = next(
            (
                j
                for j in range(1, len(lines))
                if _back_to_body(lines[0], lines[j - 1], lines[j], body_font, body_size)
            ),
            None,
        )
        if cut is None:
            out.append(block)
        else:
            out += [_block_of(lines[:cut]), _block_of(lines[cut:])]
    return out
