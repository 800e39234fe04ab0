"""Pages decode in the encoding they declare: Chinese, Polish and Portuguese exam sites."""

from __future__ import annotations

import pytest

from extractors.html_text import decode_html
from schemas import RecordError


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("患者男性，45岁，因胸痛入院", "gbk"),
        ("患者男性，45歲，因胸痛入院", "big5"),
        ("Pacjent z gorączką i bólem w klatce piersiowej", "iso-8859-2"),
        ("Paciente com febre — conduta e ação", "utf-8"),
    ],
)
def test_declared_charset_is_honoured(text: str, encoding: str) -> None:
    page = f'<html><head><meta charset="{encoding}"></head><body><p>{text}</p></body></html>'
    assert text in decode_html(page.encode(encoding))


def test_header_charset_wins_over_guessing() -> None:
    body = "<p>Paciente com febre e ação</p>".encode("cp1252")
    assert "ação" in decode_html(body, "text/html; charset=windows-1252")


def test_undecodable_page_is_a_decode_error() -> None:
    with pytest.raises(RecordError) as raised:
        decode_html(b'<meta charset="utf-8"><p>' + bytes(range(128, 256)) * 4 + b"</p>")
    assert raised.value.reason_code == "decode_error"
