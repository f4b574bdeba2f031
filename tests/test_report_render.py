"""The report pack rendered by papermill: offline, self-contained HTML, atomic writes, relayed errors."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import XSS_TITLE
from imaging_value.cli import main
from imaging_value.render.pack import notebooks_dir

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["scenario-1", "scenario-2", "scenario-3", "scenario-4"]
NEGOTIATIONS = ["scenario-1-sme", "scenario-2-healthtech"]


def html_of(pack, name):
    return (pack / f"{name}.html").read_text(encoding="utf-8")


def test_pack_has_every_report_and_an_index(pack):
    names = {p.name for p in pack.glob("*.html")}
    assert names == {
        "index.html",
        "board-paper.html",
        "portfolio.html",
        "compare.html",
        "request-hostile.html",
        *(f"request-{s}.html" for s in SCENARIOS),
        *(f"negotiation-{n}.html" for n in NEGOTIATIONS),
        "summit-illustrative.html",
    }
    index = html_of(pack, "index")
    for name in names - {"index.html"}:
        assert f'href="{name}"' in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert XSS_TITLE not in index


@pytest.mark.parametrize(
    "name",
    [
        "portfolio",
        "compare",
        "request-hostile",
        *(f"request-{s}" for s in SCENARIOS),
        *(f"negotiation-{n}" for n in NEGOTIATIONS),
        "summit-illustrative",
    ],
)
def test_reports_are_self_contained_and_show_no_code(pack, name):
    page = html_of(pack, name)
    assert not re.search(r"<script[^>]+src=", page), "a script is fetched from elsewhere"
    assert not re.search(r"<link[^>]+href=\"https?:", page), "a stylesheet is fetched from elsewhere"
    assert page.count("* plotly.js v") == 1, "plotly.js must be embedded exactly once"
    assert "Plotly.newPlot" in page
    for code in ("rp.show(", "import imaging_value", "request_report(", "use_offline_charts"):
        assert code not in page
    for leak in (
        "Traceback",
        'class="jp-InputArea-editor',
        'class="highlight',
        'class="jp-InputPrompt',
        str(ROOT),
        "/tmp/",
        "site-packages",
    ):
        assert leak not in page, leak
    assert "Parameters" in page and "Input files (sha256)" in page and "imaging-value" in page


def test_request_report_header_and_sections(pack):
    page = html_of(pack, "request-scenario-2")
    for text in (
        "Request report: Scenario two",
        "The decision tree",
        "Options ranked by weighted value",
        "Stakeholder views",
        "How robust is the answer?",
        "Sharing the return among the 20 sites",
        "Fairness questions",
        "National guidance checks",
        "decision_tree.yaml",
        "requests/scenario-2.yaml",
        "seed",
    ):
        assert text in page, text
    assert '"updatemenus"' in page  # the stakeholder-view menu works without a kernel


def test_hostile_title_is_escaped(pack):
    page = html_of(pack, "request-hostile")
    assert XSS_TITLE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_parameters_file_reproduces_the_report_with_papermill_alone(pack, tmp_path):
    params = pack / "request-scenario-3.params.yaml"
    values = yaml.safe_load(params.read_text())
    assert values["request"] == "scenario-3" and values["requester"] is None
    out = tmp_path / "again.ipynb"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("papermill")),
            str(notebooks_dir() / "02-request.ipynb"),
            str(out),
            "-f",
            str(params),
            "--cwd",
            str(notebooks_dir()),
            "--no-progress-bar",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    import nbformat

    nb = nbformat.read(out, as_version=4)
    summary = next(c for c in nb.cells if c.source.startswith("# NBVAL_CHECK_OUTPUT"))
    text = "".join(o.get("text", "") for o in summary.outputs)
    assert "Request scenario-3" in text and "scale_up_licence" in text


def test_bad_parameter_is_relayed_and_other_reports_still_render(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["report", "scenario-3", "no-such-request", "--out", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 2
    line = next(row for row in err.splitlines() if row.startswith("error: "))
    assert re.fullmatch(
        r"error: 02-request\.ipynb \(request-no-such-request\): cell \d+: UnknownRequestError: "
        r"parameter 'request': expected a request id \(scenario-1, .*\) or a path to a request "
        r"file; found 'no-such-request'",
        line,
    ), line
    assert (out / "request-scenario-3.html").exists()
    assert not (out / "request-no-such-request.html").exists()
    assert "no-such-request" in (out / "index.html").read_text()


def test_a_failed_render_keeps_the_previous_good_report(tmp_path, monkeypatch, capsys):
    """The notebook run is stubbed: a good run, then one that fails on its input as a bad request file would."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    runs = []

    def execute_notebook(input_path, output_path, **kwargs):
        runs.append(kwargs["parameters"]["request"])
        if len(runs) == 2:
            raise PapermillExecutionError(
                2,
                3,
                "check_parameters(...)",
                "DataValidationError",
                "scenario-4.yaml: requesters[0]: field 'kind': expected ...; found 'startup'",
                [],
            )
        notebook = nbformat.read(input_path, as_version=4)
        notebook.cells.append(nbformat.v4.new_markdown_cell("the good report"))
        return notebook

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    out = tmp_path / "out"
    assert main(["report", "scenario-4", "--out", str(out), "--jobs", "1"]) == 0
    good = (out / "request-scenario-4.html").read_bytes()
    assert b"the good report" in good
    assert main(["report", "scenario-4", "--out", str(out), "--jobs", "1"]) == 2
    assert runs == ["scenario-4", "scenario-4"]
    err = capsys.readouterr().err
    assert "02-request.ipynb (request-scenario-4): cell 3: DataValidationError: " in err
    assert "requesters[0]: field 'kind'" in err
    assert (out / "request-scenario-4.html").read_bytes() == good
    assert "request-scenario-4.html" in (out / "index.html").read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "one or more request ids, or --all"),
        (["scenario-1", "--all"], "either request ids or --all"),
        (["scenario-1", "--jobs", "0"], "parameter 'jobs'"),
    ],
)
def test_report_arguments(cli, args, message):
    result = cli("report", *args)
    assert result.code == 2 and message in result.err


def test_the_negotiation_report_says_what_to_do_first(pack):
    page = html_of(pack, "negotiation-scenario-2-healthtech")
    verdict = page.index("what to do now")
    assert verdict < page.index("Round by round") < page.index("What moved between rounds")
    assert "Sign." in page[verdict : verdict + 2000]
    assert "the zone of agreement" in page and "Plotly.newPlot" in page
    assert "negotiations/scenario-2-healthtech/round-3.yaml" in page  # the offers' digests in the provenance
    index = html_of(pack, "index")
    assert index.index('href="request-scenario-4.html"') < index.index('href="negotiation-scenario-1-sme.html"')
