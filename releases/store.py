"""The release store: a local folder, or any fsspec URL (`file://`, `s3://`, `gs://`), behind one interface.

A local store (a plain path or a `file://` URL) works as it always has: a release is built in a staging
folder beside its final place and renamed into place in one step, and a version folder with a manifest
is published.

An object store has no rename (a "move" is a copy and a delete per object, neither atomic nor cheap),
so a release is built in a local staging folder, uploaded under its final prefix
`<store>/<benchmark>/<version>/`, and published by one marker object, `_PUBLISHED`, written last and
only if absent (a conditional put where the store supports it). Readers (versions, `@latest`, the next
free version, `benchmark@version`) see only versions with the marker, so an upload that stops half way
is invisible, and the next write of that version clears the leftovers and writes it again. Writing in
place rather than under a staging prefix keeps the published layout the same as a local one (the Hub
layout, openable by path) and uploads every byte once; the marker would be needed either way.

The marker records the sha256 of the manifest. A reader downloads a remote release once into a local
cache folder keyed by that hash (`$MEDFORGE_CACHE/releases/<sha256>/<benchmark>/<version>/`), checking
the manifest and every file against their recorded sha256, and every reading command then opens that
folder as a local release.

Credentials and endpoints come from the environment the filesystem reads (for S3: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ...; fsspec's FSSPEC_<PROTOCOL>_<OPTION> variables), or as
storage options passed to `open_store`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from releases.layout import MANIFEST, parse_version, release_dir
from schemas import MedforgeError, ReleaseExistsError, ReleaseNotFoundError
from schemas.ids import cache_root, sha256_file
from schemas.spec import validate_version

PUBLISHED_MARKER = "_PUBLISHED"
_REF = re.compile(r"^(?P<benchmark>[a-z0-9][a-z0-9_.-]*)@(?P<version>[^@/]+)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class StoreError(MedforgeError):
    """Raised when a release store cannot be opened, reached or read; the message names the store."""

    def __init__(self, store: str, reason: str) -> None:
        self.store = store
        self.reason = reason
        super().__init__(f"release store {store}: {reason}")


def _first_line(error: BaseException) -> str:
    """The first line of an error's message, or its class name when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def release_cache_root() -> Path:
    """Where remote releases are downloaded to: `releases` in the cache root."""
    return cache_root() / "releases"


class ReleaseStore(ABC):
    """Where versioned releases live: `<store>/<benchmark>/<version>/`."""

    location: str
    """The store as a user names it (a folder or a URL): every error names it."""

    @abstractmethod
    def published_versions(self, benchmark: str) -> list[str]:
        """Published versions of a benchmark, oldest first."""

    @abstractmethod
    def release_location(self, benchmark: str, version: str) -> str:
        """Where one release lives, as a path or URL."""

    @abstractmethod
    def is_taken(self, benchmark: str, version: str) -> bool:
        """Whether writing this version would fail because it is already published."""

    @abstractmethod
    def local_release(self, benchmark: str, version: str) -> Path:
        """A local folder holding the published release (for a remote store, its cached download)."""

    @abstractmethod
    def begin(self, benchmark: str, version: str) -> Path:
        """A new, empty local staging folder for a release; refuses a published version."""

    @abstractmethod
    def publish(self, staging: Path, benchmark: str, version: str) -> Path:
        """Publish a finished staging folder as the version; returns a local folder holding it."""

    @abstractmethod
    def abandon(self, staging: Path) -> None:
        """Remove a staging folder whose release was not published."""

    def check(self) -> None:  # noqa: B027 - a local store has nothing to check
        """Fail with a StoreError now when the store cannot be reached (a local store always can)."""

    def next_version(self, benchmark: str) -> str:
        """The next free patch version after the newest release (1.0.0 for the first)."""
        versions = self.published_versions(benchmark)
        if not versions:
            return "1.0.0"
        parts = list(parse_version(versions[-1])) + [0, 0, 0]
        major, minor, patch = parts[:3]
        return f"{major}.{minor}.{patch + 1}"

    def resolve(self, ref: str) -> Path:
        """A local release folder from a folder path or a `benchmark@version` reference (`@latest`)."""
        as_path = Path(ref)
        if not _URL.match(ref) and (as_path / MANIFEST).is_file():
            return as_path
        match = _REF.match(ref)
        if not match:
            raise ReleaseNotFoundError(f"'{ref}' is neither a release folder nor benchmark@version")
        benchmark, version = match["benchmark"], match["version"]
        if version == "latest":
            versions = self.published_versions(benchmark)
            if not versions:
                raise ReleaseNotFoundError(f"no releases of {benchmark} in {self.location}")
            version = versions[-1]
        return self.local_release(benchmark, version)


class LocalStore(ReleaseStore):
    """A store in a local folder: staging folder, then one atomic rename."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.location = str(self.root)

    def published_versions(self, benchmark: str) -> list[str]:
        root = self.root / benchmark
        if not root.is_dir():
            return []
        found = [p.name for p in root.iterdir() if (p / MANIFEST).is_file() and not p.name.startswith(".")]
        return sorted(found, key=parse_version)

    def release_location(self, benchmark: str, version: str) -> str:
        return str(release_dir(self.root, benchmark, version))

    def is_taken(self, benchmark: str, version: str) -> bool:
        return release_dir(self.root, benchmark, version).exists()

    def local_release(self, benchmark: str, version: str) -> Path:
        path = release_dir(self.root, benchmark, version)
        if not (path / MANIFEST).is_file():
            raise ReleaseNotFoundError(f"no release {benchmark}@{version} in {self.location}")
        return path

    def begin(self, benchmark: str, version: str) -> Path:
        final = release_dir(self.root, benchmark, version)
        if final.exists():
            raise ReleaseExistsError(benchmark, version, str(final))
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = final.parent / f".staging-{version}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        return staging

    def publish(self, staging: Path, benchmark: str, version: str) -> Path:
        final = release_dir(self.root, benchmark, version)
        _make_read_only(staging)
        try:
            os.rename(staging, final)
        except OSError:
            raise ReleaseExistsError(benchmark, version, str(final)) from None
        return final

    def abandon(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)


def _make_read_only(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


class RemoteStore(ReleaseStore):
    """A store behind an fsspec filesystem (s3://, gs://, memory://, ...): upload, then the marker."""

    def __init__(self, url: str, fs: Any, root: str, cache_root: Path | None = None) -> None:
        self.location = url
        self.fs = fs
        self.root = root.rstrip("/")
        self.cache_root = cache_root or release_cache_root()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turns whatever the filesystem raises into one line naming the store and what was being done."""
        try:
            yield
        except MedforgeError:
            raise
        except Exception as error:  # botocore, aiohttp and fsspec errors share no base class
            reason = _first_line(error)
            raise StoreError(self.location, f"cannot {doing}: {reason}") from None

    def _prefix(self, benchmark: str, version: str | None = None) -> str:
        return f"{self.root}/{benchmark}" + (f"/{validate_version(version)}" if version else "")

    def _marker(self, benchmark: str, version: str) -> dict[str, Any] | None:
        path = f"{self._prefix(benchmark, version)}/{PUBLISHED_MARKER}"
        with self._errors(f"read {path}"):
            self.fs.invalidate_cache()
            try:
                return json.loads(self.fs.cat_file(path))
            except FileNotFoundError:
                return None

    def check(self) -> None:
        with self._errors("list it"):
            self.fs.invalidate_cache()
            try:
                self.fs.ls(self.root, detail=False)
            except FileNotFoundError:
                pass  # an empty store: the first release creates it

    def published_versions(self, benchmark: str) -> list[str]:
        prefix = self._prefix(benchmark)
        with self._errors(f"list the versions of {benchmark}"):
            self.fs.invalidate_cache()
            try:
                entries = self.fs.ls(prefix, detail=False)
            except FileNotFoundError:
                return []
            names = sorted({e.rstrip("/").rsplit("/", 1)[-1] for e in entries})
            candidates = [n for n in names if not n.startswith(".") and parse_version(n)]
            if not candidates:
                return []
            markers = [f"{prefix}/{name}/{PUBLISHED_MARKER}" for name in candidates]
            found = self.fs.cat(markers, on_error="omit")
        published = {self.fs._strip_protocol(path).rsplit("/", 2)[-2] for path in found}
        return sorted((n for n in candidates if n in published), key=parse_version)

    def release_location(self, benchmark: str, version: str) -> str:
        return f"{self.location.rstrip('/')}/{benchmark}/{validate_version(version)}"

    def is_taken(self, benchmark: str, version: str) -> bool:
        return self._marker(benchmark, version) is not None

    def local_release(self, benchmark: str, version: str) -> Path:
        marker = self._marker(benchmark, version)
        if marker is None:
            raise ReleaseNotFoundError(f"no release {benchmark}@{version} in {self.location}")
        manifest_sha = str(marker.get("manifest_sha256", ""))
        if not re.fullmatch(r"[0-9a-f]{64}", manifest_sha):
            raise StoreError(self.location, f"{benchmark}@{version} has a damaged {PUBLISHED_MARKER} marker")
        cached = self.cache_root / manifest_sha / benchmark / version
        if (cached / MANIFEST).is_file():
            return cached
        return self._download(benchmark, version, manifest_sha)

    def _download(self, benchmark: str, version: str, manifest_sha: str) -> Path:
        """Download a release into the cache, checking every file, and move it into place in one rename."""
        prefix = self._prefix(benchmark, version)
        self.cache_root.mkdir(parents=True, exist_ok=True)
        scratch = self.cache_root / f".download-{uuid.uuid4().hex[:12]}"
        target = scratch / benchmark / version
        target.mkdir(parents=True)
        try:
            with self._errors(f"download {benchmark}@{version}"):
                self.fs.get_file(f"{prefix}/{MANIFEST}", str(target / MANIFEST))
                if sha256_file(target / MANIFEST) != manifest_sha:
                    raise StoreError(
                        self.location, f"{benchmark}@{version}: manifest.json does not match its marker"
                    )
                files = json.loads((target / MANIFEST).read_text(encoding="utf-8")).get("files", {})
                names = sorted(name for name in files if name != MANIFEST)
                outside = [n for n in names if Path(n).is_absolute() or ".." in Path(n).parts]
                if outside:  # a manifest naming files outside its release is not downloaded at all
                    raise StoreError(
                        self.location,
                        f"{benchmark}@{version}: manifest names a file outside the release: {outside[0]}",
                    )
                for name in names:
                    (target / name).parent.mkdir(parents=True, exist_ok=True)
                if names:
                    self.fs.get([f"{prefix}/{n}" for n in names], [str(target / n) for n in names])
            for name in names:
                if sha256_file(target / name) != files[name].get("sha256"):
                    raise StoreError(
                        self.location, f"{benchmark}@{version}: {name} does not match its sha256"
                    )
            final = self.cache_root / manifest_sha
            try:
                os.rename(scratch, final)
            except OSError:  # another reader cached it first: the same bytes
                shutil.rmtree(scratch, ignore_errors=True)
            return final / benchmark / version
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise

    def begin(self, benchmark: str, version: str) -> Path:
        if self.is_taken(benchmark, version):
            raise ReleaseExistsError(benchmark, version, self.release_location(benchmark, version))
        self.cache_root.mkdir(parents=True, exist_ok=True)
        staging = self.cache_root / f".staging-{uuid.uuid4().hex[:12]}" / benchmark / version
        staging.mkdir(parents=True)
        return staging

    def publish(self, staging: Path, benchmark: str, version: str) -> Path:
        prefix = self._prefix(benchmark, version)
        manifest_sha = sha256_file(staging / MANIFEST)
        local = sorted(p for p in staging.rglob("*") if p.is_file())
        remote = [f"{prefix}/{p.relative_to(staging).as_posix()}" for p in local]
        with self._errors(f"upload {benchmark}@{version}"):
            if self.is_taken(benchmark, version):
                raise ReleaseExistsError(benchmark, version, self.release_location(benchmark, version))
            self.fs.invalidate_cache()
            if self.fs.exists(prefix):  # an upload that stopped before its marker: never published
                self.fs.rm(prefix, recursive=True)
            self.fs.put([str(p) for p in local], remote)
            marker = {
                "benchmark": benchmark,
                "version": version,
                "manifest_sha256": manifest_sha,
                "files": len(local),
                "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            data = (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode()
            try:
                self.fs.pipe_file(f"{prefix}/{PUBLISHED_MARKER}", data, mode="create")
            except FileExistsError:
                raise ReleaseExistsError(
                    benchmark, version, self.release_location(benchmark, version)
                ) from None
        # the staged folder is exactly what was published: it becomes the cached copy
        scratch = staging.parent.parent
        final = self.cache_root / manifest_sha
        try:
            os.rename(scratch, final)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
        return final / benchmark / version

    def abandon(self, staging: Path) -> None:
        shutil.rmtree(staging.parent.parent, ignore_errors=True)


def _local_path_of_file_url(url: str) -> Path:
    parsed = urlparse(url)
    if parsed.netloc not in ("", "localhost"):
        raise StoreError(url, f"a file:// URL names a local folder, not host '{parsed.netloc}'")
    return Path(unquote(parsed.path))


def open_store(store: ReleaseStore | Path | str, **storage_options: Any) -> ReleaseStore:
    """The release store a `--store` value or MEDFORGE_STORE names: a folder, a `file://` URL or any
    fsspec URL (`s3://bucket/prefix`, `gs://...`). Storage options go to the fsspec filesystem."""
    if isinstance(store, ReleaseStore):
        return store
    text = str(store)
    if not _URL.match(text):
        return LocalStore(Path(text))
    protocol = text.split("://", 1)[0].lower()
    if protocol in ("file", "local"):
        return LocalStore(_local_path_of_file_url(text))
    try:
        import fsspec
        from fsspec.registry import known_implementations
    except ImportError:  # pragma: no cover - fsspec is a dependency
        raise StoreError(text, "needs fsspec (pip install fsspec)") from None
    if protocol not in known_implementations and protocol not in fsspec.available_protocols():
        raise StoreError(text, f"unknown protocol '{protocol}' (use a folder, file://, s3://, gs:// ...)")
    options = dict(storage_options)
    try:
        # a fresh filesystem: no listing cached from before, and today's environment (AWS_ENDPOINT_URL,
        # credentials, FSSPEC_<PROTOCOL>_<OPTION>) rather than that of the first store opened
        fs = fsspec.filesystem(protocol, skip_instance_cache=True, **options)
    except ImportError as error:
        raise StoreError(text, f"the {protocol}:// filesystem is not installed ({error})") from None
    except Exception as error:
        reason = _first_line(error)
        raise StoreError(text, f"cannot open it: {reason}") from None
    root = fs._strip_protocol(text).rstrip("/")
    if not root:
        raise StoreError(text, "the URL names no bucket or folder")
    return RemoteStore(text.rstrip("/"), fs, root)


def published_versions(store: ReleaseStore | Path | str, benchmark: str) -> list[str]:
    """Published versions of a benchmark in a store, oldest first."""
    return open_store(store).published_versions(benchmark)


def next_version(store: ReleaseStore | Path | str, benchmark: str) -> str:
    """The next free patch version after the newest release in a store (1.0.0 for the first)."""
    return open_store(store).next_version(benchmark)


def resolve_release(ref: str, store: ReleaseStore | Path | str) -> Path:
    """A local release folder from a path or a `benchmark@version` reference (`@latest` allowed),
    downloaded to the cache when the store is remote."""
    as_path = Path(ref)
    if not _URL.match(ref) and (as_path / MANIFEST).is_file():
        return as_path  # a folder needs no store (and a bad --store must not stop it)
    return open_store(store).resolve(ref)
