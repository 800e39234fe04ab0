"""Inter-annotator agreement on nominal labels: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha.

Ratings are given as `{unit: {rater: label}}` (a unit is a task). Each function returns `None` when
the data cannot give a value (too few units or raters); a value of 1.0 when every label is the same
and raters agree is reported as 1.0 rather than 0/0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from itertools import permutations
from typing import Any

Ratings = Mapping[str, Mapping[str, str]]


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters over the units both rated."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def fleiss_kappa(units: list[list[str]]) -> float | None:
    """Fleiss' kappa; every unit must have the same number (>= 2) of ratings."""
    units = [u for u in units if u]
    if not units:
        return None
    raters = len(units[0])
    if raters < 2 or any(len(u) != raters for u in units):
        return None
    n_units = len(units)
    totals: Counter[str] = Counter()
    agreement = 0.0
    for unit in units:
        counts = Counter(unit)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    observed = agreement / n_units
    expected = sum((c / (n_units * raters)) ** 2 for c in totals.values())
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: list[list[str]]) -> float | None:
    """Krippendorff's alpha for nominal data; units may have any number of ratings (missing allowed)."""
    pairable = [u for u in units if len(u) >= 2]
    coincidence: Counter[tuple[str, str]] = Counter()
    for unit in pairable:
        m = len(unit)
        for a, b in permutations(range(m), 2):
            coincidence[(unit[a], unit[b])] += 1 / (m - 1)
    n = sum(coincidence.values())
    if n <= 1:
        return None
    marginals: Counter[str] = Counter()
    for (a, _), value in coincidence.items():
        marginals[a] += value
    observed_disagreement = sum(v for (a, b), v in coincidence.items() if a != b) / n
    expected_disagreement = sum(
        marginals[a] * marginals[b] for a in marginals for b in marginals if a != b
    ) / (n * (n - 1))
    if expected_disagreement == 0:
        return 1.0 if observed_disagreement == 0 else 0.0
    return 1 - observed_disagreement / expected_disagreement


def agreement(ratings: Ratings) -> dict[str, Any]:
    """Agreement on one label set: Cohen's kappa for two raters, Fleiss' kappa for more, alpha always."""
    raters = sorted({r for unit in ratings.values() for r in unit})
    multi = {unit: labels for unit, labels in ratings.items() if len(labels) >= 2}
    result: dict[str, Any] = {"raters": len(raters), "units": len(multi), "method": None, "value": None}
    if len(multi) == 0:
        return result
    units = [list(labels.values()) for labels in multi.values()]
    result["krippendorff_alpha"] = _round(krippendorff_alpha(units))
    if len(raters) == 2:
        a, b = raters
        pairs = [(labels[a], labels[b]) for labels in multi.values() if a in labels and b in labels]
        result.update(method="cohen_kappa", value=_round(cohen_kappa(pairs)))
    else:
        size = Counter(len(u) for u in units).most_common(1)[0][0]
        same_size = [u for u in units if len(u) == size]
        result.update(
            method="fleiss_kappa", value=_round(fleiss_kappa(same_size)), fleiss_units=len(same_size)
        )
    return result


def per_label_agreement(ratings: Ratings) -> dict[str, dict[str, Any]]:
    """One-vs-rest agreement for each label that occurs: do raters agree on *this* label?"""
    labels = sorted({label for unit in ratings.values() for label in unit.values()})
    return {
        label: agreement(
            {
                unit: {r: ("yes" if v == label else "no") for r, v in raters.items()}
                for unit, raters in ratings.items()
            }
        )
        for label in labels
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
