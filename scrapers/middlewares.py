"""Downloader middleware: exponential backoff before each retry of a 5xx or a timeout."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler


class BackoffMiddleware:
    """Waits base * 2**(n-1) seconds (capped) before the n-th retry of a request.

    Scrapy's RetryMiddleware re-schedules at once; a server that answered 503 is better asked again
    after a pause. The retry count is the `retry_times` meta key RetryMiddleware sets.
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        settings = crawler.settings
        return cls(
            settings.getfloat("MEDFORGE_RETRY_BACKOFF_BASE", 1.0),
            settings.getfloat("MEDFORGE_RETRY_BACKOFF_MAX", 30.0),
        )

    async def process_request(self, request: Request) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries > 0 and self.base > 0:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (retries - 1)))
        return None
