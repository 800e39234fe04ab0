"""Publishing a release as a Hugging Face dataset repository: to a folder (dry run) or to the Hub.

A release folder already is the Hub layout (card with front matter, Parquet per split, images,
croissant.json); publishing adds the `.gitattributes` a Hub repository keeps its binaries in LFS
with, replaces the previous version's files, and marks the version: `manifest.json` in a folder, a
`v<version>` tag on the Hub. A version that is already there (or a newer one) is never uploaded again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from releases.layout import MANIFEST, parse_version
from schemas import MedforgeError

HUB_PREFIX = "hf://"
GITATTRIBUTES = ".gitattributes"
LFS_PATTERNS = ("*.parquet", "*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff", "*.webp", "*.gif")
KEPT_IN_TARGET = {".git", GITATTRIBUTES}


class PublishError(MedforgeError):
    """Raised when a release cannot be published: the version is already there, no token, a bad target."""


@dataclass(frozen=True)
class Published:
    """Where a release went and what was written."""

    target: str
    files: int
    bytes: int
    tag: str | None = None


def hub_tag(version: str) -> str:
    """The Hub tag of a version."""
    return f"v{version}"


def _release_files(release: Path) -> list[Path]:
    return sorted(p for p in release.rglob("*") if p.is_file())


def _gitattributes() -> str:
    return "".join(f"{pattern} filter=lfs diff=lfs merge=lfs -text\n" for pattern in LFS_PATTERNS)


def _refuse_published(benchmark: str, version: str, present: str | None, where: str) -> None:
    if present is None:
        return
    if present == version:
        raise PublishError(f"{benchmark}@{version} is already published at {where}; publish a new version")
    if parse_version(present) > parse_version(version):
        raise PublishError(
            f"{where} holds {benchmark}@{present}, newer than {version}: "
            "an older version is not published over it"
        )


def publish_to_folder(release: Path, target: Path) -> Published:
    """Writes the Hub repository layout of `release` into `target` (a clone of the repo, or empty).

    Files of an earlier version are removed (`.git` and `.gitattributes` are kept); the same version
    twice, or an older one over a newer, is refused.
    """
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    benchmark, version = manifest["benchmark"], manifest["version"]
    if target.exists() and not target.is_dir():
        raise PublishError(f"--to {target} is a file, not a folder")
    present = None
    if (target / MANIFEST).is_file():
        there = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        if there.get("benchmark") != benchmark:
            raise PublishError(f"{target} holds benchmark {there.get('benchmark')!r}, not {benchmark!r}")
        present = there.get("version")
    elif target.is_dir() and any(p.name not in KEPT_IN_TARGET for p in target.iterdir()):
        raise PublishError(f"{target} is not empty and holds no medforge release; give an empty folder")
    _refuse_published(benchmark, version, present, str(target))
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(target.iterdir()):
        if entry.name not in KEPT_IN_TARGET:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    total = 0
    files = _release_files(release)
    for path in files:
        destination = target / path.relative_to(release)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        total += path.stat().st_size
    (target / GITATTRIBUTES).write_text(_gitattributes(), encoding="utf-8")
    return Published(str(target), len(files) + 1, total)


class HubApi(Protocol):
    """The part of `huggingface_hub.HfApi` publishing uses."""

    def create_repo(self, repo_id: str, **kwargs: Any) -> Any: ...
    def list_repo_refs(self, repo_id: str, **kwargs: Any) -> Any: ...
    def upload_folder(self, **kwargs: Any) -> Any: ...
    def create_tag(self, repo_id: str, **kwargs: Any) -> Any: ...


def hub_repo_id(target: str) -> str:
    """`ORG/NAME` from `hf://ORG/NAME` (or `hf://datasets/ORG/NAME`)."""
    repo = target[len(HUB_PREFIX) :].strip("/")
    repo = repo.removeprefix("datasets/")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise PublishError(f"'{target}' is not hf://ORG/NAME")
    return repo


def publish_to_hub(release: Path, target: str, api: HubApi | None = None, private: bool = False) -> Published:
    """Uploads the release to a Hub dataset repository in one commit and tags it `v<version>`.

    Needs a token (HF_TOKEN or `huggingface-cli login`); a version whose tag exists is refused before
    anything is uploaded.
    """
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    benchmark, version = manifest["benchmark"], manifest["version"]
    repo_id = hub_repo_id(target)
    if api is None:
        from huggingface_hub import HfApi, get_token

        token = os.environ.get("HF_TOKEN") or get_token()
        if not token:
            raise PublishError(
                f"publishing to {target} needs a Hugging Face token: set HF_TOKEN "
                "(or use --to DIR for a dry run)"
            )
        api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
    tags = [ref.name for ref in api.list_repo_refs(repo_id, repo_type="dataset").tags]
    versions = [tag[1:] for tag in tags if tag.startswith("v") and parse_version(tag[1:])]
    newest = max(versions, key=parse_version) if versions else None
    if hub_tag(version) in tags:
        _refuse_published(benchmark, version, version, target)
    _refuse_published(benchmark, version, newest, target)
    with tempfile.TemporaryDirectory(prefix="medforge-publish-") as scratch:
        staged = Path(scratch) / "repo"
        written = publish_to_folder(release, staged)
        api.upload_folder(
            folder_path=str(staged),
            repo_id=repo_id,
            repo_type="dataset",
            commit_message=f"{benchmark} {version} (content hash {manifest['content_hash'][:12]})",
            delete_patterns=["*"],
        )
    api.create_tag(repo_id, tag=hub_tag(version), repo_type="dataset")
    return Published(target, written.files, written.bytes, hub_tag(version))
