"""Print and PDF: Debian's chromium prints each report with the network off; nothing is cut across pages, no
heading is left at the foot of a page, no chart title is clipped, chart text is at least 9 pt, and the board
paper prints in three pages or fewer.

What the tests measure (each report's pages and the empty space on each page) is printed at the end of the
run; screenshots of each report's first screen go into a temporary folder, never the work tree's reports/.
"""

import html
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import XSS_TITLE
from imaging_value.cli import main
from imaging_value.render.pdf import WINDOW, print_pdf

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (make test installs it)",
)
REPORTS = [
    "board-paper",
    "portfolio",
    "compare",
    "request-scenario-1",
    "request-scenario-2",
    "request-scenario-3",
    "request-scenario-4",
    "request-hostile",
    "summit-illustrative",
]
REQUESTS = [name for name in REPORTS if name.startswith("request-scenario-")]
# A4 landscape less 12 mm margins (report.css), in CSS pixels (96 per inch)
PAGE_WIDTH = (297 - 24) / 25.4 * 96
PAGE_HEIGHT = (210 - 24) / 25.4 * 96
HOSTILE_NAME = "R&D <i>Labs</i> & Co"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """The screenshots of each report's first screen: a temporary folder."""
    return tmp_path_factory.mktemp("screenshots")


def measured(name: str, lines: list[str]) -> None:
    """Keep what a test measured for the run's summary (conftest.py prints it at the end) and print it."""
    text = "".join(f"{line}\n" for line in lines)
    print(text, end="")
    folder = os.environ.get("IMAGING_VALUE_PRINT_MEASURES")
    if folder:
        (Path(folder) / f"{name}.txt").write_text(text, encoding="utf-8")


def page_lines(page) -> list[tuple[float, str]]:
    """The page's lines of text, top first: (height above the page's foot in points, text)."""
    fragments: list[tuple[float, str]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            fragments.append((cm[3] * tm[5] + cm[5], text))

    page.extract_text(visitor_text=visit)
    rows: dict[float, list[str]] = {}
    for y, text in fragments:
        key = next((k for k in rows if abs(k - y) < 2.5), y)
        rows.setdefault(key, []).append(text)
    return sorted(((y, " ".join(" ".join(parts).split())) for y, parts in rows.items()), key=lambda row: -row[0])


MARGIN_PT = 12 / 25.4 * 72  # report.css: @page margin 12 mm


def page_fill(page, lines: list[tuple[float, str]]) -> float:
    """How much of the page's printable height its content reaches down to (0 to 1), from its lowest text."""
    height = float(page.mediabox.height)
    if not lines:
        return 0.0
    return min(1.0, max(0.0, (height - MARGIN_PT - lines[-1][0]) / (height - 2 * MARGIN_PT)))


def headings(page: str) -> list[str]:
    """Every heading of the report (h1 to h4) and every table's row of column headers, as printed text: none
    may be the last line of a page."""
    found = [text for _level, text in re.findall(r"<h([1-4])\b[^>]*>(.*?)</h\1>", page, flags=re.S)]
    cell = r"<th\b[^>]*>(?:(?!</?t[dhr]\b).)*?</th>"  # one header cell, never reaching into the next
    found += re.findall(rf"<tr>((?:\s*{cell})+)\s*</tr>", page, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for text in found]


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
    assert pages > 1 if name != "board-paper" else pages >= 1


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
def test_at_print_media_no_chart_crosses_a_page(pack, browser, name, shots):
    """Each report in a fresh offline context (nothing shared between reports but the browser process)."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((pack / f"{name}.html").as_uri())
        count = page.locator("div.plotly-graph-div").count()
        page.wait_for_function(
            "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n", arg=count, timeout=60_000
        )
        page.screenshot(path=str(shots / f"{name}.png"))  # the first screen, as a board member opens it
        if not count:  # the board paper draws no chart
            return
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


# what printed text starts a section: after a page that ends one, a nearly empty page is no fault
SECTION_STARTS = ("The working", "Parameters")


@pytest.mark.parametrize("name", REPORTS)
def test_printed_pages_leave_no_heading_at_the_foot_and_no_page_nearly_empty(pack, pdfs, name):
    """From the printed pages: no heading is a page's last line, and no page is less than a third full unless
    the page after starts a section (or it is the last); the empty space on every page is printed."""
    reader = PdfReader(pdfs[name])
    page = (pack / f"{name}.html").read_text(encoding="utf-8")
    heads = [h for h in headings(page) if len(h) >= 6]
    sections = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        for text in re.findall(r"<h[12]\b[^>]*>(.*?)</h[12]>", page, flags=re.S)
    ]
    lines = [page_lines(p) for p in reader.pages]
    fills = [page_fill(p, rows) for p, rows in zip(reader.pages, lines)]
    measured(
        name,
        [
            f"{name}.pdf: {len(reader.pages)} pages; empty space per page: "
            + " ".join(f"{1 - fill:.0%}" for fill in fills)
        ],
    )
    orphans, sparse = [], []
    for k, rows in enumerate(lines[:-1]):
        last = rows[-1][1] if rows else ""
        if any(h.startswith(last) for h in heads if len(last) >= 6):
            orphans.append(f"page {k + 1}: {last!r}")
        following = lines[k + 1][0][1] if lines[k + 1] else ""
        starts = following.startswith(SECTION_STARTS) or any(following.startswith(s) for s in sections if s)
        if fills[k] < 1 / 3 and not starts:
            sparse.append(f"page {k + 1} ({fills[k]:.0%} full), before {following[:60]!r}")
    assert not orphans, f"a heading is the last thing on the page: {orphans}"
    assert not sparse, f"a page carries less than a third of a page: {sparse}"


@pytest.mark.parametrize("name", REQUESTS)
def test_the_first_printed_page_gives_the_agreement_its_worth_the_guidance_and_what_to_confirm(pack, pdfs, name):
    from imaging_value import load_dataset
    from imaging_value.engine.case import Case
    from imaging_value.model.data import load_request

    # a word hyphenated at a line's end in a narrow column ("co-" / "development") read as one
    first = re.sub(r"-\s+", "-", " ".join((PdfReader(pdfs[name]).pages[0].extract_text() or "").split()))
    dataset = load_dataset(pack.parent / "data")
    case = Case(dataset, load_request(name.removeprefix("request-"), dataset))
    for index in case.requesters:
        for agreement in case.agreements(index):
            assert dataset.label(agreement.option) in first
    assert re.search(r"about [\u2212]?£[\d,.]+m?", first), "the worth"
    assert "1 in 10 chance of" in first, "the range"
    assert re.search(r"meets \d+ of", first), "the national guidance"
    assert "confirm" in first, "what to confirm"


# every chart's visible text, at the size it prints, and its titles within the chart's box
CHART_TEXT = """() => {
  const small = [], clipped = [];
  for (const div of document.querySelectorAll('div.plotly-graph-div')) {
    const box = div.getBoundingClientRect();
    const title = (div.querySelector('.gtitle') || {}).textContent || '';
    for (const t of div.querySelectorAll('svg text')) {
      if (!t.textContent.trim() || !t.getClientRects().length) continue;
      const s = getComputedStyle(t);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
      if (parseFloat(s.fontSize) < 12) small.push(`${title}: ${t.textContent} (${s.fontSize})`);
    }
    for (const t of div.querySelectorAll('.gtitle, .g-gtitle text, .g-xtitle text, .g-ytitle text')) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1)) clipped.push(t.textContent);
    }
  }
  return {small, clipped};
}"""


@pytest.mark.parametrize("name", REPORTS)
def test_printed_charts_keep_their_titles_whole_and_their_text_at_9_points(pack, browser, name):
    """As print_pdf lays the report out: no chart title or axis title runs past its chart's edge, and no chart
    text is under 12 CSS pixels (9 pt on the A4 page)."""
    context = browser.new_context(offline=True, viewport={"width": WINDOW[0], "height": WINDOW[1]})
    try:
        page = context.new_page()
        page.goto((pack / f"{name}.html").as_uri())
        count = page.locator("div.plotly-graph-div").count()
        page.wait_for_function(
            "n => document.querySelectorAll('div.plotly-graph-div svg.main-svg').length >= n", arg=count, timeout=60_000
        )
        page.set_viewport_size({"width": int(PAGE_WIDTH), "height": int(PAGE_HEIGHT)})
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        found = page.evaluate(CHART_TEXT)
        assert not found["clipped"], f"titles cut at the chart's edge: {found['clipped']}"
        assert not found["small"], f"chart text under 9 pt: {found['small'][:10]}"
    finally:
        context.close()


def test_the_board_paper_of_the_sample_pack_prints_in_three_pages_or_fewer(tmp_path):
    """The board paper for the sample data (the pack above adds a request of its own), as `make report BOARD=1`."""
    out = tmp_path / "out"
    assert main(["report", "--board", "--out", str(out), "--jobs", "1", "--pdf"]) == 0
    reader = PdfReader(out / "board-paper.pdf")
    fills = [page_fill(p, page_lines(p)) for p in reader.pages]
    measured(
        "board-paper-samples",
        [
            f"board-paper.pdf (the sample data): {len(reader.pages)} pages; empty space per page: "
            + " ".join(f"{1 - fill:.0%}" for fill in fills)
        ],
    )
    assert len(reader.pages) <= 3
    text = pdf_text(out / "board-paper.pdf")
    assert "The decisions to take" in text and "Each request" in text
    for request in ("Scenario one", "Scenario two", "Scenario three", "Scenario four"):
        assert request in text
