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
    "negotiation-scenario-1-sme",
    "negotiation-scenario-2-healthtech",
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


CSP_VIOLATION = "violates the following Content Security Policy directive"


def test_the_reports_charts_draw_under_their_content_security_policy(pack, page):
    """plotly.js, inline, draws every chart with the policy in force, and the policy itself is never broken."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    for name in ("request-scenario-2", "summit-illustrative", "index"):
        page.goto((pack / f"{name}.html").as_uri())
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert policy.count() == 1 and "frame-src 'none'" in policy.get_attribute("content")
        if name != "index":
            count = page.locator("div.plotly-graph-div").count()
            page.wait_for_function(
                "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n",
                arg=count,
                timeout=30_000,
            )
    assert not [m for m in messages if CSP_VIOLATION in m], messages


def test_an_escaping_slip_in_a_report_could_not_read_a_local_file(pack, page, tmp_path):
    """Were a frame, an image or a fetch of a file: URL ever to reach a report, the policy blocks each."""
    html = (pack / "request-scenario-1.html").read_text(encoding="utf-8")
    slip = (
        '<iframe id="leak" src="file:///etc/passwd"></iframe><img id="peek" src="file:///etc/hostname">'
        '<script>fetch("file:///etc/passwd").then(() => { document.title = "fetched"; })'
        '.catch(() => { document.body.dataset.fetch = "blocked"; });</script>'
    )
    leaky = tmp_path / "request-leaky.html"
    leaky.write_text(html.replace("</body>", slip + "</body>", 1), encoding="utf-8")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if CSP_VIOLATION in message.text else None)
    page.goto(leaky.as_uri())
    page.wait_for_function("() => document.body.dataset.fetch === 'blocked'", timeout=10_000)
    assert any("frame-src" in v and "file:///etc/passwd" in v for v in violations), violations
    assert any("img-src" in v for v in violations), violations
    assert any("connect-src" in v for v in violations), violations
    assert page.evaluate("() => document.getElementById('peek').naturalWidth") == 0
