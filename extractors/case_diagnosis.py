"""The final diagnosis of a case report: read from a diagnosis section, the title, or a cue sentence.

A case report names its diagnosis, but a cue sentence ('... were observed', 'consistent with ...')
as often names a finding, and a title as often names the patient ('A 4-Year-Old Boy with ...') or
the treatment. So every candidate is cut to its noun phrase and must look like a diagnosis: short,
no verb, no hedge ('either', 'versus'), no patient or histology description, and a disease word
('-itis', '-oma', 'syndrome', 'fistula', ...). Order: a diagnosis section, then the title (what the
authors chose to name the case), then a cue sentence of the case, abstract or discussion that
agrees with the title. When none qualifies the diagnosis is left out: a missing diagnosis is
rejected downstream with its reason, where a wrong one would make a wrong benchmark item.
"""

from __future__ import annotations

import re

from extractors.case_text import ArticleParts, clean, sentences

DIAGNOSIS_TITLES = re.compile(
    r"^\s*(?:[0-9.]+\s*)?(?:final\s+|definitive\s+)?(?:diagnos[ie]s|diagn[oó]stico(?:\s+final)?"
    r"|diagnostic(?:\s+final)?|diagnose|诊断)\s*[:.]?\s*$",
    re.IGNORECASE,
)
DISCUSSION_TITLES = re.compile(r"^\s*(?:[0-9.]+\s*)?(?:discuss|discusi|discuss[aã]o|diskussion|讨论)", re.I)
MAX_WORDS = 12

_DIAGNOSIS_SENTENCE = re.compile(
    r"(?:final|definitive|definite|confirmed|conclusive)\s+diagnosis\s+(?:of|was|is)\s+(?:made\s+(?:of|as)\s+)?"
    r"(?P<a>[^.;]{3,160})"
    r"|diagnosis\s+of\s+(?P<b>[^.;]{3,160}?)\s+was\s+(?:made|confirmed|established|considered)"
    r"|(?:was|were)\s+(?:subsequently\s+|finally\s+|eventually\s+)?diagnosed\s+(?:with|as(?:\s+having)?)\s+"
    r"(?P<c>[^.;]{3,160})"
    r"|(?:confirmed|established|supported|made)\s+(?:the|a)\s+diagnosis\s+of\s+(?P<d>[^.;]{3,160})"
    r"|(?:made|gave|established)\s+(?:the|a)\s+diagnos[ie]s\s+of\s+(?P<f>[^.;]{3,160})"
    r"|(?:was|were)\s+(?:\w+ly\s+)?diagnosed\s+(?:with|as(?:\s+having)?)\s+(?P<g>[^.;]{3,160})"
    r"|(?:histolog\w*|histopatholog\w*|patholog\w*|biopsy|cytolog\w*)[^.;]{0,80}?(?:revealed|showed|confirmed|"
    r"demonstrated)\s+(?:the\s+\w+\s+to\s+be\s+)?(?:an?\s+)?(?P<h>[^.;]{3,160})"
    r"|with\s+(?:the|a)\s+diagnosis\s+of\s+(?P<i>[^.;]{3,160})"
    r"|(?:present|report|describe)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}case\s+of\s+(?:an?\s+)?(?P<j>[^.;]{3,160})"
    r"|(?:consistent|compatible)\s+with\s+(?:the\s+diagnosis\s+of\s+)?(?:an?\s+)?(?P<e>[^.;]{3,160})",
    re.IGNORECASE,
)
_RANKED = "abdfhcgije"
"""Cue groups from the most telling ('final diagnosis of') to the weakest ('consistent with')."""
_STRONG = frozenset("ad")
"""Cues that name the diagnosis as such; only these are trusted without the title agreeing."""

# Words that make a phrase a diagnosis: suffixes of disease names and the heads of condition phrases.
_DISEASE_SUFFIX = re.compile(
    r"(?:omas?|itis|osis|oses|iasis|[ae]?emias?|pathy|pathies|plasias?|troph(?:y|ies)|ectasis|celes?|algia"
    r"|penias?|cytosis|rrhag(?:e|ia)|rrh(?:o)?ea|plegia|paresis|megaly|isms?|urias?|phil(?:ia)|oses)$"
)
_NOT_DISEASE = frozenset(
    "diagnosis prognosis analysis synthesis hypothesis mechanism organism mechanisms organisms criteria "
    "academia emphasis basis thesis stoma diploma aroma".split()
)
_DISEASE_HEADS = frozenset(
    """malrotation crisis storm necrosis
    syndrome syndromes disease diseases disorder disorders deficiency deficiencies fistula fistulae
    fistulas cyst cysts pseudocyst fracture fractures tumour tumours tumor tumors cancer cancers
    neoplasm neoplasms infection infections infected abscess abscesses malformation malformations
    anomaly anomalies anomalous toxicity poisoning intoxication overdose injury injuries trauma
    dissection failure loss overgrowth detachment ossification dislocation dissociation migration
    rupture perforation obstruction occlusion insufficiency palsy paralysis infarction infarct ulcer
    ulcers ulceration nodule nodules polyp polyps hernia herniation torsion prolapse atresia
    agenesis duplication effusion edema oedema sepsis pneumonia fever arrest shock block arrhythmia
    fibrillation flutter tachycardia bradycardia incontinence aneurysm pseudoaneurysm thrombus
    defect defects deformity dysfunction metastasis metastases hypertension hypotension diabetes
    asthma epilepsy seizure seizures stroke dementia delirium depression schizophrenia mania lupus
    gout burn burns entrapment impingement tear contracture stricture compression intussusception
    volvulus ileus hydrops ascites calculus calculi stone stones hydrocephalus degeneration gangrene
    infestation diverticulum diverticula diverticulitis varices varix nevus naevus eczema urticaria
    erythema pemphigus pemphigoid alopecia acne vitiligo abnormality abnormalities ectopia
    coarctation tetralogy transposition noncompaction non-compaction shunt pneumothorax hemothorax
    haemothorax hypoxia goitre goiter porphyria malaria leprosy syphilis measles mumps rubella
    varicella zoster herpes tuberculosis dactylitis myiasis embolism embolus emboli hematoma
    haematoma hemorrhage haemorrhage bleeding vasospasm spasm pain cardiomyopathy carcinoma sarcoma
    lymphoma leukemia leukaemia myeloma lesion lesions mass""".split()
)
# Heads too vague to stand alone as a diagnosis (a 'mass', a 'lesion', 'pain'): accepted only with a
# more telling word elsewhere in the phrase.
_VAGUE_HEADS = frozenset("lesion lesions mass pain bleeding defect defects abnormality abnormalities".split())
_PATIENT = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|[a-z]+ty)"
    r"[- ](?:years?|months?|weeks?|days?)[- ]old\b|\b(?:patients?|boy|girl|man|woman|men|women|male|female"
    r"|child|children|infant|neonate|newborn|baby|gentleman|lady|player|amputee|recipient|family|members)\b",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|showed|shows|revealed|observed|demonstrated|presented"
    r"|ruled|missed|recommended|performed|seen|noted|found|underwent|developed)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:either|versus|vs|or|possible|possibly|probable|probably|suspected|suspicion|likely|differential"
    r"|rule|excluded?|exclusion|unknown|undetermined|not otherwise specified|nos)\b",
    re.IGNORECASE,
)
_NOT_A_DIAGNOSIS = re.compile(
    r"\b(?:features?|findings?|evidence|cells|epithelium|stroma|macrophages?|arteries|hypercellularity"
    r"|atypia|pattern|results?|treatments?|management|technique|approach|closure|removal|revision|repair"
    r"|surgery|resection|use|follow-up|outcome|review|report|reports|case|cases|presentation|imaging"
    r"|association|challenge|diagnosis|experience|modality|pathogen|literature|staining|stains?|markers?"
    r"|specimens?|sections?|appearance|lumen|wall|walls)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:an?|the)\s+)?(?:(?:rare|unusual|atypical|unique|novel|interesting|uncommon|striking|first|another"
    r"|successful|incidental|concomitant|pediatric|paediatric|fatal|challenging|unexpected|delayed"
    r"|misleading|clinical|curious|peculiar|intriguing|exceptional|extremely|very|new)\s+)*"
    r"(?:(?:[\w'-]+\s+){0,3}?(?:case|cases|report|presentation|treatment|management|diagnosis|use|finding"
    r"|evidence|repair|revision|removal|resection|misdiagnosis|recognition|detection|imaging|features"
    r"|signs|manifestations?|course|cause|form|variant|type)\s+of\s+(?:an?\s+|the\s+)?"
    r"(?:(?:rare|unusual|atypical|uncommon|aggressive|and|\s)+\s+)?(?:form\s+of\s+)?"
    r"(?:patient\s+with\s+(?:an?\s+)?)?)*",
    re.IGNORECASE,
)
_PATIENT_WITH = re.compile(
    r"^(?:an?\s+)?(?:[\w-]+[- ](?:years?|months?|weeks?|days?)[- ]old|young|elderly|old|adult)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:boy|girl|man|woman|male|female|patient|child|infant|neonate|baby|adult"
    r"|gentleman|lady)\s+(?:with|presenting\s+with|who\s+had|having)\s+(?:an?\s+)?",
    re.IGNORECASE,
)
_UNDERLYING = re.compile(
    r"\b(?:as\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}(?:presentation|manifestation|sign|feature)\s+of"
    r"|(?:leading\s+to|revealing|unmasking)\s+(?:the\s+)?diagnosis\s+of)\s+(?:an?\s+|the\s+)?"
    r"(?:(?:rare|unusual|aggressive|and)\s+)*(?:form\s+of\s+)?(?P<dx>.+)$",
    re.IGNORECASE,
)
_CUT = re.compile(
    r"\s*,|\s*;|\s*[(\[]|\s+(?:which|who|that|whose|where|when|while|because|based\s+on|according\s+to"
    r"|since|although|given|along\s+with|and\s+its|and\s+their|and\s+his|and\s+her|mimicking|masquerading"
    r"|simulating|presenting|manifesting|during|after|following|under|for)\b"
    r"|\s+(?:in|on|at)\s+(?:an?|the|this|our|his|her|their|two|three|four|\d+)\b"
    r"|\s+in\s+(?:[\w-]+\s+){0,3}?(?:patients?|boys?|girls?|m[ae]n|wom[ae]n|males?|females?|child(?:ren)?"
    r"|infants?|neonates?|adults?|athletes?|players?|recipients?|adolescents?)\b"
    r"|\s+[\w-]+(?:ed|ing)\s+(?:from|by|in|into|on|after|as|to|with|during|under|at)\b",
    re.IGNORECASE,
)
_TREATMENT_LEAD = re.compile(
    r"^(?:[\w'-]+\s+){0,3}?(?:treatment|management|repair|revision|removal|resection|closure|use)\s+of\b",
    re.IGNORECASE,
)
_TITLE_HEDGE = re.compile(r"^(?:probable|possible|suspected|presumed|presumptive)\s+", re.IGNORECASE)
_TITLE_SEGMENTS = re.compile(r"\s*[:—–?]\s*|\s+-\s+|\.\s+")
_WORD = re.compile(r"[\w'-]+")
_STEM_STOP = frozenset(
    """case report rare unusual patient after with presenting presentation review literature young female
    male child adult first another unique uncommon treatment management""".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def disease_words(phrase: str) -> list[str]:
    """Words of `phrase` that name a condition (suffix or head noun), vague heads last."""
    found = []
    for word in _words(phrase):
        bare = word.strip("'-")
        parts = [bare, *bare.split("-")]
        if any(p in _DISEASE_HEADS or (len(p) >= 6 and _DISEASE_SUFFIX.search(p)) for p in parts) and not any(
            p in _NOT_DISEASE for p in parts
        ):
            found.append(bare)
    return sorted(found, key=lambda w: w in _VAGUE_HEADS)


def why_not_diagnosis(phrase: str) -> str | None:
    """None when `phrase` reads as a diagnosis; otherwise the reason it does not."""
    words = _words(phrase)
    if len(phrase) < 3 or not words:
        return "empty"
    if len(words) > MAX_WORDS:
        return f"{len(words)} words: a sentence, not a diagnosis"
    if re.match(r"^\W*\d", phrase):
        return "starts with a number"
    for pattern, reason in (
        (_PATIENT, "describes the patient"),
        (_VERB, "contains a verb"),
        (_HEDGE, "hedged or a differential"),
        (_NOT_A_DIAGNOSIS, "names a finding, procedure or article part"),
    ):
        match = pattern.search(phrase)
        if match:
            return f"{reason} ('{match.group(0)}')"
    found = disease_words(phrase)
    if not found:
        return "no disease word"
    if all(w in _VAGUE_HEADS for w in found) and len(words) < 3:
        return f"too vague ('{found[0]}')"
    return None


def _first_of_two(text: str) -> str:
    """'X endocarditis and refractory Y anaemia' -> the first condition, when the phrase is long and
    each side of 'and' names a condition of its own."""
    words = text.split()
    if len(words) <= 6:
        return text
    left, sep, right = text.partition(" and ")
    if sep and disease_words(left) and disease_words(right):
        return left
    return text


def trim_candidate(candidate: str, title: bool = False) -> str:
    """The noun phrase a cue or title segment starts with: lead-ins and trailing clauses cut off.

    In a title, a treatment lead-in ('Treatment of X with Y', 'Management of X by Y') means what
    follows 'with'/'by' is the therapy, and an authors' hedge ('Probable X') is dropped.
    """
    text = clean(candidate)
    underlying = _UNDERLYING.search(text)
    if underlying:
        text = underlying.group("dx")
    treated = bool(_TREATMENT_LEAD.match(text))
    for _ in range(3):
        before = text
        if title:
            text = _TITLE_HEDGE.sub("", text)
        text = _LEAD.sub("", text, count=1)
        text = _PATIENT_WITH.sub("", text)
        if text == before:
            break
    text = _CUT.split(text, maxsplit=1)[0]
    if treated:
        text = re.split(r"\s+(?:with|by|using|via|through)\s+", text, maxsplit=1)[0]
    text = re.sub(r"^(?:the|a|an)\s+diagnos[ie]s\s+of\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:an?|the)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+(?:and|or|of|with|in|the|a|an)$", "", text.strip(), flags=re.IGNORECASE)
    return _first_of_two(text.strip(" .,;:()[]'\"-"))


def _cue_candidates(text: str | None) -> list[tuple[int, str]]:
    """(cue rank, trimmed phrase) for every diagnosis cue in the text, best cue first."""
    found: list[tuple[int, str]] = []
    for sentence in sentences(text or ""):
        for match in _DIAGNOSIS_SENTENCE.finditer(sentence):
            group = next(g for g in _RANKED if match.group(g))
            found.append((_RANKED.index(group), trim_candidate(match.group(group))))
    return sorted(found, key=lambda c: c[0])


def diagnosis_from_text(text: str | None, strong_only: bool = False) -> str | None:
    """The first diagnosis a cue sentence names that reads as one ('was diagnosed with X', ...)."""
    for rank, phrase in _cue_candidates(text):
        if strong_only and _RANKED[rank] not in _STRONG:
            continue
        if why_not_diagnosis(phrase) is None:
            return phrase
    return None


_CASE_OF = re.compile(
    r"\b(?:an?|the|one|our)\s+(?:[\w'-]+\s+){0,3}?cases?\s+of\s+(?P<dx>.+)$",
    re.IGNORECASE,
)
# What a title studies rather than the case it reports: 'Risk factors and epidemiology of X ...'.
_STUDY_LEAD = re.compile(
    r"^(?:(?:risk\s+factors?|epidemiology|pathogenesis|pathophysiology|prevalence|incidence|aetiology|etiology"
    r"|outcomes?|characteristics|genetics|natural\s+history|challenges?|pitfalls|lessons|update|insights?"
    r"|overview|spectrum|burden|trends?|determinants|predictors|complications)(?:\s*,\s*|\s+and\s+|\s+))+"
    r"(?:of|in|on|for)\s+",
    re.IGNORECASE,
)


def title_candidates(title: str | None) -> list[str]:
    """Trimmed title segments, best first: what follows 'a case of' inside any segment (the disease
    the case is about: 'Risk factors of X demonstrated by a case of Y' -> Y), then a segment that
    says 'case of X', then the others, study lead-ins ('Risk factors and epidemiology of') cut."""
    if not title:
        return []
    segments = [s for s in _TITLE_SEGMENTS.split(clean(title)) if s.strip()]
    ordered = sorted(segments, key=lambda s: not re.search(r"\bcases?\s+of\b", s, re.IGNORECASE))
    inner = [m.group("dx") for s in ordered if (m := _CASE_OF.search(s)) and m.start() > 0]
    found = [trim_candidate(s, title=True) for s in inner]
    found += [trim_candidate(_STUDY_LEAD.sub("", s), title=True) for s in ordered]
    return [t for t in dict.fromkeys(found) if t]


def diagnosis_from_title(title: str | None) -> str | None:
    """'Unusual case of X in a ...', 'X: a case report', 'Treatment of X with Y' -> X; else None."""
    for candidate in title_candidates(title):
        if why_not_diagnosis(candidate) is None:
            return candidate
    return None


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _words(text) if len(w) >= 5 and w not in _STEM_STOP}


def agrees_with_title(phrase: str, title: str | None) -> bool:
    """Whether a phrase shares a word stem with the title (a cue naming what the article is about)."""
    return bool(title) and bool(_stems(phrase) & _stems(title or ""))


def natural_case(phrase: str, context: str) -> str:
    """A Title Case phrase in the case the article writes it ('Graves' Disease' -> "Graves' disease").

    A capitalised word stays capitalised only where the text always writes it so mid-sentence (a
    proper name); otherwise it is lower-cased, as ICD-10 titles and distractors are.
    """

    def natural(part: str) -> str:
        core = part.strip("'’")
        if len(core) > 1 and core[0].isupper() and core[1:] == core[1:].lower():
            mid_sentence = [
                m.group(0)
                for m in re.finditer(rf"\b{re.escape(core)}\b", context, re.IGNORECASE)
                if m.start() > 0 and context[: m.start()].rstrip()[-1:] not in (".", "!", "?", ":", "")
            ]
            if not (mid_sentence and all(m[0].isupper() for m in mid_sentence)):
                return part.lower()
        return part

    return " ".join("-".join(natural(p) for p in word.split("-")) for word in phrase.split())


def find_diagnosis(
    parts: ArticleParts, case_text: str | None, use_title: bool = True
) -> tuple[str | None, str | None]:
    """(diagnosis, where it was found): diagnosis section > title > agreeing cue; (None, None) if none.

    The title is read only for articles known to be case reports (`use_title`); without it, only a
    strong cue ('the final diagnosis was X') is trusted.
    """
    for section in parts.sections:
        if DIAGNOSIS_TITLES.match(section.title) and section.text.strip():
            named = diagnosis_from_text(section.text)
            if named is None:
                first = trim_candidate(sentences(section.text)[0])
                named = first if why_not_diagnosis(first) is None else None
            if named:
                return named, f"section:{clean(section.title)}"
    if use_title:
        named = diagnosis_from_title(parts.title)
        if named:
            context = " ".join(filter(None, [parts.abstract, case_text, *(s.text for s in parts.sections)]))
            return natural_case(named, context), "title"
    discussion = "\n".join(s.text for s in parts.sections if DISCUSSION_TITLES.match(s.title))
    for where, text in (
        ("case_presentation", case_text),
        ("abstract", parts.abstract),
        ("discussion", discussion),
    ):
        for rank, phrase in _cue_candidates(text):
            if why_not_diagnosis(phrase) is not None:
                continue
            if (use_title and agrees_with_title(phrase, parts.title)) or _RANKED[rank] in _STRONG:
                return phrase, where
    return None, None
