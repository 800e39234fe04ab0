"""One PDF to figures: layout, captions, graphic elements, pairing, crops, panels and context."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pymupdf

from extractors.figures import captions as cap
from extractors.figures import pixels
from extractors.figures.context import figure_context
from extractors.figures.graphics import (
    Element,
    drawing_clusters,
    image_elements,
    image_key,
    page_images,
    repeated_clusters,
    trim_frames,
    vector_elements,
)
from extractors.figures.layout import (
    Box,
    body_font,
    body_font_size,
    join_lines,
    needs_spacing,
    page_blocks,
    page_columns,
    respaced_text,
    vertical_share,
)
from extractors.figures.pairing import (
    ABOVE,
    BELOW,
    PageLayout,
    assign,
    empty_region,
    grow_with_labels,
    is_blocker,
    preferred_sides,
    reading_order,
    union,
)
from extractors.figures.pdf import Limits, open_pdf
from schemas import ImageQuality, Panel, ReasonCode, RecordError, sha256_hex

DEFAULT_DPI = 150
MIN_UNPAIRED_SIDE_PT = 50.0
"""Uncaptioned graphics smaller than this are not counted as unpaired figures (icons, rules, logos)."""


@dataclass(frozen=True)
class ExtractedFigure:
    """A figure found in one PDF, before it becomes a `schemas.Figure` (which needs document provenance)."""

    page: int
    bbox: Box
    label: str | None
    caption: str | None
    image_path: str
    image_sha256: str
    panels: tuple[Panel, ...]
    context: tuple[str, ...]
    quality: ImageQuality
    source: str
    """How the figure was found: image, vector, mixed, or region (ink under/over a caption)."""
    caption_page: int | None = None
    """The page its caption is printed on, where that is not `page` (a legend at the end, the next page)."""


@dataclass
class DocumentFigures:
    """Everything found in one PDF, with the counts a report or an asset shows."""

    figures: list[ExtractedFigure] = field(default_factory=list)
    pages: int = 0
    captions: int = 0
    unpaired_figures: int = 0
    unpaired_captions: list[str] = field(default_factory=list)
    dropped_images: int = 0
    page_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int | float]:
        """The numbers an asset's metadata and the CLI print."""
        return {
            "pages": self.pages,
            "figures": len(self.figures),
            "captions": self.captions,
            "unpaired_figures": self.unpaired_figures,
            "unpaired_captions": len(self.unpaired_captions),
            "dropped_images": self.dropped_images,
            "page_errors": len(self.page_errors),
            "seconds": round(self.seconds, 3),
        }


def write_image(image_dir: Path, png: bytes) -> tuple[str, str]:
    """Store PNG bytes content-addressed under image_dir; returns (path relative to image_dir, sha256)."""
    digest = sha256_hex(png)
    relative = f"{digest[:2]}/{digest}.png"
    target = image_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{digest[:8]}.tmp")
        tmp.write_bytes(png)
        tmp.replace(target)
    return relative, digest


@dataclass(frozen=True)
class _PageData:
    layout: PageLayout
    dropped_images: int
    page: pymupdf.Page
    """The page the layout was read from: the document's, or an upright copy of a sideways one."""


SIDEWAYS_SHARE = 0.5
"""A page whose text is more than this share sideways is read from an upright copy."""


def _upright_copy(page: pymupdf.Page, direction: tuple[float, float], scratch: list) -> pymupdf.Page:
    """A copy of a page turned a quarter so that its sideways text reads left to right (a landscape table
    or figure set on a portrait page); coordinates and crops are then those of the upright page."""
    doc = pymupdf.open()
    scratch.append(doc)
    rect = page.rect
    copy = doc.new_page(width=rect.height, height=rect.width)
    copy.show_pdf_page(copy.rect, page.parent, page.number, rotate=90 if direction[1] > 0 else -90)
    return copy


def _caption_text(page: pymupdf.Page, caption: cap.Caption) -> cap.Caption:
    """The caption with spaces restored when the PDF placed its words without them."""
    if caption.text and needs_spacing(caption.text):
        respaced = cap.parse_label(respaced_text(page, caption.bbox))
        if respaced and respaced[3]:
            text = respaced[3].lstrip(":.|-–—) ").strip() or None
            return cap.Caption(**{**caption.__dict__, "text": text})
    return caption


@dataclass(frozen=True)
class _PageText:
    page: pymupdf.Page
    blocks: list
    images: list
    clusters: list


def _page_text(page: pymupdf.Page, images: list, scratch: list, limits: Limits) -> _PageText:
    """A page's text blocks, images and drawing clusters, read from an upright copy when most of its text
    is sideways."""
    blocks = page_blocks(page)
    share, direction = vertical_share(blocks)
    if share > SIDEWAYS_SHARE:
        page = _upright_copy(page, direction, scratch)
        blocks = page_blocks(page)
        images = page_images(page)
    clusters = drawing_clusters(page, max_paths=limits.max_paths_per_page)
    return _PageText(page=page, blocks=cap.split_at_labels(blocks), images=images, clusters=clusters)


def _read_page(
    text: _PageText,
    number: int,
    repeated: set[str],
    body: tuple[float, str],
    repeated_vectors: set[str],
) -> _PageData:
    page, blocks, images = text.page, text.blocks, text.images
    body_size, body_family = body
    kept, dropped = image_elements(images, repeated)
    graphics = [e.bbox for e in kept] + [
        c for c in text.clusters if min(c[2] - c[0], c[3] - c[1]) >= MIN_UNPAIRED_SIDE_PT
    ]
    blocks = cap.split_at_caption_end(blocks, body_family, body_size)
    captions = [_caption_text(page, c) for c in cap.find_captions(blocks, body_size, graphics, body_family)]
    caption_members = {i for c in captions for i in c.block_indexes}
    prose = [b for i, b in enumerate(blocks) if i not in caption_members]
    vectors = [
        v
        for v in trim_frames(
            vector_elements(text.clusters, kept, prose, repeated_vectors),
            [c.bbox for c in captions],
        )
        if not pixels.is_blank_region(page, v.bbox)  # a white box laid under a caption draws nothing
    ]
    blockers = [b.bbox for i, b in enumerate(blocks) if i not in caption_members and is_blocker(b, body_size)]
    rect = tuple(page.rect)
    layout = PageLayout(
        number=number,
        rect=rect,
        blocks=blocks,
        captions=captions,
        elements=[*kept, *vectors],
        columns=page_columns(prose, rect[2] - rect[0]),
        body_size=body_size,
        blockers=blockers,
    )
    return _PageData(layout=layout, dropped_images=dropped, page=page)


def _repeated_keys(per_page_images: list[list]) -> set[str]:
    """Images drawn on several pages (logos, banners): the same object twice, or the same size and place
    on three pages or more."""
    seen: Counter[str] = Counter()
    for images in per_page_images:
        for key in {image_key(*img) for img in images}:
            seen[key] += 1
    return {k for k, n in seen.items() if (k.startswith("x") and n >= 2) or n >= 3}


def _panels(
    crop: pixels.Crop, elements: list[Element], caption: str | None, image_dir: Path
) -> tuple[Panel, ...]:
    """Sub-figures named by the caption's panel letters: the figure's own images when their number
    matches, else cuts along blank gutters found with OpenCV; each with its words in the caption."""
    letters = cap.panel_letters(caption)
    words = cap.panel_captions(caption, letters)
    if len(letters) < 2:
        return ()
    scale = crop.dpi / 72.0
    x0, y0 = crop.bbox[0], crop.bbox[1]
    boxes_pt: list[Box] = []
    images = [e for e in elements if e.kind == "image"]
    if len(images) == len(letters):
        boxes_pt = [images[i].bbox for i in reading_order([e.bbox for e in images])]
    else:
        cuts = pixels.split_panels(crop.gray, len(letters))
        boxes_pt = [(x0 + a / scale, y0 + b / scale, x0 + c / scale, y0 + d / scale) for a, b, c, d in cuts]
    panels = []
    h, w = crop.gray.shape
    for letter, box in zip(letters, boxes_pt, strict=False):
        px0 = max(0, int((box[0] - x0) * scale))
        py0 = max(0, int((box[1] - y0) * scale))
        px1 = min(w, int((box[2] - x0) * scale) + 1)
        py1 = min(h, int((box[3] - y0) * scale) + 1)
        path = None
        if px1 - px0 > 4 and py1 - py0 > 4:
            path, _ = write_image(image_dir, pixels.encode_png(crop.bgr[py0:py1, px0:px1]))
        panels.append(
            Panel(
                letter=letter,
                bbox=[round(float(v), 2) for v in box],
                image_path=path,
                caption=words.get(letter),
            )
        )
    return tuple(panels)


def _join_runover_captions(
    pages: list[_PageData], body_size: float
) -> tuple[list[_PageData], set[tuple[int, int]]]:
    """Captions cut at the foot of a page joined with their rest on the next page; also the (page, block)
    pairs so used, which are caption text, not prose."""
    carried: set[tuple[int, int]] = set()
    out = list(pages)
    for i in range(len(out) - 1):
        here, there = out[i].layout, out[i + 1].layout
        if there.number != here.number + 1:
            continue
        captions = list(here.captions)
        for k, caption in enumerate(captions):
            if caption.kind != "figure":
                continue
            j = cap.continuation_on_next_page(
                caption, here.blocks, here.rect[3] - here.rect[1], there.blocks, there.captions, body_size
            )
            if j is None or (there.number, j) in carried:
                continue
            carried.add((there.number, j))
            rest = there.blocks[j]
            captions[k] = replace(caption, text=join_lines([caption.text or "", rest.text]))
            out[i + 1] = replace(
                out[i + 1],
                layout=replace(out[i + 1].layout, blockers=[b for b in there.blockers if b != rest.bbox]),
            )
        out[i] = replace(out[i], layout=replace(out[i].layout, captions=captions))
    return out, carried


def _check_time(started: float, limits: Limits, name: str) -> None:
    if time.perf_counter() - started > limits.max_seconds:
        raise RecordError(ReasonCode.RESOURCE_LIMIT, f"{name}: over the {limits.max_seconds:.0f}s time limit")


def extract_figures_from_bytes(
    data: bytes,
    name: str,
    image_dir: Path,
    dpi: int = DEFAULT_DPI,
    limits: Limits | None = None,
) -> DocumentFigures:
    """Figures with their captions from one PDF's bytes; images written content-addressed to image_dir.

    Raises RecordError (reason code + one-line message) when the file cannot be read as a PDF or
    breaks a limit; a page that fails is noted in `page_errors` and the rest goes on.
    """
    limits = limits or Limits()
    started = time.perf_counter()
    doc = open_pdf(data, name, limits)
    result = DocumentFigures(pages=doc.page_count)
    scratch: list[pymupdf.Document] = []
    try:
        per_page_images: list[list] = []
        for page in doc:
            if page.rotation:
                # text, drawings and images come in unrotated coordinates: read and crop the page in them
                page.set_rotation(0)
            try:
                per_page_images.append(page_images(page))
            except Exception as error:  # a damaged page: note it, go on
                per_page_images.append([])
                result.page_errors.append(f"page {page.number + 1}: {error}")
        repeated = _repeated_keys(per_page_images)
        texts: dict[int, _PageText] = {}
        for index, page in enumerate(doc):
            _check_time(started, limits, name)
            try:
                texts[index] = _page_text(page, per_page_images[index], scratch, limits)
            except Exception as error:
                result.page_errors.append(f"page {index + 1}: {error}")
        # the body size of the whole document: a page of long captions and little prose must not take its
        # caption size for the body size (its captions would then not stand out)
        all_blocks = [b for t in texts.values() for b in t.blocks]
        body_size = body_font_size(all_blocks)
        body_family = body_font(all_blocks)
        repeated_vectors = repeated_clusters([t.clusters for t in texts.values()], doc.page_count)
        pages: list[_PageData] = []
        for index, text in texts.items():
            _check_time(started, limits, name)
            try:
                pages.append(
                    _read_page(text, index + 1, repeated, (body_size, body_family), repeated_vectors)
                )
            except RecordError:
                raise
            except Exception as error:
                result.page_errors.append(f"page {index + 1}: {error}")
        if len(result.page_errors) >= doc.page_count:
            raise RecordError(
                ReasonCode.PARSE_ERROR, f"{name}: no page could be read ({result.page_errors[0]})"
            )
        pages, carried = _join_runover_captions(pages, body_size)
        layouts = [p.layout for p in pages]
        result.dropped_images = sum(p.dropped_images for p in pages)
        result.captions = sum(1 for lay in layouts for c in lay.captions if c.kind == "figure")
        sides = preferred_sides(layouts)
        body = [
            b.text
            for lay in layouts
            for i, b in enumerate(lay.blocks)
            if is_blocker(b, lay.body_size)
            and i not in {m for c in lay.captions for m in c.block_indexes}
            and (lay.number, i) not in carried
        ]
        context = figure_context([join_lines(body)])
        pairs = [_pair_on_page(d.page, d.layout, sides, i) for i, d in enumerate(pages)]
        _pair_across_pages(layouts, pairs)
        _emit_figures(pages, pairs, context, image_dir, dpi, result)
    finally:
        for extra in scratch:
            extra.close()
        doc.close()
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Placed:
    """Where a caption's figure is: its box, how it was found, its elements, and the page it is on."""

    bbox: Box
    source: str
    elements: list[Element]
    page: int
    """Index into the document's pages (a figure can be on another page than its caption)."""


@dataclass
class _PagePairs:
    """One page's captions paired with figures, the captions left waiting and the figures left over."""

    placed: dict[int, _Placed]
    waiting: list[int]
    orphans: list[Element]


def _pair_on_page(page: pymupdf.Page, layout: PageLayout, sides: dict[str, str], index: int) -> _PagePairs:
    groups, orphans = assign(layout, sides)
    big_orphans = [
        e
        for e in orphans
        if e.bbox[2] - e.bbox[0] >= MIN_UNPAIRED_SIDE_PT and e.bbox[3] - e.bbox[1] >= MIN_UNPAIRED_SIDE_PT
    ]
    placed: dict[int, _Placed] = {}
    for k, caption in enumerate(layout.captions):
        if caption.kind != "figure":
            continue
        elements = groups.get(k, [])
        if elements:
            bbox = grow_with_labels(layout, union([e.bbox for e in elements]), caption)
            kinds = {e.kind for e in elements}
            placed[k] = _Placed(bbox, kinds.pop() if len(kinds) == 1 else "mixed", elements, index)
            continue
        preferred = sides.get("figure", BELOW)
        for side in (preferred, ABOVE if preferred == BELOW else BELOW):
            region = empty_region(layout, caption, side)
            found = pixels.ink_bbox(page, region) if region else None
            if found and found[2] - found[0] >= 30 and found[3] - found[1] >= 30:
                placed[k] = _Placed(found, "region", [], index)
                break
    waiting = [k for k, c in enumerate(layout.captions) if c.kind == "figure" and k not in placed]
    if len(waiting) == 1 and len(big_orphans) == 1:
        # one figure no caption could reach and one caption with no figure on a page: a figure at the foot
        # of a column whose caption was set at the head of the next
        element = big_orphans.pop()
        placed[waiting.pop()] = _Placed(element.bbox, element.kind, [element], index)
    return _PagePairs(placed=placed, waiting=waiting, orphans=big_orphans)


def _orphan_figure(pairs: _PagePairs, index: int) -> _Placed | None:
    """The figure a page's unclaimed graphics make together, if it has any."""
    if not pairs.orphans:
        return None
    kinds = {e.kind for e in pairs.orphans}
    return _Placed(
        union([e.bbox for e in pairs.orphans]),
        kinds.pop() if len(kinds) == 1 else "mixed",
        list(pairs.orphans),
        index,
    )


def _pair_across_pages(layouts: list[PageLayout], pairs: list[_PagePairs]) -> None:
    """Captions with no figure on their page paired with figures no caption on theirs claimed.

    A caption printed alone at the head of the next page (or the foot of the previous) goes with the
    leftover figure of the page beside it; what is left then, such as figure legends gathered at the end of
    a manuscript and its figure pages, is paired in order when the numbers agree. A figure page whose
    caption holds only its label ('Figure 2') takes the text of the legend of the same number.
    """
    figures = {i: _orphan_figure(p, i) for i, p in enumerate(pairs)}
    figures = {i: f for i, f in figures.items() if f is not None}

    def take(i: int, k: int, figure: _Placed) -> None:
        pairs[i].placed[k] = figure
        pairs[i].waiting.remove(k)
        pairs[figure.page].orphans = []
        figures.pop(figure.page, None)

    # a legend whose label-only twin sits on a figure page: the twin gets the legend's words
    labelled = {
        layouts[i].captions[k].number: (i, k)
        for i, p in enumerate(pairs)
        for k in p.placed
        if not layouts[i].captions[k].text
    }
    for i, p in enumerate(pairs):
        for k in list(p.waiting):
            caption = layouts[i].captions[k]
            twin = labelled.get(caption.number)
            if caption.text and twin is not None and twin[0] != i:
                j, m = twin
                twin_captions = layouts[j].captions
                assert isinstance(twin_captions, list)
                twin_captions[m] = replace(twin_captions[m], text=caption.text)
                p.waiting.remove(k)
    for i, p in enumerate(pairs):
        if len(p.waiting) != 1:
            continue
        k = p.waiting[0]
        for j in (i - 1, i + 1):
            figure = figures.get(j)
            if figure is not None and len(pairs[j].waiting) == 0:
                take(i, k, figure)
                break
    waiting = [(i, k) for i, p in enumerate(pairs) for k in p.waiting]
    # in order only figures a page is given to (a logo or a stray drawing is not a figure page's figure)
    pages = sorted(j for j, f in figures.items() if _is_page_figure(f.bbox, layouts[j].rect))
    if waiting and len(waiting) == len(pages):
        order = sorted(waiting, key=lambda ik: _number_key(layouts[ik[0]].captions[ik[1]].number))
        for (i, k), j in zip(order, pages, strict=True):
            take(i, k, figures[j])


MIN_PAGE_FIGURE_SHARE = 0.05
"""A leftover figure paired in order with a distant legend covers at least this share of its page."""


def _is_page_figure(bbox: Box, rect: Box) -> bool:
    area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
    page = (rect[2] - rect[0]) * (rect[3] - rect[1])
    return area >= MIN_PAGE_FIGURE_SHARE * page and min(bbox[2] - bbox[0], bbox[3] - bbox[1]) >= 100


def _number_key(number: str) -> tuple[int, str]:
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 0, number)


def _emit_figures(
    pages: list[_PageData],
    pairs: list[_PagePairs],
    context: dict[str, list[str]],
    image_dir: Path,
    dpi: int,
    result: DocumentFigures,
) -> None:
    result.unpaired_figures += sum(len(p.orphans) for p in pairs)
    for page_index, (data, page_pairs) in enumerate(zip(pages, pairs, strict=True)):
        layout = data.layout
        for index, caption in enumerate(layout.captions):
            if caption.kind != "figure":
                continue
            placed = page_pairs.placed.get(index)
            if placed is None:
                if index in page_pairs.waiting:
                    result.unpaired_captions.append(f"page {layout.number}: {caption.label}")
                continue
            where = pages[placed.page]
            crop = pixels.render(where.page, placed.bbox, dpi)
            if pixels.is_blank(crop.gray):
                result.unpaired_captions.append(f"page {layout.number}: {caption.label} (blank image)")
                continue
            image_path, digest = write_image(image_dir, crop.png)
            h, w = crop.gray.shape
            result.figures.append(
                ExtractedFigure(
                    page=where.layout.number,
                    bbox=[round(float(v), 2) for v in placed.bbox],
                    label=caption.label,
                    caption=caption.text,
                    image_path=image_path,
                    image_sha256=digest,
                    panels=_panels(crop, placed.elements, caption.text, image_dir),
                    context=tuple(context.get(caption.number, ())),
                    quality=ImageQuality(
                        width=w, height=h, blur_variance=round(pixels.blur_variance(crop.gray), 2)
                    ),
                    source=placed.source,
                    caption_page=layout.number if placed.page != page_index else None,
                )
            )


def extract_figures_from_pdf(
    path: Path | str, image_dir: Path, dpi: int = DEFAULT_DPI, limits: Limits | None = None
) -> DocumentFigures:
    """Figures with their captions from one PDF file (see `extract_figures_from_bytes`)."""
    path = Path(path)
    limits = limits or Limits()
    try:
        size = path.stat().st_size
    except OSError as error:
        raise RecordError(ReasonCode.FETCH_FAILED, f"{path}: cannot read ({error.strerror})") from None
    if size > limits.max_bytes:
        raise RecordError(
            ReasonCode.RESOURCE_LIMIT, f"{path}: {size} bytes is over the {limits.max_bytes}-byte limit"
        )
    return extract_figures_from_bytes(path.read_bytes(), str(path), image_dir, dpi=dpi, limits=limits)
