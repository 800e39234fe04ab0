"""An exam bank that ships its pictures: `medforge import` finds the image folder, and the build
releases the question with its picture as a VQA item (image in the release and in the eval view)
where a question whose picture is missing is rejected `needs_image`, saying which file was missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from typer.testing import CliRunner

from pipelines.build import run_build
from pipelines.cli import app
from releases import Release
from tests.conftest import fixtures_root

STEMS = (
    "尿沈渣の Sternheimer 染色標本を別に示す。矢印で示す成分はどれか。",
    "次の写真に示す虫卵はどれか。",
    "採血に伴う血管迷走神経反射で正しいのはどれか。",
    "毒物及び劇物取締法で劇物に指定されているのはどれか。",
)


def _bank(tmp_path: Path) -> Path:
    """A bank as the jp_rinsho app lays it out: questions in src/data, pictures in public/am58."""
    picture = fixtures_root() / "exams_wild" / "jp_rinsho" / "public" / "am58" / "am-image-000.png"
    root = tmp_path / "bank"
    (root / "public" / "am58").mkdir(parents=True)
    shutil.copyfile(picture, root / "public" / "am58" / "am-image-000.png")
    rows = [
        {
            "id": n + 1,
            "text": stem,
            "options": ["赤血球", "白血球", "円柱", "結晶", "細菌"],
            "correctAnswers": [n % 5],
        }
        for n, stem in enumerate(STEMS)
    ]
    rows[0]["isImageUrl"] = "/am58/am-image-000.png"
    rows[1]["isImageUrl"] = "/am58/am-image-001.png"  # named, not shipped
    (root / "src" / "data").mkdir(parents=True)
    (root / "src" / "data" / "bank.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return root


def test_import_finds_the_image_folder_and_the_build_releases_the_picture(tmp_path: Path) -> None:
    spec_path = tmp_path / "spec.yaml"
    result = CliRunner().invoke(app, ["import", str(_bank(tmp_path)), "--out", str(spec_path)])
    assert result.exit_code == 0, result.output
    options = yaml.safe_load(spec_path.read_text("utf-8"))["sources"][0]["options"]
    assert options["fields"]["images"] == "isImageUrl" and options["image_root"] == "../../public"
    outcome = run_build(spec_path, "1.0.0", tmp_path / "store", tmp_path / "work")
    release = Release.open(outcome.release_path)
    items = {i.question: i for i in release.items()}
    with_picture = items[STEMS[0]]
    assert with_picture.task == "vqa" and [o.text for o in with_picture.options][:2] == ["赤血球", "白血球"]
    (image,) = with_picture.images
    shipped = outcome.release_path / "images" / image.path
    assert shipped.read_bytes() == (tmp_path / "bank" / "public" / "am58" / "am-image-000.png").read_bytes()
    assert STEMS[1] not in items and STEMS[2] in items and items[STEMS[2]].task == "mcq_single"
    rejected = [r for r in release.rejections() if r.reason_code == "needs_image"]
    assert len(rejected) == 1 and "image not found under" in rejected[0].message
    assert "am-image-001.png" in rejected[0].message
    view = pq.read_table(outcome.release_path / "eval" / "vqa" / f"{with_picture.split}.parquet").to_pylist()
    assert [row["question"] for row in view] == [STEMS[0]]
    assert view[0]["images"][0]["bytes"] == shipped.read_bytes() and view[0]["choices"][0] == "赤血球"


def test_an_image_path_never_reaches_outside_the_image_folder(tmp_path: Path) -> None:
    from extractors.exam_image_files import find_image

    root = tmp_path / "public"
    (root / "am58").mkdir(parents=True)
    picture = fixtures_root() / "exams_wild" / "jp_rinsho" / "public" / "am58" / "am-image-000.png"
    shutil.copyfile(picture, root / "am58" / "a.png")
    shutil.copyfile(picture, tmp_path / "secret.png")
    (root / "link.png").symlink_to(tmp_path / "secret.png")
    assert find_image(root, "/am58/a.png") == (root / "am58" / "a.png").resolve()
    assert find_image(root, "../secret.png") is None  # a path out of the folder
    assert find_image(root, "link.png") is None  # a link out of the folder
    assert find_image(root, "https://example.org/a.png") is None  # a URL is not fetched
    assert find_image(root, "am58/missing.png") is None
