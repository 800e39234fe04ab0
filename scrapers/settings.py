"""Scrapy settings for every medforge crawl: polite by default, loosened only for loopback mirrors."""

from __future__ import annotations

from typing import Any

BOT_NAME = "medforge"
USER_AGENT = "medforge-bot/0.1 (+https://github.com/medforge/medforge; benchmark research crawler)"

POLITE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": BOT_NAME,
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "ROBOTSTXT_USER_AGENT": "medforge-bot",
    # AutoThrottle adapts the delay to the server's latency; a hard per-domain cap on top.
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "DOWNLOAD_DELAY": 0.5,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    # 5xx and timeouts are retried, with exponential backoff (see scrapers.middlewares).
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "MEDFORGE_RETRY_BACKOFF_BASE": 1.0,
    "MEDFORGE_RETRY_BACKOFF_MAX": 30.0,
    "DOWNLOAD_TIMEOUT": 30,
    "REDIRECT_MAX_TIMES": 5,
    "DOWNLOAD_MAXSIZE": 100 * 1024 * 1024,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "DOWNLOADER_MIDDLEWARES": {"scrapers.middlewares.BackoffMiddleware": 560},
    "ITEM_PIPELINES": {
        "scrapers.pipelines.ContentCheckPipeline": 100,
        "scrapers.pipelines.StoreRawPipeline": 200,
        "scrapers.pipelines.JsonlWriterPipeline": 900,
    },
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}

LOOPBACK_SETTINGS: dict[str, Any] = {
    # A mirror served on 127.0.0.1 for the crawl's duration: politeness costs only time there.
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 8.0,
    "DOWNLOAD_DELAY": 0.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "MEDFORGE_RETRY_BACKOFF_BASE": 0.1,
    "MEDFORGE_RETRY_BACKOFF_MAX": 1.0,
}


def crawl_settings(
    loopback: bool = False,
    httpcache_dir: str | None = None,
    jobdir: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The settings of one crawl: polite defaults, loopback loosening, dev cache, resumable job dir."""
    settings = dict(POLITE_SETTINGS)
    if loopback:
        settings.update(LOOPBACK_SETTINGS)
    if httpcache_dir:
        settings.update(
            {
                "HTTPCACHE_ENABLED": True,
                "HTTPCACHE_DIR": httpcache_dir,
                "HTTPCACHE_EXPIRATION_SECS": 0,
                "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504, 408, 429],
            }
        )
    if jobdir:
        settings["JOBDIR"] = jobdir
    settings.update(overrides or {})
    return settings
