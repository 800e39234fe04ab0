"""Labeling configs: well-formed XML with the controls each item kind needs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from annotation.configs import ISSUES, ItemKind, allowed_values, label_config


@pytest.mark.parametrize("kind", list(ItemKind))
def test_config_is_xml_with_a_required_verdict_and_issue_tags(kind: ItemKind) -> None:
    root = ET.fromstring(label_config(kind))
    controls = {c.get("name"): c for c in root.iter("Choices")}
    assert controls["verdict"].get("required") == "true"
    assert [c.get("value") for c in controls["verdict"]] == ["accept", "fix_answer", "edit_text", "reject"]
    assert tuple(c.get("value") for c in controls["issues"]) == ISSUES
    text_areas = {t.get("name") for t in root.iter("TextArea")}
    assert {"edited_question", "taxonomy", "comment"} <= text_areas
    for name, values in allowed_values(kind).items():
        assert tuple(c.get("value") for c in controls[name]) == values


def test_kind_specific_parts() -> None:
    vqa = ET.fromstring(label_config(ItemKind.VQA))
    assert vqa.find("Image").get("value") == "$image"
    multi = {c.get("name"): c for c in ET.fromstring(label_config(ItemKind.MCQ_MULTI)).iter("Choices")}
    assert multi["corrected_answer"].get("choice") == "multiple"
    single = {c.get("name"): c for c in ET.fromstring(label_config(ItemKind.MCQ_SINGLE)).iter("Choices")}
    assert single["corrected_answer"].get("choice") == "single"
    case = {c.get("name") for c in ET.fromstring(label_config(ItemKind.CASE_DIAGNOSIS)).iter("Choices")}
    assert "gives_away" in case
    open_ended = ET.fromstring(label_config(ItemKind.OPEN_ENDED))
    assert "corrected_text" in {t.get("name") for t in open_ended.iter("TextArea")}
