"""The ingest stage: every source of a spec to SourceDocuments (raw bytes content-addressed).

Crawl kinds run a Scrapy crawl in a subprocess; local kinds (and any source with `paths`) read files.
Every failed fetch or read, every document whose licence the spec does not allow and every repeat of
bytes already ingested becomes a Rejection; records_in counts fetch attempts and files read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from schemas import (
    BenchmarkSpec,
    ReasonCode,
    Rejection,
    SourceDocument,
    SourceSpec,
    Stage,
    StageResult,
    content_id,
)
from schemas.dates import parse_iso_date
from schemas.spec import glob_files, is_pattern
from scrapers.crawl import crawl_source
from scrapers.store import store_bytes

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xml": "application/xml",
    ".nxml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".cjs": "text/javascript",
    ".ts": "application/typescript",
    ".mts": "application/typescript",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _rejection(
    source_id: str, uri: str, code: str, message: str, payload: SourceDocument | dict[str, Any] | None
) -> Rejection:
    """A fetch or file that gave no document, under an id of its source and URI."""
    record_id = "fetch-" + content_id([source_id, uri])
    return Rejection.of(Stage.INGEST, record_id, "SourceDocument", code, message, uri=uri, payload=payload)


def _pattern_root(resolved: Path) -> Path:
    """The folder a path pattern starts from: its leading part without glob characters."""
    parts = []
    for part in resolved.parts:
        if is_pattern(part):
            break
        parts.append(part)
    root = Path(*parts)
    return root if root != resolved else resolved.parent


def _local_files(spec: BenchmarkSpec, source: SourceSpec) -> list[tuple[Path, Path]]:
    """Every file the source's patterns name, with the folder its pattern starts from."""
    files: dict[Path, Path] = {}
    for pattern in source.paths:
        resolved = spec.resolve(pattern)
        root = _pattern_root(resolved)
        if is_pattern(pattern):
            for match in glob_files(resolved):
                files.setdefault(match, root)
        else:
            files.setdefault(resolved, root)
    return sorted(files.items())


def _local_uri(path: Path, base: Path, root: Path, source_id: str) -> str:
    """The path relative to the spec's base folder, or for files outside it `<source id>/<path under
    its pattern's folder>`: never an absolute path, so content does not depend on where files lay."""
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        try:
            return f"{source_id}/{path.resolve().relative_to(root.resolve()).as_posix()}"
        except ValueError:
            return f"{source_id}/{path.name}"


def read_local_source(
    spec: BenchmarkSpec, source: SourceSpec, raw_store: Path
) -> tuple[list[SourceDocument], list[Rejection], dict[str, Any]]:
    """Every file of a local source as a document; unreadable files as rejections."""
    documents: list[SourceDocument] = []
    rejections: list[Rejection] = []
    stored_new = 0
    total_bytes = 0
    base = Path(spec.base_dir).resolve()
    for path, root in _local_files(spec, source):
        uri = _local_uri(path, base, root, source.id)
        try:
            data = path.read_bytes()
        except OSError as error:
            rejections.append(
                _rejection(source.id, uri, ReasonCode.FETCH_FAILED, f"cannot read: {error}", None)
            )
            continue
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        read = {"source_id": source.id, "uri": uri, "media_type": media_type, "byte_size": len(data)}
        if media_type == "application/pdf" and not data.lstrip()[:5].startswith(b"%PDF-"):
            rejections.append(_rejection(source.id, uri, ReasonCode.CORRUPT_DOCUMENT, "not a PDF", read))
            continue
        if not data:
            rejections.append(_rejection(source.id, uri, ReasonCode.CORRUPT_DOCUMENT, "empty file", read))
            continue
        sha, rel, new = store_bytes(raw_store, data)
        stored_new += int(new)
        total_bytes += len(data)
        documents.append(
            SourceDocument(
                document_id=sha,
                source_id=source.id,
                uri=uri,
                fetched_at=_now(),
                media_type=media_type,
                byte_size=len(data),
                licence=source.licence,
                raw_path=rel,
                title=path.name,
            )
        )
    metadata = {
        "fetched": len(documents),
        "failed": len(rejections),
        "bytes": total_bytes,
        "stored_new": stored_new,
    }
    return documents, rejections, metadata


def crawl_to_records(
    spec: BenchmarkSpec, source: SourceSpec, raw_store: Path, work_dir: Path
) -> tuple[list[SourceDocument], list[Rejection], dict[str, Any]]:
    """One source's crawl as documents and rejections, with its fetch counts as metadata."""
    outcome = crawl_source(spec, source, raw_store, work_dir)
    documents = [
        SourceDocument(
            document_id=doc["sha256"],
            source_id=source.id,
            uri=doc["url"],
            fetched_at=_now(),
            media_type=doc["media_type"],
            byte_size=doc["byte_size"],
            licence=doc.get("licence") or source.licence,
            source_release_date=parse_iso_date(doc.get("published")),
            raw_path=doc["raw_path"],
            title=doc.get("title"),
            edition_year=doc.get("edition_year"),
            edition_session=doc.get("edition_session"),
        )
        for doc in outcome.documents
    ]
    rejections = [
        _rejection(source.id, failure["url"], failure["reason_code"], failure["message"], failure)
        for failure in outcome.failures
    ]
    stats = outcome.stats
    metadata = {
        "fetched": len(documents),
        "failed": len(rejections),
        "bytes": sum(d.byte_size for d in documents),
        "stored_new": int(stats.get("medforge/stored_new", 0)),
        "pages_crawled": int(stats.get("downloader/response_count", 0)),
        "elapsed_s": round(float(stats.get("elapsed_time_seconds", 0.0)), 3),
        "failures_by_reason": dict(sorted(Counter(r.reason_code for r in rejections).items())),
    }
    return documents, rejections, metadata


def ingest_source(
    spec: BenchmarkSpec, source: SourceSpec, raw_store: Path, work_dir: Path
) -> tuple[list[SourceDocument], list[Rejection], dict[str, Any]]:
    """One source, by kind: crawl it with its kind's spider, or read its files (kinds without a
    spider, and any source with `paths`)."""
    if source.kind_spec.spider is not None and not source.paths:
        return crawl_to_records(spec, source, raw_store, work_dir)
    return read_local_source(spec, source, raw_store)


def _licence_and_duplicates(
    spec: BenchmarkSpec, documents: list[SourceDocument]
) -> tuple[list[SourceDocument], list[Rejection]]:
    allowed = set(spec.licence_allow)
    kept: list[SourceDocument] = []
    rejections: list[Rejection] = []
    seen: dict[str, str] = {}
    for doc in documents:
        if allowed and doc.licence not in allowed:
            rejections.append(
                _rejection(
                    doc.source_id,
                    doc.uri,
                    ReasonCode.LICENCE_NOT_ALLOWED,
                    f"licence '{doc.licence}' is not in licence_allow {sorted(allowed)}",
                    doc,
                )
            )
        elif doc.document_id in seen:
            rejections.append(
                _rejection(
                    doc.source_id,
                    doc.uri,
                    ReasonCode.EXACT_DUPLICATE,
                    f"same bytes as {seen[doc.document_id]}",
                    doc,
                )
            )
        else:
            seen[doc.document_id] = doc.uri
            kept.append(doc)
    return kept, rejections


def ingest_sources(spec: BenchmarkSpec, raw_store: Path, work_dir: Path) -> StageResult[SourceDocument]:
    """Every source of the spec to SourceDocuments; the chain's ingest entry point."""
    raw_store = Path(raw_store)
    work_dir = Path(work_dir)
    all_documents: list[SourceDocument] = []
    all_rejections: list[Rejection] = []
    per_source: dict[str, dict[str, Any]] = {}
    for source in spec.sources:
        documents, rejections, metadata = ingest_source(spec, source, raw_store, work_dir)
        all_documents.extend(documents)
        all_rejections.extend(rejections)
        per_source[source.id] = metadata
    records_in = len(all_documents) + len(all_rejections)
    all_documents.sort(key=lambda d: (d.uri, d.source_id))
    kept, filtered = _licence_and_duplicates(spec, all_documents)
    rejections = sorted(all_rejections + filtered, key=lambda r: (r.source_uri or "", r.record_id))
    return StageResult(
        stage=Stage.INGEST,
        records=kept,
        rejections=rejections,
        records_in=records_in,
        metadata={
            "sources": per_source,
            "bytes": sum(d.byte_size for d in kept),
            "fetched": sum(m["fetched"] for m in per_source.values()),
            "failed": sum(m["failed"] for m in per_source.values()),
        },
    )
