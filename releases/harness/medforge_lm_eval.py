"""Loads a medforge release's evaluation views for lm-evaluation-harness (`custom_dataset` in the YAMLs).

The views sit in `eval/<kind>/<split>.parquet` beside this file's folder, so the tasks work wherever
the release is copied: `lm_eval --include_path <release>/eval/lm_eval --tasks <benchmark>_all ...`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets

VIEWS = Path(__file__).resolve().parent.parent


def load_view(kind: str) -> datasets.DatasetDict:
    """Every split of one view, as `datasets` reads Parquet (images decode to PIL images)."""
    files = {path.stem: str(path) for path in sorted((VIEWS / kind).glob("*.parquet"))}
    if not files:
        raise FileNotFoundError(f"no evaluation view '{kind}' under {VIEWS}")
    return datasets.load_dataset("parquet", data_files=files)


def load_mcq(**_: Any) -> datasets.DatasetDict:
    """Single-answer multiple choice."""
    return load_view("mcq")


def load_mcq_multi(**_: Any) -> datasets.DatasetDict:
    """Multiple-answer multiple choice."""
    return load_view("mcq_multi")


def load_open(**_: Any) -> datasets.DatasetDict:
    """Open-ended questions (case diagnoses)."""
    return load_view("open")


def load_vqa(**_: Any) -> datasets.DatasetDict:
    """Visual questions: the images, never their captions."""
    return load_view("vqa")
