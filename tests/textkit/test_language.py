"""Language detection by script and langdetect, and the rules for a declared tag to agree with it."""

from __future__ import annotations

import pytest

from textkit import detect_language, language_matches


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Parmi les propositions suivantes concernant les antibiotiques, laquelle est exacte ?", "fr"),
        ("Paciente de 45 anos procura a unidade básica de saúde com queixa de dor torácica.", "pt"),
        ("患者男性，45岁，因胸痛3天入院，既往有高血压病史十年。", "zh-Hans"),
        ("患者男性，45歲，因胸痛3天入院，既往有高血壓病史十年。", "zh-Hant"),
        ("症例は45歳の男性で、3日前から胸痛があり、当院を受診した。既往歴に高血圧がある。", "ja"),
        ("Too short", None),
    ],
)
def test_language_detection(text, expected):
    assert detect_language(text) == expected


def test_language_matching_rules():
    assert language_matches("pt-BR", "pt")
    assert language_matches("zh-TW", "zh-Hant")
    assert not language_matches("zh-Hans", "zh-Hant")
    assert language_matches("en", None)
