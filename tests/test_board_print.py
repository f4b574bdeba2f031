"""Print and PDF: Debian's chromium prints each report with the network off; nothing is cut across pages.

The browser test leaves a screenshot of each report's first screen in reports/screenshots/, and the
page count of each report's PDF in reports/screenshots/pdf-pages.txt.
"""

import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, XSS_TITLE
from imaging_value.cli import main
from imaging_value.render.pdf import WINDOW, print_pdf

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (make test installs it)",
)
REPORTS = [
    "portfolio",
    "compare",
    "request-scenario-1",
    "request-scenario-2",
    "request-scenario-3",
    "request-scenario-4",
    "request-hostile",
]
SHOTS = ROOT / "reports" / "screenshots"
# A4 landscape less 12 mm margins (report.css), in CSS pixels (96 per inch)
PAGE_WIDTH = (297 - 24) / 25.4 * 96
PAGE_HEIGHT = (210 - 24) / 25.4 * 96
HOSTILE_NAME = "R&D <i>Labs</i> & Co"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="session")
def pdfs(pack):
    """Every report of the pack printed to PDF beside its HTML, as `report --pdf` does."""
    return {name: print_pdf(pack / f"{name}.html") for name in REPORTS}


def test_report_takes_the_view_and_prints_a_pdf(data_copy, tmp_path, capsys):
    text = (data_copy / "requests" / "scenario-3.yaml").read_text()
    text = (
        text.replace("id: scenario-3", "id: hostile")
        .replace(
            'title: "Scenario three: one large academic hospital, a profit-generating UK SME, annotated PET/CT"',
            f'title: "{XSS_TITLE}"',
        )
        .replace("name: UK SME over 50 staff, profit-generating", f'name: "{HOSTILE_NAME}"')
    )
    (data_copy / "requests" / "hostile.yaml").write_text(text)
    out = tmp_path / "out"
    code = main(
        [
            "report",
            "hostile",
            "--data",
            str(data_copy),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--profile",
            "clinicians",
            "--total",
            "250000",
            "--seed",
            "7",
            "--pdf",
        ]
    )
    assert code == 0, capsys.readouterr().err
    params = yaml.safe_load((out / "request-hostile.params.yaml").read_text())
    assert (params["profile"], params["total"], params["seed"]) == ("clinicians", 250000.0, 7)
    page = (out / "request-hostile.html").read_text(encoding="utf-8")
    assert re.search(r"<b>Stakeholder view</b>\s*clinicians", page)
    assert re.search(r"<b>Total shared among sites</b>\s*£250,000", page) and "<b>Seed</b> 7" in page
    assert "A total of £250,000 shared four ways" in page
    # escaped once: never raw, never twice
    assert XSS_TITLE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp;lt;" not in page and "&amp;amp;" not in page
    assert "R&amp;D &lt;i&gt;Labs&lt;/i&gt; &amp; Co" in page
    pdf = out / "request-hostile.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert len(PdfReader(pdf).pages) > 1
    printed = pdf_text(pdf)
    assert XSS_TITLE in printed and HOSTILE_NAME in printed
    assert "&lt;" not in printed and "&amp;" not in printed
    index = (out / "index.html").read_text()
    assert 'href="request-hostile.html"' in index and 'href="request-hostile.pdf"' in index


def test_report_without_pdf_leaves_no_stale_pdf(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "request-scenario-3.pdf").write_bytes(b"%PDF-old")
    assert main(["report", "scenario-3", "--out", str(out), "--jobs", "1"]) == 0
    assert not (out / "request-scenario-3.pdf").exists()
    assert ".pdf" not in (out / "index.html").read_text()


def test_pdf_is_printed_with_the_network_off(tmp_path):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        import urllib.request

        urllib.request.urlopen(f"http://127.0.0.1:{port}/reachable", timeout=5).close()
        assert hits == ["/reachable"]  # the server answers: a fetch by the browser would be seen
        page = tmp_path / "page.html"
        page.write_text(
            f'<!DOCTYPE html><html><body><h1>Offline</h1><img src="http://127.0.0.1:{port}/img.png">'
            f'<script src="http://localhost:{port}/script.js"></script>'
            f'<link rel="stylesheet" href="http://example.org/style.css"></body></html>'
        )
        pdf = print_pdf(page)
    finally:
        server.shutdown()
    assert pdf.read_bytes()[:5] == b"%PDF-" and "Offline" in pdf_text(pdf)
    assert hits == ["/reachable"], f"the browser reached the network: {hits}"


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_prints_to_a_pdf_of_several_pages(pdfs, name):
    pdf = pdfs[name]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = len(PdfReader(pdf).pages)
    assert pages > 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    with (SHOTS / "pdf-pages.txt").open("a") as log:
        log.write(f"{name}.pdf: {pages} pages\n")


def test_hostile_title_is_escaped_once_in_the_pdf(pdfs):
    printed = pdf_text(pdfs["request-hostile"])
    assert XSS_TITLE in printed and "&lt;" not in printed


# the layout of print, paginated as chromium does: a block that must not break and fits on a page starts on
# the next page when it would cross; a forced break starts a page. Computed styles decide, so a chart without
# break-inside: avoid (report.css) would be found crossing.
PAGINATE = """([pageHeight]) => {
  const avoid = el => { for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e); if (s.breakInside === 'avoid' || s.pageBreakInside === 'avoid') return e; }
    return null; };
  const forced = el => ['page', 'always'].includes(getComputedStyle(el).breakBefore);
  const charts = Array.from(document.querySelectorAll('div.plotly-graph-div'));
  const blocks = Array.from(document.querySelectorAll('*')).filter(e => forced(e) || e.matches('div.plotly-graph-div'));
  let shift = 0; const boxes = [];
  for (const el of blocks) {
    const r = el.getBoundingClientRect(); let top = r.top + window.scrollY + shift;
    if (forced(el) && top % pageHeight > 0.5) { shift += pageHeight - top % pageHeight; top = r.top + window.scrollY + shift; }
    if (!el.matches('div.plotly-graph-div')) continue;
    const unit = avoid(el); const u = (unit || el).getBoundingClientRect();
    const start = u.top + window.scrollY + shift, end = start + u.height;
    if (unit && Math.floor((start + 0.5) / pageHeight) !== Math.floor((end - 0.5) / pageHeight) && u.height <= pageHeight) {
      shift += pageHeight - start % pageHeight; }
    const b = el.getBoundingClientRect(); const y = b.top + window.scrollY + shift;
    boxes.push({title: (el.querySelector('.gtitle') || {}).textContent || '', top: y, bottom: y + b.height,
                width: b.width, right: b.right});
  }
  return {boxes, charts: charts.length};
}"""


@pytest.mark.parametrize("name", REPORTS)
def test_at_print_media_no_chart_crosses_a_page(pack, browser, name):
    """Each report in a fresh offline context (nothing shared between reports but the browser process)."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((pack / f"{name}.html").as_uri())
        count = page.locator("div.plotly-graph-div").count()
        page.wait_for_function(
            "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n", arg=count, timeout=60_000
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))  # the first screen, as a board member opens it
        first_chart = page.evaluate(
            "() => document.querySelector('div.plotly-graph-div').getBoundingClientRect().top + window.scrollY"
        )
        if name.startswith("request-"):
            decision = page.evaluate(
                "() => document.querySelector('.iv-decision').getBoundingClientRect().top + window.scrollY"
            )
            assert decision < first_chart, "the decision comes before the first chart"
        # the comparison table fits the page on screen
        for table in page.locator("table.iv-wide").all():
            assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
        # as print_pdf lays it out: charts drawn in its window, then the page laid out at the printable width
        page.set_viewport_size({"width": WINDOW[0], "height": WINDOW[1]})
        page.reload()
        page.wait_for_function(
            "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n", arg=count, timeout=60_000
        )
        page.set_viewport_size({"width": int(PAGE_WIDTH), "height": int(PAGE_HEIGHT)})
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        result = page.evaluate(PAGINATE, [PAGE_HEIGHT])
        assert len(result["boxes"]) == result["charts"] == count
        for box in result["boxes"]:
            assert box["bottom"] - box["top"] <= PAGE_HEIGHT, f"taller than a page: {box['title']}"
            assert box["right"] <= PAGE_WIDTH + 1, f"cut at the right edge: {box['title']}"
            assert int((box["top"] + 0.5) // PAGE_HEIGHT) == int((box["bottom"] - 0.5) // PAGE_HEIGHT), (
                f"crosses a page boundary: {box['title']}"
            )
        for table in page.locator("table.iv-wide").all():
            assert table.evaluate("t => t.getBoundingClientRect().right") <= PAGE_WIDTH + 1
    finally:
        context.close()
