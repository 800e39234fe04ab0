"""Writes a release atomically and immutably: Parquet per split, rejections, images, manifest, card."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from releases.card import render_card, render_plots
from releases.croissant import CROISSANT, croissant_metadata, validate_croissant, write_croissant
from releases.eval_exports import write_eval_views, write_harness_tasks
from releases.hub_metadata import front_matter, render_front_matter
from releases.layout import CARD, IMAGES, MANIFEST, PLOTS, REJECTED
from releases.store import ReleaseStore, open_store
from schemas import (
    BenchmarkItem,
    Rejection,
    arrow_schema,
    canonical_json,
    sha256_hex,
    to_table,
)
from schemas.ids import sha256_file

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class ReleaseInputs:
    """Everything a release is made of. Items carry their split already."""

    benchmark: str
    version: str
    spec: dict[str, Any]
    spec_hash: str
    items: Sequence[BenchmarkItem]
    rejections: Sequence[Rejection]
    stage_counts: dict[str, dict[str, Any]]
    input_fingerprints: list[dict[str, Any]]
    spec_path: str | None = None
    spec_base_dir: str | None = None
    stage_metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    image_root: Path | None = None
    extra_tables: dict[str, pa.Table] = field(default_factory=dict)
    # per vocabulary, the top branches no item falls under (the card lists them)
    empty_branches: dict[str, list[str]] = field(default_factory=dict)


def content_hash(items: Sequence[BenchmarkItem]) -> str:
    """One hash over every item's full content, in item-id order: equal hashes, equal releases."""
    rows = sorted((item.model_dump(mode="json") for item in items), key=lambda row: row["item_id"])
    return sha256_hex(canonical_json(rows))


def code_version() -> dict[str, str | bool | None]:
    """medforge's version and, when run from a git checkout, the commit and whether the tree had edits."""
    commit, dirty = None, None
    git = ["git", "-C", str(Path(__file__).parent)]
    try:
        commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5).stdout
        commit = commit.strip() or None
        if commit:
            status = subprocess.run(
                [*git, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout
            dirty = bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return {"medforge": package_version("medforge"), "git_commit": commit, "git_dirty": dirty}


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def _copy_images(items: Sequence[BenchmarkItem], image_root: Path | None, target: Path) -> int:
    copied = 0
    for ref in sorted({image.path for item in items for image in item.images}):
        if image_root is None:
            raise FileNotFoundError(f"item image {ref} but no image root given")
        source = image_root / ref
        destination = target / ref
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied += 1
    return copied


def write_release(store: ReleaseStore | Path | str, inputs: ReleaseInputs) -> Path:
    """Write the release to `<store>/<benchmark>/<version>/` and return a local folder holding it.

    In a local store the release is built in a staging folder beside its final place and renamed into
    place in one step (the returned folder is the release); in a remote store (an fsspec URL) it is
    uploaded and published by a marker written last (the returned folder is its cached copy). Either
    way a crash leaves no half release and an existing version is never touched.
    """
    target = open_store(store)
    staging = target.begin(inputs.benchmark, inputs.version)
    try:
        manifest = _write_contents(staging, inputs)
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return target.publish(staging, inputs.benchmark, inputs.version)
    except BaseException:
        target.abandon(staging)
        raise


def _write_contents(root: Path, inputs: ReleaseInputs) -> dict[str, Any]:
    items = sorted(inputs.items, key=lambda i: i.item_id)
    rejections = sorted(inputs.rejections, key=lambda r: (str(r.stage), r.record_id, r.reason_code))
    splits = sorted({item.split for item in items} | set(inputs.spec.get("splits", {})))
    files: dict[str, dict[str, Any]] = {}
    for split in splits:
        rows = [item for item in items if item.split == split]
        _write_parquet(to_table(rows, BenchmarkItem), root / f"{split}.parquet")
        files[f"{split}.parquet"] = {"rows": len(rows)}
    _write_parquet(to_table(rejections, Rejection), root / REJECTED)
    files[REJECTED] = {"rows": len(rejections)}
    for name, table in sorted(inputs.extra_tables.items()):
        _write_parquet(table, root / f"{name}.parquet")
        files[f"{name}.parquet"] = {"rows": table.num_rows}
    images = _copy_images(items, inputs.image_root, root / IMAGES)
    views, not_exported = write_eval_views(root, items, root / IMAGES)
    for view in views:
        for path, rows in view.files.values():
            files[path] = {"rows": rows}
    write_harness_tasks(root, inputs.benchmark, views)
    plots = render_plots(items, root / PLOTS)
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "benchmark": inputs.benchmark,
        "version": inputs.version,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "spec": inputs.spec,
        "spec_hash": inputs.spec_hash,
        "spec_path": inputs.spec_path,
        "spec_base_dir": inputs.spec_base_dir,
        "inputs": sorted(inputs.input_fingerprints, key=canonical_json),
        "stages": inputs.stage_counts,
        "stage_metadata": inputs.stage_metadata,
        "counts": {
            "items": len(items),
            "splits": {split: sum(1 for i in items if i.split == split) for split in splits},
            "rejected": len(rejections),
            "images": images,
        },
        "licences": sorted({item.licence for item in items}),
        "taxonomy_empty_branches": inputs.empty_branches,
        "eval_views": {
            "views": {view.kind: {split: rows for split, (_, rows) in view.files.items()} for view in views},
            "not_exported": not_exported,
        },
        "content_hash": content_hash(items),
        "item_schema": arrow_schema(BenchmarkItem).to_string(show_schema_metadata=False),
    }
    card_metadata = render_front_matter(front_matter(manifest, items, views))
    (root / CARD).write_text(render_card(manifest, items, rejections, plots, card_metadata), encoding="utf-8")
    _hash_files(root, files)
    # Croissant names every Parquet file by its sha256, so it is written last, and a release whose
    # metadata mlcroissant cannot read back is never published (the caller removes the staging folder)
    record_sets = {split: f"{split}.parquet" for split in splits}
    record_sets.update(
        {f"eval_{view.kind}_{split}": path for view in views for split, (path, _) in view.files.items()}
    )
    sha256 = {path: entry["sha256"] for path, entry in files.items()}
    languages = [item.language for item in items]
    write_croissant(root, croissant_metadata(root, manifest, record_sets, sha256, languages))
    validate_croissant(root / CROISSANT)
    _hash_files(root, files)
    manifest["files"] = files
    return manifest


def _hash_files(root: Path, files: dict[str, dict[str, Any]]) -> None:
    """Adds sha256 and size of every file under `root` not yet hashed."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and "sha256" not in files.get(relative, {}):
            entry = files.setdefault(relative, {})
            entry.update({"sha256": sha256_file(path), "bytes": path.stat().st_size})
