"""The local web app's launcher and server: one command line, loopback only, no CDN in the page; only a page view
starts a kernel, and a page's kernel ends with its page."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from imaging_value.explore.app import (
    ASSETS,
    CONNECT_TIMEOUT,
    CULL_IDLE_TIMEOUT,
    LOOPBACK_NOTE,
    MAX_PAGES,
    NOTEBOOK,
    PLOTLY_BUNDLE,
    TEMPLATE,
    app_url,
    plotly_bundle_root,
    voila_command,
    voila_environment,
    wait_until_serving,
)
from imaging_value.explore.app import main as app_main
from imaging_value.explore.appserver import PageKernels, page_view_refusal
from imaging_value.explore.explorer import PLOTLY_BUNDLE_ENV


def test_the_command_serves_the_explorer_on_loopback_and_never_culls_an_open_page():
    command = voila_command(8123)
    assert str(NOTEBOOK) in command and NOTEBOOK.is_file()
    assert "--Voila.ip=127.0.0.1" in command and "--Voila.port=8123" in command
    assert not [arg for arg in command if "0.0.0.0" in arg]
    assert "--no-browser" in command and "--Voila.port_retries=0" in command
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_TIMEOUT}" in command
    assert "--MappingKernelManager.cull_connected=False" in command  # an open page keeps its kernel all day
    assert any(arg.startswith("--MappingKernelManager.cull_interval=") for arg in command)
    assert app_url(8123) == "http://127.0.0.1:8123/"


def test_the_page_template_loads_nothing_from_outside():
    template = ASSETS / "voila" / "templates" / TEMPLATE
    assert (template / "conf.json").is_file()
    text = (template / "index.html.j2").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("{#"))
    assert "http://" not in code and "https://" not in code


def test_the_environment_points_voila_and_kernels_at_the_bundle(tmp_path: Path):
    root = plotly_bundle_root(tmp_path)
    bundle = root / "voila" / PLOTLY_BUNDLE
    assert bundle.is_file() and bundle.stat().st_size > 1_000_000  # plotly.js itself, served from loopback
    env = voila_environment(root, {"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(ASSETS), str(root), "/elsewhere"]
    assert env[PLOTLY_BUNDLE_ENV] == PLOTLY_BUNDLE


def test_the_command_caps_pages_and_binds_kernels_to_loopback():
    command = voila_command(8123, max_pages=7, connect_timeout=3)
    assert command[1:3] == ["-m", "imaging_value.explore.appserver"]
    assert "--ExplorerVoila.max_pages=7" in command and "--KernelManager.ip=127.0.0.1" in command
    assert "--ExplorerVoila.connect_timeout=3" in command
    assert f"--ExplorerVoila.max_pages={MAX_PAGES}" in voila_command(8123)
    assert f"--ExplorerVoila.connect_timeout={CONNECT_TIMEOUT:g}" in voila_command(8123)


def test_the_kernel_spec_logs_errors_only(tmp_path: Path):
    spec = json.loads((plotly_bundle_root(tmp_path) / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert "--IPKernelApp.log_level=ERROR" in spec["argv"]


def test_starting_the_app_says_once_that_kernels_listen_on_loopback_only(tmp_path: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "imaging_value.explore.app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until_serving(port, timeout=60, process=process)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert output.count(LOOPBACK_NOTE) == 1, output
    assert "without encryption" not in output and "is not trusted" not in output


def test_the_page_cap_allows_at_least_one_page(capsys):
    assert app_main(["--max-pages", "0"]) == 2
    assert "--max-pages must be at least 1 (found 0)" in capsys.readouterr().err


# what Chromium sends for each way a page can ask for the address (Sec-Fetch-* metadata)
OPENED = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "none"}


def test_only_a_person_opening_the_page_is_a_page_view():
    assert page_view_refusal("GET", OPENED) is None  # typed, bookmarked
    assert page_view_refusal("GET", {**OPENED, "Sec-Fetch-Site": "same-origin"}) is None  # reloaded, own link
    assert page_view_refusal("GET", {}) is None  # a client that sends no fetch metadata (its kernel times out)
    refused = {
        "image": {**OPENED, "Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "same-site"},
        "iframe": {**OPENED, "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"},
        "fetch": {**OPENED, "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"},
        "another port's link": {**OPENED, "Sec-Fetch-Site": "same-site"},
        "another site's link": {**OPENED, "Sec-Fetch-Site": "cross-site"},
        "a prerender": {**OPENED, "Sec-Purpose": "prefetch;prerender"},
        "a prefetch": {**OPENED, "Purpose": "prefetch"},
    }
    reasons = {name: page_view_refusal("GET", headers) for name, headers in refused.items()}
    assert all(reasons.values()), reasons
    assert "image" in reasons["image"] and "another web page of this machine" in reasons["another port's link"]
    assert page_view_refusal("POST", OPENED) == "a POST request"


class FakeKernels:
    """A kernel manager as PageKernels uses it: membership, connections per kernel, shutdown."""

    def __init__(self, *kernel_ids: str):
        self.connections = {kernel_id: 0 for kernel_id in kernel_ids}

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self.connections

    def kernel_model(self, kernel_id: str) -> dict:
        return {"id": kernel_id, "connections": self.connections[kernel_id]}

    async def shutdown_kernel(self, kernel_id: str) -> None:
        del self.connections[kernel_id]


class Log:
    def info(self, *args) -> None:
        pass

    debug = info


def test_a_page_kernel_ends_with_its_page_and_the_spare_is_left_alone():
    import asyncio

    async def scenario() -> None:
        manager = FakeKernels("spare", "page", "silent")
        pages = PageKernels(manager, limit=2, connect_timeout=0.05, log=Log())
        for kernel_id in ("page", "silent"):
            pages.serving += 1
            pages.handed(kernel_id)
        assert pages.live() == 2 and pages.full()
        pages.opening("page")
        manager.connections["page"] = 1
        for kernel_id in ("page", "silent"):
            pages.sent(kernel_id)
        pages.closed("spare")  # never a page's: untouched
        await asyncio.sleep(0.2)  # past the connect timeout
        assert "silent" not in manager and "page" in manager and "spare" in manager
        assert pages.live() == 1 and not pages.full() and await pages.room(wait=0)
        manager.connections["page"] = 0
        pages.closed("page")
        await asyncio.sleep(0)
        assert "page" not in manager and "spare" in manager and pages.live() == 0
        assert [why for _kernel, why in pages.shut_down] == [
            "its page did not connect within 0.05 s",
            "its page closed",
        ]

    asyncio.run(scenario())
