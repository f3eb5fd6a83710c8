"""The workspace in a real browser: Debian's headless Chromium driven by Selenium through the
system chromedriver (no browser is ever downloaded). Log in, create a system, answer routing
questions and watch irrelevant ones disappear and the decision change, reload (nothing lost),
save, upload the vendor's filled-in workbook and read the import summary, sign off as the
officer, and check the PDF's outcome with pdftotext.

Set SECREVIEW_SCREENSHOTS=FOLDER to keep screenshots of the main pages (docs/images/ has them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web_support import PASSWORD, make_app

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1440,1000")
ROOT = Path(__file__).resolve().parent.parent


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if not missing:
        return
    message = (f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)")
    if os.environ.get("CI") == "true":
        pytest.fail(message + ": in CI a missing browser is a failure, not a skip")
    pytest.skip(message)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import uvicorn

    _need_browser()
    app = make_app(tmp_path, monkeypatch)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    _need_browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    profile = tempfile.mkdtemp(prefix="secreview-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("SECREVIEW_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"workspace-{name}.png"))


def _wait(driver: Any, condition: Any, timeout: float = 15) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _login(driver: Any, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    _shot(driver, "login") if name == "lead" else None
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    _wait(driver, lambda d: "/login" not in d.current_url)


def _choose(driver: Any, path: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    radio = driver.find_element(By.CSS_SELECTOR, f"input[name='f:{path}'][value='{value}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", radio)
    radio.click()


def _settled(driver: Any) -> None:
    """Wait until the autosave chain is idle (no question marked as saving)."""
    from selenium.webdriver.common.by import By

    _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "fieldset.saving"))


def _import_examples(tmp_path: Path) -> None:
    from secreview.store.db import make_engine, session_factory
    from secreview.store.reviewing import Engine
    from secreview.store.transfer import import_folder

    engine = make_engine(f"sqlite:///{tmp_path / 'register.db'}")
    with session_factory(engine)() as session, session.begin():
        import_folder(session, Engine.load(), ROOT / "examples")
    engine.dispose()


def _get(driver: Any, url: str) -> bytes:
    """``url`` fetched with the browser's session (what a download link gives)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=120) as response:
        data: bytes = response.read()
    return data


def _vendor_answers(driver: Any, server: str, system_id: str, tmp_path: Path) -> None:
    """Download the vendor's workbook, fill it in as the vendor would (one answer a formula),
    upload it from the system page and read the summary: a new version, the formula refused
    at its cell."""
    from selenium.webdriver.common.by import By
    from tests.exchange_support import FACTS, fill, rows_of

    from secreview.exchange.cells import answer_cell

    driver.get(f"{server}/systems/{system_id}")
    before = int(driver.find_element(By.CSS_SELECTOR, "input[name=base]").get_attribute("value"))
    workbook = _get(driver, f"{server}/systems/{system_id}/workbook.xlsx?for=vendor&all=1")
    rows = rows_of(workbook)
    wanted = {"hosting.deployment": "saas", "hosting.storage_countries": ["SE"],
              "hosting.encryption_in_transit": True, "hosting.encryption_at_rest": True,
              "hosting.customer_held_keys": False, "access.mfa_admins": True,
              "vendor.third_country_law_access": False}  # corrects the project lead's answer
    typed = {f: answer_cell(FACTS[f], v, "sv") for f, v in wanted.items() if f in rows}
    formula = next(f for f in rows if f not in typed and FACTS[f].kind == "int")
    assert len(typed) >= 3, sorted(rows)
    path = tmp_path / "kunskapsnatet-svar.xlsx"
    path.write_bytes(fill(workbook, typed, formulas={formula: "=24*2"},
                          sources=dict.fromkeys(typed, "Avtalsutkast bilaga 3"),
                          respondent={"name": "Maria Lind", "organisation": "Kunskapsnätet AB"}))
    driver.find_element(By.ID, "workbook-file").send_keys(str(path))
    driver.find_element(By.ID, "upload-answers").click()
    _wait(driver, lambda d: "/imports/" in d.current_url)
    assert driver.find_element(By.ID, "count-answered").text == str(len(typed) - 1)
    assert driver.find_element(By.ID, "count-changed").text == "1"
    assert driver.find_element(By.ID, "count-refused").text == "1"
    assert f"version {before + 1}" in driver.find_element(By.ID, "import-version").text
    row = rows[formula]["answer"].row
    assert f"G{row}" in driver.find_element(By.ID, "import-problems").text
    _shot(driver, "import")


@pytest.mark.slow
def test_a_project_lead_and_an_officer_in_the_browser(server: str, browser: Any,
                                                       tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _login(driver, server, "lead")
    driver.get(f"{server}/systems/new")
    driver.find_element(By.ID, "name").send_keys("Lärplattform Kunskapsnätet")
    driver.find_element(By.ID, "owner_board").send_keys("Utbildningsnämnden")
    driver.find_element(By.ID, "capability").send_keys("Lärplattform")
    driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
    _wait(driver, lambda d: d.current_url.endswith("/questionnaire"))
    system_id = driver.current_url.split("/")[-2]
    _wait(driver, lambda d: d.find_element(By.ID, "questionnaire")
          .get_attribute("data-enhanced") == "1")

    follow_up = driver.find_element(By.ID, "q-ai-automated_decisions")
    assert follow_up.is_displayed()
    _choose(driver, "ai.used", "false")
    _wait(driver, lambda d: not d.find_element(By.ID, "q-ai-automated_decisions").is_displayed())
    dpia = driver.find_element(By.ID, "q-dpia_screening-large_scale")
    assert dpia.is_displayed()
    _choose(driver, "personal_data.processed", "false")
    _wait(driver, lambda d: not d.find_element(By.ID, "q-dpia_screening-large_scale")
          .is_displayed())
    _choose(driver, "personal_data.processed", "true")  # back: the branch returns
    _wait(driver, lambda d: d.find_element(By.ID, "q-dpia_screening-large_scale").is_displayed())
    _settled(driver)

    # Foreign law is a finding once the vendor can reach the data: with both answers the live
    # decision counts a confirmed finding where it had none.
    before = driver.find_element(By.CSS_SELECTOR, "p.counts").text
    _choose(driver, "vendor.third_country_law_access", "true")
    _choose(driver, "hosting.vendor_access", "true")
    _settled(driver)
    _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "p.counts").text != before)
    live = driver.find_element(By.ID, "live-outcome").text
    _shot(driver, "questionnaire")

    text_field = driver.find_element(By.NAME, "f:vendor.name")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", text_field)
    text_field.send_keys("Kunskapsnätet AB")
    time.sleep(0.8)  # the autosave waits for a pause in typing
    _settled(driver)

    driver.refresh()  # nothing is lost: every answer is in the draft
    assert driver.find_element(
        By.CSS_SELECTOR, "input[name='f:ai.used'][value='false']").is_selected()
    assert driver.find_element(By.NAME, "f:vendor.name").get_attribute("value") == \
        "Kunskapsnätet AB"
    assert not driver.find_element(By.ID, "q-ai-automated_decisions").is_displayed()
    assert driver.find_element(By.ID, "live-outcome").text == live

    driver.find_element(By.ID, "save-version").click()
    _wait(driver, lambda d: d.current_url.split("?")[0].endswith(f"/systems/{system_id}"))
    assert driver.find_element(By.ID, "latest-outcome").text == live
    if os.environ.get("SECREVIEW_SCREENSHOTS"):
        _import_examples(tmp_path)  # a register with more than one system to show
    driver.get(f"{server}/")
    _shot(driver, "register")
    driver.get(f"{server}/systems/{system_id}/questionnaire")
    assert driver.find_element(By.NAME, "f:vendor.name").get_attribute("value") == \
        "Kunskapsnätet AB"
    _vendor_answers(driver, server, system_id, tmp_path)
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    _wait(driver, lambda d: "/login" in d.current_url)

    _login(driver, server, "officer")
    driver.get(f"{server}/systems/{system_id}")
    live = driver.find_element(By.ID, "latest-outcome").text  # after the vendor's answers
    driver.find_element(By.ID, "statement").send_keys("Granskad mot avtalsutkastet.")
    driver.find_element(By.ID, "sign").click()
    _wait(driver, lambda d: d.find_elements(By.ID, "signed-note"))
    assert "Officer" in driver.find_element(By.ID, "signed-note").text
    _shot(driver, "system")

    pdf = _get(driver, driver.find_element(By.ID, "pdf-link").get_attribute("href"))
    target = tmp_path / "report.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-l", "1", str(target), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert live in text
