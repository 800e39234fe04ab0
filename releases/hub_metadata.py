"""The dataset card's YAML front matter in the Hugging Face Hub's format.

With it the Hub shows licence, languages, tasks and size, and `datasets.load_dataset(<release>)`
returns exactly the release's splits (`configs:` names each file) instead of guessing them from file
names (a guess that turns `dev.parquet` into `validation`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from releases.eval_exports import EvalView
from releases.layout import REJECTED
from schemas import BenchmarkItem, TaskType
from schemas.licences import hub_licence_id, licence_url

_TASK_CATEGORIES = {
    TaskType.MCQ_SINGLE: ("multiple-choice", "multiple-choice-qa"),
    TaskType.MCQ_MULTI: ("multiple-choice", "multiple-choice-qa"),
    TaskType.OPEN_ENDED: ("question-answering", "open-domain-qa"),
    TaskType.VQA: ("visual-question-answering", "visual-question-answering"),
}
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def size_category(count: int) -> str:
    """The Hub's size bucket of a row count."""
    for limit, name in _SIZES:
        if count < limit:
            return name
    return "1M<n<10M" if count < 10_000_000 else "n>1T" if count > 10**12 else "10M<n<100M"


def hub_languages(languages: Sequence[str]) -> list[str]:
    """ISO 639 codes the Hub indexes, from BCP 47 tags ('pt-BR' -> 'pt', 'zh-Hant' -> 'zh')."""
    return sorted({tag.split("-")[0].lower() for tag in languages if tag and tag != "und"})


def licence_fields(licences: Sequence[str]) -> dict[str, Any]:
    """`license` (one id, or a list), plus `license_name` / `license_link` for licences the Hub lacks."""
    ids = sorted({hub_licence_id(licence) or "other" for licence in licences}) or ["unknown"]
    fields: dict[str, Any] = {"license": ids[0] if len(ids) == 1 else ids}
    unknown = sorted(licence for licence in licences if hub_licence_id(licence) is None)
    if unknown:
        fields["license_name"] = ", ".join(unknown)
        links = [link for link in (licence_url(licence) for licence in unknown) if link]
        if len(links) == 1:
            fields["license_link"] = links[0]
    return fields


def data_configs(splits: Mapping[str, int], views: Sequence[EvalView]) -> list[dict[str, Any]]:
    """`configs:` entries: the items by split (default), the rejections, and each evaluation view."""
    configs: list[dict[str, Any]] = [
        {
            "config_name": "default",
            "data_files": [{"split": split, "path": f"{split}.parquet"} for split in sorted(splits)],
            "default": True,
        },
        {"config_name": "rejected", "data_files": [{"split": "train", "path": REJECTED}]},
    ]
    for view in views:
        configs.append(
            {
                "config_name": f"eval_{view.kind}",
                "data_files": [
                    {"split": split, "path": path} for split, (path, _) in sorted(view.files.items())
                ],
            }
        )
    return configs


def front_matter(
    manifest: Mapping[str, Any], items: Sequence[BenchmarkItem], views: Sequence[EvalView]
) -> dict[str, Any]:
    """The card metadata the Hub reads."""
    tasks = sorted({TaskType(item.task) for item in items}, key=str)
    metadata: dict[str, Any] = {
        "pretty_name": manifest["benchmark"],
        **licence_fields(manifest["licences"]),
        "language": hub_languages(sorted({item.language for item in items})),
        "task_categories": sorted({_TASK_CATEGORIES[task][0] for task in tasks}),
        "task_ids": sorted({_TASK_CATEGORIES[task][1] for task in tasks}),
        "size_categories": [size_category(len(items))],
        "tags": ["medical", "benchmark", "medforge"],
        "configs": data_configs(manifest["counts"]["splits"], views),
    }
    if len(metadata["language"]) > 1:
        metadata["multilinguality"] = ["multilingual"]
    return metadata


def render_front_matter(metadata: Mapping[str, Any]) -> str:
    """The `---` delimited YAML block that opens the card."""
    return "---\n" + yaml.safe_dump(dict(metadata), sort_keys=False, allow_unicode=True) + "---\n"
