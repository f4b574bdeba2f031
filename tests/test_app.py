"""The local web app's launcher: one command line, loopback only, idle kernels culled, no CDN in the page."""

from __future__ import annotations

import os
from pathlib import Path

from imaging_value.app import (ASSETS, CULL_IDLE_TIMEOUT, NOTEBOOK, PLOTLY_BUNDLE, TEMPLATE, app_url,
                               plotly_bundle_root, voila_command, voila_environment)
from imaging_value.explore import PLOTLY_BUNDLE_ENV


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
