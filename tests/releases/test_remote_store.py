"""Release stores behind fsspec: file:// URLs, and S3 (a moto server on 127.0.0.1) published by a marker."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from releases import (
    LocalStore,
    Release,
    ReleaseInputs,
    RemoteStore,
    StoreError,
    assign_splits,
    open_store,
    resolve_release,
    write_release,
)
from releases.store import PUBLISHED_MARKER
from schemas import ReleaseExistsError, ReleaseNotFoundError
from tests.conftest import S3Server, free_port


def _inputs(items, version: str = "1.0.0") -> ReleaseInputs:
    return ReleaseInputs(
        benchmark="unit-bench",
        version=version,
        spec={
            "benchmark": "unit-bench",
            "sources": [{"id": "unit", "kind": "pdf", "licence": "CC-BY-4.0"}],
            "splits": {"test": 0.5, "dev": 0.5},
        },
        spec_hash="0" * 64,
        items=items,
        rejections=[],
        stage_counts={
            "curate": {"in": len(items), "out": len(items), "rejected": 0, "quarantined": 0, "reasons": {}}
        },
        input_fingerprints=[{"source_id": "unit", "uri": "u", "sha256": "a" * 64}],
    )


@pytest.fixture
def items(make_item):
    made = [make_item(question=f"Which remote question number {n}?") for n in range(8)]
    return assign_splits(made, {"test": 0.5, "dev": 0.5}, seed=0)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The download cache of remote releases, per test."""
    monkeypatch.setenv("MEDFORGE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "releases"


def test_a_file_url_is_the_local_store(tmp_path: Path, items) -> None:
    store = open_store(f"file://{tmp_path}/store")
    assert isinstance(store, LocalStore) and store.root == tmp_path / "store"
    path = write_release(f"file://{tmp_path}/store", _inputs(items))
    assert path == tmp_path / "store" / "unit-bench" / "1.0.0"
    assert resolve_release("unit-bench@latest", f"file://{tmp_path}/store") == path
    assert open_store(tmp_path / "store").next_version("unit-bench") == "1.0.1"


def test_s3_release_is_published_by_its_marker_and_read_from_a_cache_keyed_by_the_manifest(
    s3_server: S3Server, cache: Path, items
) -> None:
    bucket = s3_server.new_bucket()
    url = f"s3://{bucket}/releases"
    path = write_release(url, _inputs(items))
    keys = s3_server.keys(bucket)
    assert f"releases/unit-bench/1.0.0/{PUBLISHED_MARKER}" in keys
    assert {"releases/unit-bench/1.0.0/test.parquet", "releases/unit-bench/1.0.0/manifest.json"} <= set(keys)
    store = open_store(url)
    assert isinstance(store, RemoteStore)
    assert store.published_versions("unit-bench") == ["1.0.0"]
    assert store.next_version("unit-bench") == "1.0.1"
    marker = json.loads(store.fs.cat_file(f"{bucket}/releases/unit-bench/1.0.0/{PUBLISHED_MARKER}"))
    assert marker["benchmark"] == "unit-bench" and marker["version"] == "1.0.0"
    # the writer's staged folder is the cached copy: no download for the writer
    assert path == cache / marker["manifest_sha256"] / "unit-bench" / "1.0.0"
    written = sorted(i.item_id for i in Release.open(path).items())
    # a fresh reader downloads it, checks every file, and opens it locally
    import shutil

    shutil.rmtree(cache)
    fetched = resolve_release("unit-bench@latest", url)
    assert fetched == path and (fetched / "manifest.json").is_file()
    assert (
        sorted(i.item_id for i in Release.open(fetched).items())
        == written
        == sorted(i.item_id for i in items)
    )
    # published is immutable: a second write names the version and changes nothing
    with pytest.raises(
        ReleaseExistsError, match=rf"unit-bench@1\.0\.0 already exists at {url}/unit-bench/1\.0\.0"
    ):
        write_release(url, _inputs(items[:2]))
    assert Release.open(resolve_release("unit-bench@1.0.0", url)).manifest["counts"]["items"] == 8


def test_an_interrupted_upload_leaves_no_release_and_the_next_write_succeeds(
    s3_server: S3Server, cache: Path, items, monkeypatch: pytest.MonkeyPatch
) -> None:
    import s3fs

    bucket = s3_server.new_bucket()
    url = f"s3://{bucket}/store"
    real_put = s3fs.S3FileSystem._put_file
    started: list[str] = []
    uploaded: list[str] = []

    async def put_then_fail(self, lpath, rpath, *args, **kwargs):
        """The first three files go up; every later one fails once those three are there."""
        started.append(rpath)
        if len(started) > 3:
            while len(uploaded) < 3:
                await asyncio.sleep(0.01)
            raise ConnectionResetError("connection reset by peer")
        result = await real_put(self, lpath, rpath, *args, **kwargs)
        uploaded.append(rpath)
        return result

    monkeypatch.setattr(s3fs.S3FileSystem, "_put_file", put_then_fail)
    with pytest.raises(StoreError, match=rf"release store {url}: cannot upload unit-bench@1\.0\.0"):
        write_release(url, _inputs(items))
    left = s3_server.keys(bucket, "store/unit-bench/1.0.0/")
    assert len(left) == 3 and not any(k.endswith(PUBLISHED_MARKER) for k in left)
    assert open_store(url).published_versions("unit-bench") == []
    assert open_store(url).next_version("unit-bench") == "1.0.0"
    with pytest.raises(ReleaseNotFoundError, match=r"no release unit-bench@1\.0\.0"):
        resolve_release("unit-bench@1.0.0", url)
    assert not list(cache.glob(".staging-*")), "the local staging folder is removed"

    monkeypatch.setattr(s3fs.S3FileSystem, "_put_file", real_put)
    open_store(url).fs.pipe_file(f"{bucket}/store/unit-bench/1.0.0/stale.parquet", b"left over")
    path = write_release(url, _inputs(items))
    keys = s3_server.keys(bucket, "store/unit-bench/1.0.0/")
    assert f"store/unit-bench/1.0.0/{PUBLISHED_MARKER}" in keys
    assert "store/unit-bench/1.0.0/stale.parquet" not in keys, "leftovers of the failed upload are cleared"
    assert open_store(url).published_versions("unit-bench") == ["1.0.0"]
    assert len(Release.open(path).items()) == 8


def test_a_damaged_remote_file_is_refused_on_download(s3_server: S3Server, cache: Path, items) -> None:
    import shutil

    bucket = s3_server.new_bucket()
    url = f"s3://{bucket}"
    write_release(url, _inputs(items))
    shutil.rmtree(cache)
    open_store(url).fs.pipe_file(f"{bucket}/unit-bench/1.0.0/test.parquet", b"not parquet")
    with pytest.raises(StoreError, match=r"unit-bench@1\.0\.0: test\.parquet does not match its sha256"):
        resolve_release("unit-bench@1.0.0", url)
    assert not [p for p in cache.iterdir() if not p.name.startswith(".")], "nothing damaged is cached"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("foo://bucket/x", "unknown protocol 'foo' (use a folder, file://, s3://, gs:// ...)"),
        ("s3://", "the URL names no bucket or folder"),
        ("file://elsewhere/x", "a file:// URL names a local folder, not host 'elsewhere'"),
    ],
)
def test_a_bad_store_url_is_one_line_naming_it(url: str, reason: str) -> None:
    with pytest.raises(StoreError) as raised:
        open_store(url)
    assert str(raised.value) == f"release store {url}: {reason}"


def test_an_unreachable_endpoint_is_one_line_naming_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "medforge-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "medforge-test")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(StoreError) as raised:
        open_store("s3://medforge-nowhere/releases").published_versions("unit-bench")
    message = str(raised.value)
    assert message.startswith("release store s3://medforge-nowhere/releases: cannot list the versions")
    assert "Could not connect to the endpoint URL" in message and "\n" not in message
    assert time.monotonic() - started < 30
