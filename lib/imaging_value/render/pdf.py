"""Print a rendered HTML report to PDF with Debian's chromium, headless and with no network.

Called after the HTML export: ``print_pdf(report.html)`` writes ``report.pdf`` beside it.
The browser runs with a fresh profile that is deleted afterwards, every background
service off, and every request sent to a proxy that does not exist (loopback
included), so a report can only print what it embeds. The PDF is written to a
temporary name and renamed when complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..core.errors import ImagingValueError

__all__ = ["CHROMIUM", "WINDOW", "chromium_command", "print_pdf", "find_chromium"]

CHROMIUM = "/usr/bin/chromium"
WINDOW = (1000, 1400)  # the window the report lays out in before printing (CSS pixels)
# every request goes to a proxy on a port nothing listens on; "<-loopback>" takes away the implicit loopback bypass
NO_NETWORK = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND")


def find_chromium() -> str:
    """The chromium executable: $IMAGING_VALUE_CHROMIUM, else Debian's /usr/bin/chromium."""
    path = os.environ.get("IMAGING_VALUE_CHROMIUM", CHROMIUM)
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise ImagingValueError(
            f"--pdf needs chromium at {path} (Debian package 'chromium'); install it, or render without --pdf"
        )
    return path


def chromium_command(chromium: str, html: Path, pdf: Path, profile_dir: Path) -> list[str]:
    """The headless chromium command line that prints ``html`` to ``pdf``, with a fresh profile and no network."""
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--metrics-recording-only",
        "--mute-audio",
        *NO_NETWORK,
        f"--user-data-dir={profile_dir}",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        # charts lay out at this width before printing: less than the printable width of A4 landscape
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--virtual-time-budget=20000",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def print_pdf(
    html: str | Path, pdf: str | Path | None = None, timeout: float = 180, extra_args: Sequence[str] = ()
) -> Path:
    """Print ``html`` to ``pdf`` (default: the same name with .pdf). Returns the PDF's path."""
    html = Path(html)
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="imaging-value-pdf-") as tmp:
        partial = Path(tmp) / "out.pdf"
        command = chromium_command(chromium, html, partial, Path(tmp) / "profile")
        command[1:1] = list(extra_args)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ImagingValueError(f"chromium did not print {html.name} within {timeout:g} s") from None
        if done.returncode != 0 or not partial.exists() or partial.read_bytes()[:4] != b"%PDF":
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise ImagingValueError(f"chromium could not print {html.name} (exit {done.returncode}): {last}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        staged = pdf.with_name(f".{pdf.name}.partial")
        shutil.move(str(partial), staged)
        os.replace(staged, pdf)
    return pdf
