"""Every report and explorer section comes from an autoescaped template: text from data files shows as typed,
escaped exactly once, in the HTML and in the charts (the stability chart's labels included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LEVER = "SME's R&D"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


OPTION = 'Fish & "Chips" <b>bold</b>'


@pytest.fixture()
def hostile(data_copy):
    edit(data_copy / "levers.yaml", "label: Social", f'label: "{LEVER}"')
    edit(data_copy / "options.yaml", "label: SME incubation", f"label: '{OPTION}'")
    return data_copy


def _figures_text(items) -> str:
    return json.dumps([item.to_plotly_json() for item in items if not isinstance(item, str)], default=str)


def _html(items) -> str:
    return "".join(item for item in items if isinstance(item, str))


def test_the_stability_chart_shows_the_lever_as_typed(hostile):
    from imaging_value.reports import request_report

    report = request_report("scenario-4", data_dir=str(hostile), samples=200)
    items = report.section("acceptability")
    stability = [item for item in items if not isinstance(item, str)][-1]
    assert "SME's R&amp;D" in list(stability.data[0].y)  # plotly decodes &amp; once: it shows SME's R&D
    text = _figures_text(items)
    for twice in ("&amp;amp;", "&#x27;", "&#39;", "&quot;", "<b>bold"):
        assert twice not in text


@pytest.mark.parametrize(
    "section",
    [
        "summary",
        "decision",
        "recommend",
        "rank",
        "scores",
        "alignment",
        "acceptability",
        "split",
        "fairness",
        "guidance",
        "terms",
        "sections",
    ],
)
def test_report_sections_escape_data_once(hostile, section):
    from imaging_value.reports import request_report

    report = request_report("scenario-4", data_dir=str(hostile), samples=200)
    shown = getattr(report, section)() if section in ("summary", "decision", "sections") else report.section(section)
    page = shown if isinstance(shown, str) else _html(shown)
    assert "<b>bold</b>" not in page
    for twice in ("&amp;amp;", "&amp;#39;", "&amp;quot;", "&amp;lt;"):
        assert twice not in page
    if section in ("decision", "recommend", "rank", "acceptability", "guidance", "sections"):
        assert (
            "Fish &amp; &#34;Chips&#34; &lt;b&gt;bold&lt;/b&gt;" in page
            or "Fish &amp; &quot;Chips&quot; &lt;b&gt;bold&lt;/b&gt;" in page
        )


def test_portfolio_and_comparison_tables_escape_once(data_copy):
    from imaging_value.reports import compare_report, portfolio_report

    edit(data_copy / "options.yaml", "label: SME incubation", f"label: '{OPTION}'")
    compare = compare_report(str(data_copy))
    page = compare.overview() + compare.differences() + portfolio_report(str(data_copy)).recommendations()
    assert "Fish &amp; &#34;Chips&#34; &lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "&amp;amp;" not in page


def test_explorer_text_escapes_once(hostile, tmp_path):
    from imaging_value.explore.explorer import Explorer

    explorer = Explorer(hostile, out_dir=tmp_path / "reports", request="scenario-4", debounce=0, n_samples=200)
    texts = (
        explorer.summary.value
        + explorer.path_html.value
        + "".join(label.value for label in explorer.weight_labels.values())
    )
    assert "SME&#39;s R&amp;D" in texts or "SME&#x27;s R&amp;D" in texts
    assert "Fish &amp; &#34;Chips&#34; &lt;b&gt;bold&lt;/b&gt;" in texts
    assert "<b>bold</b>" not in texts and "&amp;amp;" not in texts
    stability = explorer.figures["stability"]
    assert "SME's R&amp;D" in list(stability.data[0].y)
