"""Item pipelines, one job each: check content, store raw bytes, write the crawl's JSONL books.

A dropped item is not lost: the writer listens for `item_dropped` and writes it as a failure, with
the reason the dropping pipeline gave as `"<reason_code>: <message>"`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scrapers.content import check_content
from scrapers.items import FetchedPage, FetchFailure
from scrapers.store import store_bytes


class ContentCheckPipeline:
    """Drops pages whose bytes are not what they claim (a PDF that is not one, undecodable text)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentCheckPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchedPage):
            problem = check_content(item.body, item.media_type, item.encoding)
            if problem is not None:
                code, message = problem
                self.stats.inc_value(f"medforge/dropped/{code}")
                raise DropItem(f"{code}: {message}")
        return item


class StoreRawPipeline:
    """Keeps each page's bytes content-addressed; already stored bytes are not written again."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.raw_store = Path(crawler.settings.get("MEDFORGE_RAW_STORE"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreRawPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchedPage):
            item.sha256, item.raw_path, item.newly_stored = store_bytes(self.raw_store, item.body)
            self.stats.inc_value("medforge/stored_new" if item.newly_stored else "medforge/stored_known")
            self.stats.inc_value("medforge/bytes", len(item.body))
        return item


class JsonlWriterPipeline:
    """Writes documents.jsonl and failures.jsonl in the crawl's output folder (appends on resume)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.out_dir = Path(crawler.settings.get("MEDFORGE_OUT_DIR"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.documents = (self.out_dir / "documents.jsonl").open("a", encoding="utf-8")
        self.failures = (self.out_dir / "failures.jsonl").open("a", encoding="utf-8")
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlWriterPipeline:
        return cls(crawler)

    def write_failure(self, failure: FetchFailure) -> None:
        self.stats.inc_value(f"medforge/failed/{failure.reason_code}")
        self.failures.write(json.dumps(failure.__dict__, ensure_ascii=False, sort_keys=True) + "\n")
        self.failures.flush()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchFailure):
            self.write_failure(item)
        elif isinstance(item, FetchedPage):
            record = {k: v for k, v in item.__dict__.items() if k != "body"}
            record["byte_size"] = len(item.body)
            self.stats.inc_value("medforge/documents")
            self.documents.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            self.documents.flush()
        return item

    def item_dropped(
        self, item: Any, response: Any = None, exception: Exception | None = None, **_: Any
    ) -> None:
        if not isinstance(item, FetchedPage):
            return
        reason = str(exception) if exception is not None else "dropped: no reason given"
        code, _, message = reason.partition(": ")
        self.write_failure(
            FetchFailure(url=item.url, reason_code=code, message=message or reason, role=item.role)
        )

    def close_spider(self) -> None:
        spider = self.crawler.spider
        unfinished = getattr(spider, "unfinished_failures", None)
        if unfinished is not None:
            for failure in unfinished():
                self.write_failure(failure)
        self.documents.close()
        self.failures.close()
