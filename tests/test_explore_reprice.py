"""The worth panel prices again only when what it prices changes, and always shows what a fresh start shows."""

from __future__ import annotations

import pytest

from imaging_value.explore.explorer import Explorer


def shown(explorer) -> tuple:
    """The panel's text and its charts' traces (without plotly's random trace ids)."""
    worth = explorer.worth
    charts = {
        name: repr([{k: v for k, v in trace.items() if k != "uid"} for trace in fig.to_plotly_json()["data"]])
        for name, fig in worth.figures.items()
    }
    return worth.summary.value, charts


@pytest.fixture()
def explorer(samples):
    return Explorer(samples, request="scenario-1", n_samples=2000)


def fresh(samples, **facts) -> Explorer:
    started = Explorer(samples, request="scenario-1", n_samples=2000)
    started.set_facts(**facts)
    return started


def test_a_fact_the_valuation_does_not_read_prices_nothing_again(samples, explorer):
    before = explorer.worth.value
    explorer.set_facts(temporality="prospective")
    assert explorer.panels["recommend"].figure.data  # the tree and the rest were redrawn
    assert explorer.worth.value is before  # the same term sheets, assumptions and share: not priced again
    assert shown(explorer) == shown(fresh(samples, temporality="prospective"))


def test_a_fact_the_valuation_reads_prices_again(samples, explorer):
    before = explorer.worth.value
    explorer.set_facts(curation="curated")
    assert explorer.worth.value is not before
    assert explorer.worth.value.contribution_share != before.contribution_share
    assert shown(explorer) == shown(fresh(samples, curation="curated"))


def test_a_control_prices_again(explorer):
    before = explorer.worth.value
    explorer.worth.royalty.value = explorer.worth.royalty.value + 1.0
    assert explorer.worth.value is not before
    assert explorer.worth.value.terms[explorer.worth._option]["royalty"] == pytest.approx(
        before.terms[explorer.worth._option]["royalty"] + 1.0
    )


def test_the_apps_kernels_do_not_echo_the_pages_updates(tmp_path):
    from imaging_value.explore.app import voila_environment

    # each chart sends its drawn state back after every redraw; one page per kernel needs no echo of it
    assert voila_environment(tmp_path, {"JUPYTER_WIDGETS_ECHO": "1"})["JUPYTER_WIDGETS_ECHO"] == "0"
