"""The taggers that apply the vocabularies (ICD-10, modality, anatomy, specialty, profession) to items,
query selection over tags, and coverage. The vocabularies themselves are the `vocabulary` base package."""

from taxonomy.coverage import coverage_table, empty_branches
from taxonomy.selection import QueryError, select_items
from taxonomy.tagging import tag_items, tag_text

__all__ = [
    "QueryError",
    "coverage_table",
    "empty_branches",
    "select_items",
    "tag_items",
    "tag_text",
]
