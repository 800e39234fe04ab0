"""Words that turn a statement round: negations ('sem febre', 'denies fever') and the polarity of a
question ('EXCEPT', 'least likely', 'incorrect'). The taggers skip a finding under a negation; dedup's
paraphrase verifier refuses to call two texts one question when their counts of these differ."""

from __future__ import annotations

from textkit import fold

NEGATION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"no", "not", "without", "denies", "denied", "deny", "negative", "absent", "never"}),
    "pt": frozenset(
        {"sem", "nega", "negou", "negam", "negando", "nao", "ausencia", "ausente", "nenhum", "nenhuma"}
    ),
    "es": frozenset({"sin", "niega", "nego", "no", "ausencia", "ausente", "ningun", "ninguna"}),
    "fr": frozenset({"sans", "nie", "pas", "absence", "aucun", "aucune"}),
    "pl": frozenset({"bez", "nie", "zaprzecza", "brak"}),
}
"""Folded negation words per language (the lexicon's negation window reads these)."""

QUESTION_POLARITY_WORDS = frozenset(
    {
        "except",
        "least",
        "false",
        "incorrect",
        "untrue",
        "wrong",
        "exceto",
        "excecao",
        "incorreta",
        "incorreto",
        "falsa",
        "falso",
        "menos",
        "excepto",
        "incorrecta",
        "sauf",
        "fausse",
        "faux",
        "inexacte",
        "moins",
        "oprocz",
        "falszywe",
        "nieprawdziwe",
    }
)
"""Folded words that make a question ask for the odd one out or the least of something."""

POLARITY_WORDS = frozenset().union(*NEGATION_WORDS.values(), QUESTION_POLARITY_WORDS)
"""Every folded word `polarity_count` counts."""

CJK_POLARITY = (
    "不",
    "无",
    "無",
    "未",
    "没有",
    "沒有",
    "否认",
    "否認",
    "非",
    "除外",
    "错误",
    "錯誤",
    "ない",
    "なし",
    "ず",
    "誤",
)
"""Chinese and Japanese negations and odd-one-out markers, counted as substrings."""


def polarity_count(normalized: str) -> int:
    """How many negations and odd-one-out markers a normalised text holds."""
    count = sum(1 for w in fold(normalized).split() if w in POLARITY_WORDS)
    return count + sum(normalized.count(marker) for marker in CJK_POLARITY)
