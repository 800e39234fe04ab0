"""The versioned Parquet release store: writer, reader, manifest, diff, dataset card."""

from releases.diff import ReleaseDiff, diff_releases
from releases.layout import release_dir
from releases.reader import Release
from releases.splits import assign_splits
from releases.store import (
    LocalStore,
    ReleaseStore,
    RemoteStore,
    StoreError,
    next_version,
    open_store,
    published_versions,
    resolve_release,
)
from releases.writer import ReleaseInputs, content_hash, write_release

__all__ = [
    "LocalStore",
    "Release",
    "ReleaseDiff",
    "ReleaseInputs",
    "ReleaseStore",
    "RemoteStore",
    "StoreError",
    "assign_splits",
    "content_hash",
    "diff_releases",
    "next_version",
    "open_store",
    "published_versions",
    "release_dir",
    "resolve_release",
    "write_release",
]
