"""Ingest of local sources: content-addressed store, relative URIs, licence filter, bad files."""

from __future__ import annotations

import json
from pathlib import Path

from schemas import BenchmarkSpec, Stage
from schemas.licences import normalise_licence
from scrapers.ingest import ingest_sources
from scrapers.store import raw_relpath, store_bytes


def test_store_is_content_addressed(tmp_path: Path) -> None:
    sha, rel, new = store_bytes(tmp_path, b"hello")
    assert rel == raw_relpath(sha) and rel.startswith(sha[:2] + "/") and new
    assert (tmp_path / rel).read_bytes() == b"hello"
    assert store_bytes(tmp_path, b"hello") == (sha, rel, False)


def test_licence_normalisation() -> None:
    assert normalise_licence("https://creativecommons.org/licenses/by/4.0/") == "CC-BY-4.0"
    assert normalise_licence("http://creativecommons.org/licenses/by-nc-sa/3.0/") == "CC-BY-NC-SA-3.0"
    assert normalise_licence("CC BY 4.0") == "CC-BY-4.0"
    assert normalise_licence("https://creativecommons.org/publicdomain/zero/1.0/") == "CC0-1.0"
    assert normalise_licence("All rights reserved") == "All rights reserved"


def test_local_sources_books_and_filters(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.json").write_text('{"questions": []}')
    (data / "b.json").write_text('{"questions": []}')  # same bytes: a duplicate
    (data / "c.csv").write_text("q,a\n")
    (data / "fake.pdf").write_bytes(b"<html>not a pdf</html>")
    (data / "closed.pdf").write_bytes(b"%PDF-1.4 closed")
    spec = BenchmarkSpec(
        benchmark="t",
        licence_allow=["CC-BY-4.0"],
        base_dir=str(tmp_path),
        sources=[
            {
                "id": "open",
                "kind": "exam_collection",
                "licence": "CC-BY-4.0",
                "paths": ["data/*.json", "data/c.csv"],
            },
            {"id": "pdfs", "kind": "pdf", "licence": "CC-BY-4.0", "paths": ["data/fake.pdf"]},
            {"id": "closed", "kind": "pdf", "licence": "proprietary", "paths": ["data/closed.pdf"]},
        ],
    )
    result = ingest_sources(spec, tmp_path / "raw", tmp_path / "work")
    assert result.records_in == 5
    assert [d.uri for d in result.records] == ["data/a.json", "data/c.csv"]
    reasons = {r.source_uri: r.reason_code for r in result.rejections}
    assert reasons == {
        "data/b.json": "exact_duplicate",
        "data/fake.pdf": "corrupt_document",
        "data/closed.pdf": "licence_not_allowed",
    }
    payloads = {r.source_uri: json.loads(r.payload) for r in result.rejections}
    assert payloads["data/fake.pdf"] == {
        "source_id": "pdfs",
        "uri": "data/fake.pdf",
        "media_type": "application/pdf",
        "byte_size": 22,
    }
    assert payloads["data/closed.pdf"]["licence"] == "proprietary"  # the document, as read
    assert all(r.stage == Stage.INGEST for r in result.rejections) and result.stage is Stage.INGEST
    for doc in result.records:
        assert (tmp_path / "raw" / doc.raw_path).read_bytes() == (tmp_path / doc.uri).read_bytes()
        assert doc.raw_path.endswith(doc.document_id)
    assert result.records[0].media_type == "application/json"
