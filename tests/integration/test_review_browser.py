"""The review view as an annotator sees it: headless Chromium against a real Label Studio on 127.0.0.1.

For a pushed MCQ, VQA and case task it logs in, opens the task, checks that question, options, image
and caption are on screen, submits a verdict through the page, and reads the verdict back through
the API. Screenshots go to `.test-output/review-browser/` (or MEDFORGE_TEST_OUTPUT).

Needs Debian's chromium and chromium-driver (`make browser`) and Label Studio (`make install`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from annotation import server
from annotation.client import connect
from annotation.sync import push
from schemas import load_spec
from tests.annotation import sample_items

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
BROWSER_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1800",
)


def _screenshots() -> Path:
    root = Path(os.environ.get("MEDFORGE_TEST_OUTPUT", REPO / ".test-output")) / "review-browser"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.ServerHandle]:
    if not server.is_installed():
        pytest.fail(f"Label Studio is not installed in {server.venv_dir()}: run `{server.INSTALL_COMMAND}`")
    handle = server.start(tmp_path_factory.mktemp("label-studio-browser"))
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("Debian chromium and chromium-driver are needed: run `make browser`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    session.set_page_load_timeout(60)
    yield session
    session.quit()


def _wait_for(condition, timeout_s: float = 60.0, what: str = ""):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _log_in(browser, handle: server.ServerHandle) -> None:
    from selenium.webdriver.common.by import By

    credentials = server.Credentials.load_or_create(handle.data_dir)
    browser.get(f"{handle.url}/user/login/")
    _wait_for(lambda: browser.find_elements(By.NAME, "email"), what="the login form")
    browser.find_element(By.NAME, "email").send_keys(credentials.username)
    browser.find_element(By.NAME, "password").send_keys(credentials.password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
    _wait_for(lambda: "/user/login" not in browser.current_url, what="the login to finish")


def _visible_text(browser) -> str:
    return browser.execute_script("return document.body.innerText") or ""


def _images_loaded(browser) -> int:
    return browser.execute_script(
        "return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0"
        " && i.src.startsWith('data:image')).length"
    )


def _submit_verdict(browser, verdict: str) -> None:
    from selenium.webdriver.common.by import By

    choice = _wait_for(
        lambda: [
            e
            # a choice's label is its value and its hotkey ("accept[1]")
            for e in browser.find_elements(By.XPATH, f"//label[starts-with(normalize-space(), '{verdict}')]")
            if e.is_displayed()
        ],
        what=f"the '{verdict}' choice",
    )[0]
    choice.click()
    submit = _wait_for(
        lambda: [
            b
            for b in browser.find_elements(By.XPATH, "//button[normalize-space()='Submit']")
            if b.is_displayed() and b.is_enabled()
        ],
        what="the Submit button",
    )[0]
    submit.click()


def test_an_annotator_sees_and_judges_mcq_vqa_and_case_tasks(
    label_studio: server.ServerHandle, browser, tmp_path: Path
) -> None:
    spec_path = tmp_path / "review.yaml"
    spec_path.write_text(
        yaml.safe_dump(
            {
                "benchmark": "browser",
                "sources": [{"id": "medbench-brasil", "kind": "exam_collection", "licence": "Apache-2.0"}],
                "review": {
                    "policy": "label_studio",
                    "options": {"state_dir": str(tmp_path / "state"), "sample_scraped": 1.0},
                },
            }
        ),
        encoding="utf-8",
    )
    spec = load_spec(spec_path)
    images = tmp_path / "images"
    items = sample_items.exam_items(1) + sample_items.vqa_items(images, 1) + sample_items.case_items(1)
    client = connect(label_studio.url, label_studio.token)
    report = push(spec, items, client, image_root=images)
    assert set(report.projects) == {"mcq_single", "vqa", "case_diagnosis"}
    _log_in(browser, label_studio)
    shots = _screenshots()
    by_kind = {
        str(kind): item for kind, item in zip(("mcq_single", "vqa", "case_diagnosis"), items, strict=True)
    }
    saved = []
    for kind, project in sorted(report.projects.items()):
        item = by_kind[kind]
        (task,) = client.export_tasks(project)
        browser.get(f"{label_studio.url}/projects/{project}/data?task={task['id']}")
        question = item.question.split("\n")[0][:60]
        _wait_for(lambda q=question: q in _visible_text(browser), what=f"the {kind} question on screen")
        text = _visible_text(browser)
        for option in item.options:
            assert option.text[:40] in text, (kind, option.text)
        if kind == "vqa":
            assert _wait_for(lambda: _images_loaded(browser), what="the VQA image to load") >= 1
            assert item.images[0].caption[:50] in text
        shot = shots / f"{kind}-task.png"
        browser.save_screenshot(str(shot))
        saved.append(shot)
        _submit_verdict(browser, "accept")
        done = _wait_for(
            lambda p=project: [t for t in client.export_tasks(p) if t.get("annotations")],
            what=f"the {kind} verdict to be stored",
        )
        results = done[0]["annotations"][0]["result"]
        verdicts = [r["value"]["choices"] for r in results if r["from_name"] == "verdict"]
        assert verdicts == [["accept"]], (kind, results)
        shot = shots / f"{kind}-submitted.png"
        browser.save_screenshot(str(shot))
        saved.append(shot)
    assert all(path.stat().st_size > 10_000 for path in saved)
    print("screenshots:", ", ".join(str(p) for p in saved))
