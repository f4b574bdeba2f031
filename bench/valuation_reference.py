"""The valuation's million-draw reference, and how many draws the default needs to stay within 1% of it.

For every sample request, requester and decision-tree outcome (the branches the agreement to sign takes), every
option is priced on a million scrambled Sobol draws with a seed of its own (not the default's): the
P10, P50 and P90 of its NPV to the NHS and its fair terms (royalty, access fee and equity stake; the fee at least
the cost of access), with their Monte Carlo standard errors. ``--write`` stores them in
``bench/valuation_reference.json`` (committed; ``tests/test_precision.py`` checks the default draws against it,
and that it was made from the data and code as they are: each entry keeps a digest of what it priced).
``--choose`` prices the same figures at several numbers of draws with the default seed and prints, for each,
the largest error against the reference, so that ``valuation.yaml``'s ``draws`` can be set to the smallest that
keeps every figure within the tolerance (:func:`within`). Prints; asserts nothing.

    python bench/valuation_reference.py --write     # a few minutes: remake the reference
    python bench/valuation_reference.py --choose    # the errors at 2**14 .. 2**18 draws
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from imaging_value import load_dataset, load_request  # noqa: E402
from imaging_value.core.defaults import DEFAULT_SEED  # noqa: E402
from imaging_value.engine.case import Case  # noqa: E402
from imaging_value.framework.appraisal import appraise_requester, pricing_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "bench" / "valuation_reference.json"
REFERENCE_DRAWS = 1_000_000  # a million (the command line allows at most that)
REFERENCE_SEED = 1  # not the default seed: the reference is an independent estimate
CANDIDATES = (2**14, 2**15, 2**16, 2**17, 2**18)
TOLERANCE = 0.01  # relative
# where a figure is near zero a relative error says little: money within GBP 100, rates within 0.01 points
FLOORS = {"GBP": 100.0, "%": 0.01}
FIGURES = ("p10", "p50", "p90", "fair_royalty", "fair_access_fee", "fair_equity")


def within(value: float | None, reference: float | None, unit: str) -> bool:
    """A figure is within tolerance of its reference: both absent, or within 1% of it (at least the unit's floor)."""
    if value is None or reference is None:
        return value is None and reference is None
    return abs(value - reference) <= max(TOLERANCE * abs(reference), FLOORS[unit])


def unit_of(figure: str) -> str:
    return "%" if figure in ("fair_royalty", "fair_equity") else "GBP"


def branches(dataset: Any) -> list[tuple[str, int, dict[str, Any]]]:
    """(request id, requester index, assumed facts) for every decision-tree outcome of every sample request."""
    out = []
    for rid in dataset.request_ids():
        case = Case(dataset, load_request(rid, dataset))
        for index in case.requesters:
            for agreement in case.agreements(index):
                out.append((rid, index, dict(agreement.assumed)))
    return out


def digest(dataset: Any, rid: str, index: int, assumed: dict[str, Any]) -> str:
    """What the figures of a branch depend on (terms, assumptions, contribution share), as a short digest."""
    inputs = pricing_inputs(dataset, dataset.valuation, load_request(rid, dataset), index, assumed=assumed)
    return hashlib.sha256(repr(inputs.key()).encode()).hexdigest()[:16]


def figures(
    dataset: Any, rid: str, index: int, assumed: dict[str, Any], draws: int, seed: int, exact: bool = True
) -> dict[str, Any]:
    """Every option's figures and standard errors for one branch, at ``draws`` draws and ``seed``; ``exact``:
    fair terms as the workbook solves them (on the exact expectations where it can), else all on the draws."""
    value = appraise_requester(
        dataset,
        dataset.valuation,
        load_request(rid, dataset),
        index,
        assumed=assumed,
        draws=draws,
        seed=seed,
        shares=False,
        exact=exact,
    )
    out = {}
    for v in value.options:
        fair = value.fair_terms[v.option]
        row: dict[str, Any] = {"mean": v.mean, "mean_se": v.errors["mean"]}
        for q in ("p10", "p50", "p90"):
            row[q], row[f"{q}_se"] = getattr(v, q), v.errors[q]
        for term in ("royalty", "access_fee", "equity"):
            entry = fair.get(term) or {}
            row[f"fair_{term}"], row[f"fair_{term}_se"] = entry.get("fair"), entry.get("se")
        out[v.option] = row
    return out


def write() -> None:
    dataset = load_dataset()
    entries = []
    start = time.perf_counter()
    for rid, index, assumed in branches(dataset):
        entries.append(
            {
                "request": rid,
                "requester_index": index,
                "assumed": assumed,
                "digest": digest(dataset, rid, index, assumed),
                "options": figures(dataset, rid, index, assumed, REFERENCE_DRAWS, REFERENCE_SEED, exact=False),
            }
        )
        print(f"{rid} requester {index + 1} {assumed}: {time.perf_counter() - start:.0f} s", flush=True)
    payload = {
        "draws": REFERENCE_DRAWS,
        "seed": REFERENCE_SEED,
        "method": "scrambled Sobol (scipy.stats.qmc), 16 independent replicates; every option on the same draws",
        "made_by": "bench/valuation_reference.py --write",
        "branches": entries,
    }
    REFERENCE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}: {len(entries)} branches")


def errors(dataset: Any, reference: dict[str, Any], draws: int) -> list[dict[str, Any]]:
    """Every figure at ``draws`` with the default seed against the reference: value, reference, error, SE."""
    rows = []
    for entry in reference["branches"]:
        found = figures(dataset, entry["request"], entry["requester_index"], entry["assumed"], draws, DEFAULT_SEED)
        for option, ref in entry["options"].items():
            for figure in FIGURES:
                value, expected = found[option][figure], ref[figure]
                rows.append(
                    {
                        "request": entry["request"],
                        "requester": entry["requester_index"] + 1,
                        "assumed": ", ".join(f"{k}={v}" for k, v in entry["assumed"].items()),
                        "option": option,
                        "figure": figure,
                        "value": value,
                        "reference": expected,
                        "se": found[option][f"{figure}_se"],
                        "reference_se": ref[f"{figure}_se"],
                        "within": within(value, expected, unit_of(figure)),
                        "relative": None
                        if value is None or expected is None or expected == 0
                        else abs(value - expected) / abs(expected),
                    }
                )
    return rows


def choose() -> None:
    dataset = load_dataset()
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    print(f"== valuation precision against {reference['draws']:,} draws (seed {reference['seed']})")
    for draws in CANDIDATES:
        start = time.perf_counter()
        rows = errors(dataset, reference, draws)
        worst = max((r for r in rows if r["relative"] is not None), key=lambda r: r["relative"])
        missed = [r for r in rows if not r["within"]]
        print(
            f"{draws:>8,} draws: {len(rows) - len(missed)} of {len(rows)} figures within 1%; largest relative "
            f"error {worst['relative']:.2%} ({worst['request']} requester {worst['requester']} {worst['option']} "
            f"{worst['figure']}); {time.perf_counter() - start:.0f} s"
        )
        for r in missed[:8]:
            print(f"    missed: {r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="remake bench/valuation_reference.json")
    parser.add_argument("--choose", action="store_true", help="print the errors at several numbers of draws")
    args = parser.parse_args()
    if args.write:
        write()
    if args.choose or not args.write:
        choose()


if __name__ == "__main__":
    main()
