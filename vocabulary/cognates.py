"""Portuguese, Spanish and French forms of English disease names built by the rules of medical Greek
and Latin, so the ICD-10 lexicon codes 'leptospirose', 'pielonefritis', 'hépatite chronique'.

Clinical Romance languages take the same Greek and Latin stems as English with regular endings
(-osis: pt/fr -ose, es -osis; -itis: pt/fr -ite; -iasis: pt -íase) and regular spelling (ph -> f,
th -> t, y -> i in Portuguese and Spanish), and put the adjective after the noun ('chronic
hepatitis' -> 'hepatite crônica'). Only one-word names with such an ending, alone or after acute /
chronic / congenital, are turned: those are the names where the rules hold and a coined form is
not an everyday word. Forms are written folded (no accents): the lexicon matches folded text.
"""

from __future__ import annotations

import re

LANGUAGES = ("pt", "es", "fr")

# English ending -> ending per language (pt, es, fr), longest first
_ENDINGS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("iasis", ("iase", "iasis", "iase|ose")),  # French parasitoses: candidose, bilharziose
    ("ectasis", ("ectasia", "ectasia", "ectasie")),
    ("osis", ("ose", "osis", "ose")),
    ("itis", ("ite", "itis", "ite")),
    ("aemia", ("emia", "emia", "emie")),
    ("emia", ("emia", "emia", "emie")),
    ("pathy", ("patia", "patia", "pathie")),
    ("algia", ("algia", "algia", "algie")),
    ("plegia", ("plegia", "plegia", "plegie")),
    ("oma", ("oma", "oma", "ome")),
    ("ism", ("ismo", "ismo", "isme")),
    ("ia", ("ia", "ia", "ie")),
    ("us", ("o", "o", "us")),  # nystagmus -> nistagmo, pemphigus -> penfigo
)
ADJECTIVES = {
    "acute": (("aguda", "agudo"), ("aguda", "agudo"), ("aigue", "aigu")),
    "chronic": (("cronica", "cronico"), ("cronica", "cronico"), ("chronique",)),
    "congenital": (("congenita", "congenito"), ("congenita", "congenito"), ("congenitale", "congenital")),
    "bacterial": (("bacteriana", "bacteriano"), ("bacteriana", "bacteriano"), ("bacterienne",)),
    "viral": (("viral",), ("viral",), ("virale",)),
}
MIN_CHARS = 7


def _spelled(stem: str, language: str) -> str:
    """The stem in a language's spelling: Portuguese and Spanish write f, t, i, c for ph, th, y, k."""
    stem = stem.replace("ae", "e").replace("oe", "e").replace("k", "c")  # leukaemia -> leucemia, leucemie
    if language in ("pt", "es"):
        stem = stem.replace("ph", "f").replace("th", "t").replace("rh", "r").replace("y", "i")
        stem = stem.replace("ch", "c").replace("k", "c")
        # double letters are single, except rr (both) and ss (Portuguese): tonsillitis -> tonsilite,
        # cirrhosis -> cirrose, glossitis -> glossite / glositis
        kept = "rs" if language == "pt" else "r"
        stem = re.sub(r"([bcdfglmnprst])\1", lambda m: m.group(0) if m.group(1) in kept else m.group(1), stem)
        stem = re.sub(r"^s(?=[cpt])", "es", stem)  # sporotrichosis -> esporotricose
    return stem


def word_forms(word: str) -> dict[str, tuple[str, ...]]:
    """One English disease word in each language ('pyelonephritis' -> pt 'pielonefrite'), or {}."""
    lowered = word.lower()
    if len(lowered) < MIN_CHARS or not lowered.isalpha():
        return {}
    for ending, by_language in _ENDINGS:
        if lowered.endswith(ending):
            stem = lowered[: -len(ending)]
            return {
                language: tuple(_spelled(stem, language) + t for t in target.split("|"))
                for language, target in zip(LANGUAGES, by_language, strict=True)
            }
    return {}


def romance_names(name: str) -> dict[str, tuple[str, ...]]:
    """Portuguese, Spanish and French forms of an English ICD-10 name, by language ({} if none)."""
    words = name.split()
    if len(words) == 1:
        return word_forms(words[0])
    if len(words) != 2:
        return {}
    adjective, noun = words[0].lower(), words[1]
    forms = word_forms(noun)
    if adjective in ADJECTIVES:
        by_language = ADJECTIVES[adjective]
    elif re.fullmatch(r"[a-z]{4,}al", adjective):  # 'endometrial hyperplasia' -> 'hiperplasia endometrial'
        by_language = ((adjective,), (adjective,), (adjective, adjective + "e"))
    else:
        return {}
    return {
        language: tuple(f"{form} {a}" for form in forms[language] for a in by_language[n])
        for n, language in enumerate(LANGUAGES)
        if language in forms
    }
