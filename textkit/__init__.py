"""Text toolbox shared by the stages: folding, OpenCC, sentence splitting, tokens, language detection."""

from textkit.chinese import (
    chinese_script,
    chinese_script_of_tag,
    fold_chinese,
    opencc_converter,
    opencc_version,
    to_traditional,
)
from textkit.fold import fold, match_form, normalize_text
from textkit.language import detect_language, language_matches
from textkit.scripts import has_cjk, has_han, script_of_language
from textkit.sentences import ARTICLE, CAPITALISED, EVERY_STOP, PROSE, SentenceRule, split_sentences
from textkit.spelling import american_spelling, fold_spelling
from textkit.tokens import tokens, word_spans, words

__all__ = [
    "script_of_language",
    "ARTICLE",
    "CAPITALISED",
    "EVERY_STOP",
    "PROSE",
    "SentenceRule",
    "american_spelling",
    "chinese_script",
    "chinese_script_of_tag",
    "detect_language",
    "fold",
    "fold_chinese",
    "fold_spelling",
    "has_cjk",
    "has_han",
    "language_matches",
    "match_form",
    "normalize_text",
    "opencc_converter",
    "opencc_version",
    "split_sentences",
    "to_traditional",
    "tokens",
    "word_spans",
    "words",
]
