"""Case-report journals: the Europe PMC REST search (cursor paging, date range) -> JATS full text, and
journal article pages in HTML (BMC-style listing pages -> article pages).

Their options are `EuropePmcOptions` and `JournalHtmlOptions` (schemas.source_options).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from schemas import ReasonCode
from schemas.source_options import EuropePmcOptions, JournalHtmlOptions
from scrapers.items import FetchFailure
from scrapers.spiders.base import MedforgeSpider

EUROPE_PMC_API = "https://www.ebi.ac.uk/europepmc/webservices/rest/"


def europepmc_query(options: EuropePmcOptions) -> str:
    """The search query with the date range (as FIRST_PDATE), as Europe PMC's syntax wants it."""
    query = options.query
    start, end = options.from_date, options.to_date
    if start or end:
        query = f"({query}) AND FIRST_PDATE:[{start or '1900-01-01'} TO {end or '3000-01-01'}]"
    return query


class EuropePmcSpider(MedforgeSpider):
    """Search pages (JSON, cursorMark) -> one JATS full-text document per open-access hit."""

    name = "europepmc"
    options: EuropePmcOptions

    def __init__(self, source: dict[str, Any], start_urls: list[str], **kwargs: Any) -> None:
        super().__init__(source, start_urls, **kwargs)
        base = self.start_urls[0] if self.start_urls else EUROPE_PMC_API
        self.api = base if base.endswith("/") else base + "/"
        self.page_size = self.options.page_size
        self.max_results = self.options.max_results
        self.queued = 0
        self.start_urls = [self.search_url("*")]

    def search_url(self, cursor: str) -> str:
        params = {
            "query": europepmc_query(self.options),
            "format": "json",
            "resultType": "lite",
            "pageSize": self.page_size,
            "cursorMark": cursor,
        }
        return f"{self.api}search?{urlencode(params)}"

    def parse_start(self, response: Response) -> Iterator[Any]:
        yield from self.parse_search(response)

    def parse_search(self, response: Response) -> Iterator[Any]:
        url = self.done(response)
        try:
            data = json.loads(response.text)
        except (ValueError, AttributeError) as error:
            yield FetchFailure(
                url=url, reason_code=ReasonCode.PARSE_ERROR.value, message=f"bad search JSON: {error}"
            )
            return
        results = (data.get("resultList") or {}).get("result") or []
        for hit in results:
            pmcid = hit.get("pmcid")
            if not pmcid or self.queued >= self.max_results:
                continue
            self.queued += 1
            meta = {"medforge_published": hit.get("firstPublicationDate")}
            request = self.follow_request(
                f"{self.api}{pmcid}/fullTextXML", self.parse_fulltext, "jats", meta, referer=url
            )
            if request is not None:
                yield request
        cursor = data.get("nextCursorMark")
        if (
            results
            and cursor
            and cursor != data.get("request", {}).get("cursorMark")
            and self.queued < self.max_results
        ):
            request = self.follow_request(self.search_url(cursor), self.parse_search, "search", referer=url)
            if request is not None:
                yield request

    def parse_fulltext(self, response: Response) -> Iterator[Any]:
        item = self.page_item(response, role="jats", published=response.meta.get("medforge_published"))
        if item.media_type in ("text/xml", "application/octet-stream"):
            item.media_type = "application/xml"
        yield item


class JournalHtmlSpider(MedforgeSpider):
    """Listing pages -> article pages (HTML); the licence is read from each article page."""

    name = "journal_html"
    options: JournalHtmlOptions

    def parse_start(self, response: Response) -> Iterator[Any]:
        if not self.options.article_links:
            yield self.page_item(response, role="article")
            return
        yield from self.parse_listing(response)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        self.done(response)
        yield from self.follow(
            response, response.css(self.options.article_links).getall(), self.parse_article, "article"
        )
        if self.options.next_page:
            yield from self.follow(
                response, response.css(self.options.next_page).getall(), self.parse_listing, "listing"
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response, role="article")
