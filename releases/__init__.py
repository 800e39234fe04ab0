"""The versioned Parquet release store: writer, reader, manifest, diff, dataset card."""

from releases.diff import ReleaseDiff, diff_releases
from releases.layout import next_version, published_versions, release_dir, resolve_release
from releases.reader import Release
from releases.splits import assign_splits
from releases.writer import ReleaseInputs, content_hash, write_release

__all__ = [
    "Release",
    "ReleaseDiff",
    "ReleaseInputs",
    "assign_splits",
    "content_hash",
    "diff_releases",
    "next_version",
    "published_versions",
    "release_dir",
    "resolve_release",
    "write_release",
]
