"""Image files an exam bank ships beside its questions, attached to the questions that name them.

A bank row often names its picture by a path (`"isImageUrl": "/am58/am-image-000.png"`). When the
source's `image_root` holds that file, the question gets it as a content-addressed copy in the build's
image folder (the release writer copies it from there), and the item stage releases it as a VQA item
instead of rejecting it as `needs_image`. A question is given its images only when every one it names
is found: half the pictures of a question is not the question.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from schemas import ExamQuestion, ImageRef

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
FOLDER = "exam"
"""Sub-folder of the build's image folder (and the release's images/) for exam images."""


def _local_ref(ref: str) -> str | None:
    """A ref as a relative path, or None for a URL (fetched by nobody here) or an empty one."""
    ref = ref.strip()
    if not ref or "://" in ref or ref.startswith("data:"):
        return None
    return ref.lstrip("/").removeprefix("./")


def find_image(root: Path, ref: str) -> Path | None:
    """The file a ref names under `root`, if it is an image file there (never outside root)."""
    relative = _local_ref(ref)
    if relative is None:
        return None
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    return path if path.is_file() else None


def store_image(path: Path, image_dir: Path) -> ImageRef:
    """Copies an image into the build's image folder under its sha256 and returns its reference."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{FOLDER}/{digest[:2]}/{digest}{path.suffix.lower()}"
    target = image_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, partial)
        partial.replace(target)
    return ImageRef(path=relative, sha256=digest)


def attach_images(question: ExamQuestion, root: Path, image_dir: Path) -> ExamQuestion:
    """The question with the images it names found under `root`; when they are not all there it is
    returned as it was, with what was missing added to its image evidence."""
    if not question.image_refs:
        return question
    found = [find_image(root, ref) for ref in question.image_refs]
    if all(found):
        images = [store_image(path, image_dir) for path in found if path is not None]
        return question.model_copy(update={"images": images})
    missing = next(ref for ref, path in zip(question.image_refs, found, strict=True) if path is None)
    note = f"image not found under {root}: {missing[:80]}"
    evidence = "; ".join(filter(None, [question.image_evidence, note]))
    return question.model_copy(update={"image_evidence": evidence})


def infer_image_root(refs: Sequence[str], folders: Sequence[Path]) -> Path | None:
    """The folder a bank's image paths are relative to: under the given folders, the one where most
    of the local refs name an existing image ('/am58/x.png' found as public/am58/x.png -> public)."""
    wanted = [r for r in (_local_ref(ref) for ref in refs) if r]
    if not wanted:
        return None
    votes: dict[Path, int] = {}
    for folder in folders:
        images = [p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
        for ref in wanted:
            for path in images:
                if path.as_posix().endswith("/" + ref):
                    root = Path(path.as_posix()[: -len(ref) - 1])
                    votes[root] = votes.get(root, 0) + 1
                    break
    return max(votes, key=lambda r: (votes[r], -len(r.parts))) if votes else None
