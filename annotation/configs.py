"""Labeling configurations, one per item kind, and the choices each one allows.

The reviewer sees what they need to judge the item (stem, options, keyed answer; the image and its
caption; the case text with its diagnosis and distractors) and answers with a verdict, a corrected
answer, issue tags, taxonomy corrections and a comment. `ALLOWED` lists every choice a config offers,
so a pulled annotation can be checked against the config it was made with.
"""

from __future__ import annotations

from enum import StrEnum
from xml.sax.saxutils import quoteattr


class ItemKind(StrEnum):
    """Which labeling config (and Label Studio project) an item goes to."""

    MCQ_SINGLE = "mcq_single"
    MCQ_MULTI = "mcq_multi"
    OPEN_ENDED = "open_ended"
    VQA = "vqa"
    CASE_DIAGNOSIS = "case_diagnosis"


VERDICTS = ("accept", "fix_answer", "edit_text", "reject")
ISSUES = ("ambiguous", "outdated", "wrong_key", "leaked", "translation_error", "not_medical")
OPTION_LABELS = tuple("ABCDEFGHIJ")
GIVES_AWAY = ("yes", "no")


def _choices(
    name: str, values: tuple[str, ...], multiple: bool, required: bool = False, hint: str = ""
) -> str:
    header = f"  <Header value={quoteattr(hint)}/>\n" if hint else ""
    options = "".join(f"    <Choice value={quoteattr(v)}/>\n" for v in values)
    mode = "multiple" if multiple else "single"
    required_attr = ' required="true"' if required else ""
    return (
        f'{header}  <Choices name={quoteattr(name)} toName="question" choice="{mode}" '
        f'showInline="true"{required_attr}>\n{options}  </Choices>\n'
    )


def _textarea(name: str, hint: str, rows: int = 2) -> str:
    return (
        f"  <Header value={quoteattr(hint)}/>\n"
        f'  <TextArea name={quoteattr(name)} toName="question" rows="{rows}" maxSubmissions="1" '
        f'editable="true"/>\n'
    )


def _review_controls(kind: ItemKind) -> str:
    answer_multiple = kind is ItemKind.MCQ_MULTI
    parts = [_choices("verdict", VERDICTS, multiple=False, required=True, hint="Verdict")]
    if kind is ItemKind.OPEN_ENDED:
        parts.append(_textarea("corrected_text", "Corrected answer (when fixing the answer)"))
    else:
        parts.append(
            _choices(
                "corrected_answer", OPTION_LABELS, multiple=answer_multiple,
                hint="Corrected answer (when fixing the answer)",
            )
        )  # fmt: skip
    parts.append(_textarea("edited_question", "Edited question text (when editing the text)", rows=4))
    parts.append(_choices("issues", ISSUES, multiple=True, hint="Issues"))
    if kind is ItemKind.CASE_DIAGNOSIS:
        parts.append(
            _choices("gives_away", GIVES_AWAY, multiple=False, hint="Does the case give the answer away?")
        )
    parts.append(_textarea("taxonomy", "Taxonomy corrections, one per line: vocabulary:code title"))
    parts.append(_textarea("comment", "Comment"))
    return "".join(parts)


def _item_view(kind: ItemKind) -> str:
    if kind is ItemKind.VQA:
        return (
            '  <Image name="image" value="$image" maxWidth="720px"/>\n'
            '  <Text name="caption" value="$caption"/>\n'
            '  <Header value="Question"/>\n  <Text name="question" value="$question"/>\n'
            '  <Text name="options" value="$options_text"/>\n  <Text name="key" value="$answer_text"/>\n'
        )
    if kind is ItemKind.CASE_DIAGNOSIS:
        return (
            '  <Header value="Case"/>\n  <Text name="question" value="$question"/>\n'
            '  <Header value="Diagnosis and distractors"/>\n  <Text name="options" value="$options_text"/>\n'
            '  <Text name="key" value="$answer_text"/>\n'
        )
    return (
        '  <Header value="$header"/>\n  <Text name="question" value="$question"/>\n'
        '  <Text name="options" value="$options_text"/>\n  <Text name="key" value="$answer_text"/>\n'
    )


def label_config(kind: ItemKind) -> str:
    """The Label Studio XML config for one item kind."""
    return f"<View>\n{_item_view(kind)}{_review_controls(kind)}</View>\n"


def allowed_values(kind: ItemKind) -> dict[str, tuple[str, ...]]:
    """The choice fields this kind's config has, with their allowed values."""
    fields = {"verdict": VERDICTS, "issues": ISSUES}
    if kind is not ItemKind.OPEN_ENDED:
        fields["corrected_answer"] = OPTION_LABELS
    if kind is ItemKind.CASE_DIAGNOSIS:
        fields["gives_away"] = GIVES_AWAY
    return fields


def text_fields(kind: ItemKind) -> tuple[str, ...]:
    """The free-text fields this kind's config has."""
    fields = ("edited_question", "taxonomy", "comment")
    return (*fields, "corrected_text") if kind is ItemKind.OPEN_ENDED else fields
