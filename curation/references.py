"""Loaders for public reference benchmarks (MedAgentsBench jsonl, PubMedQA json, MMLU csv) and item files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curation.texts import ItemText
from schemas import BenchmarkItem, MedforgeError
from schemas.jsonl import read_jsonl_objects

REFERENCE_SUFFIXES = (".jsonl", ".json", ".csv")


class ReferenceFormatError(MedforgeError):
    """Raised when a reference or item file cannot be read in any known format; names the file."""


@dataclass(frozen=True)
class ReferenceItem:
    """One item of a public benchmark: `ref_id` is '<benchmark>:<id>'."""

    ref_id: str
    benchmark: str
    question: str
    options: tuple[str, ...] = ()
    answer: str | None = None

    def as_text(self) -> ItemText:
        """The comparable form (no language: references are compared whatever their language)."""
        return ItemText.make(self.ref_id, self.question, self.options)


def _benchmark_name(path: Path) -> str:
    stem = path.stem
    return stem if path.parent.name in ("", ".") else f"{path.parent.name}/{stem}"


def _options(raw: object) -> tuple[str, ...]:
    if isinstance(raw, dict):
        return tuple(str(v) for _, v in sorted(raw.items()))
    if isinstance(raw, list):
        return tuple(str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in raw)
    return ()


def _from_jsonl(path: Path) -> list[ReferenceItem]:
    name = _benchmark_name(path)
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError(f"line {line_no} is a JSON {type(row).__name__}, not an object")
        question = row.get("question") or row.get("text") or ""
        local = row.get("realidx", row.get("id", line_no))
        out.append(
            ReferenceItem(f"{name}:{local}", name, question, _options(row.get("options")), row.get("answer"))
        )
    return out


def _from_pubmedqa(path: Path, data: dict) -> list[ReferenceItem]:
    name = _benchmark_name(path)
    return [
        ReferenceItem(f"{name}:{pmid}", name, str(row.get("QUESTION", "")), (), row.get("final_decision"))
        for pmid, row in sorted(data.items())
    ]


def _from_mmlu_csv(path: Path) -> list[ReferenceItem]:
    name = _benchmark_name(path)
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_no, row in enumerate(csv.reader(handle), 1):
            if len(row) < 3:
                continue
            options, answer = tuple(row[1:-1]), row[-1].strip()
            letter = ord(answer) - ord("A") if len(answer) == 1 and answer.isalpha() else -1
            text = options[letter] if 0 <= letter < len(options) else answer
            out.append(ReferenceItem(f"{name}:{row_no}", name, row[0], options, text))
    return out


def load_reference_file(path: Path) -> list[ReferenceItem]:
    """One reference file in whichever known format its extension and content say."""
    try:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            return _from_jsonl(path)
        if suffix == ".csv":
            return _from_mmlu_csv(path)
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and all(isinstance(v, dict) and "QUESTION" in v for v in data.values()):
                return _from_pubmedqa(path, data)
            if isinstance(data, list):
                if not all(isinstance(r, dict) for r in data):
                    raise ValueError("a JSON list of reference items must hold objects")
                return [
                    ReferenceItem(
                        f"{_benchmark_name(path)}:{r.get('id', i)}",
                        _benchmark_name(path),
                        r.get("question", ""),
                        _options(r.get("options")),
                    )
                    for i, r in enumerate(data)
                ]
    except (ValueError, UnicodeDecodeError, KeyError) as error:
        raise ReferenceFormatError(f"cannot read reference file {path}: {error}") from None
    raise ReferenceFormatError(
        f"unknown reference format: {path} (expected .jsonl, .json or headerless .csv)"
    )


def load_references(paths: Iterable[Path | str]) -> list[ReferenceItem]:
    """All reference items under the given files or folders (folders searched recursively)."""
    out: list[ReferenceItem] = []
    given = [Path(raw) for raw in paths]
    for path in given:
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REFERENCE_SUFFIXES
            )
            if not files:
                raise ReferenceFormatError(
                    f"no reference files ({', '.join(REFERENCE_SUFFIXES)}) under {path}"
                )
            for file in files:
                out.extend(load_reference_file(file))
        elif path.is_file():
            out.extend(load_reference_file(path))
        else:
            raise ReferenceFormatError(f"missing reference path {path}")
    if given and not out:
        # an empty reference set would report every item clean: refuse it instead
        raise ReferenceFormatError(f"no reference items in {', '.join(map(str, given))}")
    return out


def load_item_texts(path: Path) -> tuple[list[ItemText], list[BenchmarkItem] | None]:
    """Rows of an items .jsonl as comparable texts: BenchmarkItem rows, or plain `{id, text}` rows.

    Returns the BenchmarkItems too when every row is one (so leakage can read answers and dates).
    """
    texts: list[ItemText] = []
    items: list[BenchmarkItem] = []
    for line_no, row in read_jsonl_objects(path):
        if "item_id" in row:
            try:
                item = BenchmarkItem.model_validate(row)
            except ValueError as error:
                first = str(error).splitlines()[1:3]
                raise ReferenceFormatError(
                    f"{path}:{line_no}: not a valid BenchmarkItem: {' '.join(first)}"
                ) from None
            items.append(item)
            texts.append(ItemText.of_item(item))
        elif "id" in row and "text" in row:
            if not isinstance(row["text"], str) or not isinstance(row.get("language", ""), str):
                raise ReferenceFormatError(f"{path}:{line_no}: 'text' and 'language' must be strings")
            options = _options(row.get("options"))
            texts.append(
                ItemText.make(str(row["id"]), str(row["text"]), options, (), row.get("language", ""))
            )
        else:
            raise ReferenceFormatError(
                f"{path}:{line_no}: a row needs 'id' and 'text', or BenchmarkItem fields"
            )
    seen: set[str] = set()
    for text in texts:
        if text.item_id in seen:
            raise ReferenceFormatError(f"{path}: id {text.item_id} appears twice")
        seen.add(text.item_id)
    return texts, (items if len(items) == len(texts) else None)
