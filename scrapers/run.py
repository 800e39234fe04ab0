"""Runs one crawl in this process: `python -m scrapers.run JOB.json`.

Twisted's reactor cannot restart inside a process, so every crawl (from ingest, Dagster, the CLI
or a test) runs here in its own subprocess. The job file names the spider, the source, the absolute
start URLs, the raw store, the output folder and settings; the crawl writes documents.jsonl,
failures.jsonl and stats.json into the output folder.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any


def load_spider(path: str) -> type:
    """The spider class named 'module:Class'."""
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run the crawl a job describes and return Scrapy's stats (JSON-able)."""
    from scrapy.crawler import CrawlerProcess

    out_dir = Path(job["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = dict(job["settings"])
    settings["MEDFORGE_RAW_STORE"] = job["raw_store"]
    settings["MEDFORGE_OUT_DIR"] = str(out_dir)
    settings.setdefault("LOG_FILE", str(out_dir / "crawl.log"))
    process = CrawlerProcess(settings=settings, install_root_handler=True)
    crawler = process.create_crawler(load_spider(job["spider"]))
    process.crawl(crawler, source=job["source"], start_urls=job["start_urls"])
    process.start()
    stats = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()
    }
    (out_dir / "stats.json").write_text(json.dumps(stats, sort_keys=True, indent=1), encoding="utf-8")
    jobdir = settings.get("JOBDIR")
    if jobdir and stats.get("finish_reason") == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)  # done: a later crawl starts afresh
    return stats


def main(argv: list[str] | None = None) -> int:
    """Entry point of the crawl subprocess."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m scrapers.run JOB.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    stats = run_job(job)
    return 0 if stats.get("finish_reason") in ("finished", "shutdown") else 1


if __name__ == "__main__":
    sys.exit(main())
