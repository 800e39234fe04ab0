"""British and American spellings: readable American names, and a coarse fold for comparing."""

from __future__ import annotations

from textkit import american_spelling, fold_spelling


def test_american_spelling_of_british_names():
    assert american_spelling("Oesophageal varices") == "esophageal varices"
    assert american_spelling("Haemorrhage and oedema") == "hemorrhage and edema"
    assert american_spelling("Pneumonia") == "Pneumonia"


def test_fold_spelling_makes_both_spellings_one_and_drops_bracketed_notes():
    assert fold_spelling("Oesophageal tumour [NOS]") == fold_spelling("esophageal tumor")
    assert fold_spelling("Haemophilia") == fold_spelling("hemophilia") == "hemofilia"
