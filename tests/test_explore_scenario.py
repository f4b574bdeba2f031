"""The scenario panel in process: facts as widgets, every answer following, what changed, save as request."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import seen, texts
from imaging_value import load_dataset, load_request
from imaging_value.engine.case import Case
from imaging_value.explore.explorer import Explorer
from imaging_value.framework.scenario import facts_of, validate_facts
from imaging_value.framework.scoring import rank_options, score_options

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("scenario") / "data"
    shutil.copytree(ROOT / "data" / "samples", target)
    return target


@pytest.fixture(scope="module")
def shared(data: Path) -> Explorer:
    return Explorer(data, out_dir=data.parent / "reports", n_samples=2000)


@pytest.fixture()
def explorer(shared: Explorer) -> Explorer:
    """Back on scenario-1 as saved, requester 0, equal weights."""
    shared.request_picker.value = "scenario-2"
    shared.request_picker.value = "scenario-1"
    shared.reset()
    shared.saver.id.value = ""
    return shared


def term_row(page: str, term: str) -> tuple[str, str] | None:
    """(value, set by) of a term in the agreement panel's term table."""
    match = re.search(rf"<tr[^>]*><td><code>{term}</code></td><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>", page)
    return (match.group(1), match.group(2)) if match else None


def test_each_fact_widget_is_labelled_as_the_request_file_spells_the_field(explorer: Explorer):
    s = explorer.scenario
    labels = [
        w.description for w in (s.title, s.temporality, s.curation, s.deidentification, s.data_types, s.count, s.kinds)
    ]
    assert labels == ["Title", "Temporality", "Curation", "Deidentification", "Data types", "Count", "Kinds"]
    assert [s.requesters[0][k].description for k in ("kind", "profit_stage", "sector", "staff", "name")] == [
        "Kind",
        "Profit stage",
        "Sector",
        "Staff",
        "Name",
    ]
    assert "unstated" in s.temporality.options and "unstated" in s.curation.options
    assert "unstated" in [value for _label, value in s.deidentification.options]
    assert "unstated" in [value for _label, value in s.requesters[0]["profit_stage"].options]
    assert explorer.state.facts == facts_of(load_request("scenario-1", explorer.dataset))


def test_raw_to_curated_changes_the_tree_path_and_the_agreement_as_the_rules_say(explorer: Explorer):
    """A profit-generating SME asking for retrospective data: the tree asks about curation."""
    explorer.request_picker.value = "scenario-3"
    explorer.scenario.temporality.value = "retrospective"
    explorer.scenario.curation.value = "raw"
    path = explorer.path_html.value
    assert "Recommended: <b>Revenue-share licence</b>" in path
    assert "Is the data raw, cleaned or expert-curated? <b>raw</b>" in path
    assert "(assumed)" not in path  # every fact the tree asks about is now stated
    dataset = explorer.dataset
    request = validate_facts(explorer.state.facts)
    expected = Case(dataset, request).agreements(0)[0]
    panel = explorer.panels["terms"].html.value
    assert dataset.option(expected.option).label in texts(panel, "b")
    assert expected.tree_option == "revenue_share_licence"

    explorer.scenario.curation.value = "curated"
    path = explorer.path_html.value
    assert "Recommended: Scale-up licence" in seen(path)
    assert "Is the data raw, cleaned or expert-curated? curated" in seen(path)
    panel = explorer.panels["terms"].html.value
    assert "Scale-up licence (scale_up_licence)" in seen(panel)
    assert term_row(panel, "exclusivity_months") == ("6 months", "template")  # the template's, no rule removes it


def test_raw_data_carries_no_exclusivity_and_curated_data_may(explorer: Explorer):
    """A pre-profit SME gets SME incubation either way; its exclusivity follows the term rule on raw data."""
    explorer.scenario.temporality.value = "retrospective"
    explorer.scenario.requesters[0]["profit_stage"].value = "pre_profit"
    explorer.scenario.curation.value = "curated"
    panel = explorer.panels["terms"].html.value
    assert "SME incubation (sme_incubation)" in seen(panel)
    assert term_row(panel, "exclusivity_months") == ("12 months", "template")
    explorer.scenario.curation.value = "raw"
    panel = explorer.panels["terms"].html.value
    assert term_row(panel, "exclusivity_months") == ("0 months", "template, no-exclusivity-raw")
    assert term_row(panel, "exclusivity_field") is None  # the rule drops the field of use with the months
    assert "Dropped from the template by the term rules: exclusivity_field (no-exclusivity-raw)" in panel
    changes = explorer.panels["changes"].html.value
    # the saved request's curation is unstated, so another rule took its exclusivity away there
    assert "Term rule no-exclusivity-raw now fires" in changes
    assert "Adjustment raw-fair-fee" in changes and "now applies" in changes


def test_every_answer_follows_a_change_of_requester_kind(explorer: Explorer):
    dataset = explorer.dataset
    row = explorer.scenario.requesters[0]
    row["kind"].value = "university"
    assert row["profit_stage"].value is None  # a university has no profit stage
    request = validate_facts(explorer.state.facts)
    assert request.requesters[0].kind == "university"
    assert explorer.current_ranking() == rank_options(score_options(dataset, request, 0)).order
    assert "Recommended: <b>Open research access</b>" in explorer.path_html.value
    panel = explorer.panels["terms"].html.value
    assert term_row(panel, "consent_to_commercialise") is not None
    assert term_row(panel, "access_fee") is None
    scores = explorer.panels["scores"].note.value
    assert "univ-no-fees" in scores
    changes = explorer.panels["changes"].html.value
    assert "The decision tree now recommends Open research access" in changes
    assert "Term rule non-commercial-consent-to-commercialise now fires" in changes


def test_a_weight_change_redraws_only_what_the_weights_move(explorer: Explorer):
    counts = dict(explorer.coordinator.counts)
    explorer.set_weights({"clinical": 1})
    moved = {name for name, n in explorer.coordinator.counts.items() if n != counts[name]}
    assert moved == {"rank", "stability", "terms", "changes"}
    counts = dict(explorer.coordinator.counts)
    explorer.scenario.title.value = "A new title"  # a fact that no chart is drawn from
    moved = {name for name, n in explorer.coordinator.counts.items() if n != counts[name]}
    assert "recommend" not in moved and "acceptability" not in moved and "rank" not in moved
    assert texts(explorer.title.value, "h2") == ["A new title"]
    counts = dict(explorer.coordinator.counts)
    explorer.scenario.curation.value = "raw"  # one fact change: every panel it touches, once
    assert all(explorer.coordinator.counts[name] - counts[name] <= 1 for name in counts)
    assert explorer.coordinator.counts["scores"] == counts["scores"] + 1


def test_sites_can_be_added_removed_and_edited(explorer: Explorer):
    s = explorer.scenario
    s.count.value = 3
    s.give_contributions.value = True
    table = s.contributions
    assert len(table.entries) == 3 and s.count.disabled
    assert [row["kind"].value for row in table.rows] == ["large_trust", "district_general", "large_trust"]
    table.rows[1]["images"].value = "9000"
    table.rows[1]["curation_effort"].value = "2"
    table.rows[0]["site"].value = "Trust A"
    s.add_site.click()
    assert len(table.entries) == 4 and s.count.value == 4
    table.rows[3]["remove"].click()
    table.rows[2]["remove"].click()
    assert s.count.value == 2
    sites = explorer.state.facts["sites"]
    assert sites["count"] == 2
    assert sites["contributions"][0]["site"] == "Trust A"
    assert sites["contributions"][1] == {
        "site": "Site 2",
        "kind": "district_general",
        "images": 9000.0,
        "curation_effort": 2.0,
    }
    assert "2 sites, contributions as the request gives them" in explorer.split_message.value
    assert list(explorer.figures["split"].data[0].x) == ["Trust A", "Site 2"]


def test_requesters_can_be_added_and_removed(explorer: Explorer):
    s = explorer.scenario
    assert explorer.requester_picker.layout.display == "none"
    s.add_requester.click()
    assert len(s.requesters) == 2 and explorer.requester_picker.layout.display != "none"
    s.requesters[1]["kind"].value = "multinational"
    s.requesters[1]["sector"].value = "pharma"
    explorer.requester_picker.value = 1
    assert explorer.state.requester_index == 1
    assert "Requester 2 is new" in explorer.panels["changes"].html.value
    request = validate_facts(explorer.state.facts)
    assert explorer.current_ranking() == rank_options(score_options(explorer.dataset, request, 1)).order
    s.requesters[0]["remove"].click()
    assert len(s.requesters) == 1 and explorer.state.requester_index == 0
    assert explorer.state.facts["requesters"][0]["kind"] == "multinational"
    assert s.requesters[0]["remove"].disabled  # a request needs at least one requester


def test_invalid_facts_are_shown_beside_their_widget_and_the_answers_withdrawn(explorer: Explorer):
    s = explorer.scenario
    s.data_types.value = ""
    assert "at least 1 item" in s.errors["data_types"].value and "found []" in s.errors["data_types"].value
    assert explorer.request_box.layout.display == "none" and explorer.current_ranking() == ()
    assert "facts do not make a valid request" in explorer.message.value and "data_types" in explorer.message.value
    s.data_types.value = "CT"
    assert s.errors["data_types"].value == ""
    assert explorer.request_box.layout.display != "none" and explorer.current_ranking() != ()
    s.requesters[0]["staff"].value = ""  # left empty: unstated, as a request file may leave it out
    assert explorer.state.facts["requesters"][0]["staff"] == "unstated"
    s.kinds.value = "large_trust, hospice"
    assert "hospice" in s.errors["sites.kinds"].value
    s.kinds.value = ""
    assert s.errors["sites.kinds"].value == "" and explorer.current_ranking() != ()


def test_save_as_request_writes_a_file_that_loads_back(explorer: Explorer, data: Path):
    explorer.scenario.curation.value = "curated"
    explorer.saver.id.value = "scenario-1-curated-test"
    explorer.saver.button.click()
    path = data / "requests" / "scenario-1-curated-test.yaml"
    assert "Saved as requests/scenario-1-curated-test.yaml" in explorer.saver.status.value
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Saved from the explorer, starting from request scenario-1.\n")
    assert "\ncuration: curated".ljust(33) + "# raw | cleaned | curated | unstated\n" in text
    saved = load_request("scenario-1-curated-test", load_dataset(data))
    assert saved.curation == "curated" and saved.id == "scenario-1-curated-test"
    assert explorer.request_picker.value == "scenario-1-curated-test"
    assert "nothing has changed yet" in explorer.panels["changes"].html.value
    assert not explorer.state.modified


def test_saving_over_an_existing_file_needs_confirmation(explorer: Explorer, data: Path):
    target = data / "requests" / "scenario-2.yaml"
    before = target.read_bytes()
    explorer.scenario.curation.value = "raw"
    explorer.saver.id.value = "scenario-2"
    explorer.saver.button.click()
    assert target.read_bytes() == before
    assert "scenario-2.yaml exists" in explorer.saver.status.value
    assert explorer.saver.confirm.layout.display != "none"
    explorer.saver.id.value = "scenario-2b"  # typing another id withdraws the offer
    assert explorer.saver.confirm.layout.display == "none"
    explorer.saver.id.value = "scenario-2"
    explorer.saver.button.click()
    explorer.saver.confirm.click()
    assert load_request("scenario-2", load_dataset(data)).title == load_request("scenario-1", explorer.dataset).title
    shutil.copy(ROOT / "data" / "samples" / "requests" / "scenario-2.yaml", target)  # put the copy back


def test_nothing_is_written_for_invalid_facts_or_a_bad_id(explorer: Explorer, data: Path):
    before = sorted(p.name for p in (data / "requests").iterdir())
    explorer.scenario.requesters[0]["name"].value = "Still valid"
    explorer.saver.id.value = "Not An Id"
    explorer.saver.button.click()
    assert "not valid" in explorer.saver.status.value and "Nothing was written" in explorer.saver.status.value
    explorer.scenario.count.value = 0
    explorer.saver.id.value = "zero-sites"
    explorer.saver.button.click()
    assert "Nothing was written" in explorer.saver.status.value
    assert "greater than or equal to 1" in explorer.scenario.errors["sites.count"].value
    assert sorted(p.name for p in (data / "requests").iterdir()) == before


def test_hostile_text_in_a_title_or_site_name_is_escaped(explorer: Explorer):
    explorer.scenario.title.value = HOSTILE
    # escaped once (Jinja2 writes a quote as &#34;): the text reads back as typed, with no tag in it
    assert HOSTILE not in explorer.title.value and "<img" not in explorer.title.value
    assert html.unescape(explorer.title.value) == f"<h2>{HOSTILE}</h2>"
    explorer.scenario.give_contributions.value = True
    explorer.scenario.contributions.rows[0]["site"].value = HOSTILE
    shown = [
        explorer.title.value,
        explorer.split_message.value,
        explorer.panels["changes"].html.value,
        explorer.panels["terms"].html.value,
        explorer.path_html.value,
    ]
    assert not any("<img" in text for text in shown)
    assert html.escape(HOSTILE, quote=False) in explorer.figures["split"].data[0].x  # escaped for SVG text
    explorer.saver.id.value = "hostile-scenario"
    explorer.saver.button.click()
    saved = yaml.safe_load((explorer.dataset.requests_dir / "hostile-scenario.yaml").read_text(encoding="utf-8"))
    assert saved["title"] == HOSTILE and saved["sites"]["contributions"][0]["site"] == HOSTILE


def test_the_render_button_asks_for_a_saved_request_when_facts_changed(explorer: Explorer):
    explorer.scenario.curation.value = "raw"
    explorer.render_button.click()
    assert explorer.render_thread is None or not explorer.render_thread.is_alive()
    assert "Save as request" in explorer.render_status.value


def many_sites(data: Path, count: int) -> str:
    """A copy of scenario-1 with ``count`` sites, each with its contribution; its request id."""
    request = yaml.safe_load((data / "requests" / "scenario-1.yaml").read_text(encoding="utf-8"))
    request["id"] = rid = f"sites-{count}"
    request["sites"] = {
        "count": count,
        "kinds": ["large_trust", "district_general"],
        "contributions": [
            {"site": f"Trust {i + 1}", "kind": ("large_trust", "district_general")[i % 2], "images": 123_456_789 + i}
            for i in range(count)
        ],
    }
    (data / "requests" / f"{rid}.yaml").write_text(yaml.safe_dump(request, sort_keys=False), encoding="utf-8")
    return rid


def test_hundreds_of_sites_are_edited_as_a_paged_table(data_copy: Path):
    from imaging_value.explore.scenario_form import PAGE_SIZE

    rid = many_sites(data_copy, 600)
    explorer = Explorer(data_copy, request=rid, n_samples=200)
    table = explorer.scenario.contributions
    # one page of rows, reused for every page: never one row of widgets per site
    assert len(table.rows) == PAGE_SIZE and len(table.rows_box.children) == PAGE_SIZE
    assert table.pager.layout.display != "none" and table.page_number.max == 24
    assert "Sites 1 to 25 of 600" in table.where.value
    assert table.rows[0]["images"].value == "123456789"  # in full, as typed (never 1.23457e+08)
    table.next.click()
    table.next.click()
    assert "Sites 51 to 75 of 600" in table.where.value and table.rows[0]["site"].value == "Trust 51"
    table.rows[4]["images"].value = "42"  # site 55
    assert explorer.state.facts["sites"]["contributions"][54]["images"] == 42.0
    table.page_number.value = 24
    assert "Sites 576 to 600 of 600" in table.where.value and table.rows[24]["site"].value == "Trust 600"
    table.rows[0]["images"].value = "lots"  # site 576: invalid, said beside its row
    assert "images" in table.rows[0]["error"].value and explorer.request_box.layout.display == "none"
    table.go(0)  # from another page: listed below the table with the site's number
    assert "site 576: images" in table.elsewhere.value
    table.go(23)
    table.rows[0]["images"].value = "7"
    assert table.elsewhere.value == "" and table.rows[0]["error"].value == ""
    assert explorer.request_box.layout.display != "none"
    s = explorer.scenario
    s.add_site.click()
    assert s.count.value == 601 and "Sites 601 to 601 of 601" in table.where.value
    table.rows[0]["remove"].click()
    assert s.count.value == 600 and len(explorer.state.facts["sites"]["contributions"]) == 600


def test_a_few_sites_are_rows_without_a_pager(explorer: Explorer):
    s = explorer.scenario
    s.count.value = 3
    s.give_contributions.value = True
    table = s.contributions
    shown = [box for box in table.row_boxes if box.layout.display != "none"]
    assert table.pager.layout.display == "none" and len(shown) == 3 and len(table.entries) == 3
