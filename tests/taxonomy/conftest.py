"""Taxonomy test helpers: items with given tags."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import BenchmarkItem, TaxonomyTag, Vocabulary
from tests.conftest import build_item
from vocabulary import load_vocabulary


def tagged(question: str, *codes: str, **fields: object) -> BenchmarkItem:
    """An item carrying the given `vocabulary:code` tags (titles and levels from the vocabulary)."""
    tags = []
    for spec in codes:
        name, _, code = spec.partition(":")
        term = load_vocabulary(name).get(code)
        tags.append(
            TaxonomyTag(
                vocabulary=Vocabulary(name),
                code=term.code,
                title=term.title,
                confidence=0.9,
                tagger="unit",
                level=term.level,
            )
        )
    return build_item(question, tags=tags, **fields)


@pytest.fixture
def make_tagged() -> Callable[..., BenchmarkItem]:
    """Factory fixture for items with tags."""
    return tagged
