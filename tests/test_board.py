"""Reports a board can sign from: the decision first, in plain English, with source tags and honest numbers."""

import re

import pytest
from bs4 import BeautifulSoup

from imaging_value.core.wording import SOURCE_TAGS, count, money, order_sentence, source_tag, term_value, ties
from imaging_value.reports import request_report

DATA = "data/samples"
TAGS = {t.tag for t in SOURCE_TAGS}


@pytest.fixture(scope="module")
def scenario_two():
    return request_report("scenario-2", data_dir=DATA, samples=500, seed=1)


def _text(html):
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split()).replace(" .", ".")


def _ids(dataset):
    """Every option, principle, lever, term-rule and profile id a board member must never have to read."""
    ids = set(dataset.option_ids) | {g.id for g in dataset.guidance} | set(dataset.lever_ids)
    ids |= {p.name for p in dataset.profiles if "_" in p.name}
    ids |= {r.id for r in dataset.agreement.rules}
    return {i for i in ids if "_" in i or "-" in i}  # single words (e.g. "clinical") are English too


def test_money_counts_and_terms_read_as_people_write_them():
    assert money(76923.08) == "£76,923.08"
    assert money(50000) == "£50,000" and money(0.5) == "£0.50"
    assert count(12000.0) == "12,000" and count(3) == "3"
    assert term_value(3, "% of net revenue") == "3% of net revenue"
    assert term_value(12, "months") == "12 months" and term_value(1, "months") == "1 month"
    assert term_value(50000, "GBP/year") == "£50,000 a year"
    assert term_value("first_revenue", "text") == "at first revenue"


def test_ties_are_declared_never_broken_by_file_order():
    values = [("Scale-up licence", 6.6666), ("Strategic co-development", 6.6667), ("SME incubation", 6.2)]
    assert ties(values)[0] == (["Scale-up licence", "Strategic co-development"], 6.67)
    assert order_sentence(values) == (
        "Scale-up licence and Strategic co-development tie at 6.67; then SME incubation (6.20)"
    )
    assert order_sentence([("A", 2.0), ("B", 1.0)]) == "A (2.00); then B (1.00)"


def test_a_tie_in_the_ranking_is_reported_as_a_tie():
    # scenario two, the pre-profit SMEs, under the clinicians' weights: two options score 6.90
    report = request_report("scenario-2", requester=0, profile="clinicians", data_dir=DATA, samples=200)
    text = _text(report.decision())
    assert "Open research access and Strategic co-development tie at 6.90" in text
    ranking = "".join(item for item in report.section("rank") if isinstance(item, str))
    assert "Open research access and Strategic co-development tie at 6.90" in ranking
    assert "open_research and strategic_codevelopment tie at 6.90" in report.key_findings()


def test_every_source_is_one_of_the_five_tags(dataset):
    sources = [t.source for t in dataset.agreement.rules] + [g.source for g in dataset.guidance]
    assert {source_tag(s).tag for s in sources} <= TAGS
    assert source_tag("DHSC (2019), Creating the right framework").tag == "DHSC 2019"
    assert source_tag("this framework's reading").evidence is False
    with pytest.raises(ValueError, match="none of"):
        source_tag("a blog post")


def test_the_decision_is_plain_english_with_labels_not_ids(scenario_two):
    page = scenario_two.decision()
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find(["code", "pre"]), "no monospace in the decision"
    text = _text(page)
    for ident in _ids(scenario_two.dataset):
        assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text), ident
    assert "Sign SME incubation" in text and "Sign Strategic co-development" in text
    assert "£243,846" in text  # the access fee with its unit and separators (deferred, so uplifted to recover the cost)
    assert "Confirm before signing" in text and "Where the stakeholder views disagree" in text
    # the defaults the answer depends on are said
    assert "illustrative default" in text and "every lever weighs the same" in text
    assert "assumes them by site kind" in text


def test_unstated_facts_are_named_before_signing():
    report = request_report("scenario-1", data_dir=DATA, samples=200)
    text = _text(report.decision())
    assert "The answer depends on the profit stage and curation, which the request leaves unstated" in text
    assert "If profit stage is pre-profit: sign SME incubation" in text


def test_requesters_whose_value_differs_are_reported_apart(scenario_two):
    """Scenario two's multinationals differ only by sector, but a pharma and diagnostics company's revenue differs,
    and so does every figure of its valuation: they are reported apart."""
    assert scenario_two.groups == {0: (0,), 1: (1,), 2: (2,)}
    assert "get the same answer" not in _text(scenario_two.decision())


def test_identical_requesters_are_reported_once(data_copy):
    # the same sector for both multinationals: every answer, the value included, is the same
    path = data_copy / "requests" / "scenario-2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sector: pharma and diagnostics", "sector: healthtech"))
    report = request_report("scenario-2", data_dir=str(data_copy), samples=500, seed=1)
    assert report.groups == {0: (0,), 1: (1, 2)}
    assert report.requesters == (0, 1)
    text = _text(report.decision())
    assert "Requesters 2 and 3 get the same answer because they are the same kind of requester" in text
    assert "no score, rule, term or value here depends on what sets them apart (name)" in text
    for section in (report.html("terms"), report.html("fairness"), report.html("guidance")):
        headings = [h.get_text() for h in BeautifulSoup(section, "html.parser").find_all("h3")]
        assert headings[1].startswith("Requesters 2 and 3:") and len(headings) == 2
    assert "Requesters 2 and 3 (multinational):" in report.key_findings()


def test_requesters_that_differ_are_not_merged():
    report = request_report("scenario-4", data_dir=DATA, samples=200)
    assert report.groups == {0: (0,), 1: (1,)}


def test_every_judgement_in_a_section_carries_a_source_tag(scenario_two):
    html = "".join(
        [
            scenario_two.decision(),
            scenario_two.html("terms"),
            scenario_two.html("fairness"),
            scenario_two.html("guidance"),
            *[i for i in scenario_two.section("recommend") if isinstance(i, str)],
            *[i for i in scenario_two.section("split") if isinstance(i, str)],
        ]
    )
    soup = BeautifulSoup(html, "html.parser")
    judgements = soup.select(".iv-j")
    assert len(judgements) > 50
    for element in judgements:
        tags = [t.get_text() for t in element.select(".iv-src")]
        assert tags and set(tags) <= TAGS, element.get_text()[:80]
    # the rationales and principles from the data files are shown only inside a tagged judgement
    dataset = scenario_two.dataset
    texts = [g.principle for g in dataset.guidance] + [r.rationale for r in dataset.agreement.rules]
    for text in texts:
        for hit in soup.find_all(string=lambda s, text=text: s and text in s):
            assert hit.find_parent(class_="iv-j") is not None, text


def test_header_shows_the_view_and_explains_the_tags_once():
    report = request_report("scenario-3", profile="clinicians", total=250000, data_dir=DATA, samples=200)
    header = _text(report.header())
    assert "Stakeholder view clinicians" in header and "£250,000" in header
    for tag in SOURCE_TAGS:
        assert header.count(tag.meaning) == 1
    split = "".join(i for i in report.section("split") if isinstance(i, str))
    assert "A total of £250,000 shared four ways" in split and "illustrative" not in split


def test_chart_text_is_escaped_exactly_once(data_copy):
    options = data_copy / "options.yaml"
    options.write_text(options.read_text().replace("label: SME incubation", 'label: "SME <i>incubation</i> & Co"'))
    report = request_report("scenario-2", requester=0, data_dir=str(data_copy), samples=200)
    from imaging_value.present import figures as views

    once = "SME &lt;i&gt;incubation&lt;/i&gt; &amp; Co"
    stability = views.stability_figure(report.dataset, report.case.analysis(0).stability)
    assert once in stability.layout.title.text and "&amp;lt;" not in stability.layout.title.text
    ranking = views.ranking_figure(report.dataset, report.case.analysis(0).ranking)
    assert once in ranking.data[0].y and not any("&amp;lt;" in str(y) for y in ranking.data[0].y)
    decision = report.decision()
    assert once in decision and "&amp;lt;" not in decision


@pytest.mark.parametrize(
    "args, message",
    [
        (["--profile", "nobody"], "parameter 'profile'"),
        (["--total", "£250,000"], "write 250000"),
        (["--total", "-1"], "parameter 'total'"),
        (["--profile", "clinicians", "--weights", "clinical=1"], "not allowed with argument"),
    ],
)
def test_report_view_flags_are_checked_before_any_notebook_runs(cli, tmp_path, args, message):
    result = cli("report", "scenario-3", "--out", str(tmp_path / "out"), *args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "out").exists()
