"""What every medforge spider shares: configuration from a source spec, bookkeeping, failure reasons.

Every request a spider makes is tracked until its callback or errback runs; whatever is still open
when the crawl closes (filtered, cut off) is written as a failure, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from schemas import ReasonCode
from schemas.licences import normalise_licence
from schemas.source_kinds import source_kind
from schemas.source_options import CrawlOptions
from scrapers.items import FetchedPage, FetchFailure

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def classify_failure(failure: Failure) -> tuple[str, str]:
    """A (reason code, message) for a Twisted failure handed to an errback."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    error = failure.value
    if isinstance(error, HttpError):
        return ReasonCode.HTTP_ERROR.value, f"HTTP {error.response.status}"
    if isinstance(error, TimeoutError | TCPTimedOutError) or "Timeout" in type(error).__name__:
        return ReasonCode.TIMEOUT.value, f"timed out: {error}"
    if isinstance(error, IgnoreRequest):
        text = str(error)
        if "robots.txt" in text:
            return ReasonCode.ROBOTS_DISALLOWED.value, text
        if "redirect" in text:
            return ReasonCode.REDIRECT_LOOP.value, text
        return ReasonCode.FETCH_FAILED.value, text or "request ignored"
    if isinstance(error, DNSLookupError | ConnectionRefusedError):
        return ReasonCode.FETCH_FAILED.value, f"{type(error).__name__}: {error}"
    return ReasonCode.FETCH_FAILED.value, f"{type(error).__name__}: {error}"


def declared_encoding(response: Response) -> str | None:
    """The charset the server or the page declares; None when neither does."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    match = re.search(r"charset=([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    if match:
        return match.group(1)
    meta = _CHARSET.search(response.body[:4096])
    return meta.group(1).decode("ascii") if meta else None


def media_type_of(response: Response) -> str:
    """The media type from Content-Type, else guessed from the first bytes and the URL."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
    if content_type and content_type != "application/octet-stream":
        return content_type
    url = response.url.lower()
    if url.endswith(".pdf"):
        return "application/pdf"
    if url.endswith((".xml", ".nxml")):
        return "application/xml"
    if url.endswith((".html", ".htm")) or response.body.lstrip()[:1] == b"<":
        return "text/html"
    return content_type or "application/octet-stream"


def page_licence(response: Response) -> str | None:
    """A licence a page states: rel=license links, dc.rights meta, a licence paragraph."""
    if not hasattr(response, "css"):
        return None
    for query in (
        'link[rel="license"]::attr(href)',
        'a[rel="license"]::attr(href)',
        'meta[name="dc.rights"]::attr(content)',
        'meta[name="DC.rights"]::attr(content)',
        'meta[name="citation_license"]::attr(content)',
        ".licence::text, .license::text",
    ):
        value = response.css(query).get()
        if value and value.strip():
            return normalise_licence(value)
    return None


class MedforgeSpider(scrapy.Spider):
    """Base spider: `source` is the spec's source as a dict; start URLs are absolute by now.

    `options` is the source's options parsed by its kind's model (schemas.source_kinds)."""

    name = "medforge"
    custom_settings: dict[str, Any] = {}

    def __init__(self, source: dict[str, Any], start_urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        options = source_kind(source["kind"]).options.model_validate(source.get("options") or {})
        if not isinstance(options, CrawlOptions):
            raise TypeError(f"source kind {source['kind']} has no crawl options; it is not crawled")
        self.options = options
        self.start_urls = list(start_urls)
        self.allowed_domains = list(source.get("allowed_domains") or [])
        self._open: dict[str, str] = {}
        self._seen: set[str] = set()

    async def start(self) -> Any:
        for url in self.start_urls:
            request = self.follow_request(url, self.parse_start, role="start")
            if request is not None:
                yield request

    def parse_start(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def follow_request(
        self,
        url: str,
        callback: Callable[..., Any],
        role: str,
        meta: dict[str, Any] | None = None,
        referer: str | None = None,
    ) -> scrapy.Request | None:
        """A tracked request, or None when the URL was already asked for in this crawl."""
        url = url.split("#", 1)[0]
        if url in self._seen:
            return None
        self._seen.add(url)
        self._open[url] = role
        meta = dict(meta or {})
        meta.update({"medforge_url": url, "medforge_role": role, "medforge_referer": referer})
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True)

    def follow(
        self, response: Response, hrefs: list[str], callback: Callable[..., Any], role: str, meta=None
    ):
        """Tracked requests for links found on a page (relative links resolved against it)."""
        for href in hrefs:
            href = href.strip()
            if not href or href.startswith(("mailto:", "javascript:")):
                continue
            request = self.follow_request(response.urljoin(href), callback, role, meta, referer=response.url)
            if request is not None:
                yield request

    def done(self, response_or_request: Any) -> str:
        """Marks a tracked request finished; returns its original URL."""
        request = getattr(response_or_request, "request", None) or response_or_request
        url = request.meta.get("medforge_url", request.url)
        self._open.pop(url, None)
        return url

    def on_error(self, failure: Failure) -> Iterator[FetchFailure]:
        request = failure.request
        url = self.done(request)
        code, message = classify_failure(failure)
        yield FetchFailure(
            url=url,
            reason_code=code,
            message=message,
            role=request.meta.get("medforge_role", "document"),
            referer=request.meta.get("medforge_referer"),
        )

    def page_item(self, response: Response, role: str = "document", **fields: Any) -> FetchedPage:
        """A FetchedPage for a response, with media type, declared encoding and licence filled in."""
        media_type = media_type_of(response)
        licence = page_licence(response) if media_type in ("text/html", "application/xhtml+xml") else None
        title = None
        if media_type in ("text/html", "application/xhtml+xml") and hasattr(response, "css"):
            title = (response.css("title::text").get() or "").strip() or None
        values: dict[str, Any] = {
            "url": self.done(response),
            "status": response.status,
            "media_type": media_type,
            "body": response.body,
            "role": role,
            "encoding": declared_encoding(response),
            "licence": licence,
            "title": title,
        }
        values.update({k: v for k, v in fields.items() if v is not None})
        return FetchedPage(**values)

    def unfinished_failures(self) -> list[FetchFailure]:
        """Requests asked for but never answered when the crawl closed (cut off, filtered)."""
        return [
            FetchFailure(
                url=url,
                reason_code=ReasonCode.FETCH_FAILED.value,
                message="request never completed before the crawl closed",
                role=role,
            )
            for url, role in sorted(self._open.items())
        ]
