"""Where things live in a release store: `<store>/<benchmark>/<version>/`."""

from __future__ import annotations

import re
from pathlib import Path

from schemas import ReleaseNotFoundError
from schemas.spec import validate_version

MANIFEST = "manifest.json"
REJECTED = "rejected.parquet"
CARD = "README.md"
IMAGES = "images"
PLOTS = "plots"
_REF = re.compile(r"^(?P<benchmark>[a-z0-9][a-z0-9_.-]*)@(?P<version>[^@/]+)$")


def release_dir(store: Path, benchmark: str, version: str) -> Path:
    """The folder of one release."""
    return Path(store) / benchmark / validate_version(version)


def parse_version(version: str) -> tuple[int, ...]:
    """Numeric parts of a version, for ordering."""
    return tuple(int(p) for p in re.findall(r"\d+", version.split("-")[0].split("+")[0]))


def published_versions(store: Path, benchmark: str) -> list[str]:
    """Versions of a benchmark with a manifest, oldest first."""
    root = Path(store) / benchmark
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if (p / MANIFEST).is_file() and not p.name.startswith(".")]
    return sorted(found, key=parse_version)


def next_version(store: Path, benchmark: str) -> str:
    """The next free patch version after the newest release (1.0.0 for the first)."""
    versions = published_versions(store, benchmark)
    if not versions:
        return "1.0.0"
    parts = list(parse_version(versions[-1])) + [0, 0, 0]
    major, minor, patch = parts[:3]
    return f"{major}.{minor}.{patch + 1}"


def resolve_release(ref: str, store: Path) -> Path:
    """A release folder from a path or a `benchmark@version` reference (`@latest` allowed)."""
    as_path = Path(ref)
    if (as_path / MANIFEST).is_file():
        return as_path
    match = _REF.match(ref)
    if not match:
        raise ReleaseNotFoundError(f"'{ref}' is neither a release folder nor benchmark@version")
    benchmark, version = match["benchmark"], match["version"]
    if version == "latest":
        versions = published_versions(store, benchmark)
        if not versions:
            raise ReleaseNotFoundError(f"no releases of {benchmark} in {store}")
        version = versions[-1]
    path = release_dir(store, benchmark, version)
    if not (path / MANIFEST).is_file():
        raise ReleaseNotFoundError(f"no release {benchmark}@{version} in {store}")
    return path
