"""Journal article pages in HTML (BMC-style, old and new layouts) to article parts.

Metadata from citation_* / dc.* meta tags; sections by headings (h2-h4) in document order; figures
from <figure>/<figcaption> or BMC's div.fig blocks (label in the first <strong>, caption after it).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from extractors.case_text import ArticleParts, Section, clean
from schemas import ReasonCode, RecordError
from schemas.licences import normalise_licence

_HEADINGS = {"h2": 1, "h3": 1, "h4": 2, "h5": 3}
_FIG_DIV = "div[contains(concat(' ', normalize-space(@class), ' '), ' fig ')]"
_FIGURE_BLOCK = f"//figure | //{_FIG_DIV}"
_SKIP = " or ".join(
    f"ancestor::{a}" for a in ("figure", _FIG_DIV, "table", "nav", "header", "footer", "script")
)
_LOWER = "translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _meta(root: etree._Element, *names: str) -> str | None:
    for name in names:
        for value in root.xpath(f"//meta[{_LOWER}='{name}']/@content"):
            if value and value.strip():
                return value.strip()
    return None


def _decode(data: bytes) -> str:
    head = data[:4096].decode("ascii", errors="ignore")
    match = re.search(r"charset=[\"']?([A-Za-z0-9_.:-]+)", head, re.IGNORECASE)
    encoding = match.group(1) if match else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RecordError(ReasonCode.DECODE_ERROR, f"page is not valid {encoding}: {error}") from None


def _figure(block: etree._Element) -> tuple[str | None, str]:
    caption_nodes = block.xpath(".//figcaption")
    if caption_nodes:
        text = clean(caption_nodes[0].text_content())
    else:
        strongs = [clean(s.text_content()) for s in block.xpath(".//strong | .//b")]
        text = " ".join(s for s in strongs if s) or clean(block.text_content())
    match = re.match(r"^((?:Figure|Fig\.?|Figura|Abbildung)\s*[0-9]+[A-Za-z]?)[.:]?\s*(.*)$", text, re.I)
    if match:
        return match.group(1), match.group(2).strip()
    return None, text


def parse_journal_html(data: bytes) -> ArticleParts:
    """Article parts of a saved journal article page."""
    text = _decode(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise RecordError(ReasonCode.PARSE_ERROR, f"cannot parse HTML: {error}") from None
    parts = ArticleParts()
    parts.title = (
        _meta(root, "citation_title", "dc.title") or clean(" ".join(root.xpath("//h1//text()"))) or None
    )
    parts.published = _meta(
        root, "citation_publication_date", "citation_date", "dc.date", "prism.publicationdate"
    )
    if parts.published:
        parts.published = parts.published.replace("/", "-")
    parts.doi = _meta(root, "citation_doi", "dc.identifier", "prism.doi")
    if parts.doi:
        parts.doi = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", parts.doi)
    parts.article_type = _meta(root, "citation_article_type", "dc.type", "prism.section")
    parts.language = _meta(root, "citation_language", "dc.language") or root.get("lang")
    licence_link = root.xpath("//link[@rel='license']/@href | //a[@rel='license']/@href")
    parts.licence = normalise_licence(
        _meta(root, "dc.rights", "citation_license") or (licence_link[0] if licence_link else None)
    )
    sections: list[Section] = []
    current: Section | None = None
    in_abstract = False
    abstract: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _HEADINGS:
            title = clean(element.text_content())
            if title.lower() in ("abstract", "summary", "resumo", "resumen", "résumé"):
                in_abstract, current = True, None
                continue
            if element.tag in ("h2", "h3") and in_abstract:
                in_abstract = False
            if in_abstract:
                abstract.append(title + ":")
                parts.abstract_sections.append(Section(title=title, text=""))
                continue
            if element.xpath(_SKIP):
                continue
            current = Section(title=title, text="", level=_HEADINGS[element.tag])
            sections.append(current)
        elif element.tag == "p" and not element.xpath(_SKIP):
            paragraph = clean(element.text_content())
            if not paragraph:
                continue
            if in_abstract:
                abstract.append(paragraph)
                if parts.abstract_sections:
                    parts.abstract_sections[-1].text = (
                        parts.abstract_sections[-1].text + "\n" + paragraph
                    ).strip()
            elif current is not None:
                current.text = (current.text + "\n" + paragraph).strip()
                parts.paragraphs.append(paragraph)
    parts.abstract = " ".join(abstract).strip() or _meta(root, "citation_abstract", "dc.description")
    parts.sections = [s for s in sections if s.title.lower() not in ("references", "email updates")]
    for block in root.xpath(_FIGURE_BLOCK):
        if block.xpath(f"ancestor::figure or ancestor::{_FIG_DIV}"):
            continue
        label, caption = _figure(block)
        parts.figures.append((label, caption, block.get("id")))
    if not parts.title:
        raise RecordError(
            ReasonCode.MISSING_FIELD, "page has no article title (citation_title, dc.title or h1)"
        )
    return parts
