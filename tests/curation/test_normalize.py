"""Normalisation folds what should not tell items apart, and skips texts too thin to compare."""

from curation.normalize import normalize_text, skip_reason, token_jaccard, tokens
from curation.texts import ItemText


def test_normalize_folds_width_case_punctuation_and_traditional_chinese():
    assert normalize_text("ＡＢＣ  Heart-Failure!!") == "abc heart failure"
    assert normalize_text("醫學檢查與診斷") == normalize_text("医学检查与诊断")


def test_cjk_tokens_are_characters():
    assert tokens(normalize_text("发热 3天")) == ["发", "热", "3", "天"]


def test_placeholders_bare_numbers_and_short_texts_are_not_compared():
    assert skip_reason(normalize_text("See image."), 12) == "placeholder"
    assert skip_reason(normalize_text("42"), 12) == "bare_number"
    assert skip_reason(normalize_text("Fever?"), 12) == "too_short"
    assert skip_reason(normalize_text("Which organ produces insulin?"), 12) is None


def test_exact_key_ignores_option_order_but_not_images():
    a = ItemText.make("a", "Which organ produces insulin?", ["Liver", "Pancreas"])
    b = ItemText.make("b", "which organ produces INSULIN", ["Pancreas", "Liver"])
    c = ItemText.make("c", "Which organ produces insulin?", ["Liver", "Pancreas"], ["sha-1"])
    assert a.exact_key() == b.exact_key() != c.exact_key()


def test_token_jaccard():
    assert token_jaccard("a b c", "a b d") == 0.5
