"""Runs one source's crawl in a subprocess and reads back what it fetched and what failed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from schemas import BenchmarkSpec, ReasonCode, SourceSpec
from schemas.source_options import CrawlOptions
from scrapers.local_site import serve_folder
from scrapers.settings import crawl_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CrawlOutcome:
    """The documents (dicts from documents.jsonl) and failures of one crawl, URLs as published."""

    source_id: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rewrite(url: str | None, local_base: str | None, public_base: str | None) -> str | None:
    if url and local_base and public_base and url.startswith(local_base):
        return public_base + url[len(local_base) :]
    return url


def job_dir(crawls_dir: Path, source_id: str) -> Path:
    """Scrapy's JOBDIR of a resumable crawl; its presence means a crawl is being resumed."""
    return crawls_dir / "jobs" / source_id


def crawl_options(source: SourceSpec) -> CrawlOptions:
    """The source's options as a crawl reads them; a kind without a spider is not crawled."""
    options = source.typed_options
    if source.kind_spec.spider is None or not isinstance(options, CrawlOptions):
        raise ValueError(f"source '{source.id}': kind {source.kind} has no spider, it is read from files")
    return options


def crawl_job(
    spec: BenchmarkSpec, source: SourceSpec, base_url: str | None, raw_store: Path, out_dir: Path
) -> dict[str, Any]:
    """The job file content for `scrapers.run`: spider, source, absolute start URLs, settings."""
    options = crawl_options(source)
    start_urls = [urljoin(base_url, url) if base_url else url for url in source.start_urls]
    source_data = source.model_dump(mode="json")
    if base_url:
        source_data["allowed_domains"] = ["127.0.0.1"]
    httpcache = options.httpcache
    if httpcache is None:
        httpcache = os.environ.get("MEDFORGE_HTTPCACHE") == "1"
    jobdir = job_dir(out_dir.parent, source.id) if options.resumable else None
    settings = crawl_settings(
        loopback=base_url is not None,
        httpcache_dir=str(out_dir.parent / "httpcache" / source.id) if httpcache else None,
        jobdir=str(jobdir) if jobdir else None,
        overrides=options.settings,
    )
    return {
        "spider": source.kind_spec.spider,
        "source": source_data,
        "start_urls": start_urls,
        "raw_store": str(raw_store.resolve()),
        "out_dir": str(out_dir.resolve()),
        "settings": settings,
    }


def crawl_source(spec: BenchmarkSpec, source: SourceSpec, raw_store: Path, work_dir: Path) -> CrawlOutcome:
    """Crawl one source in a subprocess (serving its `site_dir` on 127.0.0.1 when it has one)."""
    out_dir = work_dir / "crawls" / source.id
    options = crawl_options(source)
    resumable = options.resumable and job_dir(out_dir.parent, source.id).exists()
    for name in ("documents.jsonl", "failures.jsonl", "stats.json"):
        if not resumable and (out_dir / name).exists():
            (out_dir / name).unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    raw_store.mkdir(parents=True, exist_ok=True)
    outcome = CrawlOutcome(source_id=source.id)
    public_base = None
    with ExitStack() as stack:
        base_url = None
        if source.site_dir:
            base_url = stack.enter_context(serve_folder(spec.resolve(source.site_dir)))
            public_base = source.public_url or base_url
            if not public_base.endswith("/"):
                public_base += "/"
        job = crawl_job(spec, source, base_url, raw_store, out_dir)
        job_path = out_dir / "job.json"
        job_path.write_text(json.dumps(job, indent=1, sort_keys=True), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
        timeout = options.crawl_timeout_s
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "scrapers.run", str(job_path)],
                cwd=str(out_dir),
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            crashed = completed.returncode != 0 and not (out_dir / "stats.json").exists()
            detail = (completed.stderr or "").strip().splitlines()[-1:] if crashed else []
        except subprocess.TimeoutExpired:
            crashed, detail = True, [f"crawl ran past {timeout:.0f} s"]
    outcome.documents = _read_jsonl(out_dir / "documents.jsonl")
    outcome.failures = _read_jsonl(out_dir / "failures.jsonl")
    stats_path = out_dir / "stats.json"
    outcome.stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.is_file() else {}
    if crashed:
        outcome.failures.append(
            {
                "url": ",".join(job["start_urls"]),
                "reason_code": ReasonCode.FETCH_FAILED.value,
                "message": "crawl process failed: " + (" ".join(detail) or "no output"),
                "role": "crawl",
            }
        )
    for record in outcome.documents + outcome.failures:
        record["url"] = _rewrite(record.get("url"), base_url, public_base)
        if record.get("referer"):
            record["referer"] = _rewrite(record["referer"], base_url, public_base)
    return outcome
