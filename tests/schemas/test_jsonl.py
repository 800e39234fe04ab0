"""JSONL files from users: bad encodings and bad lines give one error naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.jsonl import JsonlError, read_jsonl_objects


def test_reads_objects_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n\n{"id": "b", "text": "é"}\n', encoding="utf-8")
    assert read_jsonl_objects(path) == [(1, {"id": "a", "text": "x"}), (3, {"id": "b", "text": "é"})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "a", "text": "caf\xe9"}\n', "is not UTF-8"),
        (b'{"id": "a"}\n{oops}\n', ":2 is not JSON"),
        (b"[1, 2]\n", ":1 is a JSON list"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(content)
    with pytest.raises(JsonlError, match=message):
        read_jsonl_objects(path)
    with pytest.raises(JsonlError, match="no such file"):
        read_jsonl_objects(tmp_path / "absent.jsonl")


def test_folder_is_named_as_a_folder(tmp_path):
    with pytest.raises(JsonlError, match="is a folder, not a .jsonl file"):
        read_jsonl_objects(tmp_path)
