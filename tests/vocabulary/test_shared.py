"""One loader for every stage: the taggers and generation read the same tables and the same Term objects."""

from __future__ import annotations

import pyarrow as pa
import pytest

from schemas import Vocabulary
from synthesis.case_items import icd_chapter
from synthesis.vocab import GENERATION_VOCABULARIES, TermIndex, resolve_vocabularies
from taxonomy.lexicon import lexicon_for
from vocabulary import Term, VocabularyTable, load_icd10, load_vocabulary, terms_of


def test_taxonomy_and_synthesis_get_the_same_table_and_terms():
    indexes = resolve_vocabularies(None)
    assert set(indexes) == set(GENERATION_VOCABULARIES)
    for vocabulary in GENERATION_VOCABULARIES:
        table = load_vocabulary(vocabulary)
        assert lexicon_for(vocabulary).table is table
        assert load_vocabulary(vocabulary.value) is table  # loaded once, whatever the spelling
        index = indexes[vocabulary]
        assert {t.code for t in index.terms} == {t.code for t in table}
        assert all(index.by_code[t.code] is t for t in table)  # the very Term objects


def test_synthesis_finds_terms_with_the_tables_codes():
    index = resolve_vocabularies(None)[Vocabulary.MODALITY]
    assert [t.code for t in index.find("Axial magnetic resonance imaging of the brain")] == ["MRI"]
    assert [t.code for t in index.find("Mammogram of the left breast")] == ["MG"]
    assert icd_chapter("K70.1") == "XI" and icd_chapter("K70-K77") == "XI" and icd_chapter("ZZ9") is None
    assert load_icd10().get("K70").labels[0] == "Alcoholic liver disease"


def test_overlapping_codes_of_a_table_are_never_distractors_for_each_other():
    shared = load_vocabulary(Vocabulary.MODALITY)
    assert shared.overlaps == frozenset()  # the data names none yet
    table = VocabularyTable(Vocabulary.MODALITY, "test", shared.levels, list(shared.terms), [("ECHO", "US")])
    index = TermIndex.of_table(table)
    assert index.overlap("US", "ECHO") and not index.overlap("US", "CT")
    assert "US" not in {t.code for t in index.siblings("ECHO")}
    assert {"US", "CT"} <= {t.code for t in TermIndex.of_table(shared).siblings("ECHO")}


def test_an_overlap_naming_an_unknown_code_is_an_error():
    terms = [Term("A", "Alpha", "x", None)]
    with pytest.raises(ValueError, match=r"modality: overlaps name unknown codes \['B'\]"):
        VocabularyTable(Vocabulary.MODALITY, "0", ("x",), terms, overlaps=[("A", "B")])


def test_table_shaped_vocabularies_become_the_one_term_class():
    rows = pa.table(
        {
            "code": ["FEMUR", "TIBIA", None],
            "title": ["Femur", "Tibia", "nameless"],
            "level": ["bone", "bone", "bone"],
            "parent": ["LEG", "LEG", None],
            "synonyms": [["thigh bone"], [], []],
        }
    )
    femur, tibia = terms_of(rows)
    assert isinstance(femur, Term) and femur.labels == ("Femur", "thigh bone")
    assert (tibia.code, tibia.parent, tibia.synonyms) == ("TIBIA", "LEG", ())
    assert terms_of([{"code": "X", "synonyms": "a | b; c"}])[0].labels == ("X", "a", "b", "c")
    table = load_vocabulary(Vocabulary.ANATOMY)
    assert terms_of(table.terms) == list(table.terms)
