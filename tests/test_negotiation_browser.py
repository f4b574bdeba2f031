"""The explorer's negotiation panel in a real browser: Voila serving notebooks/00-explore.ipynb, driven by Playwright.

The server is started through ``imaging_value.explore.app`` (the code path of ``make app``) on a free loopback
port, serving a copy of the notebook beside a copy of the sample data and an empty reports folder; the round the
test saves is written into that copy only.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from imaging_value import load_dataset
from imaging_value.explore.app import HOST, NOTEBOOK, start, stop, wait_until_serving
from imaging_value.model.offer_files import load_negotiation, load_offer

ROOT = Path(__file__).resolve().parents[1]

# one server and one page, driven test after test: all in one test process
pytestmark = [pytest.mark.xdist_group("negotiation-app"), pytest.mark.timeout(300)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """notebooks/00-explore.ipynb, data/samples and reports/ in a fresh folder."""
    root = tmp_path_factory.mktemp("negotiation-site")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    shutil.copytree(ROOT / "data" / "samples", root / "data" / "samples")
    (root / "reports").mkdir()
    return root


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
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(server.url, timeout=90_000)
    page.wait_for_selector(".iv-negotiation-summary table", timeout=120_000)
    yield page
    context.close()


def summary(page) -> str:
    return page.inner_text(".iv-negotiation-summary")


def wait_summary(page, text: str, timeout: float = 60_000) -> None:
    page.wait_for_function(
        "t => document.querySelector('.iv-negotiation-summary').innerText.includes(t)", arg=text, timeout=timeout
    )


def test_the_panel_loads_the_requests_offers_and_assesses_the_first(page):
    options = page.eval_on_selector_all(".iv-negotiation-picker option", "os => os.map(o => o.textContent)")
    options = [o.replace("\xa0", " ") for o in options]  # ipywidgets writes spaces as no-break spaces
    assert options[:2] == ["scenario-1-sme: round 2 (consortium)", "scenario-1-sme: round 1 (partner)"]
    assert "This offer can be signed" in summary(page)
    page.wait_for_selector(".iv-fig-negotiation svg.main-svg", state="attached", timeout=60_000)


def test_editing_a_term_reassesses_live_and_the_counter_offer_fixes_it(page):
    labels = page.eval_on_selector_all(".iv-negotiation-picker option", "os => os.map(o => o.textContent)")
    first_round = next(label for label in labels if label.replace("\xa0", " ") == "scenario-1-sme: round 1 (partner)")
    page.locator(".iv-negotiation-picker select").select_option(label=first_round)
    wait_summary(page, "This offer cannot be signed")
    before = summary(page)
    box = page.locator(".iv-offer-royalty input")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "b => document.querySelector('.iv-negotiation-summary').innerText !== b", arg=before, timeout=60_000
    )
    assert "£" in summary(page) and "cannot be signed" in summary(page)
    page.locator("button.iv-negotiation-counter").click()
    page.wait_for_function(
        "() => document.querySelector('.iv-negotiation-status').innerText.includes('Counter-offer')", timeout=60_000
    )
    wait_summary(page, "This offer can be signed")
    assert "meets every automatic principle" in summary(page)


def test_saving_writes_the_next_round_of_the_negotiation(page, site):
    page.locator("button.iv-negotiation-save").click()
    page.wait_for_function(
        "() => document.querySelector('.iv-negotiation-status').innerText.includes('Saved')", timeout=60_000
    )
    status = page.inner_text(".iv-negotiation-status")
    assert "negotiations/scenario-1-sme/round-3.yaml" in status and str(site) not in status
    data = site / "data" / "samples"
    dataset = load_dataset(data)
    saved = load_offer(data / "negotiations" / "scenario-1-sme" / "round-3.yaml", dataset)
    assert saved.made_by == "consortium" and saved.round == 3
    assert len(load_negotiation(data / "negotiations" / "scenario-1-sme", dataset).offers) == 3
