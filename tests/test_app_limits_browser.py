"""The app under load, in a real browser: a cap on live kernels, and no other Host than loopback.

Voila is started through ``imaging_value.explore.app`` with room for two kernels (the spare
and one page). A second page is told the explorer is busy instead of getting a kernel.
A page reached under another host name that resolves to 127.0.0.1 (what DNS
rebinding does; Chromium's host-resolver rules play the DNS) is refused.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS  # the same browser set-up as every browser test
from imaging_value.explore.app import NOTEBOOK, start, stop, wait_until_serving
from test_app_browser import free_port

ROOT = Path(__file__).resolve().parents[1]
# a server of its own, so a test process of its own (in parallel with the explorer's browser tests)
pytestmark = [pytest.mark.xdist_group("explorer-app-limits"), pytest.mark.timeout(240)]
REBOUND = "rebind.example"
REBINDING_ARGS = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"]  # Chromium plays the DNS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    shutil.copytree(ROOT / "data" / "samples", root / "data" / "samples")
    (root / "reports").mkdir()
    port = free_port()
    log_path = root / "voila.log"
    with open(log_path, "w", encoding="utf-8") as log:
        running = start(port, root / "notebooks" / NOTEBOOK.name, max_kernels=2, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(port, timeout=60, process=running.process)
            running.log_path = log_path
            yield running
        finally:
            stop(running)


def test_pages_past_the_kernel_cap_and_rebound_host_names_are_refused(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=REBINDING_ARGS)
        try:
            rebound = browser.new_page()
            response = rebound.goto(f"http://{REBOUND}:{server.port}/", timeout=60_000)
            assert response.status == 403
            assert "iv-render" not in rebound.content()

            first = browser.new_page()
            assert first.goto(server.url, timeout=90_000).status == 200
            first.wait_for_selector("button.iv-render", timeout=90_000)

            second = browser.new_page()
            response = second.goto(server.url, timeout=60_000)
            assert response.status == 503
            text = second.locator("body").inner_text()
            assert "The explorer is busy" in text and "its limit of 2" in text
            assert "make app MAX_KERNELS=" in text
            first.close()
        finally:
            browser.close()
    log = server.log_path.read_text(encoding="utf-8")
    assert log.count("Kernel started") == 2, "the refused pages must not start kernels"
    assert "Blocking request with non-local 'Host'" in log
    assert "is not trusted" not in log, "the served notebook is trusted"
    assert "without encryption" not in log
