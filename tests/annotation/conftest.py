"""Shared builders for annotation tests: items from the real fixtures, specs, exported tasks."""

from __future__ import annotations

import pytest

from schemas import BenchmarkItem
from tests.annotation import sample_items


@pytest.fixture(scope="session")
def exam_items() -> list[BenchmarkItem]:
    """Scraped single-answer MCQs (Revalida, pt-BR)."""
    return sample_items.exam_items(40)


@pytest.fixture(scope="session")
def french_items() -> list[BenchmarkItem]:
    """Synthesized single/multi-answer MCQs (FrenchMedMCQA)."""
    return sample_items.french_items()[::31]
