"""The app under load, in a real browser: kernels that end with their page, a cap on open pages, no page view
from another page, and no other Host than loopback.

Voila is started through ``imaging_value.explore.app`` with room for one page. A second page is told
the explorer is busy until the first closes. A page reached under another host name that
resolves to 127.0.0.1 (what DNS rebinding does; Chromium's host-resolver rules play the DNS)
is refused, and so is everything a page served from another port of this machine can do with
the address (images, frames, fetches, a prefetch, a link): none of it starts a kernel. A second
server, serving a one-widget notebook so that a kernel starts in a second, is opened and closed
fifty times and still opens; then the explorer itself opens again.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import psutil
import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS  # the same browser set-up as every browser test
from imaging_value.explore.app import NOTEBOOK, start, stop, wait_until_serving
from test_app_browser import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
# servers of their own, so a test process of its own (in parallel with the explorer's browser tests)
pytestmark = [pytest.mark.xdist_group("explorer-app-limits"), pytest.mark.timeout(420)]
REBOUND = "rebind.example"
REBINDING_ARGS = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"]  # Chromium plays the DNS
CHART = ".iv-fig-ranking svg.main-svg .barlayer path"
LIGHT_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "light",
            "metadata": {},
            "outputs": [],
            "source": ["import ipywidgets as w\n", 'w.HTML("<b class=\\"iv-light\\">ready</b>")'],
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def serve(root: Path, notebook: Path, **options):
    """Voila for ``notebook`` on a free port, logging to ``root/voila.log``; stopped by the caller."""
    port = free_port()
    log_path = root / f"voila-{notebook.stem}.log"
    log = open(log_path, "w", encoding="utf-8")
    running = start(port, notebook, stdout=log, stderr=subprocess.STDOUT, **options)
    running.log_path = log_path
    try:
        wait_until_serving(port, timeout=60, process=running.process)
    except BaseException:
        stop(running)
        raise
    return running


def log_text(server) -> str:
    return server.log_path.read_text(encoding="utf-8")


def kernels(server) -> set[int]:
    """The server's live kernel processes (a kernel that was shut down may linger a moment as a zombie)."""
    live = set()
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel_launcher" in " ".join(child.cmdline()):
                live.add(child.pid)
        except psutil.Error:  # it ended while we looked
            continue
    return live


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    (root / "notebooks" / "light.ipynb").write_text(json.dumps(LIGHT_NOTEBOOK), encoding="utf-8")
    shutil.copytree(ROOT / "data" / "samples", root / "data" / "samples")
    (root / "reports").mkdir()
    return root


@pytest.fixture(scope="module")
def server(site: Path):
    """The explorer, with room for one page."""
    running = serve(site, site / "notebooks" / NOTEBOOK.name, max_pages=1)
    yield running
    stop(running)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=REBINDING_ARGS)
        yield browser
        browser.close()


def test_pages_past_the_cap_wait_until_one_closes_and_rebound_host_names_are_refused(server, chromium):
    rebound = chromium.new_page()
    response = rebound.goto(f"http://{REBOUND}:{server.port}/", timeout=60_000)
    assert response.status == 403
    assert "iv-render" not in rebound.content()
    rebound.close()

    first = chromium.new_page()
    assert first.goto(server.url, timeout=90_000).status == 200
    first.wait_for_selector("button.iv-render", timeout=90_000)

    second = chromium.new_page()
    response = second.goto(server.url, timeout=60_000)
    assert response.status == 503 and response.headers["retry-after"] == "10"
    text = second.locator("body").inner_text()
    assert "The explorer is busy" in text and "It has 1 pages open, its limit of 1" in text
    assert "try again in 10 seconds" in text and "make app MAX_PAGES=" in text
    first.close()  # its kernel is shut down at once: the busy page really frees up
    response = second.reload(timeout=90_000)
    assert response.status == 200
    second.wait_for_selector(CHART, timeout=90_000)
    second.close()
    log = log_text(server)
    assert "Blocking request with non-local 'Host'" in log
    assert "is not trusted" not in log, "the served notebook is trusted"
    assert "without encryption" not in log
    assert log.count("its page closed") >= 1


ANOTHER_PORT = """<!DOCTYPE html><html><body>
<img src="{app}?a=1"><img src="{app}?a=2"><img src="{app}"><img src="{app}?a=4">
<iframe src="{app}"></iframe><iframe src="{app}?template=lab"></iframe>
<link rel="prefetch" href="{app}"><script src="{app}"></script>
<object data="{app}"></object><embed src="{app}">
<script>Promise.allSettled([fetch("{app}", {{mode: "no-cors"}}), fetch("{app}?x", {{mode: "no-cors"}})])
  .then(() => {{ document.body.dataset.fetched = "1"; }});</script>
<a id="go" href="{app}">the explorer</a>
</body></html>"""


def test_a_page_on_another_port_cannot_fill_the_cap(server, site, chromium):
    """Everything another local page can point at the address is refused, and none of it starts a kernel."""
    start = len(log_text(server))

    def since() -> str:
        return log_text(server)[start:]

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ANOTHER_PORT.format(app=server.url).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page = chromium.new_page()
        # every image, frame, script and object loaded (or failed), then both fetches: each was refused
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/", timeout=60_000, wait_until="load")
        page.wait_for_selector("body[data-fetched]", state="attached", timeout=60_000)
        assert since().count("Not a page view") >= 8
        with page.expect_navigation():
            page.click("#go")  # a link on another port's page: a navigation, but not the person opening it
        assert "Open the explorer from its address" in page.locator("body").inner_text()
        page.click("a")  # the refusal page's own link: now it is
        page.wait_for_selector(CHART, timeout=90_000)
        assert since().count("Kernel started") <= 1  # the spare the page took, replaced
        page.close()
    finally:
        other.shutdown()
    assert "Page cap reached" not in since()


def test_fifty_page_views_later_the_app_still_opens(site, server, chromium):
    """Open and close a page fifty times (a one-widget notebook, so each kernel starts in a second); the cap
    of one page is never reached, no kernel is left behind, and the explorer itself still opens."""
    light = serve(site, site / "notebooks" / "light.ipynb", max_pages=1)
    try:
        for view in range(50):
            page = chromium.new_page()
            response = page.goto(light.url, timeout=90_000)
            assert response.status == 200, (view, response.status, page.locator("body").inner_text()[:300])
            page.wait_for_selector(".iv-light", timeout=90_000)  # drawn by the kernel: its websocket is open
            page.close()
        wait_until(lambda: len(kernels(light)) <= 2, 60, "only the spare (and one being replaced) alive")
        assert log_text(light).count("its page closed") >= 49
        page = chromium.new_page()
        assert page.goto(light.url, timeout=90_000).status == 200
        page.wait_for_selector(".iv-light", timeout=90_000)
        page.close()
    finally:
        stop(light)
    page = chromium.new_page()  # and the explorer itself, on its own server
    assert page.goto(server.url, timeout=90_000).status == 200
    page.wait_for_selector(CHART, timeout=90_000)
    page.close()
