"""The lexicon tagger: whole-word matches of names, abbreviations and cues, negation-aware.

Words are matched on folded text (no case, no accents), longest name first, so 'alcoholic liver
disease' wins over 'liver disease'; abbreviations are matched with their case ('US' is not 'us');
Chinese names are matched as substrings. A diagnosis under a negation ('nega febre', 'no evidence
of pneumonia', '否认高血压') is not tagged; a negated specialty cue counts for less. The patient's
age, when the text states it, is a specialty cue too (a 4-year-old points to paediatrics).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from schemas import Vocabulary
from taxonomy.base import TagHit, TextToTag, noisy_or
from taxonomy.compose import composer
from taxonomy.text import PreparedText, match_words
from textkit import fold, has_cjk, words
from vocabulary import ANY_LANGUAGE, VocabularyTable, load_vocabulary
from vocabulary.polarity import NEGATION_WORDS

TAGGER_NAME = "lexicon"
WEIGHTS = {"synonym": 0.9, "abbreviation": 0.85, "strong_cue": 0.7, "cue": 0.4, "setting": 0.5}
NEGATED_CUE_FACTOR = 0.4
MIN_WORD_CHARS = 3

# A diagnosis chapter also says something about the specialty (weight = this x the diagnosis's).
CHAPTER_SPECIALTY = {
    "I": "infectious_disease",
    "II": "oncology",
    "III": "hematology",
    "IV": "endocrinology",
    "V": "psychiatry",
    "VI": "neurology",
    "VII": "ophthalmology",
    "VIII": "otorhinolaryngology",
    "IX": "cardiology",
    "X": "pulmonology",
    "XI": "gastroenterology",
    "XII": "dermatology",
    "XIII": "rheumatology",
    "XIV": "nephrology",
    "XV": "obstetrics",
    "XVI": "neonatology",
    "XVII": "pediatrics",
    "XIX": "trauma_surgery",
}
CHAPTER_SPECIALTY_FACTOR = 0.5

_NEGATION_AFTER = ("ruled out", "excluded", "descartad", "afastad", "excluid", "exclu", "wykluczon")
# A test result that follows what was tested: 'SARS-CoV-2 PCR was negative', 'HIV test negativo'.
_NEGATIVE_RESULT_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,4}?(?:was|were|is|are|came back|tested|returned|foi|fue|est|etait|byl[ao]?)?\W*"
    r"(?:negative|negativ[oae]s?|negatif|negatywn\w*|not detected|nao detectad[oa]|no detectad[oa]|"
    r"undetectable)\b"
)
# Who else has it: a relative's disease in the same sentence is not the patient's ('her mother had
# breast cancer', 'family history of diabetes', '家族史', 'histórico familiar').
_FAMILY_BEFORE = re.compile(
    r"\b(?:family history|familial history|history in the family|mother|father|sister|brother|"
    r"grandmother|grandfather|aunt|uncle|parents?|sibling|relatives?|historia familiar|"
    r"historico familiar|antecedentes familiares|mae|pai|irma|irmao|madre|padre|antecedents familiaux|"
    r"mere|pere|wywiad rodzinny|matka|ojciec)\b"
)
# The patient's past: a disease in a sentence about the history or known comorbidities ('past medical
# history of hypertension', 'antecedentes de asma') is what the patient has had, rarely what the
# item is about; such a name counts for HISTORY_FACTOR of its weight, so one mention alone falls
# under the usual threshold while a disease the text keeps naming stays.
_HISTORY_BEFORE = re.compile(
    r"\b(?:history (?:of|includes|included|was (?:notable|significant) for|significant for)|"
    r"(?:medical|surgical|past) history|known (?:case|history) of|previously diagnosed|"
    r"antecedentes? (?:pessoa(?:l|is) |patologicos? |personales )?(?:de|:)|"
    r"historia (?:previa|pregressa|patologica) de|historico de|antecedents? (?:de|d')|"
    r"w wywiadzie)\b"
)
HISTORY_FACTOR = 0.5
# ...but not the story of the present illness ('a 3-day history of fever', 'history of present
# illness', '现病史'), and not past a turn to the present ('with a history of HTN presents with MI')
_PRESENT_HISTORY = re.compile(
    r"(?:\b(?:\d+|one|two|three|four|five|six|several|many|few)[- ](?:hours?|days?|weeks?|months?|years?)"
    r"[- ]history of$|present illness|historia (?:da|de la) (?:doenca|enfermedad) atual)"
)
_TURN_TO_PRESENT = re.compile(
    r"\b(?:presents?|presented|presenting|comes?|came|admitted|now|today|currently|develop(?:s|ed)?|"
    r"apresenta|apresentou|comparece|procura|chega|ingresa|presenta|consulta|admis|presente)\b"
)
_CJK_HISTORY_BEFORE = re.compile(r"(?<!现)(?<!現)(既往史|既往|病史|既往歴|既往に)[^。；;，,]{0,20}$")
_CJK_FAMILY_BEFORE = re.compile(
    r"(家族史|家族中|家族|母亲|父亲|母親|父親|兄弟|姐妹|其母|其父|家族歴|祖母|祖父)[^。；;]{0,12}$"
)
_CJK_NEGATION = re.compile(r"(无|無|否认|否認|未见|未見|没有|沒有|排除|未)[^，,。；;]{0,4}$")
# Japanese (and Chinese test results) negate after the name: '発熱なし', '浮腫は認めない', '肺炎を認めず',
# 'HBs抗原陰性', '乙肝表面抗原阴性', '結核は否定的'.
_CJK_NEGATION_AFTER = re.compile(
    r"^[^。；;、，,]{0,6}?(なし|無し|はない|がない|もない|認めない|認めず|認められない|みられない|見られない|陰性|阴性|"
    r"除外|否定|は否定的)"
)
_NEGATION_WINDOW = 5
# Chinese words that hold a name's character but mean something else: matched first and ignored,
# so '电脑' (computer; '电脑断层' is CT) is not the brain ('脑') and '肥満細胞' (mast cell) not obesity.
_CJK_NON_TERMS = ("电脑", "電腦", "肥満細胞", "肥大细胞", "肥大細胞")


@dataclass(frozen=True)
class _Entry:
    code: str
    kind: str
    language: str

    @property
    def weight(self) -> float:
        return WEIGHTS[self.kind]


def _is_acronym(name: str) -> bool:
    """'UBS', 'UPA', 'ICU': matched with their case, like abbreviations."""
    return name.isupper() and " " not in name and len(name) <= 6


def _base(language: str) -> str:
    return language.split("-")[0].lower() if language != ANY_LANGUAGE else ANY_LANGUAGE


class Lexicon:
    """The compiled names of one vocabulary: word n-grams, cased abbreviations, CJK substrings."""

    def __init__(self, table: VocabularyTable) -> None:
        self.table = table
        self.words: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
        self.cased: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
        cjk: dict[str, list[_Entry]] = defaultdict(list)
        for term in table:
            sources = (
                ("synonym", term.names),
                ("abbreviation", term.abbreviations),
                ("strong_cue", term.strong_cues),
                ("cue", term.cues),
                ("setting", term.settings),
            )
            for kind, mapping in sources:
                for language, names in mapping.items():
                    entry = _Entry(term.code, kind, _base(language))
                    for name in names:
                        if has_cjk(name):
                            cjk[fold(name)].append(entry)
                        elif kind == "abbreviation" or (kind == "setting" and _is_acronym(name)):
                            key = words(name)
                            if key:
                                self.cased[key].append(entry)
                        else:
                            key = match_words(fold(name))
                            if key and (len(key) > 1 or len(key[0]) >= MIN_WORD_CHARS):
                                self.words[key].append(entry)
        for index in (self.words, self.cased, cjk):
            for key, entries in index.items():
                index[key] = self._most_specific(entries)
        self.first_words = {k[0] for k in self.words}
        self.first_cased = {k[0] for k in self.cased}
        self.max_words = max((len(k) for k in self.words), default=0)
        self.max_cased = max((len(k) for k in self.cased), default=0)
        self.cjk = dict(cjk)
        alternatives = sorted({*self.cjk, *map(fold, _CJK_NON_TERMS)}, key=lambda n: (-len(n), n))
        self.cjk_pattern = re.compile("|".join(re.escape(a) for a in alternatives)) if alternatives else None

    def _most_specific(self, entries: list[_Entry]) -> list[_Entry]:
        """Drops an entry whose code is an ancestor of another entry's code for the same name."""
        codes = {e.code for e in entries}
        if len(codes) < 2:
            return list(dict.fromkeys(entries))
        keep = {c for c in codes if not any(o != c and self.table.is_under(o, c) for o in codes)}
        return list(dict.fromkeys(e for e in entries if e.code in keep))

    def find(self, prepared: PreparedText, language: str | None) -> list[tuple[_Entry, int, int]]:
        """(entry, start, end) of every name in the text, longest match first, left to right."""
        allowed = None if language is None else {ANY_LANGUAGE, "en", _base(language)}

        def usable(entries: Iterable[_Entry]) -> list[_Entry]:
            return [e for e in entries if allowed is None or e.language in allowed]

        found: list[tuple[_Entry, int, int]] = []
        tokens = prepared.folded_tokens
        for index, first, longest, keys in (
            (self.words, self.first_words, self.max_words, [t.text for t in tokens]),
            (self.cased, self.first_cased, self.max_cased, list(prepared.cased_tokens)),
        ):
            i = 0
            while i < len(keys):
                if keys[i] not in first:
                    i += 1
                    continue
                step = 1
                for length in range(min(longest, len(keys) - i), 0, -1):
                    entries = index.get(tuple(keys[i : i + length]))
                    if entries and (matched := usable(entries)):
                        found.extend((e, tokens[i].start, tokens[i + length - 1].end) for e in matched)
                        step = length
                        break
                i += step
        if self.cjk_pattern is not None and has_cjk(prepared.folded):
            for match in self.cjk_pattern.finditer(prepared.folded):
                for entry in usable(self.cjk.get(match.group(), ())):
                    found.append((entry, match.start(), match.end()))
        return found


def _negation_words(language: str | None) -> frozenset[str]:
    if language is None:  # 'no' is a Portuguese preposition ('no abdome'): only with a known language
        return frozenset().union(*NEGATION_WORDS.values()) - {"no"}
    return NEGATION_WORDS.get(_base(language), NEGATION_WORDS["en"])


def is_negated(prepared: PreparedText, start: int, end: int, language: str | None) -> bool:
    """Whether a match sits under a negation in its sentence ('sem febre', 'pneumonia was ruled out')."""
    sentence_start = prepared.sentence_start(start)
    before = prepared.folded[sentence_start:start]
    if has_cjk(prepared.folded[start:end]):
        after = prepared.folded[end : prepared.sentence_end(end)]
        return bool(_CJK_NEGATION.search(before) or _CJK_NEGATION_AFTER.match(after))
    window = words(before)[-_NEGATION_WINDOW:]
    triggers = _negation_words(language)
    if any(w in triggers for w in window):
        return True
    if "no evidence of" in " ".join(window[-3:]) or " ".join(window[-2:]) in ("free of", "negative for"):
        return True
    after = prepared.folded[end : prepared.sentence_end(end)]
    if _NEGATIVE_RESULT_AFTER.match(after):
        return True
    return any(a in " ".join(words(after)[:4]) for a in _NEGATION_AFTER)


def is_past_history(prepared: PreparedText, start: int) -> bool:
    """Whether a mention sits in a clause about the patient's past history or known comorbidities."""
    before = prepared.folded[prepared.sentence_start(start) : start]
    if has_cjk(prepared.folded[start : start + 1]):
        return bool(_CJK_HISTORY_BEFORE.search(before))
    triggers = list(_HISTORY_BEFORE.finditer(before))
    if not triggers:
        return False
    last = triggers[-1]
    if _PRESENT_HISTORY.search(before[: last.end()]) or _PRESENT_HISTORY.match(before[last.start() :]):
        return False
    return not _TURN_TO_PRESENT.search(before[last.end() :])


def is_family_history(prepared: PreparedText, start: int) -> bool:
    """Whether a mention sits in a sentence about a relative or the family history, not the patient."""
    before = prepared.folded[prepared.sentence_start(start) : start]
    if has_cjk(prepared.folded[start : start + 1]):
        return bool(_CJK_FAMILY_BEFORE.search(before))
    return bool(_FAMILY_BEFORE.search(before))


_AGE_YEARS = [
    re.compile(r"\b(\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\b"),
    re.compile(r"\baged\s+(\d{1,3})\b"),
    re.compile(r"\b(?:com|de|tem|possui)\s+(\d{1,3})\s+anos?\b"),
    re.compile(r"\b(\d{1,3})\s+anos?\s+de\s+(?:idade|edad)\b"),
    re.compile(r"\b(?:de|age de|agee de)\s+(\d{1,3})\s+ans\b"),
    re.compile(r"\b(\d{1,3})[\s-]*(?:letni|letnia|letnie|latek|latka)\b"),
    re.compile(r"\bw wieku\s+(\d{1,3})\s+lat\b"),
    re.compile(r"(\d{1,3})\s*(?:岁|歲|周岁|週歲)"),
]
_AGE_MONTHS = [
    re.compile(
        r"\b(\d{1,2})[\s-]*(?:meses|mes|months?|mois|miesiecy|miesiace)[\s-]*"
        r"(?:de idade|de vida|old|of age|d'age)\b"
    ),
    re.compile(
        r"\b(?:lactente|bebe|crianca|menino|menina|infant|lactante|nourrisson)\s+(?:de|com|of|aged)\s+"
        r"(\d{1,2})\s+(?:meses|mes|months?|mois)\b"
    ),
    re.compile(r"(\d{1,2})\s*(?:个月|個月)"),
]
_AGE_DAYS = [
    re.compile(
        r"\b(\d{1,3})[\s-]*(?:dias|dia|days?|jours|dni)[\s-]*"
        r"(?:de vida|old|of life|de nascido|de nacido|de vie)\b"
    ),
    re.compile(r"\b(\d{1,2})[\s-]*(?:horas|hours?|heures)[\s-]*(?:de vida|old|of life|de vie)\b"),
    re.compile(r"(?:出生|生后)\s*(\d{1,2})\s*(?:天|日)"),
]


def patient_age_years(folded: str) -> float | None:
    """The first age the text states, in years ('menino de 4 anos' -> 4, '3 dias de vida' -> 0.008)."""
    found: list[tuple[int, float]] = []
    for patterns, scale in ((_AGE_YEARS, 1.0), (_AGE_MONTHS, 1 / 12), (_AGE_DAYS, 1 / 365)):
        for pattern in patterns:
            match = pattern.search(folded)
            if match:
                found.append((match.start(), int(match.group(1)) * scale))
    return min(found)[1] if found else None


def age_specialty_cues(age: float | None) -> list[tuple[str, float, str]]:
    """(specialty code, weight, evidence) that the patient's age suggests."""
    if age is None:
        return []
    if age < 28 / 365:
        return [("neonatology", 0.85, f"age {age * 365:.0f} days")]
    if age < 1:
        return [("pediatrics", 0.85, f"age {age * 12:.0f} months")]
    if age < 13:
        return [("pediatrics", 0.8, f"age {age:.0f} years")]
    if age < 18:
        return [("pediatrics", 0.45, f"age {age:.0f} years")]
    if age >= 75:
        return [("geriatrics", 0.45, f"age {age:.0f} years")]
    return []


@cache
def lexicon_for(vocabulary: Vocabulary) -> Lexicon:
    """The compiled lexicon of a vocabulary (built once per process)."""
    return Lexicon(load_vocabulary(vocabulary))


class LexiconTagger:
    """Names, abbreviations and cues of every vocabulary, matched as whole words."""

    name = TAGGER_NAME

    def __init__(self, vocabularies: Sequence[Vocabulary] | None = None) -> None:
        self.vocabularies = list(vocabularies or Vocabulary)

    def tag(self, texts: Sequence[TextToTag]) -> list[list[TagHit]]:
        """Hits per text; confidence of a code = noisy-or over its distinct matched names."""
        return [self.tag_one(t) for t in texts]

    def tag_one(self, text: TextToTag) -> list[TagHit]:
        """Hits of one text."""
        if not text.text or not text.text.strip():
            return []
        prepared = PreparedText.of(text.text)
        hits: list[TagHit] = []
        diagnoses: list[TagHit] = []
        for vocabulary in self.vocabularies:
            evidence: dict[str, dict[str, float]] = defaultdict(dict)
            settings: dict[str, dict[str, float]] = defaultdict(dict)
            named_spans: list[tuple[int, int]] = []
            for entry, start, end in lexicon_for(vocabulary).find(prepared, text.language):
                if entry.kind == "synonym":
                    named_spans.append((start, end))
                weight = entry.weight
                if vocabulary is Vocabulary.ICD10 or entry.kind in ("cue", "strong_cue", "setting"):
                    if is_negated(prepared, start, end, text.language):
                        if vocabulary is Vocabulary.ICD10:
                            continue
                        weight *= NEGATED_CUE_FACTOR
                    if vocabulary is Vocabulary.ICD10 and is_family_history(prepared, start):
                        continue
                    if vocabulary is Vocabulary.ICD10 and is_past_history(prepared, start):
                        weight *= HISTORY_FACTOR
                key = fold(text.text[start:end])
                target = settings if entry.kind == "setting" else evidence
                target[entry.code][key] = max(target[entry.code].get(key, 0.0), weight)
            for code, places in settings.items():  # where the patient is seen counts once, however named
                evidence[code]["in " + ", ".join(sorted(places))] = max(places.values())
            if vocabulary is Vocabulary.ICD10:
                for composed in composer().compose(prepared):
                    if _inside_a_longer_name(composed.start, composed.end, named_spans):
                        continue  # '类风湿关节炎' is a name of its own, not 关节 + 炎
                    if is_negated(prepared, composed.start, composed.end, text.language) or is_family_history(
                        prepared, composed.start
                    ):
                        continue
                    key = fold(composed.evidence)
                    code = composed.code
                    evidence[code][key] = max(evidence[code].get(key, 0.0), composed.weight)
            if vocabulary is Vocabulary.SPECIALTY:
                age = patient_age_years(prepared.folded)
                for code, weight, note in age_specialty_cues(age):
                    evidence[code][note] = weight
                _population_takes_organ_evidence(evidence, age)
            found = [
                TagHit(
                    vocabulary, code, round(noisy_or(list(ev.values())), 4), self.name, "; ".join(sorted(ev))
                )
                for code, ev in evidence.items()
            ]
            hits.extend(found)
            if vocabulary is Vocabulary.ICD10:
                diagnoses = found
        if Vocabulary.SPECIALTY in self.vocabularies and diagnoses:
            hits = _merge_specialty_from_diagnoses(hits, diagnoses)
        return hits


CHILD_AGE = 13
POPULATION_STRONG = 0.7


def _population_takes_organ_evidence(evidence: dict[str, dict[str, float]], age: float | None) -> None:
    """Who the patient is decides who treats the disease: a child's pneumonia is paediatrics' and a
    pregnant woman's dengue obstetrics', so for a child (stated age under 13, or a strong child cue
    with no age) or a pregnancy (a strong obstetric cue) the internal-medicine evidence counts for
    paediatrics or obstetrics too, and the population specialty is never ranked below an organ one."""
    table = load_vocabulary(Vocabulary.SPECIALTY)
    organ = {
        f"{code}: {key}": weight
        for code, found in evidence.items()
        if table.is_under(code, "internal_medicine") or code == "internal_medicine"
        for key, weight in found.items()
    }
    if not organ:
        return
    child = "pediatrics"
    child_cue = max([*evidence.get(child, {}).values(), *evidence.get("neonatology", {}).values(), 0.0])
    if (age is not None and age < CHILD_AGE) or (age is None and child_cue >= POPULATION_STRONG):
        evidence[child].update(organ)
    pregnancy = max(evidence.get("obstetrics", {}).values(), default=0.0)
    if pregnancy >= POPULATION_STRONG and (age is None or age >= CHILD_AGE):
        evidence["obstetrics"].update(organ)


def _inside_a_longer_name(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) lies inside a longer matched name."""
    return any(a <= start and end <= b and (b - a) > (end - start) for a, b in spans)


def _merge_specialty_from_diagnoses(hits: list[TagHit], diagnoses: list[TagHit]) -> list[TagHit]:
    icd = load_vocabulary(Vocabulary.ICD10)
    extra: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for hit in diagnoses:
        chapter = icd.top_level(hit.code).code
        if chapter in CHAPTER_SPECIALTY:
            extra[CHAPTER_SPECIALTY[chapter]].append((hit.confidence * CHAPTER_SPECIALTY_FACTOR, hit.code))
    if not extra:
        return hits
    out = [h for h in hits if not (h.vocabulary is Vocabulary.SPECIALTY and h.code in extra)]
    existing = {h.code: h for h in hits if h.vocabulary is Vocabulary.SPECIALTY}
    for code, parts in extra.items():
        base = existing.get(code)
        confidences = [c for c, _ in parts] + ([base.confidence] if base else [])
        note = "; ".join(filter(None, [base.evidence if base else "", *(f"icd10 {c}" for _, c in parts)]))
        out.append(TagHit(Vocabulary.SPECIALTY, code, round(noisy_or(confidences), 4), TAGGER_NAME, note))
    return out
