"""The HTML report in a real headless Chromium (Selenium + Debian chromium-driver).

Opens the page from a file, clicks timeline entries, chips, claims and quotes, and
checks what a reader would see: the quote highlighted and scrolled into view, the
entry marked, an article's ``<script>`` shown as text and never run, nothing
fetched from the network. Skips (with the reason) only where no browser or driver
is installed; ``.ci/run`` installs them (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_html import GAZETTE, flood_report

from summarizer.output.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
    "--hide-scrollbars",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no browser: install Debian packages chromium and chromium-driver to run the browser tests",
        allow_module_level=True,
    )

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

IN_VIEW = """
const el = arguments[0];
const r = el.getBoundingClientRect();
let box = {top: 0, bottom: window.innerHeight};
const pane = el.closest('.pane');
if (pane) {
  const p = pane.getBoundingClientRect();
  box = {top: Math.max(0, p.top), bottom: Math.min(window.innerHeight, p.bottom)};
}
return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")  # Selenium Manager must not look for downloads
        driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def flood_page(browser: Any, tmp_path: Path) -> Any:
    page = tmp_path / "report.html"
    page.write_text(render_html(flood_report()), encoding="utf-8")
    browser.get(page.as_uri())
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    return browser


def _marks(driver: Any, event: str) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, f'mark[data-events~="{event}"]')


def _highlighted(mark: Any) -> bool:
    return "hl" in (mark.get_attribute("class") or "").split()


def _wait_in_view(driver: Any, element: Any) -> None:
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(IN_VIEW, element))


def test_clicking_an_entry_highlights_its_quotes_and_scrolls_to_them(
    flood_page: Any, tmp_path: Path
) -> None:
    driver = flood_page
    driver.set_window_size(1400, 420)  # short window: the last source starts out of view
    try:
        marks = _marks(driver, "e-defences")
        assert len(marks) == 1 and not _highlighted(marks[0])
        assert not driver.execute_script(IN_VIEW, marks[0])
        entry = driver.find_element(By.ID, "entry-e-defences")
        entry.find_element(By.CSS_SELECTOR, "a.goto").click()
        WebDriverWait(driver, 5).until(lambda d: _highlighted(marks[0]))
        _wait_in_view(driver, marks[0])
        assert "active" in (entry.get_attribute("class") or "").split()
        assert marks[0].text == "The flood defences, built in 2019, failed."
        shot = tmp_path / "after-click.png"
        assert driver.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5_000
    finally:
        driver.set_window_size(1400, 900)


def test_entry_click_highlights_every_source_and_clears_the_previous(flood_page: Any) -> None:
    driver = flood_page
    driver.find_element(By.CSS_SELECTOR, "#entry-e-rescue a.goto").click()
    WebDriverWait(driver, 5).until(lambda d: _highlighted(_marks(d, "e-rescue")[0]))
    driver.find_element(By.CSS_SELECTOR, "#entry-e-burst a.goto").click()
    burst = _marks(driver, "e-burst")
    WebDriverWait(driver, 5).until(lambda d: all(_highlighted(m) for m in burst))
    sources = {m.get_attribute("data-source") for m in burst}
    assert sources == {"gazette", "valley", "wire"}
    assert not _highlighted(_marks(driver, "e-rescue")[0])
    assert len(driver.find_elements(By.CSS_SELECTOR, ".entry.active")) == 1


def test_a_source_chip_highlights_only_that_sources_quote(flood_page: Any) -> None:
    driver = flood_page
    driver.find_element(By.CSS_SELECTOR, '#entry-e-toll a.chip[data-source="valley"]').click()
    toll = _marks(driver, "e-toll")
    WebDriverWait(driver, 5).until(lambda d: any(_highlighted(m) for m in toll))
    lit = [m for m in toll if _highlighted(m)]
    assert {m.get_attribute("data-source") for m in lit} == {"valley"}
    _wait_in_view(driver, lit[0])


def test_clicking_a_disagreement_claim_shows_that_claim(flood_page: Any) -> None:
    driver = flood_page
    claim = driver.find_element(By.CSS_SELECTOR, '.claim[data-source="gazette"]')
    claim.click()
    lit = WebDriverWait(driver, 5).until(
        lambda d: [m for m in _marks(d, "e-toll") if _highlighted(m)] or False
    )
    assert {m.get_attribute("data-source") for m in lit} == {"gazette"}
    assert any("Two people died" in m.text for m in lit)


def test_clicking_a_quote_goes_back_to_its_entry(flood_page: Any) -> None:
    driver = flood_page
    mark = _marks(driver, "e-bridge")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    entry = driver.find_element(By.ID, "entry-e-bridge")
    WebDriverWait(driver, 5).until(lambda d: "active" in (entry.get_attribute("class") or ""))
    _wait_in_view(driver, entry)


def test_article_script_is_shown_not_run(flood_page: Any) -> None:
    driver = flood_page
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    text = driver.execute_script("return document.getElementById('text-1').textContent")
    assert "<script>alert('pwned')</script>" in text
    assert (
        text
        == GAZETTE[: GAZETTE.index("Related Articles")] + text[GAZETTE.index("Related Articles") :]
    )


def test_nothing_is_fetched(flood_page: Any) -> None:
    resources = flood_page.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0


def test_dropped_junk_is_grey(flood_page: Any) -> None:
    dropped = flood_page.find_element(By.CSS_SELECTOR, ".dropped[data-start]")
    assert dropped.text.startswith("Related Articles")
    colour = dropped.value_of_css_property("color")
    body = flood_page.find_element(By.CSS_SELECTOR, "#text-2").value_of_css_property("color")
    assert colour != body


@pytest.mark.slow
def test_seeds_report_links_the_izhevsk_strike_to_every_outlet(
    browser: Any, repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real seeds report; also takes the screenshot for docs/report.png.

    ``SUMMARIZER_REPORT_PNG=docs/report.png pytest tests/test_browser.py -k seeds``
    writes the screenshot there as well.
    """
    from summarizer.config import Config
    from summarizer.pipeline import run

    monkeypatch.chdir(repo_root)  # relative paths in the page, as a user would run it
    report = run(["seeds"], Config())
    strike = [e for e in report.events if "Izhevsk" in e.text and len(e.sources) >= 3]
    assert strike, "the pipeline no longer merges the Izhevsk strike across outlets"
    page = tmp_path / "seeds.html"
    page.write_text(render_html(report), encoding="utf-8")
    browser.get(page.as_uri())
    event = strike[0]
    browser.find_element(By.CSS_SELECTOR, f"#entry-{event.id} a.goto").click()
    marks = _marks(browser, event.id)
    WebDriverWait(browser, 5).until(lambda d: all(_highlighted(m) for m in marks))
    assert {m.get_attribute("data-source") for m in marks} >= set(event.sources)
    _wait_in_view(browser, marks[0])

    browser.set_window_size(1440, 1350)
    try:
        browser.get(page.as_uri())
        claim = browser.find_element(By.CSS_SELECTOR, ".claim")
        claim.click()
        event_id = claim.get_attribute("data-goto")
        lit = WebDriverWait(browser, 5).until(
            lambda d: [m for m in _marks(d, event_id) if _highlighted(m)] or False
        )
        _wait_in_view(browser, lit[0])
        shot = tmp_path / "seeds.png"
        assert browser.save_screenshot(str(shot))
        target = os.environ.get("SUMMARIZER_REPORT_PNG")
        if target:
            shutil.copyfile(shot, repo_root / target)
    finally:
        browser.set_window_size(1400, 900)
