"""Stems too thin to compare are skipped; exact keys ignore option order; token overlap."""

from curation.stems import skip_reason, token_jaccard
from curation.texts import ItemText, _question_sentence
from textkit import normalize_text


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


def test_the_asking_sentence_is_the_last_question_of_the_stem():
    sentences, asking = _question_sentence("A 3.5 kg baby. Fever for 2 days. Which drug? Give doses.")
    assert sentences == ["a 3", "5 kg baby", "fever for 2 days", "which drug", "give doses"]
    assert asking == "which drug"
    assert _question_sentence("患者发热。应选哪种药？")[1] == "应选哪种药"


def test_token_jaccard():
    assert token_jaccard("a b c", "a b d") == 0.5
