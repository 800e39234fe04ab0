"""The dataset card of a release: counts by language, task, split, taxonomy and year, with plots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from schemas import BenchmarkItem, Rejection
from vocabulary import load_icd10

PLOT_META = {"Software": None}


def _table(title: str, counts: Counter[str], header: str) -> str:
    if not counts:
        return f"### {title}\n\n_none_\n"
    rows = "\n".join(
        f"| {key} | {value} |" for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return f"### {title}\n\n| {header} | items |\n|---|---|\n{rows}\n"


NO_PRIMARY = "(no primary code: chapter or block tags only)"


def taxonomy_counts(items: Sequence[BenchmarkItem]) -> dict[str, Counter[str]]:
    """Per vocabulary, how many items carry each code; for ICD-10, the 3-character category of each
    item's primary code (what the item is about, as benchmarks are cut by category), not every code
    it mentions, with the items that have no primary code counted apart."""
    out: dict[str, Counter[str]] = {}
    icd = load_icd10()
    for item in items:
        primary = next((t for t in item.tags if t.primary and str(t.vocabulary) == "icd10"), None)
        if any(str(t.vocabulary) == "icd10" for t in item.tags):
            category = icd.get(primary.code[:3]) if primary is not None else None
            key = f"{category.code} {category.title}" if category else NO_PRIMARY
            out.setdefault("icd10", Counter())[key] += 1
        tags = {(str(t.vocabulary), t.code, t.title) for t in item.tags if str(t.vocabulary) != "icd10"}
        for vocabulary, code, title in tags:
            out.setdefault(vocabulary, Counter())[f"{code} {title}"] += 1
    return out


def render_plots(items: Sequence[BenchmarkItem], plot_dir: Path) -> list[str]:
    """PNG plots (items per year by task; taxonomy coverage); returns their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot_dir.mkdir(parents=True, exist_ok=True)
    names = []
    by_year_task: Counter[tuple[str, str]] = Counter(
        (str(i.release_time.year) if i.release_time.year else "unknown", str(i.task)) for i in items
    )
    years = sorted({y for y, _ in by_year_task})
    tasks = sorted({t for _, t in by_year_task})
    fig, ax = plt.subplots(figsize=(7, 3.5))
    bottom = [0] * len(years)
    for task in tasks:
        values = [by_year_task[(year, task)] for year in years]
        ax.bar(years, values, bottom=bottom, label=task)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xlabel("source release year")
    ax.set_ylabel("items")
    ax.set_title("Items by source release year and task")
    if tasks:
        ax.legend()
    fig.tight_layout()
    fig.savefig(plot_dir / "items_by_year.png", dpi=90, metadata=PLOT_META)
    plt.close(fig)
    names.append("items_by_year.png")
    coverage = {
        v: sum(1 for i in items if any(str(t.vocabulary) == v for t in i.tags))
        for v in ("icd10", "modality", "anatomy", "specialty", "profession")
    }
    coverage["icd10 primary"] = sum(1 for i in items if any(t.primary for t in i.tags))
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh(list(coverage), [100 * c / max(len(items), 1) for c in coverage.values()])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of items tagged")
    ax.set_title("Taxonomy coverage")
    fig.tight_layout()
    fig.savefig(plot_dir / "taxonomy_coverage.png", dpi=90, metadata=PLOT_META)
    plt.close(fig)
    names.append("taxonomy_coverage.png")
    return names


def contamination_section(manifest: dict[str, Any]) -> list[str]:
    """Which public benchmarks were checked, how, and what was found (from the curation stage)."""
    curated = (manifest.get("stage_metadata") or {}).get("curated_items") or {}
    leakage = manifest["spec"].get("leakage") or {}
    lines = ["## Contamination", ""]
    checked = curated.get("leakage_references") or {}
    if checked:
        methods = ", ".join(curated.get("leakage_methods") or []) or "n-gram overlap"
        lines += [
            f"Every item was compared with these public benchmarks ({methods}); "
            f"policy for a match: `{curated.get('leakage_policy', leakage.get('policy', 'flag'))}`.",
            "",
            "| benchmark | its items | our items matching |",
            "|---|---|---|",
        ]
        lines += [
            f"| {name} | {entry['items']} | {entry['leaked_items']} |"
            for name, entry in sorted(checked.items())
        ]
        lines.append("")
    else:
        lines += ["No public benchmark was given to compare against (`leakage.references` is empty).", ""]
    found = curated.get("leakage_counts") or {}
    lines.append(
        "Findings by check: " + (", ".join(f"{k} {v}" for k, v in sorted(found.items())) or "none") + "."
    )
    if leakage.get("cutoff"):
        lines.append(f"Sources published after {leakage['cutoff']} are marked `post_cutoff`.")
    lines += ["Flags are kept per item in `flags`.", ""]
    return lines


def evaluation_section(manifest: dict[str, Any]) -> list[str]:
    """The evaluation views and harness tasks, with what each view holds per split."""
    exported = manifest.get("eval_views") or {}
    views = exported.get("views") or {}
    if not views:
        return []
    lines = [
        "## Evaluation",
        "",
        "Views in `eval/<kind>/<split>.parquet` hold the question, options, images and key only "
        "(no captions, explanations, tags or review notes). lm-evaluation-harness: "
        "`lm_eval --include_path eval/lm_eval --tasks <task>`; "
        "inspect: `inspect eval eval/inspect_tasks.py`.",
        "",
        "| view | split | items |",
        "|---|---|---|",
    ]
    lines += [
        f"| {kind} | {split} | {rows} |"
        for kind, splits in sorted(views.items())
        for split, rows in sorted(splits.items())
    ]
    skipped = exported.get("not_exported") or {}
    if skipped:
        lines += [
            "",
            f"{len(skipped)} items are in no view (the manifest's `eval_views.not_exported` says why).",
        ]
    return [*lines, ""]


def render_card(
    manifest: dict[str, Any],
    items: Sequence[BenchmarkItem],
    rejections: Sequence[Rejection],
    plots: list[str],
    front_matter: str = "",
) -> str:
    """Markdown of the card, opened by the Hub's YAML front matter when given."""
    spec = manifest["spec"]
    lines = [
        front_matter + f"# {manifest['benchmark']} {manifest['version']}",
        "",
        spec.get("description") or "",
        "",
        f"- items: **{len(items)}** in splits "
        + ", ".join(f"{k} ({v})" for k, v in manifest["counts"]["splits"].items()),
        f"- rejected or quarantined: **{len(rejections)}** (see `rejected.parquet`)",
        f"- content hash: `{manifest['content_hash']}`",
        f"- spec hash: `{manifest['spec_hash']}`; medforge {manifest['code_version']['medforge']}",
        f"- licences: {', '.join(manifest['licences']) or 'none'}",
        "",
        "Load it with `datasets.load_dataset('<this folder>')` (the splits above), or with pyarrow or "
        "pandas: `pandas.read_parquet('test.parquet')`. Evaluation views without answer-revealing "
        "fields are in `eval/` (configs `eval_*`), with lm-evaluation-harness tasks in `eval/lm_eval/` "
        "and inspect tasks in `eval/inspect_tasks.py`; `croissant.json` describes every file.",
        "",
        "## Counts",
        "",
        _table("By language", Counter(i.language for i in items), "language"),
        _table("By task", Counter(str(i.task) for i in items), "task"),
        _table("By split", Counter(i.split for i in items), "split"),
        _table(
            "By source release year", Counter(str(i.release_time.year or "unknown") for i in items), "year"
        ),
        _table("By source", Counter(i.source.source_id for i in items), "source"),
        _table("By review status", Counter(str(i.review_status) for i in items), "status"),
        "## Taxonomy",
        "",
    ]
    taxonomy = taxonomy_counts(items)
    if not taxonomy:
        lines.append("_No item carries a taxonomy tag._\n")
    for vocabulary in sorted(taxonomy):
        top = Counter(dict(taxonomy[vocabulary].most_common(20)))
        lines.append(_table(f"{vocabulary} (top 20 of {len(taxonomy[vocabulary])} codes)", top, "code"))
    empty = manifest.get("taxonomy_empty_branches") or {}
    if empty:
        lines += [
            "### Empty branches",
            "",
            "Top-level branches of each vocabulary that no item falls under:",
            "",
        ]
        lines += [
            f"- {vocabulary}: {', '.join(codes) or 'none'}" for vocabulary, codes in sorted(empty.items())
        ]
        lines.append("")
    lines += contamination_section(manifest) + evaluation_section(manifest)
    lines += ["## Plots", ""] + [f"![{p}](plots/{p})" for p in plots] + [""]
    lines += ["## Rejections by stage and reason", ""]
    lines.append(
        _table("Rejected", Counter(f"{r.stage}: {r.reason_code}" for r in rejections), "stage: reason")
    )
    lines += ["## Stages", "", "| stage | in | out | rejected | quarantined |", "|---|---|---|---|---|"]
    for stage, c in manifest["stages"].items():
        lines.append(f"| {stage} | {c['in']} | {c['out']} | {c['rejected']} | {c['quarantined']} |")
    lines += [
        "",
        "## Provenance",
        "",
        "Sources, with their licences (attribution is kept per item in `source`):",
        "",
    ]
    for source in spec["sources"]:
        lines.append(f"- `{source['id']}` ({source['kind']}), licence {source['licence']}")
    return "\n".join(lines) + "\n"
