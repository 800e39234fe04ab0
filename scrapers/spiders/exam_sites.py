"""Exam archives: archive page -> edition pages -> question pages or exam-paper PDFs and answer keys.

Everything site-specific comes from the source's `options` (`ExamSiteOptions`; CSS selectors, parsel syntax):
  edition_links, question_links, paper_links, answer_key_links: where the links are;
  edition: the element that carries the edition (attributes data-year, data-session, data-published,
  or text matched by `edition_pattern` with named groups year, session, published).
Every document keeps the edition it was found under and its URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from schemas.source_options import ExamSiteOptions
from scrapers.spiders.base import MedforgeSpider

DEFAULT_EDITION_PATTERN = r"(?P<year>(?:19|20)\d{2})(?:[ /_-]+(?:session\s*)?(?P<session>\w+))?"


def edition_of(response: Response, options: ExamSiteOptions) -> dict[str, Any]:
    """Year, session and published date of the edition a page belongs to, as far as it says."""
    found: dict[str, Any] = {}
    selector = options.edition
    if selector and hasattr(response, "css"):
        node = response.css(selector)
        if node:
            year = node.attrib.get("data-year")
            found["edition_year"] = int(year) if year and year.isdigit() else None
            found["edition_session"] = node.attrib.get("data-session")
            found["published"] = node.attrib.get("data-published")
            if not found["edition_year"]:
                text = " ".join(node.css("::text").getall())
                match = re.search(options.edition_pattern or DEFAULT_EDITION_PATTERN, text)
                if match:
                    groups = match.groupdict()
                    found["edition_year"] = int(groups["year"]) if groups.get("year") else None
                    found["edition_session"] = found["edition_session"] or groups.get("session")
                    found["published"] = found["published"] or groups.get("published")
    return {k: v for k, v in found.items() if v is not None}


class ExamSiteSpider(MedforgeSpider):
    """One spider for every exam archive; the spec's selectors say where things are."""

    name = "exam_sites"
    options: ExamSiteOptions

    def parse_start(self, response: Response) -> Iterator[Any]:
        self.done(response)
        yield from self._links(response, {})
        yield from self.follow(
            response,
            response.css(self.options.edition_links).getall(),
            self.parse_edition,
            role="edition",
        )

    def parse_edition(self, response: Response) -> Iterator[Any]:
        self.done(response)
        yield from self._links(response, edition_of(response, self.options))

    def _links(self, response: Response, edition: dict[str, Any]) -> Iterator[Any]:
        meta = {"medforge_edition": edition}
        for selector, role in (
            (self.options.question_links, "question_page"),
            (self.options.paper_links, "exam_paper"),
            (self.options.answer_key_links, "answer_key"),
        ):
            if selector:
                yield from self.follow(
                    response, response.css(selector).getall(), self.parse_document, role, meta
                )

    def parse_document(self, response: Response) -> Iterator[Any]:
        edition = dict(response.meta.get("medforge_edition") or {})
        if not edition:
            edition = edition_of(response, self.options)
        yield self.page_item(response, role=response.meta.get("medforge_role", "document"), **edition)
