"""ICD-10 codes composed from the parts a diagnosis is written in: a site and a head, or an organism and
the disease it causes.

English: a head ('adenocarcinoma', 'tuberculosis', 'fracture') takes the nearest site written just
before it ('gastric adenocarcinoma', 'papillary thyroid carcinoma', 'renal cell carcinoma') or after
it through 'of'/'in' ('adenocarcinoma of the lung', 'tuberculosis of the spine'); 'tuberculous' +
an inflammation of a site ('tuberculous dactylitis') is that site's tuberculosis. An organism
('Staphylococcus aureus', 'CMV') takes the disease word next to it ('CMV pneumonia', 'pneumonia due
to S. aureus') or stands for its infection. Chinese and Japanese: a site followed (through filler
words such as 部, 上叶, 细胞) by a head (胃腺癌, 右肺上叶腺癌, 肺结核, 急性心肌梗死), with modifiers
written before the site (急性, 慢性, 化脓性, 结核性). Tables: `vocabulary/data/icd10_compose.yaml`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from taxonomy.text import PreparedText, match_words
from textkit import fold, has_cjk, words
from vocabulary.icd10_compose import Composition, Head, Site, load_composition

COMPOSED_WEIGHT = 0.92
"""A site and a head, or an organism and its disease: surer than a bare name of a coarser code."""
UNSURE_WEIGHT = 0.75
"""A 'tumour' of a site, behaviour unstated: filed as the site's malignant neoplasm, less sure."""
ORGANISM_ONLY_WEIGHT = 0.85
"""An organism named with no disease word: its infection."""
GENERIC_WEIGHT = 0.6
"""A morphology with no site ('adenocarcinoma'): 'site unspecified', used when nothing better is named."""
HEAD_WEIGHT = 0.9
"""A head that has a code of its own ('osteosarcoma' C41, 'meningioma' D32)."""

MAX_WORDS_BEFORE = 3
MAX_LINK_WORDS = 5
MAX_CJK_FILLERS = 3
_LINKS_AFTER = {"of", "in", "involving", "arising", "from", "within", "at", "on", "affecting"}
_LINK_WORDS = _LINKS_AFTER | {
    "the", "a", "an", "left", "right", "upper", "lower", "distal", "proximal", "both", "bilateral",
    "primary", "main", "common", "middle", "anterior", "posterior", "inferior", "superior", "base",
    "body", "head", "tail", "neck", "lobe", "wall", "side",
}  # fmt: skip
_ORGANISM_LINKS = {"due", "to", "caused", "by", "with", "from", "of", "secondary", "associated", "the", "a"}
_BREAK = re.compile(r"[,.;:()\[\]!?\n，。；：（）]")


@dataclass(frozen=True)
class ComposedCode:
    """One code composed from the text, where it was written, how sure, and the words it came from."""

    code: str
    start: int
    end: int
    weight: float
    evidence: str


def _index(entries: Iterable[tuple[str, object]]) -> dict[tuple[str, ...], list]:
    out: dict[tuple[str, ...], list] = defaultdict(list)
    for name, value in entries:
        key = match_words(fold(name))
        if key and value not in out[key]:
            out[key].append(value)
    return dict(out)


def _pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({fold(n) for n in names if n}, key=lambda n: (-len(n), n))
    return re.compile("|".join(re.escape(n) for n in ordered)) if ordered else None


def _latin(names: dict[str, tuple[str, ...]]) -> list[str]:
    return [n for lang, ns in names.items() if lang == "en" for n in ns if not has_cjk(n)]


def _cjk(names: dict[str, tuple[str, ...]]) -> list[str]:
    return [n for ns in names.values() for n in ns if has_cjk(n)]


class Composer:
    """The composition tables compiled for matching: word indexes (English) and patterns (CJK)."""

    def __init__(self, composition: Composition) -> None:
        self.composition = composition
        sites, heads, organisms = composition.sites, composition.heads, composition.organisms
        self.site_words = _index((n, s) for s in sites for n in _latin(dict(s.names)))
        self.itis_words = _index((n, s) for s in sites for n in s.itis)
        self.head_words = _index((n, h) for h in heads for n in _latin(dict(h.names)))
        self.modifier_words = _index(
            (n, key) for key, names in composition.modifiers.items() for n in _latin(dict(names))
        )
        self.organism_words = _index((n, o) for o in organisms for n in _latin(dict(o.names)))
        self.organism_cased: dict[tuple[str, ...], list] = defaultdict(list)
        for organism in organisms:
            for abbreviation in organism.abbreviations:
                self.organism_cased[words(abbreviation)].append(organism)
        self.kind_words = _index(
            (n, kind) for kind, names in composition.organism_kinds.items() for n in _latin(dict(names))
        )
        # CJK: name -> entries, and one alternation per table (longest first)
        self.cjk_sites = self._cjk_map((n, s) for s in sites for n in _cjk(dict(s.names)))
        self.cjk_heads = self._cjk_map((n, h) for h in heads for n in _cjk(dict(h.names)))
        self.cjk_organisms = self._cjk_map((n, o) for o in organisms for n in _cjk(dict(o.names)))
        self.cjk_kinds = self._cjk_map(
            (n, kind) for kind, names in composition.organism_kinds.items() for n in _cjk(dict(names))
        )
        self.cjk_modifiers = self._cjk_map(
            (n, key) for key, names in composition.modifiers.items() for n in _cjk(dict(names))
        )
        self.site_pattern = _pattern(self.cjk_sites)
        self.head_pattern = _pattern(self.cjk_heads)
        self.organism_pattern = _pattern(self.cjk_organisms)
        self.kind_pattern = _pattern(self.cjk_kinds)
        self.filler_pattern = _pattern(composition.cjk_fillers)
        self.modifier_suffix = (
            re.compile(f"(?:{_pattern(self.cjk_modifiers).pattern})$") if self.cjk_modifiers else None
        )

    @staticmethod
    def _cjk_map(entries: Iterable[tuple[str, object]]) -> dict[str, list]:
        out: dict[str, list] = defaultdict(list)
        for name, value in entries:
            if value not in out[fold(name)]:
                out[fold(name)].append(value)
        return dict(out)

    # ---- English -------------------------------------------------------------------------------

    def compose(self, prepared: PreparedText) -> list[ComposedCode]:
        """Every composed code of a text, English and CJK parts alike."""
        found = self._latin(prepared)
        if has_cjk(prepared.folded):
            found.extend(self._cjk(prepared.folded))
        return found

    def _latin(self, prepared: PreparedText) -> list[ComposedCode]:
        tokens = prepared.folded_tokens
        keys = [t.text for t in tokens]
        if not keys:
            return []
        heads = _spans(keys, self.head_words)
        organisms = _spans(keys, self.organism_words) + _spans(
            list(prepared.cased_tokens), self.organism_cased
        )
        itis = _spans(keys, self.itis_words)
        if not (heads or organisms or itis):
            return []
        sites = _spans(keys, self.site_words)
        modifiers = {i: m for i, _, ms in _spans(keys, self.modifier_words) for m in ms[:1]}
        out: list[ComposedCode] = []

        def unbroken(a: int, b: int) -> bool:
            """No punctuation between token a's end and token b's start."""
            return a >= b or not _BREAK.search(prepared.folded[tokens[a - 1].end : tokens[b].start])

        def mods_before(first: int, last: int) -> tuple[str, ...]:
            return tuple(
                modifiers[i] for i in range(max(0, first - MAX_WORDS_BEFORE), last) if i in modifiers
            )

        for hi, hj, head_list in heads:
            candidates: list[tuple[int, int, int, Site]] = []
            for si, sj, site_list in sites:
                if sj <= hi and hi - sj <= MAX_WORDS_BEFORE and unbroken(sj, hi):
                    candidates.extend((hi - sj, si, sj, s) for s in site_list)
                elif si >= hj and si - hj <= MAX_LINK_WORDS and unbroken(hj, si):
                    between = keys[hj:si]
                    if between and between[0] in _LINKS_AFTER and all(w in _LINK_WORDS for w in between):
                        candidates.extend((si - hj, si, sj, s) for s in site_list)
            candidates.sort(key=lambda c: c[0])
            for head in head_list:
                composed = self._head_code(head, candidates, mods_before, hi, hj)
                if composed is not None:
                    code, weight, first, last = composed
                    start, end = tokens[first].start, tokens[last - 1].end
                    out.append(ComposedCode(code, start, end, weight, prepared.original[start:end]))
                    break
        for ii, ij, site_list in itis:
            if "tuberculous" in mods_before(ii, ii) or (
                ii > 0 and keys[ii - 1] in ("tuberculous", "tubercular")
            ):
                code = site_list[0].code("tuberculosis")
                if code:
                    start, end = tokens[max(0, ii - 1)].start, tokens[ij - 1].end
                    out.append(ComposedCode(code, start, end, COMPOSED_WEIGHT, prepared.original[start:end]))
        kinds = _spans(keys, self.kind_words)
        for oi, oj, organism_list in organisms:
            organism = organism_list[0]
            mods = mods_before(oi, oi)
            best: tuple[str, int, int] | None = None
            for ki, kj, kind_list in kinds:
                after = oj <= ki <= oj + 2 and unbroken(oj, ki)
                before = (
                    kj <= oi and oi - kj <= MAX_LINK_WORDS and all(w in _ORGANISM_LINKS for w in keys[kj:oi])
                )
                if not (after or before) or (before and not unbroken(kj, oi)):
                    continue
                code = organism.code(kind_list[0], mods + mods_before(ki, ki))
                if code:
                    best = (code, min(oi, ki), max(oj, kj))
                    break
            if best is None:
                code = organism.code("infection", mods)
                if code:
                    start, end = tokens[oi].start, tokens[oj - 1].end
                    out.append(
                        ComposedCode(code, start, end, ORGANISM_ONLY_WEIGHT, prepared.original[start:end])
                    )
                continue
            code, first, last = best
            start, end = tokens[first].start, tokens[last - 1].end
            out.append(ComposedCode(code, start, end, COMPOSED_WEIGHT, prepared.original[start:end]))
        return out

    def _head_code(self, head: Head, candidates, mods_before, hi: int, hj: int):
        """(code, weight, first token, end token) for a head and its candidate sites, or None."""
        if head.fixed and head.default:
            return head.default, HEAD_WEIGHT, hi, hj
        for _, si, sj, site in candidates:
            first, last = min(si, hi), max(sj, hj)
            mods = mods_before(first, max(si, hi))
            code = _site_code(head, site, mods)
            if code is not None:
                return code[0], code[1], first, last
        if head.default:
            return head.default, GENERIC_WEIGHT if head.generic else HEAD_WEIGHT, hi, hj
        return None

    # ---- CJK -------------------------------------------------------------------------------------

    def _cjk(self, text: str) -> list[ComposedCode]:
        out: list[ComposedCode] = []
        masked = list(text)
        if self.organism_pattern is not None:
            for match in self.organism_pattern.finditer(text):
                organism = self.cjk_organisms[match.group()][0]
                pos = match.end()
                if text.startswith("性", pos):
                    pos += 1
                kind_match = self.kind_pattern.match(text, pos) if self.kind_pattern else None
                mods = self._cjk_modifiers_before(text, match.start())
                code = organism.code(
                    kind_match and self.cjk_kinds[kind_match.group()][0] or "infection", mods[0]
                )
                weight = COMPOSED_WEIGHT if kind_match else ORGANISM_ONLY_WEIGHT
                code = code or organism.code("infection", mods[0])
                end = kind_match.end() if kind_match else match.end()
                if code:
                    out.append(ComposedCode(code, mods[1], end, weight, text[mods[1] : end]))
                for i in range(match.start(), end):
                    masked[i] = "\x00"
        masked_text = "".join(masked)
        covered: list[tuple[int, int]] = []
        if self.site_pattern is not None and self.head_pattern is not None:
            for match in self.site_pattern.finditer(masked_text):
                pos = match.end()
                for _ in range(MAX_CJK_FILLERS):
                    filler = self.filler_pattern.match(masked_text, pos) if self.filler_pattern else None
                    head_here = self.head_pattern.match(masked_text, pos)
                    if head_here or filler is None:
                        break
                    pos = filler.end()
                head_match = self.head_pattern.match(masked_text, pos)
                if head_match is None:
                    continue
                mods, start = self._cjk_modifiers_before(masked_text, match.start())
                for head in self.cjk_heads[head_match.group()]:
                    code = None
                    if head.fixed and head.default:
                        code = (head.default, HEAD_WEIGHT)
                    else:
                        for site in self.cjk_sites[match.group()]:
                            code = _site_code(head, site, mods)
                            if code:
                                break
                    if code:
                        out.append(
                            ComposedCode(
                                code[0], start, head_match.end(), code[1], text[start : head_match.end()]
                            )
                        )
                        covered.append((start, head_match.end()))
                        break
            for match in self.head_pattern.finditer(masked_text):
                if any(a <= match.start() and match.end() <= b for a, b in covered):
                    continue
                head = self.cjk_heads[match.group()][0]
                if head.default:
                    weight = GENERIC_WEIGHT if head.generic else HEAD_WEIGHT
                    out.append(ComposedCode(head.default, match.start(), match.end(), weight, match.group()))
        return out

    def _cjk_modifiers_before(self, text: str, start: int) -> tuple[tuple[str, ...], int]:
        """Modifiers written just before `start` (急性化脓性 -> acute, purulent) and where they begin."""
        mods: list[str] = []
        while self.modifier_suffix is not None:
            match = self.modifier_suffix.search(text, 0, start)
            if match is None or match.end() != start:
                break
            mods.insert(0, self.cjk_modifiers[match.group()][0])
            start = match.start()
        return tuple(mods), start


def _site_code(head: Head, site: Site, mods: tuple[str, ...]) -> tuple[str, float] | None:
    if site.id in head.site_codes:
        return head.site_codes[site.id], COMPOSED_WEIGHT
    if "tuberculous" in mods and head.kind in ("inflammation", "infection", "abscess", "effusion"):
        code = site.code("tuberculosis")
        if code:
            return code, COMPOSED_WEIGHT
    if head.kind == "tumor":
        code = site.code("malignant")
        return (code, UNSURE_WEIGHT) if code else None
    code = site.code(head.kind, mods)
    return (code, COMPOSED_WEIGHT) if code else None


_SHAPES: dict[int, tuple[dict, int, frozenset[str]]] = {}


def _shape(index: dict[tuple[str, ...], list]) -> tuple[int, frozenset[str]]:
    """The longest key length and the first words of an index, computed once per index."""
    known = _SHAPES.get(id(index))
    if known is None or known[0] is not index:
        known = _SHAPES[id(index)] = (index, max(len(k) for k in index), frozenset(k[0] for k in index))
    return known[1], known[2]


def _spans(keys: list[str], index: dict[tuple[str, ...], list]) -> list[tuple[int, int, list]]:
    """(start, end, entries) of the longest name at each place, left to right, not overlapping."""
    if not index:
        return []
    longest, first = _shape(index)
    out = []
    i = 0
    while i < len(keys):
        if keys[i] not in first:
            i += 1
            continue
        for length in range(min(longest, len(keys) - i), 0, -1):
            entries = index.get(tuple(keys[i : i + length]))
            if entries:
                out.append((i, i + length, entries))
                i += length
                break
        else:
            i += 1
    return out


@cache
def composer() -> Composer:
    """The compiled composition tables (built once per process)."""
    return Composer(load_composition())
