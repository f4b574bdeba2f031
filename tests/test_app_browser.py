"""The local web app in a real browser: Voila serving notebooks/00-explore.ipynb, driven by Playwright.

The server is started through ``imaging_value.explore.app`` (the code path of ``make app``) on a
free loopback port, serving a copy of the notebook beside a copy of the sample data
(with one broken request added) and an empty reports folder, all in a temporary folder: the tests write
nothing into the work tree (the screenshots go into the temporary site's ``screenshots/``).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from imaging_value import load_dataset, load_request
from imaging_value.explore.app import HOST, NOTEBOOK, start, stop, wait_until_serving
from imaging_value.framework.scoring import rank_options, score_options
from imaging_value.framework.tree import recommend

ROOT = Path(__file__).resolve().parents[1]
BROKEN_REQUEST = "id: broken\ntitle: Broken\ntemporality: sometimes\n"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

# one server and one page, driven test after test: all in one test process
pytestmark = [pytest.mark.xdist_group("explorer-app"), pytest.mark.timeout(240)]


def shots(site: Path) -> Path:
    """Where the screenshots go: inside the test's temporary site, never the work tree's reports/."""
    folder = site / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """notebooks/00-explore.ipynb, data/samples (plus requests/broken.yaml) and reports/ in a fresh folder."""
    root = tmp_path_factory.mktemp("site")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    shutil.copytree(ROOT / "data" / "samples", root / "data" / "samples")
    (root / "data" / "samples" / "requests" / "broken.yaml").write_text(BROKEN_REQUEST, encoding="utf-8")
    (root / "data" / "samples" / "requests" / f"{CONTRIBUTED}.yaml").write_text(
        contributed_request(root / "data" / "samples"), encoding="utf-8"
    )
    (root / "reports").mkdir()
    return root


CONTRIBUTED = "with-contributions"  # a request whose 30 sites each state their contribution (two pages of rows)


def contributed_request(data: Path) -> str:
    import yaml

    request = yaml.safe_load((data / "requests" / "scenario-1.yaml").read_text(encoding="utf-8"))
    request["id"], request["title"] = CONTRIBUTED, "Thirty sites, each with its contribution"
    request["sites"] = {
        "count": 30,
        "kinds": ["large_trust", "district_general"],
        "contributions": [
            {"site": f"Trust {i + 1}", "kind": ("large_trust", "district_general")[i % 2], "images": 1000 * (i + 1)}
            for i in range(30)
        ],
    }
    return yaml.safe_dump(request, sort_keys=False)


@pytest.fixture(scope="module")
def server(site: Path):
    """Voila on a free loopback port, started and stopped (with its kernels) through imaging_value.explore.app."""
    port = free_port()
    log_path = site / "voila.log"
    with open(log_path, "w", encoding="utf-8") as log:
        running = start(port, site / "notebooks" / NOTEBOOK.name, stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                wait_until_serving(port, timeout=60, process=running.process)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{log_path.read_text(encoding='utf-8')[-3000:]}") from None
            yield running
        finally:
            stop(running)


@pytest.fixture(scope="module")
def browser_page(browser, server):
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(server.url, timeout=90_000)
    page.wait_for_selector(".iv-fig-ranking svg.main-svg .barlayer path", timeout=90_000)
    page.requests = requests  # every URL the page asked for, for the network test
    yield page
    context.close()


@pytest.fixture(scope="module")
def dataset(site: Path):
    return load_dataset(site / "data" / "samples")


def ranking_on_page(page) -> list[str]:
    """The option labels on the ranking chart's y axis, top (best) first."""
    return page.eval_on_selector_all(
        ".iv-fig-ranking g.ytick text",
        "els => els.map(e => [e.getBoundingClientRect().top, e.textContent])"
        ".sort((a, b) => a[0] - b[0]).map(p => p[1])",
    )


def wait_for_ranking(page, labels: list[str]) -> None:
    """Wait until the ranking chart's y axis reads ``labels``, top first."""
    page.wait_for_function(
        """want => { const t = [...document.querySelectorAll('.iv-fig-ranking g.ytick text')]
                      .map(e => [e.getBoundingClientRect().top, e.textContent])
                      .sort((a, b) => a[0] - b[0]).map(p => p[1]);
                     return JSON.stringify(t) === JSON.stringify(want); }""",
        arg=labels,
    )


def weight_label(page, lever: str) -> str:
    return page.inner_text(f".iv-weight-{lever}").strip()


def set_slider(page, lever: str, value: float) -> None:
    """Type a value into the slider's editable readout, as a person would."""
    readout = page.locator(f".iv-lever-{lever} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")


def expected_labels(dataset, weights: dict[str, float] | None) -> list[str]:
    table = score_options(dataset, load_request("scenario-1", dataset), 0)
    return [dataset.label(option) for option in rank_options(table, weights).order]


def test_the_app_loads_with_the_default_request(browser_page, dataset, site):
    page = browser_page
    assert page.locator("select").first.input_value() == "scenario-1"
    assert ranking_on_page(page) == expected_labels(dataset, None)
    assert ranking_on_page(page)[0] == "SME incubation"
    assert weight_label(page, "clinical") == "Clinical 20%"
    for name in ("stability", "tree", "lever_profile", "acceptability", "alignment", "split"):
        assert page.locator(f".iv-fig-{name} svg.main-svg").count() >= 1, name
    text = page.locator("body").inner_text()
    assert "import imaging_value" not in text and "ex.explore(" not in text  # code hidden
    page.screenshot(path=str(shots(site) / "explore-app.png"))


def test_moving_sliders_changes_the_shares_and_the_ranking(browser_page, dataset):
    page = browser_page
    set_slider(page, "commercial", 1)
    for lever in ("clinical", "social", "economic_development", "environmental"):
        set_slider(page, lever, 0)
    page.wait_for_function("() => document.querySelector('.iv-weight-commercial').innerText.includes('100%')")
    assert weight_label(page, "clinical") == "Clinical 0%"
    winner = expected_labels(dataset, {"commercial": 1})[0]
    assert winner != "SME incubation"
    page.wait_for_function(
        "w => document.querySelector('.iv-summary b') && document.querySelector('.iv-summary b').innerText === w",
        arg=winner,
    )
    # the whole order, top to bottom: a redraw arrives as messages, so wait for it to settle
    # on the expected order (times out, and fails, if it never does)
    wait_for_ranking(page, expected_labels(dataset, {"commercial": 1}))
    assert ranking_on_page(page) == expected_labels(dataset, {"commercial": 1})

    set_slider(page, "clinical", 1)
    page.wait_for_function("() => document.querySelector('.iv-weight-clinical').innerText.includes('50%')")
    both = expected_labels(dataset, {"clinical": 1, "commercial": 1})
    page.wait_for_function("w => document.querySelector('.iv-summary b').innerText === w", arg=both[0])


def test_a_stakeholder_view_moves_the_sliders(browser_page, dataset):
    page = browser_page
    page.locator(".iv-profile-picker select").select_option(label="NHS trust finance")
    page.wait_for_function("() => document.querySelector('.iv-lever-social .widget-readout').innerText === '0.10'")
    page.wait_for_function("() => document.querySelector('.iv-weight-commercial').innerText.includes('50%')")
    assert weight_label(page, "commercial") == "Commercial 50%"
    readouts = {
        lever: page.inner_text(f".iv-lever-{lever} .widget-readout").strip()
        for lever in ("clinical", "social", "commercial")
    }
    assert readouts == {"clinical": "0.20", "social": "0.10", "commercial": "0.50"}
    weights = {p.name: p.raw_weights() for p in dataset.profiles}["nhs_finance"]
    winner = expected_labels(dataset, weights)[0]
    page.wait_for_function("w => document.querySelector('.iv-summary b').innerText === w", arg=winner)


def test_all_zero_weights_show_a_message(browser_page):
    page = browser_page
    for lever in ("clinical", "social", "economic_development", "environmental", "commercial"):
        set_slider(page, lever, 0)
    # the command line's own error for all-zero weights
    page.wait_for_function(
        "() => document.querySelector('.iv-message').innerText.includes("
        "\"parameter 'weights': expected at least one positive weight; found 'all weights 0'\")"
    )
    assert "&ndash;" not in page.locator(".iv-explorer").inner_text()
    assert page.inner_text(".iv-weight-clinical").strip() == "Clinical \u2013"  # an en dash
    # the message and the hiding travel as separate widget messages: wait for both, fail if the charts stay
    page.wait_for_selector(".iv-fig-ranking", state="hidden", timeout=10_000)
    set_slider(page, "social", 1)
    page.wait_for_function("() => document.querySelector('.iv-message').innerText.trim() === ''")
    page.wait_for_selector(".iv-fig-ranking", state="visible")


def test_the_render_button_writes_the_board_report(browser_page, site):
    page = browser_page
    page.locator("button.iv-render").click()
    page.wait_for_function(
        "() => /Report written|failed|not available/.test(document.querySelector('.iv-render-status').innerText)",
        timeout=180_000,
    )
    status = page.inner_text(".iv-render-status")
    match = re.search(r"Report written to (\S+\.html)", status)
    assert match, status
    assert str(site) not in status and not Path(match.group(1)).is_absolute()
    written = site / match.group(1)
    assert written.is_file() and written.stat().st_size > 10_000
    assert list((site / "reports").glob("*.params.yaml"))
    from playwright.sync_api import expect

    # the status and the button travel as separate widget messages: wait for both, fail if it stays disabled
    expect(page.locator("button.iv-render")).to_be_enabled(timeout=30_000)


def test_an_invalid_request_is_marked_and_explained(browser_page):
    page = browser_page
    picker = page.locator(".iv-request-picker select")
    labels = page.eval_on_selector_all(".iv-request-picker option", "os => os.map(o => o.textContent)")
    broken = [label for label in labels if label.replace("\xa0", " ") == "broken (invalid)"]
    assert broken, labels  # ipywidgets writes the spaces of option labels as no-break spaces
    picker.select_option(label=broken[0])
    page.wait_for_function("() => document.querySelector('.iv-message').innerText.includes('temporality')")
    # the message and the hiding travel as separate widget messages: wait for both, fail if the charts stay
    page.wait_for_selector(".iv-fig-ranking", state="hidden", timeout=10_000)
    picker.select_option("scenario-1")
    page.wait_for_function("() => document.querySelector('.iv-message').innerText.trim() === ''")
    page.wait_for_selector(".iv-fig-ranking", state="visible")


def test_every_request_stays_on_this_machine(browser_page):
    urls = browser_page.requests
    assert any(u.startswith("ws://") for u in urls)  # the kernel connection was seen
    outside = [u for u in urls if not (u.startswith(("data:", "blob:")) or urlparse(u).hostname in LOOPBACK)]
    assert outside == []


HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">'


def wait_for_run(page, before: int) -> int:
    """Wait until the explorer has finished a recompute after ``before`` (its run count, kept in .iv-stamp)."""
    handle = page.wait_for_function(
        """n => { const s = document.querySelector('.iv-stamp span');
                  const r = s ? Number(s.dataset.runs) : 0; return r > n ? r : 0; }""",
        arg=before,
        timeout=30_000,
    )
    return int(handle.json_value())


def runs(page) -> int:
    return int(
        page.evaluate(
            "() => { const s = document.querySelector('.iv-stamp span'); return s ? Number(s.dataset.runs) : 0; }"
        )
    )


def test_a_changed_fact_moves_the_tree_and_saves_as_a_request(browser_page, site):
    page = browser_page
    page.locator(".iv-request-picker select").select_option("scenario-1")
    page.wait_for_function("() => document.querySelector('.iv-fact-temporality select').value !== ''")
    assert page.locator(".iv-fact-temporality select").input_value() == "retrospective"
    labels = page.eval_on_selector_all(".iv-scenario .widget-label", "els => els.map(e => e.textContent.trim())")
    for label in (
        "Title",
        "Temporality",
        "Curation",
        "Deidentification",
        "Data types",
        "Count",
        "Kinds",
        "Kind",
        "Profit stage",
        "Sector",
        "Staff",
        "Name",
    ):
        assert label in labels, (label, labels)
    assert "Is the data retrospective" in page.inner_text(".iv-path")
    before = runs(page)
    page.locator(".iv-fact-temporality select").select_option("prospective")
    wait_for_run(page, before)
    page.wait_for_function("() => document.querySelector('.iv-path').innerText.includes('prospective')")
    path = page.inner_text(".iv-path")
    assert (
        "Is the data retrospective (it exists already) or prospective (collected for this request)? prospective"
        in " ".join(path.split())
    )
    page.wait_for_function("() => document.querySelector('.iv-changes li') !== null")
    assert "(was retrospective)" in page.inner_text(".iv-changes")
    page.screenshot(path=str(shots(site) / "explore-scenario.png"), full_page=True)  # the tree path too

    page.locator(".iv-save-id input").fill("scenario-1-prospective")
    page.locator("button.iv-save").click()
    page.wait_for_function(
        "() => /Saved as|Not saved|exists/.test(document.querySelector('.iv-save-status').innerText)"
    )
    assert "Saved as requests/scenario-1-prospective.yaml" in page.inner_text(".iv-save-status")
    saved = site / "data" / "samples" / "requests" / "scenario-1-prospective.yaml"
    assert saved.is_file()
    assert "temporality: prospective" in saved.read_text(encoding="utf-8")
    command = Path(sys.executable).with_name("imaging-value")
    result = subprocess.run(
        [str(command), "recommend", "scenario-1-prospective", "--data", str(site / "data" / "samples"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    dataset = load_dataset(site / "data" / "samples")
    expected = recommend(dataset, load_request("scenario-1-prospective", dataset), 0)
    assert answer["request"] == "scenario-1-prospective"
    assert [r["option"] for r in answer["recommendations"]] == [rec.option for rec in expected]
    assert all(r["path"][0]["answer"] == "prospective" for r in answer["recommendations"])

    page.locator("button.iv-save").click()  # the same id again: not overwritten without confirmation
    page.wait_for_function("() => document.querySelector('.iv-save-status').innerText.includes('exists')")
    assert page.locator("button.iv-save-confirm").is_visible()


def test_hostile_text_in_a_title_or_site_name_is_escaped(browser_page):
    page = browser_page
    title = page.locator(".iv-fact-title input")
    before = runs(page)
    title.fill(HOSTILE)
    title.press("Enter")
    wait_for_run(page, before)
    page.wait_for_function("t => document.querySelector('.iv-explorer h2').innerText === t", arg=HOSTILE)
    count = page.locator(".iv-fact-sites-count input")
    before = runs(page)
    count.fill("2")  # two sites: every site's name is a tick on the split chart
    count.press("Enter")
    wait_for_run(page, before)
    before = runs(page)
    page.locator(".iv-fact-contributions input[type=checkbox]").check()
    wait_for_run(page, before)
    site_name = page.locator(".iv-fact-sites-contributions-0-site input")
    before = runs(page)
    site_name.fill(HOSTILE)
    site_name.press("Enter")
    wait_for_run(page, before)
    ticks = "() => [...document.querySelectorAll('.iv-fig-split g.xtick text')].map(e => e.textContent)"
    try:
        page.wait_for_function(f"t => ({ticks})().includes(t)", arg=HOSTILE, timeout=20_000)
    except Exception:
        raise AssertionError(page.evaluate(ticks)) from None
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.body.dataset.pwned === undefined")


def kernel_processes(server) -> dict[str, int]:
    """The server's live kernels: kernel id (from its connection file's name) -> process id."""
    import psutil

    live = {}
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:  # shut down, not yet reaped
                continue
            for arg in child.cmdline():
                found = re.search(r"kernel-([0-9a-f-]{36})\.json$", arg)
                if found:
                    live[found.group(1)] = child.pid
        except psutil.Error:  # it ended while we looked
            continue
    return live


def wait_until(condition, timeout: float, what: str) -> None:
    """Wait (polling) until ``condition()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.2)


def page_kernel(html: str) -> str:
    """The id of the kernel Voila handed a page (in the page's configuration)."""
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)


def test_a_closed_page_and_a_page_that_never_connects_free_their_kernels(site: Path, server, browser_page, browser):
    """A page's kernel is shut down the moment the page closes, and a kernel whose page never opens its
    websocket (a script fetching the address) once the connect timeout has passed; the spare and every
    open page keep theirs."""
    from urllib.request import urlopen

    log_path = site / "voila.log"
    open_page = page_kernel(browser_page.content())
    page = browser.new_page()  # a second tab in the shared browser
    page.goto(server.url, timeout=90_000)
    page.wait_for_selector(".iv-fig-ranking svg.main-svg", timeout=90_000)
    closed = page_kernel(page.content())
    assert closed in kernel_processes(server)
    page.close()
    wait_until(lambda: closed not in kernel_processes(server), 30, "the closed page's kernel shut down")
    assert f"Shutting down kernel {closed}: its page closed" in log_path.read_text("utf-8")

    with urlopen(server.url, timeout=120) as response:  # no browser: the page is never drawn, never connects
        silent = page_kernel(response.read().decode("utf-8"))
    wait_until(lambda: silent not in kernel_processes(server), 60, "the unconnected page's kernel shut down")
    assert f"Shutting down kernel {silent}: its page did not connect within 10 s" in log_path.read_text("utf-8")
    assert open_page in kernel_processes(server)  # the page still open keeps its kernel
    wait_until(lambda: len(kernel_processes(server)) >= 2, 60, "a spare ready beside the open page")
    assert "Culling 'idle' kernel" not in log_path.read_text("utf-8")


HEIGHTS_JS = """selector => [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null)
    .map(e => e.getBoundingClientRect().height)"""


def drawn_heights(page, selector: str) -> list[float]:
    """The heights of the widgets ``selector`` finds that are not hidden (a hidden row is meant to be 0)."""
    return page.evaluate(HEIGHTS_JS, selector)


def test_the_scenario_rows_are_drawn_in_every_state(browser_page):
    """The site and requester rows have a height whatever the panel shows: no contributions, contributions
    ticked, a request with contributions (paged past 25 sites)."""
    page = browser_page
    requester = ".iv-scenario .widget-text[class*='iv-fact-requesters-0-']"
    sites = ".iv-scenario [class*='iv-fact-sites-contributions-']"
    page.locator(".iv-request-picker select").select_option("scenario-1")
    page.wait_for_function("() => document.querySelector('.iv-fact-title input').value.startsWith('Scenario one')")
    assert drawn_heights(page, requester) and min(drawn_heights(page, requester)) > 20
    before = runs(page)
    page.locator(".iv-fact-contributions input[type=checkbox]").check()
    wait_for_run(page, before)
    page.wait_for_selector(".iv-fact-sites-contributions-14-site input", state="visible")
    heights = drawn_heights(page, sites)
    assert len(heights) == 15 * 4 and min(heights) > 20, heights
    assert min(drawn_heights(page, requester)) > 20
    page.locator(".iv-request-picker select").select_option(CONTRIBUTED)
    page.wait_for_function("() => document.querySelector('.iv-sites-where').innerText.includes('Sites 1 to 25 of 30')")
    heights = drawn_heights(page, sites)
    assert len(heights) == 25 * 4 and min(heights) > 20, heights
    assert min(drawn_heights(page, requester)) > 20
    page.locator("button.iv-sites-next").click()
    page.wait_for_function(
        "() => document.querySelector('.iv-fact-sites-contributions-0-site input').value === 'Trust 26'"
    )
    assert len(drawn_heights(page, sites)) == 5 * 4 and min(drawn_heights(page, sites)) > 20
    page.locator(".iv-request-picker select").select_option("scenario-1")
    page.wait_for_function("() => document.querySelector('.iv-fact-title input').value.startsWith('Scenario one')")


def test_the_worth_panel_shows_its_settings_whole(browser_page):
    """The discount rate as written (3.5, not 3.500000000); the NPV chart's axis title and its key uncut."""
    page = browser_page
    assert page.locator(".iv-worth-rate input").input_value() == "3.5"
    page.wait_for_selector(".iv-fig-worth_box .g-xtitle text")
    page.wait_for_selector(".iv-fig-worth_box .gtitle-subtitle")
    texts = page.evaluate(
        """() => ['.g-xtitle text', '.gtitle-subtitle'].map(s => {
                   const t = document.querySelector('.iv-fig-worth_box ' + s);
                   const svg = t.closest('svg').getBoundingClientRect(); const box = t.getBoundingClientRect();
                   return [t.textContent, box.left >= svg.left - 1 && box.right <= svg.right + 1]; })"""
    )
    (axis, axis_whole), (key, key_whole) = texts
    assert "worth to the NHS" in axis and axis_whole, texts
    assert "dashed: mean" in key and key_whole, texts


def test_a_summit_group_is_a_stakeholder_view(browser_page, dataset):
    page = browser_page
    profile = dataset.profile("illustrative/nhs_finance")
    page.locator(".iv-profile-picker select").select_option(label=profile.label)
    weights = {p.name: p.raw_weights() for p in dataset.summit_profiles}["illustrative/nhs_finance"]
    winner = expected_labels(dataset, weights)[0]
    page.wait_for_function("w => document.querySelector('.iv-summary b').innerText === w", arg=winner)
    share = round(100 * weights["commercial"] / sum(weights.values()))
    page.wait_for_function(
        "s => document.querySelector('.iv-weight-commercial').innerText.includes(s + '%')", arg=str(share)
    )


def test_filling_the_swing_form_changes_the_weights_and_saves(browser_page, site):
    page = browser_page
    form = page.locator(".iv-summit-form")
    form.scroll_into_view_if_needed()
    assert page.locator("body").inner_text().count("Summit: elicit a group's weights") == 1  # one heading
    weights = page.locator(".iv-form-weights")
    assert "33.3%" in weights.inner_text() and "16.7%" in weights.inner_text()  # 100 and four 50s
    box = page.locator(".iv-form-swing-social input")
    box.fill("100")
    box.press("Enter")
    # 100, 100 and three 50s: 28.6% and 14.3%
    page.wait_for_function(
        "() => { const t = document.querySelector('.iv-form-weights').innerText;"
        " return t.includes('28.6%') && t.includes('14.3%') && !t.includes('33.3%'); }"
    )
    for name, value in (("summit", "browser-summit"), ("group", "clinicians")):
        field = page.locator(f".iv-form-{name} input")
        field.fill(value)
        field.press("Enter")
    page.locator("button.iv-form-add").click()
    page.wait_for_function("() => document.querySelector('.iv-form-recorded').innerText.includes('1 participant')")
    page.locator("button.iv-form-save").click()
    page.wait_for_function("() => /Saved|Not saved/.test(document.querySelector('.iv-form-status').innerText)")
    assert "Saved summits/browser-summit/clinicians.yaml" in page.inner_text(".iv-form-status")
    saved = site / "data" / "samples" / "summits" / "browser-summit" / "clinicians.yaml"
    from conftest import LEVER_IDS
    from imaging_value.model.summit_files import read_answer_file

    result = read_answer_file(saved, LEVER_IDS, site / "data" / "samples").result
    assert result.weights["social"] == pytest.approx(100 / 350) and result.participants == 1
    saved.unlink()  # the other tests' data folder stays as the samples
    saved.parent.rmdir()
