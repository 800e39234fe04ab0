"""Open textbooks: book or chapter landing pages -> PDF downloads, with the licence read from the page.

Options (`TextbookSiteOptions`): book_links (from the start pages to landing pages; without it the
start pages are the landing pages), pdf_links (default every link ending in .pdf). The PDF inherits
the landing page's licence and title, since a PDF rarely states its licence where a crawler can read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from schemas.source_options import TextbookSiteOptions
from scrapers.spiders.base import MedforgeSpider, page_licence


class OpenTextbookSpider(MedforgeSpider):
    """Landing pages -> PDFs."""

    name = "open_textbooks"
    options: TextbookSiteOptions

    def parse_start(self, response: Response) -> Iterator[Any]:
        if self.options.book_links:
            self.done(response)
            yield from self.follow(
                response, response.css(self.options.book_links).getall(), self.parse_landing, "landing"
            )
        else:
            yield from self.parse_landing(response)

    def parse_landing(self, response: Response) -> Iterator[Any]:
        self.done(response)
        meta = {
            "medforge_licence": page_licence(response),
            "medforge_title": (
                response.css("h1::text").get() or response.css("title::text").get() or ""
            ).strip(),
        }
        links = response.css(self.options.pdf_links).getall()
        yield from self.follow(response, links, self.parse_pdf, "pdf", meta)

    def parse_pdf(self, response: Response) -> Iterator[Any]:
        yield self.page_item(
            response,
            role="pdf",
            licence=response.meta.get("medforge_licence"),
            title=response.meta.get("medforge_title") or None,
        )
