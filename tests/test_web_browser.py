"""Real-browser tests: headless Chromium (Debian's chromium + chromium-driver, via selenium)
drives `runstrong serve`, started as a subprocess on a free loopback port.

Without chromium these tests skip, except in CI (CI=true), where they fail: `.ci/run`
installs chromium and chromium-driver first. RUNSTRONG_SCREENSHOTS=DIR also saves the
runner and squad pages at desktop and 375-px phone widths (what docs/ shows).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import DATABASES, stop_process

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "examples" / "intermediate-week.csv"
ROSTER = ROOT / "examples" / "coach" / "roster.csv"
SQUAD_RUNS = ROOT / "examples" / "coach" / "runs.csv"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


def _browser_paths() -> tuple[str, str]:
    browser = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                                shutil.which("google-chrome")) if p), None)
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        browser = None
    if browser and driver:
        return browser, driver
    why = ("headless Chromium tests need chromium, chromium-driver and selenium "
           "(apt-get install -y chromium chromium-driver; pip install -e '.[test]')")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why}: missing in CI", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module", params=DATABASES)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`runstrong serve` on SQLite and on a throw-away PostgreSQL (tests/postgres.py)."""
    _browser_paths()
    folder = tmp_path_factory.mktemp("serve")
    db = (str(folder / "web.sqlite3") if request.param == "sqlite"
          else request.getfixturevalue("postgres_cluster").database())
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TZ": "Europe/London"}
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--host", "127.0.0.1", "--port", "0",
         "--db", db],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=folder)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
        assert found, f"serve printed {line!r}"
        base = found.group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base.rstrip("/")
    finally:
        stop_process(process, timeout=15)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _browser_paths()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.add_argument("--window-size=1280,900")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(120)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition, timeout: float = 60, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def screenshot(driver, name: str, width: int) -> None:
    """Full-page PNG at `width` CSS pixels into $RUNSTRONG_SCREENSHOTS, if set."""
    folder = os.environ.get("RUNSTRONG_SCREENSHOTS")
    if not folder:
        return
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 10, "deviceScaleFactor": 1, "mobile": width < 500})
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": min(height, 6000), "deviceScaleFactor": 1,
        "mobile": width < 500})
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / name))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_runner_flow_in_a_real_browser(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=runs]").text
    tz = browser.find_element(By.ID, "tz")
    wait_for(lambda: tz.get_attribute("value"))  # filled from the browser's zone
    browser.find_element(By.ID, "runs").send_keys(str(WEEK))
    Select(browser.find_element(By.ID, "level")).select_by_value("intermediate")
    for item in ("dumbbell", "band"):
        box = browser.find_element(By.ID, f"eq_{item}")
        box.send_keys(Keys.SPACE)  # keyboard, not mouse
        assert box.is_selected()
    tz.clear()
    tz.send_keys("Europe/London")
    screenshot(browser, "web-home.png", 1280)
    screenshot(browser, "web-home-phone.png", 375)
    browser.find_element(By.CSS_SELECTOR, "form.plan-form button[type=submit]").click()
    wait_for(lambda: "/a/" in browser.current_url)
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Week of" in page and "MAIN" in page.upper() and "Warm-up" in page
    assert browser.find_elements(By.CSS_SELECTOR, ".day .session-link")
    assert browser.find_elements(By.CSS_SELECTOR, "article.card")
    webcal = browser.find_element(By.PARTIAL_LINK_TEXT, "Subscribe with webcal")
    assert webcal.get_attribute("href").startswith("webcal://127.0.0.1:")
    screenshot(browser, "web-runner.png", 1280)
    screenshot(browser, "web-runner-phone.png", 375)

    browser.find_element(By.PARTIAL_LINK_TEXT, "Download calendar").click()
    ics = wait_for(lambda: [p for p in browser.downloads.glob("*.ics")], timeout=30)[0]
    calendar = Calendar.from_ical(wait_for(lambda: ics.read_bytes()))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    assert all(str(e.decoded("dtstart").tzinfo) == "Europe/London" for e in events)

    # Log the first session, then read the log back from the page.
    status = browser.find_elements(By.CSS_SELECTOR, "select[name^=status__]")[0]
    Select(status).select_by_value("done")
    browser.find_element(By.CSS_SELECTOR, "form.log-form button[type=submit]").click()
    wait_for(lambda: "#log" in browser.current_url)
    status = browser.find_elements(By.CSS_SELECTOR, "select[name^=status__]")[0]
    assert Select(status).first_selected_option.get_attribute("value") == "done"


def test_phone_width_stacks_the_week(server: str, browser) -> None:
    from selenium.webdriver.common.by import By

    phone = {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True}
    browser.get(server + "/")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    browser.find_element(By.CSS_SELECTOR, "details.grid-entry summary").click()
    assert browser.find_element(By.ID, "run_6").is_displayed()
    assert browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth") <= 1
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.find_element(By.ID, "runs").send_keys(str(WEEK))
    browser.find_element(By.CSS_SELECTOR, "form.plan-form button[type=submit]").click()
    wait_for(lambda: "/a/" in browser.current_url)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        days = browser.find_elements(By.CSS_SELECTOR, ".days > .day")
        lefts = {round(d.rect["x"]) for d in days}
        assert len(lefts) == 1, "on a phone the days stack in one column"
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, "nothing wider than the phone"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_coach_flow_in_a_real_browser(server: str, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/coach")
    browser.find_element(By.ID, "roster").send_keys(str(ROSTER))
    browser.find_element(By.ID, "squad-runs").send_keys(str(SQUAD_RUNS))
    browser.find_element(By.CSS_SELECTOR, "form.plan-form button[type=submit]").click()
    wait_for(lambda: "/squad/" in browser.current_url)
    squad_url = browser.current_url
    wait_for(lambda: browser.find_elements(By.PARTIAL_LINK_TEXT, "All calendars"), timeout=300)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.squad tbody tr")
    assert len(rows) == 14
    assert "Chloé Martin" in browser.find_element(By.TAG_NAME, "table").text
    screenshot(browser, "web-squad.png", 1280)
    screenshot(browser, "web-squad-phone.png", 375)

    href = browser.find_element(By.PARTIAL_LINK_TEXT, "All calendars").get_attribute("href")
    archive = zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(href, timeout=60).read()))
    assert len([n for n in archive.namelist() if n.endswith(".ics")]) == 14

    browser.find_element(By.LINK_TEXT, "Every block at a glance").click()
    wait_for(lambda: "/blocks" in browser.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.block")) == 14
    screenshot(browser, "web-blocks.png", 1280)

    browser.get(squad_url)
    browser.find_element(By.LINK_TEXT, "Ana García").click()
    wait_for(lambda: "/a/" in browser.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, "table.block")
    assert "Ana García" in browser.find_element(By.TAG_NAME, "h1").text
