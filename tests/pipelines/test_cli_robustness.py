"""The per-document CLI on real and bad inputs: sensible output, or one error line and exit code 2.

Most cases call the console-script entry point in-process (the same code path as `medforge ...`,
without paying the start-up of a new interpreter per case); one subprocess run checks the real
console script end to end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

LEGACY_HTML = (
    '<html><head><meta charset="windows-1252"><title>Pneumonie</title>'
    '<meta name="citation_title" content="Pneumonie chez un patient \xe2g\xe9 \x96 un cas clinique">'
    "</head><body><h1>Pneumonie chez un patient \xe2g\xe9 \x96 un cas clinique</h1>"
    "<h2>Case presentation</h2><p>Un homme de 80 ans s\x92est pr\xe9sent\xe9 avec une toux.</p>"
    "</body></html>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<article article-type="case-report"><front><article-meta><title-group>'
    "<article-title>Case &xxe;</article-title></title-group></article-meta></front>"
    "<body><sec><title>Case presentation</title><p>A man &xxe; had chest pain.</p></sec></body></article>"
)


def run_cli(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `medforge ARGS`, run in this process."""
    monkeypatch.setattr(sys, "argv", ["medforge", *args])
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(done.value.code or 0), captured.out, captured.err


def assert_one_error_line(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    for word in words:
        assert word in lines[0], err


def test_extract_case_reports_accounts_for_every_input_end_to_end(tmp_path, fixtures_dir):
    """Real JATS, BMC HTML and XML, and bad files: each input is a row or a rejection with a reason."""
    good = [
        fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4735894.xml",  # a case report
        fixtures_dir / "case_reports" / "jats" / "hindawi" / "PMC4657150.xml",  # a research article
        fixtures_dir / "html" / "bmc_trials" / "trials-16_1_1" / "fulltext.html",
        fixtures_dir / "html" / "bmc_trials" / "trials-16_1_1" / "fulltext.xml",
    ]
    for path in good:
        assert path.is_file(), f"fixture missing: {path}"
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "binary.xml").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "truncated.xml").write_bytes(good[0].read_bytes()[:2000])
    (tmp_path / "xxe.xml").write_text(XXE)
    (tmp_path / "legacy.html").write_bytes(LEGACY_HTML.encode("latin-1"))
    (tmp_path / "bom.xml").write_bytes(b"\xef\xbb\xbf" + good[0].read_bytes().lstrip())
    (tmp_path / "folder").mkdir()
    bad = [
        "empty.xml",
        "binary.xml",
        "truncated.xml",
        "xxe.xml",
        "legacy.html",
        "bom.xml",
        "folder",
        "missing",
    ]
    inputs = [str(p) for p in good] + [str(tmp_path / name) for name in bad]
    out = tmp_path / "out" / "reports.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "extract", "case-reports", *inputs, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    rows = {row["source"]: row for row in map(json.loads, out.read_text().splitlines())}
    rejected = {
        row["source"]: row
        for row in map(json.loads, out.with_name("reports.rejected.jsonl").read_text().splitlines())
    }
    assert set(rows) | set(rejected) == set(inputs) and not set(rows) & set(rejected)
    assert all(row["reason"] and row["message"] for row in rejected.values())
    legacy = rows[str(tmp_path / "legacy.html")]
    assert legacy["title"] == "Pneumonie chez un patient âgé – un cas clinique"
    assert "s’est présenté" in legacy["case_presentation"]
    assert "root:" not in json.dumps(rows[str(tmp_path / "xxe.xml")])  # the entity is never read
    assert rows[str(tmp_path / "bom.xml")]["title"] == rows[str(good[0])]["title"]
    # the command refuses what the stage refuses: an article that presents no case is no case report
    research = rejected[str(good[1])]
    assert research["reason"] == "not_a_case_report" and "research-article" in research["message"]
    for name in ("empty.xml", "binary.xml", "truncated.xml", "folder", "missing"):
        assert str(tmp_path / name) in rejected


def test_bad_arguments_are_one_error_line(tmp_path, monkeypatch, capsys):
    """User text with rich markup, an --out that is a file, bad options, reference folders with nothing."""
    items = tmp_path / "items.jsonl"
    items.write_text('{"id": "a", "text": "A 45-year-old man with fever and cough for three days."}\n')
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    empty_refs = tmp_path / "refs"
    empty_refs.mkdir()
    cases = [
        (["dedup", str(items), "--out", str(a_file)], ["File exists", str(a_file)]),
        (["dedup", str(items), "--option", "[/x]=1", "--out", str(tmp_path / "d")], ["[/x]"]),
        (
            ["dedup", str(items), "--option", "minhash_threshold=abc", "--out", str(tmp_path / "d")],
            ["number"],
        ),
        (["dedup", str(tmp_path), "--out", str(tmp_path / "d")], ["is a folder"]),
        (
            [
                "leakage",
                str(items),
                "--reference",
                str(empty_refs),
                "--no-semantic",
                "--out",
                str(tmp_path / "l"),
            ],
            ["no reference files"],
        ),
    ]
    for args, words in cases:
        code, _, err = run_cli(args, monkeypatch, capsys)
        assert_one_error_line(code, err, *words)


def test_tag_rows_with_fields_of_the_wrong_type(tmp_path, monkeypatch, capsys):
    """A non-string language or text is left out of the row's text, not a crash; every row is written."""
    items = tmp_path / "items.jsonl"
    items.write_text(
        '{"id": "a", "text": "Patient with pneumonia.", "language": 5}\n'
        '{"id": "b", "text": null}\n'
        '{"id": "c", "question": {"x": 1}, "options": "abc"}\n'
        '{"id": "d", "text": "患者男，45岁，胸部CT示肺炎。"}\n'
    )
    out = tmp_path / "tagged.jsonl"
    code, _, err = run_cli(["tag", str(items), "--out", str(out)], monkeypatch, capsys)
    assert code == 0, err
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"a", "b", "c", "d"}
    assert "J18" in {t["code"] for t in rows["a"]["tags"]}
    assert rows["b"]["untagged_reason"] == rows["c"]["untagged_reason"] == "empty text"
    assert {"CT", "J18"} <= {t["code"] for t in rows["d"]["tags"]}
    code, _, err = run_cli(["tag", "--text", "fever", "--min-confidence", "5"], monkeypatch, capsys)
    assert code == 2 and "Traceback" not in err


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_build_stopped_by_a_signal_ends_in_seconds_and_publishes_nothing(tmp_path, signal_name):
    import signal
    import time

    import yaml

    from samples.exam_site import render_exam_site
    from samples.textbook_pdf import render_textbook_pdf

    repo = Path(__file__).resolve().parents[2]
    render_exam_site(tmp_path / "exam-site", years=range(2019, 2024), per_edition=20)
    render_textbook_pdf(tmp_path / "textbook" / "clinical-imaging-primer.pdf")
    spec = yaml.safe_load((repo / "specs" / "demo.yaml").read_text(encoding="utf-8"))
    spec.update(benchmark="stopped", base_dir=str(tmp_path), leakage={})
    spec["sources"] = [s for s in spec["sources"] if s["id"] in ("demo-exam-site", "demo-textbook")]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    store = tmp_path / "store"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "build",
            "--spec",
            str(tmp_path / "spec.yaml"),
            "--store",
            str(store),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MEDFORGE_HOME": str(tmp_path / "home")},
    )
    assert process.stdout is not None
    for line in process.stdout:  # wait until the run is inside its steps
        if "✓ source_documents" in line:
            break
    sent = time.monotonic()
    process.send_signal(getattr(signal, signal_name))
    out, err = process.communicate(timeout=60)
    stopped_in = time.monotonic() - sent
    assert stopped_in < 15, f"{signal_name}: still running {stopped_in:.0f} s after the signal"
    assert process.returncode == 2, err
    (line,) = err.strip().splitlines()
    assert line.startswith("error: interrupted during step ") and "no release was written" in line
    assert not (store / "stopped").exists() or not any((store / "stopped").iterdir())
