"""Whole crawls against a loopback site that serves real fixtures and every failure case.

The site: robots.txt, a listing page, BMC article pages (real fixtures), a 404, an always-500, a page
slower than the download timeout, a redirect loop, a non-UTF-8 page that claims UTF-8, a 'PDF' that
is HTML, a robots-disallowed page; a Europe PMC API fake with cursor paging; a textbook landing page.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from extractors.case_reports import extract_case_reports
from schemas import BenchmarkSpec
from scrapers.ingest import ingest_sources

pytestmark = pytest.mark.integration

FAST = {"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1, "MEDFORGE_RETRY_BACKOFF_BASE": 0.05}


def _site(fixtures: Path) -> dict[str, tuple[int, str, bytes, dict[str, str]]]:
    bmc = fixtures / "html" / "bmc_trials"
    jats = fixtures / "case_reports" / "jats" / "hindawi"
    html = "text/html; charset=utf-8"
    listing = "".join(
        f'<a class="article" href="{p}">x</a>'
        for p in (
            "/articles/a1.html",
            "/articles/a2.html",
            "/articles/gone.html",
            "/articles/broken.html",
            "/articles/slow.html",
            "/articles/loop.html",
            "/articles/latin1.html",
            "/private/secret.html",
            "/articles/a1.html#again",
        )
    )
    pages = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", {}),
        "/list.html": (200, html, f"<html><body>{listing}</body></html>".encode(), {}),
        "/articles/a1.html": (200, html, (bmc / "trials-16_1_1" / "fulltext.html").read_bytes(), {}),
        "/articles/a2.html": (200, html, (bmc / "trials-16_1_50" / "fulltext.html").read_bytes(), {}),
        "/articles/broken.html": (500, html, b"oops", {}),
        "/articles/loop.html": (302, html, b"", {"Location": "/articles/loop2.html"}),
        "/articles/loop2.html": (302, html, b"", {"Location": "/articles/loop.html"}),
        "/articles/latin1.html": (
            200,
            html,
            "<html><body><p>Caf\u00e9 na\u00efve</p></body></html>".encode("latin-1"),
            {},
        ),
        "/private/secret.html": (200, html, b"<html>secret</html>", {}),
        "/books/primer.html": (
            200,
            html,
            b'<html><head><link rel="license" href="https://creativecommons.org/licenses/by/4.0/"></head>'
            b'<body><h1>Primer</h1><a href="/books/primer.pdf">PDF</a>'
            b'<a href="/books/fake.pdf">bad</a></body></html>',
            {},
        ),
        "/books/closed.html": (
            200,
            html,
            b'<html><body><h1>Closed</h1><p class="license">All rights reserved</p>'
            b'<a href="/books/c.pdf">P</a></body></html>',
            {},
        ),
        "/books/index.html": (
            200,
            html,
            b'<html><body><a class="book" href="/books/primer.html">1</a>'
            b'<a class="book" href="/books/closed.html">2</a></body></html>',
            {},
        ),
        "/books/primer.pdf": (200, "application/pdf", b"%PDF-1.4\n%real enough\n%%EOF\n", {}),
        "/books/c.pdf": (200, "application/pdf", b"%PDF-1.4\n%closed\n%%EOF\n", {}),
        "/books/fake.pdf": (200, "application/pdf", b"<html>not a pdf</html>", {}),
    }
    for pmcid in ("PMC4735918", "PMC4735920", "PMC4657150"):
        pages[f"/rest/{pmcid}/fullTextXML"] = (
            200,
            "application/xml",
            (jats / f"{pmcid}.xml").read_bytes(),
            {},
        )
    return pages


SEARCH_PAGES = {
    "*": (["PMC4735918", "PMC4735920"], "c2"),
    "c2": (["PMC4657150", "PMC0000001"], "c3"),
    "c3": ([], "c3"),
}


class _Handler(BaseHTTPRequestHandler):
    pages: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
    searches: list[dict[str, list[str]]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return None

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlparse(self.path)
        if url.path == "/articles/slow.html":
            time.sleep(2.5)
        if url.path == "/rest/search":
            query = parse_qs(url.query)
            self.searches.append(query)
            ids, nxt = SEARCH_PAGES[query["cursorMark"][0]]
            body = json.dumps(
                {
                    "nextCursorMark": nxt,
                    "request": {"cursorMark": query["cursorMark"][0]},
                    "resultList": {
                        "result": [{"pmcid": i, "firstPublicationDate": "2016-01-03"} for i in ids]
                    },
                }
            ).encode()
            return self._send(200, "application/json", body, {})
        status, ctype, body, headers = self.pages.get(url.path, (404, "text/html", b"not found", {}))
        self._send(status, ctype, body, headers)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture()
def site(fixtures_dir: Path):
    _Handler.pages = _site(fixtures_dir)
    _Handler.searches = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _spec(tmp_path: Path, sources: list[dict]) -> BenchmarkSpec:
    return BenchmarkSpec(
        benchmark="t",
        base_dir=str(tmp_path),
        licence_allow=["CC-BY-2.0", "CC-BY-4.0", "CC-BY"],
        sources=sources,
    )


def test_journal_crawl_with_every_failure(tmp_path: Path, site: str) -> None:
    spec = _spec(
        tmp_path,
        [
            {
                "id": "bmc",
                "kind": "case_reports_html",
                "licence": "CC-BY-4.0",
                "start_urls": [f"{site}/list.html"],
                "options": {"article_links": "a.article::attr(href)", "settings": FAST},
            }
        ],
    )
    raw = tmp_path / "raw"
    result = ingest_sources(spec, raw, tmp_path / "work")
    assert [d.uri for d in result.records] == [f"{site}/articles/a1.html", f"{site}/articles/a2.html"]
    assert all(d.licence == "CC-BY-2.0" and d.media_type == "text/html" for d in result.records)
    reasons = {r.source_uri.removeprefix(site): r.reason_code for r in result.rejections}
    assert reasons == {
        "/articles/gone.html": "http_error",
        "/articles/broken.html": "http_error",
        "/articles/slow.html": "timeout",
        "/articles/loop.html": "redirect_loop",
        "/articles/latin1.html": "decode_error",
        "/private/secret.html": "robots_disallowed",
    }
    stats = json.loads((tmp_path / "work" / "crawls" / "bmc" / "stats.json").read_text())
    assert stats.get("retry/count", 0) >= 1  # the 500 was retried before it was given up
    reports = extract_case_reports(spec, result.records, raw)
    assert reports.records_in == 2
    assert {r.reason_code for r in reports.rejections} == {"not_a_case_report"}  # trials, not case reports


def test_europepmc_cursor_paging(tmp_path: Path, site: str) -> None:
    spec = _spec(
        tmp_path,
        [
            {
                "id": "epmc",
                "kind": "case_reports_europepmc",
                "licence": "CC-BY",
                "start_urls": [f"{site}/rest/"],
                "options": {
                    "from_date": "2016-01-01",
                    "to_date": "2016-12-31",
                    "page_size": 2,
                    "settings": FAST,
                },
            }
        ],
    )
    raw = tmp_path / "raw"
    result = ingest_sources(spec, raw, tmp_path / "work")
    assert sorted(d.uri.split("/")[-2] for d in result.records) == ["PMC4657150", "PMC4735918", "PMC4735920"]
    assert all(d.media_type == "application/xml" for d in result.records)
    assert [r.reason_code for r in result.rejections] == ["http_error"]  # PMC0000001 has no full text
    cursors = [q["cursorMark"][0] for q in _Handler.searches]
    assert cursors == ["*", "c2", "c3"]
    assert "FIRST_PDATE:[2016-01-01 TO 2016-12-31]" in _Handler.searches[0]["query"][0]
    reports = extract_case_reports(spec, result.records, raw)
    assert sorted(r.pmcid for r in reports.records) == ["PMC4735918", "PMC4735920"]
    assert [r.reason_code for r in reports.rejections] == ["not_a_case_report"]


def test_textbook_licence_from_landing_page(tmp_path: Path, site: str) -> None:
    spec = _spec(
        tmp_path,
        [
            {
                "id": "books",
                "kind": "textbook_site",
                "licence": "unknown",
                "start_urls": [f"{site}/books/index.html"],
                "options": {"book_links": "a.book::attr(href)", "settings": FAST},
            }
        ],
    )
    result = ingest_sources(spec, tmp_path / "raw", tmp_path / "work")
    assert [(d.uri.removeprefix(site), d.licence, d.title) for d in result.records] == [
        ("/books/primer.pdf", "CC-BY-4.0", "Primer")
    ]
    reasons = {r.source_uri.removeprefix(site): r.reason_code for r in result.rejections}
    assert reasons == {"/books/fake.pdf": "corrupt_document", "/books/c.pdf": "licence_not_allowed"}
