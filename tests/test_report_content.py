"""What the request, portfolio and comparison reports say, checked in-process (no kernel)."""

import re

import pytest

from conftest import seen, table_rows, texts
from imaging_value import ParameterError
from imaging_value.reports import compare_report, portfolio_report, request_report

DATA = "data/samples"


@pytest.fixture(scope="module")
def scenario_two():
    return request_report("scenario-2", data_dir=DATA, samples=2000, seed=1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"request": "scenario-9"}, "parameter 'request': expected a request id"),
        ({"requester": 5}, "parameter 'requester': expected a position from 0 to 0"),
        ({"requester": "first"}, "parameter 'requester'"),
        ({"profile": "nobody"}, "parameter 'profile': expected one of equal, nhs_finance"),
        ({"weights": {"clinical": -1}}, "parameter 'weights': expected a non-negative number for lever 'clinical'"),
        ({"weights": {"clinical": 0}}, "parameter 'weights': expected at least one positive weight"),
        ({"profile": "smes", "weights": {"clinical": 1}}, "parameter 'weights'"),
        ({"samples": 0}, "parameter 'samples'"),
        ({"total": -5.0}, "parameter 'total'"),
        ({"seed": 1.5}, "parameter 'seed'"),
    ],
)
def test_bad_parameters_name_the_parameter(kwargs, message):
    args = {"request": "scenario-3", "data_dir": DATA, **kwargs}
    with pytest.raises(ParameterError) as info:
        request_report(**args)
    assert message in str(info.value)


def test_key_findings(scenario_two):
    text = scenario_two.key_findings()
    assert "Requester 1 (sme):\n  decision tree: sme_incubation" in text
    assert "Requester 2 (multinational):\n  decision tree: strategic_codevelopment" in text
    assert "Requester 3 (multinational):\n  decision tree: strategic_codevelopment" in text  # its value differs
    assert "win:win across stakeholder views: strategic_codevelopment" in text


def test_fairness_answers_follow_the_request(scenario_two):
    page = scenario_two.html("fairness")
    assert "Collecting this data costs the NHS new effort" in page  # prospective
    assert "A pre-profit company (&lt;50 staff) cannot yet pay full value" in page  # SME, escaped
    assert "A multinational can pay full value now" in page

    # each requester's recommended option: the first recommendation is met (not "not met"), transparency is to confirm
    def statuses(recommendation: str) -> list[str]:
        return re.findall(rf"<td>{re.escape(recommendation)}</td>\s*<td[^>]*>([^<]*)</td>", page)

    # requesters 2 and 3 differ in value (a pharma's revenue), so the section shows three blocks
    assert statuses("All data partnerships must aim to improve health and care.") == ["met"] * 3
    assert statuses("Fairness requires public accountability, good governance and transparency.") == ["to confirm"] * 3
    assert statuses("Citizens want to be involved in decision-making.") == ["statement"] * 3
    assert not re.search(r"<td[^>]*>not met</td>", page)


def test_single_requester_and_profile(scenario_two):
    report = request_report("scenario-2", requester=1, profile="nhs_finance", data_dir=DATA, samples=500)
    assert report.requesters == (1,)
    assert report.weights["commercial"] == pytest.approx(0.5)
    assert "Requester 2" in report.key_findings() and "Requester 1 " not in report.key_findings()


def test_header_escapes_and_hides_paths(data_copy):
    path = data_copy / "requests" / "scenario-1.yaml"
    path.write_text(path.read_text().replace('title: "Scenario one', 'title: "<b>bold</b> Scenario one'))
    report = request_report(str(path), data_dir=str(data_copy), samples=200)
    header = report.header()
    assert "&lt;b&gt;bold&lt;/b&gt;" in header and "<b>bold</b>" not in header
    assert str(data_copy) not in header and "scenario-1.yaml" in header


def test_guidance_section_names_principles(scenario_two):
    page = scenario_two.html("guidance")
    # no option breaks cost recovery any more (a term rule adds the fee); cost recovery alone still takes no share
    assert "The NHS recovers the cost of providing access." not in page
    assert "The NHS takes a share of commercial value proportionate to its contribution" in page
    assert "NHS England (2023)" in page


def test_portfolio_and_compare():
    portfolio = portfolio_report(DATA)
    assert "337,392 items of known size" in portfolio.key_findings()  # the report's size has no unit
    assert "Predict Meso" in portfolio.findings()
    comparison = compare_report(DATA)
    assert (
        "scenario-4 requester 2 (multinational): enterprise_licence / revenue_share_licence / "
        "strategic_codevelopment" in comparison.key_findings()
    )
    assert "multi-incubate" in comparison.differences()
    chart = comparison.chart()
    assert len(chart.data) == len(portfolio.dataset.profiles)


def test_compare_lists_invalid_requests(data_copy):
    (data_copy / "requests" / "broken.yaml").write_text("id: broken\ntitle: [\n")
    comparison = compare_report(str(data_copy))
    assert "broken" in comparison.overview() and "well-formed YAML" in comparison.overview()


def test_stakeholder_views_say_where_they_disagree(scenario_two):
    text = "".join(item for item in scenario_two.section("alignment") if isinstance(item, str))
    assert "The views disagree most about" in text
    assert "Win:win option: Strategic co-development" in seen(text)


def test_agreement_section_shows_the_term_sheet_per_requester(scenario_two):
    page = scenario_two.html("terms")
    assert (
        len([h for h in texts(page, "h3") if h.startswith("Requester")]) == 3
    )  # requesters 2 and 3 differ in value: shown apart
    assert "SME incubation (sme_incubation)" in seen(page)
    assert any(
        row[:2] == ["access_fee_due", "at first revenue"] for row in table_rows(page)
    )  # deferred for the pre-profit SME
    assert "no-exclusivity-unstated-curation" in page  # the rule that set exclusivity to 0 is named
    assert "Principle 5: arrangements fully adhere" in page and "to confirm" in page
    assert "agreement to sign: sme_incubation by tree-option" in scenario_two.key_findings()


def test_agreement_section_escapes_data(data_copy):
    path = data_copy / "requests" / "scenario-3.yaml"
    path.write_text(
        path.read_text().replace("name: UK SME over 50 staff, profit-generating", 'name: "<script>x</script> & Co"')
    )
    page = request_report(str(path), data_dir=str(data_copy), samples=200).html("terms")
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in page
