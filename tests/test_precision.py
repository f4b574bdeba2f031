"""Precision you can state: the default draws keep every P10, P50, P90 and fair term of every sample request within
1% of the stored million-draw reference (bench/valuation_reference.py), and every figure carries its Monte Carlo
standard error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import valuation_reference as reference  # noqa: E402
from imaging_value import load_dataset  # noqa: E402

STORED = json.loads(reference.REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_the_reference_is_a_million_independent_draws_of_every_branch(dataset):
    assert STORED["draws"] == 1_000_000 and STORED["seed"] != 20210401
    made = {(b["request"], b["requester_index"], tuple(sorted(b["assumed"].items()))) for b in STORED["branches"]}
    wanted = {(rid, i, tuple(sorted(a.items()))) for rid, i, a in reference.branches(dataset)}
    assert made == wanted, "bench/valuation_reference.py --write: the branches changed"


@pytest.mark.parametrize(
    "branch",
    STORED["branches"],
    ids=lambda b: f"{b['request']}-{b['requester_index']}-" + "-".join(map(str, b["assumed"].values())),
)
def test_the_default_draws_are_within_one_per_cent_of_the_reference(dataset, branch):
    rid, index, assumed = branch["request"], branch["requester_index"], branch["assumed"]
    assert reference.digest(dataset, rid, index, assumed) == branch["digest"], (
        "the terms or assumptions priced changed: remake the reference with bench/valuation_reference.py --write"
    )
    draws = dataset.valuation.draws.value
    found = reference.figures(dataset, rid, index, assumed, draws, 20210401)
    for option, ref in branch["options"].items():
        for figure in reference.FIGURES:
            value, expected = found[option][figure], ref[figure]
            assert reference.within(value, expected, reference.unit_of(figure)), (option, figure, value, expected)
        for figure in ("mean", "p10", "p50", "p90"):
            assert found[option][f"{figure}_se"] is not None and found[option][f"{figure}_se"] >= 0


def test_the_standard_errors_say_how_far_the_estimates_stray(dataset):
    """Across the sample's options, an estimate at the default draws is within four of its standard errors of the
    reference (whose own error is far smaller), and a mean's standard error shrinks as the draws grow."""
    checked = 0
    for branch in STORED["branches"][:4]:
        rid, index, assumed = branch["request"], branch["requester_index"], branch["assumed"]
        small = reference.figures(dataset, rid, index, assumed, 4096, 20210401)
        large = reference.figures(dataset, rid, index, assumed, 65536, 20210401)
        for option, ref in branch["options"].items():
            se = small[option]["mean_se"]
            if se:
                assert abs(small[option]["mean"] - ref["mean"]) <= 4 * se + 4 * ref["mean_se"], (rid, option)
                assert large[option]["mean_se"] < se
                checked += 1
    assert checked > 10
