"""A small items file with exact copies, near copies and paraphrases (for dedup across engines)."""

from __future__ import annotations

import json
from pathlib import Path

QUESTIONS = [
    "Which organ produces insulin in the human body?",
    "Which vitamin deficiency causes scurvy in sailors on long voyages?",
    "Which nerve innervates the diaphragm and arises from C3 to C5?",
    "What is the first-line treatment of anaphylaxis in the emergency department?",
    "Which electrolyte abnormality causes peaked T waves on the ECG?",
    "What is the most common cause of community-acquired pneumonia in adults?",
    "Which antibiotic class causes tendon rupture as a known adverse effect?",
    "Which artery is most often occluded in an inferior myocardial infarction?",
    "What is the typical cerebrospinal fluid finding in bacterial meningitis?",
    "Which hormone lowers blood glucose after a meal?",
    "Which tumour marker is used to follow hepatocellular carcinoma?",
    "What is the antidote for paracetamol overdose?",
]
PARAPHRASES = {
    0: "In humans, insulin is made by which organ?",
    9: "After a meal, which hormone brings blood sugar down?",
    11: "Which drug reverses an overdose of acetaminophen?",
}


def write_items(path: Path, copies: int = 4) -> Path:
    """`copies` rounds of the questions: the first as written, then exact copies (case and
    punctuation changed), near copies (one word added) and paraphrases, all under new ids."""
    rows = []
    for round_ in range(copies):
        for index, question in enumerate(QUESTIONS):
            if round_ == 0:
                text = question
            elif round_ == 1:
                text = question.upper().replace("?", " ?")
            elif round_ == 2:
                text = question.replace("Which", "Which one", 1).replace("What", "What exactly", 1)
            else:
                text = PARAPHRASES.get(index, f"{question} Explain briefly (case {round_}-{index}).")
            rows.append({"id": f"q{round_}-{index:02d}", "text": text})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
