"""JATS XML (PMC full text) to article parts, parsed with entity resolution and network OFF.

An article with an external entity (XXE) or a DTD is read as text; the entity is never fetched or
expanded. Figures are every <fig> element wherever it sits (body, floats-group, fig-group).
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from extractors.case_text import ArticleParts, Section, clean
from schemas import ReasonCode, RecordError
from schemas.licences import normalise_licence

_SKIP_IN_TEXT = {
    "fig",
    "fig-group",
    "table-wrap",
    "table-wrap-group",
    "disp-formula",
    "supplementary-material",
}
_XLINK = "{http://www.w3.org/1999/xlink}href"


def safe_parser() -> etree.XMLParser:
    """An XML parser that resolves no entities, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(data: bytes) -> etree._Element:
    """The root element, namespaces stripped from tags; RecordError when the bytes are not XML."""
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as error:
        raise RecordError(ReasonCode.PARSE_ERROR, f"not well-formed XML: {error}") from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def text_of(element: etree._Element | None, skip: set[str] = _SKIP_IN_TEXT) -> str:
    """Text of an element, leaving out floats (figures, tables) that sit inside it."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag in skip:
            if node.tail:
                parts.append(node.tail)
            return
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)  # entity references, comments and PIs add only their tail
        if node.tail and node is not element:
            parts.append(node.tail)

    walk(element)
    return clean(" ".join(parts))


def _date(meta: etree._Element) -> str | None:
    dates = meta.findall("pub-date")
    order = ("epub", "electronic", "pub", "ppub", "print", "collection")

    def rank(d: etree._Element) -> int:
        kind = d.get("pub-type") or d.get("publication-format") or d.get("date-type") or ""
        return order.index(kind) if kind in order else len(order)

    for date in sorted(dates, key=rank):
        year = (date.findtext("year") or "").strip()
        if not year.isdigit():
            continue
        month = (date.findtext("month") or "1").strip()
        day = (date.findtext("day") or "1").strip()
        try:
            return dt.date(
                int(year), int(month) if month.isdigit() else 1, int(day) if day.isdigit() else 1
            ).isoformat()
        except ValueError:
            return f"{year}-01-01"
    return None


def _sections(parent: etree._Element, level: int, out: list[Section]) -> None:
    for sec in parent.findall("sec"):
        title = clean(text_of(sec.find("title")))
        own = [
            text_of(child)
            for child in sec
            if isinstance(child.tag, str) and child.tag not in ("sec", "title", "label")
        ]
        out.append(
            Section(
                title=title or (sec.get("sec-type") or ""), text="\n".join(t for t in own if t), level=level
            )
        )
        if sec.get("sec-type") in ("cases", "case-report", "case") and not title:
            out[-1].title = "Case presentation"
        _sections(sec, level + 1, out)


def parse_jats(data: bytes) -> ArticleParts:
    """Title, type, date, licence, ids, abstract, sections, figures and paragraphs of a JATS article."""
    root = parse_xml(data)
    if root.tag != "article":
        found = root.find(".//article")
        if found is None:
            raise RecordError(ReasonCode.PARSE_ERROR, f"not a JATS article (root <{root.tag}>)")
        root = found
    meta = root.find("front/article-meta")
    if meta is None:
        raise RecordError(ReasonCode.MISSING_FIELD, "JATS article has no front/article-meta")
    parts = ArticleParts()
    parts.title = text_of(meta.find("title-group/article-title")) or None
    parts.language = root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("lang")
    article_type = root.get("article-type")
    headings = [clean(text_of(s)).lower() for s in meta.findall("article-categories/subj-group/subject")]
    if any("case report" in h or "case study" in h for h in headings):
        article_type = "case-report"
    parts.article_type = article_type
    for article_id in meta.findall("article-id"):
        kind = article_id.get("pub-id-type")
        value = clean(article_id.text)
        if kind in ("pmc", "pmcid") and value:
            parts.pmcid = value if value.upper().startswith("PMC") else f"PMC{value}"
        elif kind == "doi" and value:
            parts.doi = value
    parts.published = _date(meta)
    licence = meta.find("permissions/license")
    if licence is not None:
        href = licence.get(_XLINK) or licence.get("href")
        inner = licence.find(".//ext-link")
        inner_href = inner.get(_XLINK) if inner is not None else None
        parts.licence = normalise_licence(href or inner_href or text_of(licence))
    abstracts = meta.findall("abstract")
    plain = [a for a in abstracts if not a.get("abstract-type")] or abstracts
    if plain:
        parts.abstract = text_of(plain[0]) or None
        _sections(plain[0], 1, parts.abstract_sections)
    body = root.find("body")
    if body is not None:
        _sections(body, 1, parts.sections)
        untitled = [text_of(p) for p in body.findall("p")]
        if untitled and not parts.sections:
            parts.sections.append(Section(title="", text="\n".join(untitled)))
        parts.paragraphs = [
            text_of(p) for p in body.iter("p") if not any(a.tag in _SKIP_IN_TEXT for a in p.iterancestors())
        ]
    for fig in root.iter("fig"):
        label = clean(text_of(fig.find("label"))) or None
        caption = text_of(fig.find("caption"), skip=set())
        parts.figures.append((label, caption, fig.get("id")))
    return parts
