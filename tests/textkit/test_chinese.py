"""OpenCC conversion (one cached converter per configuration) and Chinese script detection."""

from __future__ import annotations

from textkit import chinese_script, chinese_script_of_tag, fold_chinese, opencc_converter, to_traditional


def test_simplified_to_traditional_and_back():
    assert to_traditional("儿科医生检查心脏") == "兒科醫生檢查心臟"
    assert fold_chinese("兒科醫生檢查心臟") == "儿科医生检查心脏"
    assert fold_chinese("Heart 心臟") == "Heart 心脏"
    assert opencc_converter("s2twp").convert("软件") == "軟體"


def test_one_converter_per_configuration():
    assert opencc_converter("s2t") is opencc_converter("s2t")
    assert opencc_converter("s2t") is not opencc_converter("t2s")


def test_text_without_han_is_left_alone():
    assert fold_chinese("ＡＢＣ ひらがな") == "ＡＢＣ ひらがな"


def test_script_of_a_text_and_of_a_tag():
    assert chinese_script("患者因高血压入院") == "Hans"
    assert chinese_script("患者因高血壓入院") == "Hant"
    assert chinese_script("患者入院") is None
    assert chinese_script_of_tag("zh-TW") == chinese_script_of_tag("zh-Hant") == "Hant"
    assert chinese_script_of_tag("zh-CN") == "Hans"
    assert chinese_script_of_tag("zh") is None
