"""British and American spellings of medical words (haem/hem, oedema/edema, tumour/tumor)."""

from __future__ import annotations

import re

from textkit.fold import match_form

_BRITISH = (
    ("oesophag", "esophag"),
    ("haemo", "hemo"),
    ("haema", "hema"),
    ("anaem", "anem"),
    ("leukaem", "leukem"),
    ("ischaem", "ischem"),
    ("oedema", "edema"),
    ("diarrhoea", "diarrhea"),
    ("tumour", "tumor"),
    ("paediatr", "pediatr"),
    ("foet", "fet"),
    ("haemorrhag", "hemorrhag"),
    ("coeliac", "celiac"),
    ("gynaec", "gynec"),
    ("oestr", "estr"),
)
# coarser and only for comparing: 'ph' -> 'f' also folds 'oesophagus' and 'esofago'
_FOLDED = (("ae", "e"), ("oe", "e"), ("tumour", "tumor"), ("ph", "f"))


def american_spelling(name: str) -> str:
    """A name in American spelling, readable (a synonym to match: 'Oesophageal varices' -> 'esophageal')."""
    out = name
    for british, american in _BRITISH:
        out = re.sub(british, american, out, flags=re.IGNORECASE)
    return out


def fold_spelling(text: str) -> str:
    """Match form with British/American spellings folded, bracketed notes dropped: for comparing only."""
    folded = match_form(re.sub(r"\[[^\]]*\]", " ", text))
    for old, new in _FOLDED:
        folded = folded.replace(old, new)
    return folded
