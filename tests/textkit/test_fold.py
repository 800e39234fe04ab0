"""Folding for comparison: accents and case (length kept), match form, normalised text across scripts."""

from __future__ import annotations

import unicodedata

from textkit import fold, match_form, normalize_text, tokens, word_spans, words


def test_fold_removes_accents_and_case_in_nfc_and_nfd_alike():
    nfc = unicodedata.normalize("NFC", "Gestação PRÉ-ECLÂMPSIA")
    nfd = unicodedata.normalize("NFD", "Gestação PRÉ-ECLÂMPSIA")
    assert nfc != nfd
    assert fold(nfc) == "gestacao pre-eclampsia"
    assert match_form(nfc) == match_form(nfd) == "gestação pré eclâmpsia"


def test_fold_keeps_one_character_per_character_so_offsets_point_back():
    text = "Ｃｔ: Œdème Straße İ"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("ct: œdeme")


def test_match_form_folds_width_case_and_punctuation_but_keeps_underscores():
    assert match_form("ＣＴ-Scan,  (axial)!") == "ct scan axial"
    assert match_form("T2_weighted") == "t2_weighted"
    assert normalize_text("T2_weighted") == "t2 weighted"


def test_normalize_folds_width_case_punctuation_and_traditional_chinese():
    assert normalize_text("ＡＢＣ  Heart-Failure!!") == "abc heart failure"
    assert normalize_text("醫學檢查與診斷") == normalize_text("医学检查与诊断") == "医学检查与诊断"


def test_han_characters_are_tokens_of_their_own_and_left_out_of_words():
    assert tokens(normalize_text("发热 3天")) == ["发", "热", "3", "天"]
    assert tokens("fever 3 days") == ["fever", "3", "days"]
    assert words(fold("胸部CT: pré-eclâmpsia")) == ("ct", "pre", "eclampsia")
    assert [(m.group(), m.start()) for m in word_spans("胸部CT and")] == [("CT", 2), ("and", 5)]


def test_ascii_shortcut_of_normalize_text_is_the_general_form(fixtures_dir):
    """ASCII text skips NFKC and OpenCC; every ASCII character and real English questions with their
    options come out exactly as the general path makes them."""
    import json

    from textkit.chinese import fold_chinese
    from textkit.fold import _NON_WORD_OR_UNDERSCORE, _spaced

    def general(text: str) -> str:
        return _spaced(_NON_WORD_OR_UNDERSCORE, fold_chinese(unicodedata.normalize("NFKC", text)).casefold())

    path = fixtures_dir / "reference_benchmarks" / "medagentsbench" / "medqa" / "test.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")][:300]
    texts = [t for r in rows for t in (r["question"], *map(str, r["options"].values()))]
    texts += [f"{chr(c)}{chr(c)}x_y{chr(c)}" for c in range(128)] + ["", "  \t\n ", "A-B/C (d) 1.5 mg_kg"]
    assert all(t.isascii() for t in texts[-131:])
    assert [normalize_text(t) for t in texts] == [general(t) for t in texts]
    assert normalize_text("Which of the following is TRUE? (A)_b") == "which of the following is true a b"
