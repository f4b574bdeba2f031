"""Serve the explorer notebook as a local web app: ``python -m imaging_value.explore.app [--port N]``.

Voilà runs ``notebooks/00-explore.ipynb`` and shows its outputs with the code
hidden. This module is the one place that says how:

* address: ``127.0.0.1`` only (never all interfaces), a fixed port, no browser
  opened, no port hopping (a busy port is an error, so the printed address is
  always the real one);
* page: the ``imaging-value`` template (``voila_assets/``), Voilà's lab page
  without its CDN style sheets, so the app needs no network beyond loopback;
  plotly's widget bundle is served from the template's static folder once per
  page instead of travelling inside every chart's state (see
  :func:`imaging_value.explore.explorer.new_figure_widget`);
* speed: one spare kernel is kept with the notebook already run (Voila's
  pre-heated kernel pool, size 1), so a page opens in seconds instead of waiting
  for a kernel to start and import the workbook; the spare is replaced after
  each page view;
* memory: every open page has its own kernel (about 300 MB), shut down the moment
  the page closes (its websocket's last connection ends), or ``CONNECT_TIMEOUT``
  seconds after the page was sent if the page never connects. At most
  ``MAX_PAGES`` pages are open at once; past that a new page is told the explorer
  is busy and when to retry. Only a person opening the page starts a kernel: an
  image, frame or fetch of the address, a link from another site or port, a
  prefetch and a query string do not (:mod:`imaging_value.explore.appserver`). An
  open page keeps its kernel all day; a kernel left with no page (which the above
  should never leave) is shut down after ``CULL_IDLE_TIMEOUT`` seconds idle, checked
  every ``CULL_INTERVAL`` seconds (the spare is never culled);
* safety: requests whose ``Host`` header is not loopback are refused (DNS
  rebinding); the kernels listen on 127.0.0.1 only, so their unencrypted TCP
  traffic never leaves the machine, and the kernel's own warning about it is
  not repeated for every page (kernel log level ERROR); the served notebook is
  trusted for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..core.layout import PLOTLY_BUNDLE_ENV, package_path
from ..render.kernels import KERNEL_ARGUMENTS

__all__ = [
    "HOST",
    "DEFAULT_PORT",
    "MAX_PAGES",
    "CONNECT_TIMEOUT",
    "LOOPBACK_NOTE",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "TEMPLATE",
    "ASSETS",
    "NOTEBOOK",
    "PLOTLY_BUNDLE",
    "Server",
    "app_url",
    "voila_command",
    "voila_environment",
    "plotly_bundle_root",
    "start",
    "wait_until_serving",
    "stop",
    "main",
]

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
MAX_PAGES = 4  # explorer pages open at once, each with its kernel (about 300 MB); the spare kernel is extra
CONNECT_TIMEOUT = 10.0  # seconds after a page is sent within which it must open its kernel's websocket
CULL_IDLE_TIMEOUT = 900  # seconds a kernel with no page may sit idle before it is shut down (a backstop)
CULL_INTERVAL = 60  # seconds between checks for idle kernels
TEMPLATE = "imaging-value"
ASSETS = package_path("voila_assets")  # a Jupyter data folder holding voila/templates/
NOTEBOOK = package_path("notebooks", "00-explore.ipynb")
LOOPBACK_NOTE = (
    "Its Python kernels talk to it over TCP on 127.0.0.1 only: unencrypted, but unreachable from other machines."
)
# plotly's widget bundle, as served under Voila's base URL from the template's static folder
PLOTLY_BUNDLE = f"templates/{TEMPLATE}/static/plotly-widgetbundle.js"


def app_url(port: int) -> str:
    """The address the app answers on."""
    return f"http://{HOST}:{port}/"


def voila_command(
    port: int = DEFAULT_PORT,
    notebook: str | Path = NOTEBOOK,
    *,
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
    cull_interval: int = CULL_INTERVAL,
    max_pages: int = MAX_PAGES,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> list[str]:
    """The Voila command line: loopback address, port, template, page cap, kernel lifetimes, one pre-heated kernel."""
    return [
        sys.executable,
        "-m",
        "imaging_value.explore.appserver",
        str(notebook),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--Voila.port={int(port)}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        "--MappingKernelManager.cull_connected=False",
        f"--ExplorerVoila.max_pages={int(max_pages)}",
        f"--ExplorerVoila.connect_timeout={float(connect_timeout):g}",
        f"--KernelManager.ip={HOST}",
        "--preheat_kernel=True",
        "--pool_size=1",
    ]


def plotly_bundle_root(parent: str | Path | None = None) -> Path:
    """A new Jupyter data folder whose ``imaging-value`` template static folder holds plotly's widget bundle.

    The file is a copy of the installed plotly's bundle (about 5 MB), so it always
    matches the Python side; a link would not do, as tornado serves no file whose real
    path lies outside its static folders.
    """
    root = Path(tempfile.mkdtemp(prefix="imaging-value-voila-", dir=parent))
    target = root / "voila" / PLOTLY_BUNDLE
    target.parent.mkdir(parents=True)
    shutil.copyfile(package_path("package_data", "widgetbundle.js", package="plotly"), target)
    # the kernels' spec, first on JUPYTER_PATH: this Python, logging errors only (see the module's note)
    spec = root / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", *KERNEL_ARGUMENTS],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "metadata": {"debugger": False},
            }
        ),
        encoding="utf-8",
    )
    return root


def voila_environment(bundle_root: str | Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Voila and its kernels.

    ``JUPYTER_PATH`` leads with this package's template folder and ``bundle_root``;
    the kernels learn where plotly's bundle is served from :data:`PLOTLY_BUNDLE_ENV`, and
    not to echo widget updates back to the page that sent them.
    """
    env = dict(os.environ if base is None else base)
    paths = [str(ASSETS), str(bundle_root)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env[PLOTLY_BUNDLE_ENV] = PLOTLY_BUNDLE
    # One page per kernel: nothing else needs the kernel to echo the page's own updates back (each chart
    # sends its drawn state after every redraw; echoed, that doubled the traffic after a change).
    env["JUPYTER_WIDGETS_ECHO"] = "0"
    return env


@dataclass
class Server:
    """A running Voila: its process, port and the temporary folder holding plotly's bundle."""

    process: subprocess.Popen
    port: int
    bundle_root: Path

    @property
    def url(self) -> str:
        """The address the app answers on."""
        return app_url(self.port)


def start(
    port: int = DEFAULT_PORT,
    notebook: str | Path = NOTEBOOK,
    *,
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
    cull_interval: int = CULL_INTERVAL,
    max_pages: int = MAX_PAGES,
    connect_timeout: float = CONNECT_TIMEOUT,
    **popen_kwargs,
) -> Server:
    """Start Voila in its own process group (so :func:`stop` can end it and its kernels)."""
    bundle_root = plotly_bundle_root()
    command = voila_command(
        port,
        notebook,
        cull_idle_timeout=cull_idle_timeout,
        cull_interval=cull_interval,
        max_pages=max_pages,
        connect_timeout=connect_timeout,
    )
    try:
        process = subprocess.Popen(command, env=voila_environment(bundle_root), start_new_session=True, **popen_kwargs)
    except BaseException:
        shutil.rmtree(bundle_root, ignore_errors=True)
        raise
    return Server(process, port, bundle_root)


def wait_until_serving(port: int, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until Voila accepts connections on ``port``; raise ``RuntimeError`` if it exits or ``timeout`` passes.

    Only a connection is tried: a GET of the page would start a kernel.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Voila exited with code {process.returncode} before serving on port {port}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Voila did not answer on {app_url(port)} within {timeout:g} s")


def stop(server: Server, timeout: float = 15.0) -> None:
    """End Voila (SIGTERM to its process group: it shuts its kernels down), then anything it left behind.

    Kernels run in process groups of their own; any still alive once Voila has
    exited are ended by process id. The bundle folder is removed.
    """
    process = server.process
    try:
        children = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
    except psutil.NoSuchProcess:
        children = []
    try:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    finally:
        for child in children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        shutil.rmtree(server.bundle_root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the explorer until Voila exits or is interrupted (SIGTERM, Ctrl-C); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m imaging_value.explore.app",
        description="Serve the explorer as a local web app (Voila, loopback only).",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK, help="the notebook to serve (default: 00-explore)")
    parser.add_argument(
        "--max-pages",
        type=int,
        default=MAX_PAGES,
        metavar="N",
        help=f"most explorer pages open at once, each with its own kernel (default {MAX_PAGES}); "
        "a page past the limit is told the explorer is busy",
    )
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"error: no notebook {args.notebook.name} (expected notebooks/00-explore.ipynb)", file=sys.stderr)
        return 2
    if args.max_pages < 1:
        print(f"error: --max-pages must be at least 1 (found {args.max_pages})", file=sys.stderr)
        return 2
    print(
        f"The explorer: {app_url(args.port)}  (Ctrl-C stops it; at most {args.max_pages} open page(s) at once; "
        "a closed page's kernel is shut down at once)\n" + LOOPBACK_NOTE,
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))  # so the cleanup below runs
    server = start(args.port, args.notebook, max_pages=args.max_pages)
    try:
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(server)


if __name__ == "__main__":
    sys.exit(main())
