"""Writes a few short case reports as JATS XML, the form Europe PMC and PMC serve open-access articles in.

They are written for the demo (not real patients): each presents a case, names the final diagnosis
in a section of its own and discusses it, so the case-report parser, the diagnosis-item generator
and the tagger have real work to do.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SampleCase:
    """One generated case report."""

    slug: str
    title: str
    published: tuple[int, int, int]
    abstract: str
    presentation: str
    diagnosis: str
    discussion: str


CASES = [
    SampleCase(
        "appendicitis",
        "Migrating abdominal pain in a young man: a case report",
        (2023, 5, 12),
        "We report a young man with abdominal pain that migrated to the right lower quadrant.",
        "A 24-year-old man presented with a 20-hour history of periumbilical pain that moved to the "
        "right lower quadrant, with anorexia and one episode of vomiting. His temperature was 38.2 °C "
        "and his heart rate 104 beats per minute. There was tenderness and guarding at McBurney's point "
        "and a positive Rovsing sign. The white cell count was 14.6 × 10^9/L with neutrophilia and the "
        "C-reactive protein was 48 mg/L. Computed tomography of the abdomen showed a blind-ending "
        "tubular structure of 11 mm in the right iliac fossa with surrounding fat stranding.",
        "Acute appendicitis",
        "Acute appendicitis remains the commonest surgical emergency of the abdomen. Laparoscopic "
        "appendectomy was performed and the patient went home on the second day.",
    ),
    SampleCase(
        "pulmonary-embolism",
        "Sudden breathlessness after a long-haul flight: a case report",
        (2024, 2, 3),
        "We describe a woman with sudden breathlessness and pleuritic chest pain after a flight.",
        "A 45-year-old woman presented with sudden breathlessness and right-sided pleuritic chest pain two "
        "days after a 13-hour flight. She took an oral contraceptive. Her heart rate was 118 beats per "
        "minute, respiratory rate 26 per minute and oxygen saturation 89% on room air. The left calf was "
        "swollen and tender. The electrocardiogram showed sinus tachycardia with an S1Q3T3 pattern and the "
        "D-dimer was 3.8 mg/L. Computed tomography angiography of the chest showed filling defects in the "
        "right main and lower lobe arteries.",
        "Pulmonary embolism",
        "Pulmonary embolism should be considered in any patient with sudden dyspnoea and risk factors for "
        "venous thrombosis. She was anticoagulated with apixaban and recovered.",
    ),
    SampleCase(
        "dka",
        "Vomiting and rapid breathing in a teenager: a case report",
        (2022, 11, 20),
        "We report a teenager admitted with vomiting, abdominal pain and rapid deep breathing.",
        "A 16-year-old girl presented with three weeks of thirst, polyuria and a 6 kg weight loss, "
        "followed by two days of vomiting and abdominal pain. She was drowsy, with dry mucous membranes "
        "and deep, rapid (Kussmaul) breathing. The capillary blood glucose was 31 mmol/L, venous pH 7.09, "
        "bicarbonate 6 mmol/L and blood beta-hydroxybutyrate 6.2 mmol/L.",
        "Diabetic ketoacidosis",
        "Diabetic ketoacidosis is a common first presentation of type 1 diabetes mellitus in young people. "
        "She was treated with intravenous fluids, insulin and potassium, and recovered.",
    ),
    SampleCase(
        "gout",
        "A hot swollen big toe after a celebration: a case report",
        (2021, 8, 30),
        "We describe a man with sudden pain and swelling of the first metatarsophalangeal joint.",
        "A 58-year-old man woke with severe pain in the right big toe after a dinner with red meat and "
        "beer. He took a thiazide diuretic for hypertension. The first metatarsophalangeal joint was red, "
        "hot and exquisitely tender. Serum urate was 0.56 mmol/L. Aspiration of the joint yielded fluid "
        "with needle-shaped, negatively birefringent crystals under polarised light microscopy.",
        "Gout",
        "Gout is the commonest inflammatory arthritis in men; thiazides raise serum urate. He was treated "
        "with colchicine and later started allopurinol.",
    ),
]

_JATS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN"
 "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report" xml:lang="en">
<front>
<journal-meta><journal-title-group>
<journal-title>medforge Sample Case Reports</journal-title>
</journal-title-group></journal-meta>
<article-meta>
<article-id pub-id-type="doi">10.99999/medforge.sample.{slug}</article-id>
<title-group><article-title>{title}</article-title></title-group>
<pub-date pub-type="epub"><day>{day}</day><month>{month}</month><year>{year}</year></pub-date>
<permissions><license license-type="open-access" xlink:href="https://creativecommons.org/licenses/by/4.0/">
<license-p>This is an open access article distributed under the Creative Commons Attribution License.
</license-p>
</license></permissions>
<abstract><p>{abstract}</p></abstract>
</article-meta>
</front>
<body>
<sec><title>Introduction</title><p>This case is part of medforge's generated sample collection.</p></sec>
<sec><title>Case presentation</title><p>{presentation}</p></sec>
<sec><title>Diagnosis</title><p>{diagnosis}.</p></sec>
<sec><title>Discussion</title><p>{discussion}</p></sec>
</body>
</article>
"""


def render_case_reports(out_dir: Path) -> list[Path]:
    """Write one JATS file per sample case; the same bytes every time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        year, month, day = case.published
        text = _JATS.format(
            slug=case.slug,
            title=html.escape(case.title),
            year=year,
            month=f"{month:02d}",
            day=f"{day:02d}",
            abstract=html.escape(case.abstract),
            presentation=html.escape(case.presentation),
            diagnosis=html.escape(case.diagnosis),
            discussion=html.escape(case.discussion),
        )
        path = out_dir / f"{case.slug}.xml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
