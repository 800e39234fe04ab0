"""Vocabularies (ICD-10, modality, anatomy, specialty, profession) and the taggers that apply them."""

from taxonomy.coverage import coverage_table, empty_branches
from taxonomy.selection import QueryError, select_items
from taxonomy.tagging import tag_items, tag_text
from taxonomy.vocabularies import (
    Term,
    UnknownCodeError,
    VocabularyTable,
    load_icd10,
    load_vocabulary,
    vocabulary_versions,
)

__all__ = [
    "QueryError",
    "Term",
    "UnknownCodeError",
    "VocabularyTable",
    "coverage_table",
    "empty_branches",
    "load_icd10",
    "load_vocabulary",
    "select_items",
    "tag_items",
    "tag_text",
    "vocabulary_versions",
]
