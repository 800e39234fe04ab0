"""Sentence splitting by rule, on English, Chinese and Japanese text."""

from __future__ import annotations

import pytest

from textkit import ARTICLE, CAPITALISED, EVERY_STOP, PROSE, SentenceRule, split_sentences

ENGLISH = "Dr. Smith saw the patient, e.g. on day 3. A CT (Fig. 2) showed 3.5 cm mass. It grew et al. noted."


def test_prose_keeps_abbreviations_and_decimals_whole():
    assert split_sentences(ENGLISH, PROSE) == [
        "Dr. Smith saw the patient, e.g. on day 3.",
        "A CT (Fig. 2) showed 3.5 cm mass.",
        "It grew et al. noted.",
    ]


def test_prose_cuts_chinese_and_japanese_at_full_width_stops_without_spaces():
    assert split_sentences("患者男性，45岁。因胸痛入院！血压高吗？是的", PROSE) == [
        "患者男性，45岁。",
        "因胸痛入院！",
        "血压高吗？",
        "是的",
    ]
    assert split_sentences("症例は45歳の男性。胸痛を訴えた。", PROSE) == [
        "症例は45歳の男性。",
        "胸痛を訴えた。",
    ]
    assert split_sentences("He was seen. 其后入院。", PROSE) == ["He was seen.", "其后入院。"]


def test_capitalised_needs_a_capital_after_the_stop():
    text = "As shown in Fig. 3, the mass grew. see figure 4. Then Figs. 5-6 show it. 图1所示。图2所示。"
    assert split_sentences(text, CAPITALISED) == [
        "As shown in Fig. 3, the mass grew. see figure 4.",
        "Then Figs. 5-6 show it. 图1所示。图2所示。",  # no capital: Chinese runs on
    ]


def test_article_cuts_before_any_word_and_holds_no_abbreviation():
    assert split_sentences("He was seen. then admitted. Dr. Li agreed.", ARTICLE) == [
        "He was seen.",
        "then admitted.",
        "Dr.",
        "Li agreed.",
    ]


def test_every_stop_cuts_at_each_stop_even_without_space():
    assert split_sentences("A 3.5 kg baby.Fever? 发热。哪种药？", EVERY_STOP) == [
        "A 3.",
        "5 kg baby.",
        "Fever?",
        "发热。",
        "哪种药？",
    ]


@pytest.mark.parametrize("rule", [PROSE, CAPITALISED, ARTICLE, EVERY_STOP])
def test_empty_and_blank_texts_have_no_sentences(rule):
    assert split_sentences("", rule) == []
    assert split_sentences("   \n ", rule) == []


def test_a_rule_of_ones_own():
    rule = SentenceRule(ends=";", next_start=r"\w", abbreviations=("approx.",))
    assert split_sentences("one; two;three; approx. four", rule) == ["one;", "two;three;", "approx. four"]
