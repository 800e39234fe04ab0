"""Coverage of items per taxonomy, for the stage's metadata and the dataset card.

`coverage_table` counts items per code (rows the card renders and plots); `empty_branches` lists
the highest codes no item falls under, so a card can say which parts of medicine a release lacks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from schemas import BenchmarkItem, TaxonomyTag, Vocabulary
from vocabulary import as_vocabulary, load_vocabulary

# How deep empty branches are listed: ICD-10 has 12,000 codes, so chapters and blocks only.
EMPTY_BRANCH_DEPTH = {Vocabulary.ICD10: 2}


def _item_tags(item: Any) -> list[TaxonomyTag]:
    tags = item.tags if hasattr(item, "tags") else item.get("tags") or []
    return [t if isinstance(t, TaxonomyTag) else TaxonomyTag.model_validate(t) for t in tags]


def coverage_table(items: Iterable[BenchmarkItem | dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (vocabulary, code, title, level, count): how many items carry each code, most first."""
    counts: Counter[tuple[str, str]] = Counter()
    titles: dict[tuple[str, str], tuple[str, str | None]] = {}
    for item in items:
        for tag in {(Vocabulary(t.vocabulary).value, t.code): t for t in _item_tags(item)}.values():
            key = (Vocabulary(tag.vocabulary).value, tag.code)
            counts[key] += 1
            titles[key] = (tag.title, tag.level)
    order = {v.value: i for i, v in enumerate(Vocabulary)}
    rows = [
        {"vocabulary": v, "code": c, "title": titles[(v, c)][0], "level": titles[(v, c)][1], "count": n}
        for (v, c), n in counts.items()
    ]
    return sorted(rows, key=lambda r: (order[r["vocabulary"]], -r["count"], r["code"]))


def empty_branches(
    items: Iterable[BenchmarkItem | dict[str, Any]],
    vocabulary: Vocabulary | str,
    max_depth: int | None = None,
) -> list[str]:
    """Highest codes (down to `max_depth` levels) under which no item is tagged, in vocabulary order."""
    vocabulary = as_vocabulary(vocabulary)
    table = load_vocabulary(vocabulary)
    depth_limit = (
        max_depth if max_depth is not None else EMPTY_BRANCH_DEPTH.get(vocabulary, len(table.levels))
    )
    covered: set[str] = set()
    for item in items:
        for tag in _item_tags(item):
            if Vocabulary(tag.vocabulary) is vocabulary and tag.code in table:
                code = table.get(tag.code).code
                covered.add(code)
                covered.update(a.code for a in table.ancestors(code))
    empty: list[str] = []
    stack = [(term, 1) for term in reversed(table.roots())]
    while stack:
        term, depth = stack.pop()
        if term.code not in covered:
            empty.append(term.code)
            continue
        if depth < depth_limit:
            stack.extend((child, depth + 1) for child in reversed(table.children(term.code)))
    return empty


def coverage_summary(items: Sequence[BenchmarkItem]) -> dict[str, dict[str, Any]]:
    """Per vocabulary: items tagged, their share, distinct codes and the top codes (stage metadata)."""
    total = len(items)
    rows = coverage_table(items)
    out: dict[str, dict[str, Any]] = {}
    for vocabulary in Vocabulary:
        tagged = sum(1 for i in items if any(Vocabulary(t.vocabulary) is vocabulary for t in i.tags))
        vocab_rows = [r for r in rows if r["vocabulary"] == vocabulary.value]
        out[vocabulary.value] = {
            "items": tagged,
            "share": round(tagged / total, 4) if total else 0.0,
            "codes": len(vocab_rows),
            "top": [f"{r['code']} ({r['count']})" for r in vocab_rows[:5]],
        }
        if vocabulary is Vocabulary.ICD10:
            primary = Counter(t.code for i in items for t in i.tags if t.primary)
            out[vocabulary.value]["with_primary"] = sum(primary.values())
            out[vocabulary.value]["top_primary"] = [f"{c} ({n})" for c, n in primary.most_common(5)]
    return out
