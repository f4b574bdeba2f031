"""The local web app's launcher: one command line, loopback only, idle kernels culled, no CDN in the page."""

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
    CULL_IDLE_TIMEOUT,
    LOOPBACK_NOTE,
    MAX_KERNELS,
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
from imaging_value.explore.explorer import PLOTLY_BUNDLE_ENV


def test_the_command_serves_the_explorer_on_loopback_with_culling():
    command = voila_command(8123)
    assert str(NOTEBOOK) in command and NOTEBOOK.is_file()
    assert "--Voila.ip=127.0.0.1" in command and "--Voila.port=8123" in command
    assert not [arg for arg in command if "0.0.0.0" in arg]
    assert "--no-browser" in command and "--Voila.port_retries=0" in command
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_TIMEOUT}" in command
    assert "--MappingKernelManager.cull_connected=True" in command
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


def test_the_command_caps_kernels_and_binds_them_to_loopback():
    command = voila_command(8123, max_kernels=7)
    assert command[1:3] == ["-m", "imaging_value.explore.appserver"]
    assert "--ExplorerVoila.max_kernels=7" in command and "--KernelManager.ip=127.0.0.1" in command
    assert f"--ExplorerVoila.max_kernels={MAX_KERNELS}" in voila_command(8123)


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


def test_the_kernel_cap_leaves_room_for_a_page(capsys):
    assert app_main(["--max-kernels", "1"]) == 2
    assert "at least 2" in capsys.readouterr().err
