"""The primary ICD-10 code of an item: the one condition it is about, chosen from its ranked codes.

A diagnosis item is about its answer: the codes found in the keyed option (or the open answer) come
first. Where the answer names no condition (a drug, a test), the stem and keyed answer together
decide. Among candidates a disease outranks a symptom or finding (chapter XVIII, R00-R99), a
factor or status code (XXI, Z) and an external cause (XX); then the surer code wins (a primary
malignant neoplasm first between equals), then the finer one. Only a code at category level or finer can be
primary; the other ICD-10 codes an item carries are its secondary mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemas import TaxonomyTag, Vocabulary
from taxonomy.combine import sort_tags
from vocabulary import load_icd10

CODABLE_LEVELS = ("category", "subcategory")
# Chapters that name what was found or why someone came, not a disease: never primary beside one.
NOT_A_DISEASE = ("XVIII", "XX", "XXI", "XXII")


def is_codable(tag: TaxonomyTag) -> bool:
    """Whether a tag can be an item's primary code: ICD-10 at category level or finer."""
    return Vocabulary(tag.vocabulary) is Vocabulary.ICD10 and tag.level in CODABLE_LEVELS


def _rank(tag: TaxonomyTag) -> tuple[int, float, int, int, str]:
    chapter = _chapter(tag.code)
    # between equally sure codes, a malignant neoplasm names the case ('adenofibroma with invasive
    # carcinoma'), then the finer code
    malignant = "C00" <= tag.code[:3] <= "C97" and not "C77" <= tag.code[:3] <= "C79"  # not secondaries
    return (int(chapter in NOT_A_DISEASE), -tag.confidence, int(not malignant), -len(tag.code), tag.code)


def rank_codes(tags: Iterable[TaxonomyTag]) -> list[TaxonomyTag]:
    """Codable ICD-10 tags best first: diseases before symptoms, surer before weaker, finer before coarser.

    A category is dropped when one of its own subcategories is also a candidate (K70 beside K70.3
    says the same thing less precisely).
    """
    codable = [t for t in tags if is_codable(t)]
    codes = {t.code for t in codable}
    finer = [t for t in codable if not any(c != t.code and c.startswith(t.code) for c in codes)]
    return sorted(finer, key=_rank)


def choose_primary(
    answer_tags: Sequence[TaxonomyTag], item_tags: Sequence[TaxonomyTag]
) -> TaxonomyTag | None:
    """The primary code: the best code of the answer, else the best of the whole item; None if neither
    has an ICD-10 code at category level or finer."""
    for candidates in (answer_tags, item_tags):
        ranked = rank_codes(candidates)
        if ranked:
            return ranked[0]
    return None


def with_primary(
    tags: Sequence[TaxonomyTag], primary: TaxonomyTag | None, extra: Sequence[TaxonomyTag] = ()
) -> list[TaxonomyTag]:
    """The item's tags with exactly one ICD-10 tag marked primary and every other one unmarked,
    sorted with the primary first among the ICD-10 tags. `extra` are tags found on the answer alone
    (the primary and its roll-up); those the item lacks are added."""
    merged: dict[tuple[Vocabulary, str], TaxonomyTag] = {}
    for tag in (*tags, *extra):
        key = (Vocabulary(tag.vocabulary), tag.code)
        if key not in merged or tag.confidence > merged[key].confidence:
            merged[key] = tag.model_copy(update={"primary": False}) if tag.primary else tag
    if primary is not None:
        key = (Vocabulary(primary.vocabulary), primary.code)
        merged[key] = merged.get(key, primary).model_copy(update={"primary": True})
    return sort_tags(merged.values())


SYMPTOMS = "XVIII"


def without_symptoms_beside(tags: Sequence[TaxonomyTag], primary: TaxonomyTag | None) -> list[TaxonomyTag]:
    """An item about a disease keeps no symptom codes: 'pain' (R52) and 'fever' (R50) in a gout or
    dengue case are what the disease showed, not what the item is about. With no disease primary,
    symptoms stay: then they are what the item is about."""
    if primary is None or _chapter(primary.code) in NOT_A_DISEASE:
        return list(tags)
    return [
        t for t in tags if Vocabulary(t.vocabulary) is not Vocabulary.ICD10 or _chapter(t.code) != SYMPTOMS
    ]


def _chapter(code: str) -> str:
    return load_icd10().top_level(code).code


def primary_tag(tags: Iterable[TaxonomyTag]) -> TaxonomyTag | None:
    """The tag marked primary, if any."""
    return next((t for t in tags if t.primary), None)
