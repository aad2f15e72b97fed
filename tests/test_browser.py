"""A real headless Chromium (Debian's package) on a live server: home page, editor, entity page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = "/tmp/diplomacy-kg-entity-page.png"
QUOTE = "Ожидается, что Президент России Владимир Путин прибудет в туркменскую столицу 11 декабря"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        yield chromium
        chromium.close()


def test_home_page_links_to_everything(browser: Browser, ui_live_server: str):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(ui_live_server + "/")
    expect(page.locator("h1")).to_have_text("Diplomacy knowledge graph")
    for target in ("/editor", "/queries", "/sparql", "/ontology", "/.well-known/void"):
        expect(page.locator(f'main a[href="{target}"]').first).to_be_visible()
    expect(page.locator("table").first).to_contain_text("2025-12-11")
    page.close()


def test_named_query_runs_in_the_editor(browser: Browser, ui_live_server: str, ui_browser_query: tuple[str, str]):
    name, expected_cell = ui_browser_query
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{ui_live_server}/editor?query={name}")
    editor = page.locator(".tabPanel.active .CodeMirror")
    expect(editor).to_contain_text("SELECT")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    results = page.locator(".tabPanel.active .yasr table.dataTable tbody")
    expect(results).to_contain_text(expected_cell)
    page.close()


def test_entity_page_shows_label_and_highlighted_quote(browser: Browser, ui_live_server: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    page.goto(ui_live_server + "/id/putin-arrival")
    assert page.url.endswith("/doc/id/putin-arrival")
    expect(page.locator("h1")).to_contain_text("Putin")
    mark = page.locator("blockquote.context mark").first
    expect(mark).to_have_text(QUOTE)
    page.locator('a[href="/id/putin"]').first.click()
    expect(page.locator("h1")).to_have_text("Vladimir Putin")
    page.go_back()
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.close()
