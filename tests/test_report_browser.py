"""Open each rendered report in Debian's chromium, headless, with networking disabled."""

import pytest

from conftest import XSS_TITLE


@pytest.fixture()
def page(browser):
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()


REPORTS = [
    "portfolio",
    "compare",
    "request-scenario-1",
    "request-scenario-2",
    "request-scenario-3",
    "request-scenario-4",
    "request-hostile",
    "summit-illustrative",
]


@pytest.mark.parametrize("name", REPORTS)
def test_charts_draw_offline_and_no_code_shows(pack, page, name):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((pack / f"{name}.html").as_uri())
    charts = page.locator("div.plotly-graph-div")
    count = charts.count()
    assert count >= 1
    page.wait_for_function(
        "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n", arg=count, timeout=30_000
    )
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('div.plotly-graph-div'))"
        ".filter(d => d.querySelector('svg.main-svg')).length"
    )
    assert drawn == count, f"{drawn} of {count} charts drew"
    assert errors == []
    assert all(url.startswith("file://") or url.startswith("data:") for url in page.requests), page.requests
    text = page.inner_text("body")
    for code in ("import imaging_value", "rp.show(", "request_report("):
        assert code not in text
    assert page.locator(".jp-InputArea-editor").count() == 0


def test_escaped_title_shows_as_text(pack, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((pack / "request-hostile.html").as_uri())
    headings = page.locator("h1").all_inner_texts()
    assert f"Request report: {XSS_TITLE}" in headings
    assert dialogs == []


def test_stakeholder_view_menu_switches_without_a_kernel(pack, page):
    from playwright.sync_api import expect

    page.goto((pack / "request-scenario-3.html").as_uri())
    page.wait_for_selector("div.plotly-graph-div svg.main-svg")
    chart = page.locator("div.plotly-graph-div", has=page.locator(".updatemenu-container")).first
    title_before = chart.locator(".gtitle").text_content()
    chart.locator(".updatemenu-header-group").click()
    chart.locator(".updatemenu-dropdown-button", has_text="NHS trust finance").click()
    expect(chart.locator(".gtitle")).to_contain_text("NHS trust finance", timeout=10_000)  # fails if it never switches
    title_after = chart.locator(".gtitle").text_content()
    assert title_before != title_after and "NHS trust finance" in title_after


def test_index_links_every_report(pack, page):
    page.goto((pack / "index.html").as_uri())
    links = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert set(links) == {f"{name}.html" for name in ["board-paper", *REPORTS]}
