"""The agreements register end to end, through the command line: the sample requests' agreements signed
(against a copy of the samples in which one option's template caps its royalty: the samples cap none), three
simulated years of milestones, payments and royalty reports, distributed; the ledger balances to the penny and
the transparency page shows what the data says it may (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta

import pytest
import yaml

from imaging_value.engine.case import Case
from imaging_value.model.data import load_request
from imaging_value.register.money import pounds
from imaging_value.register.periods import Period, parse_period
from imaging_value.reports.register import register_report, transparency_report

START = date(2026, 4, 1)
YEAR_ENDS = (date(2027, 3, 31), date(2028, 3, 31), date(2029, 3, 31))
CLEARANCE, FIRST_SALE = date(2027, 1, 15), date(2027, 9, 1)
# the samples cap no royalty: the tests give this option's template a cap, in a copy of the data folder
CAPPED, CAP_GBP = "scale_up_licence", 1_000_000


@pytest.fixture()
def capped_data(data_copy):
    """A writable copy of the sample data whose ``CAPPED`` template caps its royalty at ``CAP_GBP``."""
    path = data_copy / "terms.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    template = next(t for t in spec["templates"] if t["option"] == CAPPED)
    assert not any(term["term"] == "royalty_cap" for term in template["terms"])
    at = next(n for n, term in enumerate(template["terms"]) if term["term"] == "royalty") + 1
    cap = {"term": "royalty_cap", "value": CAP_GBP, "min": 0, "max": 10_000_000}
    cap |= {"source": "this framework's reading", "rationale": "A ceiling on what the royalty returns in all."}
    template["terms"].insert(at, cap)
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data_copy


def _sample_agreements(dataset):
    """Every requester of every sample request, with the first tree branch's facts and its agreement to sign."""
    found = []
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        case = Case(dataset, request)
        for index in range(len(request.requesters)):
            agreement = case.agreements(index)[0]
            assumed = {k: (v if isinstance(v, str) else v[0]) for k, v in agreement.assumed.items()}
            found.append((rid, index, agreement.option, assumed))
    return found


class Run:
    """The command line against one register, remembering every amount the test paid."""

    def __init__(self, cli, db, data):
        self.cli, self.db, self.data = cli, db, str(data)
        self.paid = defaultdict(int)  # agreement -> pence

    def ok(self, *args, data=False):
        extra = ["--db", self.db] + (["--data", self.data] if data else [])
        result = self.cli("register", *args, *extra)
        assert result.code == 0, result.err
        return result

    def json(self, *args, data=False):
        return self.ok(*args, "--json", data=data).json()

    def pay(self, agreement, obligation, pence, on):
        self.ok(
            "payment",
            agreement,
            "--amount",
            pounds(pence).replace(",", ""),
            "--on",
            on.isoformat(),
            "--for",
            obligation,
        )
        self.paid[agreement] += pence


def _simulate(run, dataset):
    """The sample agreements (as the samples' own answers have them) signed against ``run``'s data folder, and
    three years of their obligations met."""
    signed = []
    agreements = _sample_agreements(dataset)
    assert CAPPED in {option for _rid, _index, option, _assumed in agreements}
    for n, (rid, index, option, assumed) in enumerate(agreements):
        args = ["sign", rid, "--requester", str(index), "--option", option, "--signed-on", START.isoformat()]
        args += ["--minute", f"B/2026/{n + 1}"]
        for k, v in assumed.items():
            args += ["--assume", f"{k}={v}"]
        answer = run.json(*args, data=True)
        assert answer["option"] == option and answer["version"] == 1
        signed.append(answer["agreement"])
    assert len(signed) == sum(len(load_request(r, dataset).requesters) for r in dataset.request_ids())

    capped_one = None
    for a in signed:
        owed = {o["obligation"]: o for o in run.json("show", a, "--as-of", START.isoformat())["obligations"]}
        # year one: what falls due at signing is paid on its due date; deliverables delivered when due
        for ob, o in owed.items():
            if (
                o["kind"] in ("fee", "subscription")
                and o["due_on"]
                and date.fromisoformat(o["due_on"]) <= YEAR_ENDS[-1]
            ):
                run.pay(a, ob, o["amount_pence"], date.fromisoformat(o["due_on"]))
            if o["kind"] in ("in_kind", "equity", "deliverable"):
                run.ok("event", a, f"delivered:{ob}", "--on", o["due_on"], data=True)
        run.ok("event", a, "milestone:regulatory_clearance", "--on", CLEARANCE.isoformat(), data=True)
        run.ok("event", a, "milestone:first_sale", "--on", FIRST_SALE.isoformat(), data=True)
        after = {o["obligation"]: o for o in run.json("show", a, "--as-of", "2027-10-01")["obligations"]}
        for ob, o in after.items():  # milestones and a fee deferred to the first sale are now due
            if (
                o["kind"] in ("milestone", "fee")
                and o["state"] in ("due", "overdue", "upcoming")
                and o["outstanding_pence"]
            ):
                run.pay(a, ob, o["outstanding_pence"], date.fromisoformat(o["due_on"]) - timedelta(days=5))
        terms = {t["term"]: t["value"] for t in run.json("show", a)["terms"]}
        if not (terms.get("royalty") or terms.get("profit_share")):
            continue
        # quarterly reports: nothing before the first sale, then revenue growing each quarter
        period, revenue = Period.of(START), 0
        while period.end < YEAR_ENDS[-1]:
            if period.start > FIRST_SALE:
                revenue += 150_000_00
            net = revenue
            if capped_one is None and terms.get("royalty_cap") and period == parse_period("2028Q2"):
                net = int(terms["royalty_cap"] / terms["royalty"] * 100 * 100) * 2  # twice what reaches the cap
                capped_one = a
            args = ["royalty", a, "--period", period.label, "--net-revenue", pounds(net).replace(",", "")]
            args += ["--on", (period.end + timedelta(days=20)).isoformat()]
            if terms.get("profit_share"):
                args += ["--profit", pounds(net // 4).replace(",", "")]
            report = run.json(*args)
            due = int(report["royalty_gbp"].replace(",", "").replace(".", "")) + int(
                report["profit_share_gbp"].replace(",", "").replace(".", "")
            )
            if due:
                run.pay(a, f"royalty:{period.label}", due, period.end + timedelta(days=30))
            period = period.next()
    return signed, capped_one


def test_three_years_of_the_sample_agreements_balance_to_the_penny(cli, register_db, dataset, capped_data, tmp_path):
    run = Run(cli, register_db, capped_data)
    signed, capped_one = _simulate(run, dataset)

    # a correction: a payment reversed (the day after it was recorded) and recorded again
    first = run.json("show", signed[0])["payments"][0]
    again = (date.fromisoformat(first["received_on"]) + timedelta(days=1)).isoformat()
    run.ok("reverse", f"payment:{first['id']}", "--reason", "recorded against the wrong reference", "--on", again)
    run.ok(
        "payment",
        signed[0],
        "--amount",
        first["amount_gbp"].replace(",", ""),
        "--on",
        again,
        "--for",
        first["obligation"],
    )

    for n, year_end in enumerate(YEAR_ENDS):
        extra = ["--statements", str(tmp_path / "statements")] if n == 2 else []
        run.ok("distribute", "--as-of", year_end.isoformat(), *extra)

    # money received after the last distribution stays held: the last quarter, reported and paid in April
    late = next(a for a in signed if a != capped_one and run.json("show", a)["royalty_reports"])
    report = run.json(
        "royalty",
        late,
        "--period",
        "2029Q1",
        "--net-revenue",
        "1000000",
        "--on",
        "2029-04-15",
        *(["--profit", "250000"] if any(t["term"] == "profit_share" for t in run.json("show", late)["terms"]) else []),
    )
    held = int(report["royalty_gbp"].replace(",", "").replace(".", "")) + int(
        report["profit_share_gbp"].replace(",", "").replace(".", "")
    )
    run.pay(late, "royalty:2029Q1", held, date(2029, 4, 30))

    checked = run.json("check")
    assert checked["ok"] and checked["problems"] == []
    totals = checked["totals_pence"]
    assert totals["in"] == sum(run.paid.values()) > 0  # everything the test paid, to the penny
    assert totals["in"] == totals["held"] + totals["trusts"] + totals["broker"]
    assert totals["held"] == held
    broker_share = 0.10
    assert abs(totals["broker"] - broker_share * (totals["in"] - held)) <= len(signed) * len(
        YEAR_ENDS
    )  # a penny a split

    # the capped royalty: the cap is reached and not exceeded, and later quarters owe nothing
    assert capped_one is not None
    shown = run.json("show", capped_one, "--as-of", "2029-06-30")
    assert shown["option"] == CAPPED
    cap = {t["term"]: t["value"] for t in shown["terms"]}["royalty_cap"]
    assert cap == CAP_GBP  # the template's cap, as the register recorded it at signing
    royalties = sum(r["royalty_pence"] for r in shown["royalty_reports"])
    assert royalties == round(cap * 100)
    capped = next(r["period"] for r in shown["royalty_reports"] if r["capped"])  # where the cap was reached
    later = [s for s in shown["obligations"] if s["kind"] == "royalty" and s["obligation"].split(":")[1] > capped]
    assert later and all(s["state"] in ("not_owed", "settled") and not s["outstanding_pence"] for s in later)
    assert {s["obligation"]: s["state"] for s in later}["royalty:2029Q1"] == "not_owed"  # never reported: the cap

    # each trust's statement adds up to what the ledger gave it; together, to what the trusts got
    exported = tmp_path / "export"
    run.ok("export", "--out", str(exported))
    with open(exported / "ledger.csv", encoding="utf-8") as handle:
        ledger = list(csv.DictReader(handle))
    by_trust = defaultdict(int)
    for line in ledger:
        if line["account"] == "trust":
            by_trust[line["payee"]] += int(line["amount_pence"])
    statements = sorted((tmp_path / "statements").glob("statement-*.csv"))
    assert len(statements) == len(by_trust) and sorted((tmp_path / "statements").glob("statement-*.html"))
    stated = defaultdict(int)
    for path in statements:
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                stated[row["trust"]] += int(row["amount_pence"])
    assert stated == by_trust and sum(stated.values()) == totals["trusts"]
    for name in (
        "agreements",
        "agreement_sites",
        "obligations",
        "events",
        "payments",
        "royalty_reports",
        "distributions",
        "ledger",
        "audit",
    ):
        assert (exported / f"{name}.csv").is_file()

    # the transparency page shows what transparency.yaml allows: partners, bands, and says what it withholds
    page = transparency_report(db=register_db, data_dir=str(capped_data), as_of="2029-06-30")
    html = page.signed()
    spec = yaml.safe_load((capped_data / "transparency.yaml").read_text(encoding="utf-8"))
    rules = {f["field"]: f for f in spec["fields"]}
    assert rules["royalty"]["publish"] == "withhold" and rules["value_returned"]["publish"] == "band"
    for s in page.agreements:
        assert s.partner.replace("&", "&amp;") in html
        assert f"GBP {pounds(s.received_pence)}" not in html  # banded, never the exact amount
        if s.royalty_rate:
            assert f"{s.royalty_rate:g}% of net revenue" not in html
    assert html.count("<i>withheld</i>") == len(page.agreements) * sum(
        f["publish"] == "withhold" for f in spec["fields"]
    )
    assert rules["royalty"]["rationale"] in html

    board = register_report(db=register_db, data_dir=str(capped_data), as_of="2029-03-31")
    assert f"received GBP {pounds(totals['in'] - held)}" in board.key_findings()


def test_the_transparency_page_follows_the_data(cli, register_db, capped_data):
    data = capped_data
    run = Run(cli, register_db, data)
    run.ok(
        "sign",
        "scenario-3",
        "--option",
        "scale_up_licence",
        "--assume",
        "temporality=retrospective",
        "--signed-on",
        "2026-04-01",
        "--minute",
        "B/1",
        data=True,
    )
    run.pay("scenario-3-r0", "access_fee", 1_234_56, date(2026, 4, 20))
    terms = {t["term"]: t["value"] for t in run.json("show", "scenario-3-r0")["terms"]}
    assert terms["royalty"] > 0 and terms["royalty_cap"] == CAP_GBP
    rate = f"{terms['royalty']:g}% of net revenue"
    spec = yaml.safe_load((data / "transparency.yaml").read_text(encoding="utf-8"))
    banded = transparency_report(db=register_db, data_dir=str(data), as_of="2026-12-31").signed()
    assert "GBP 0 to 10,000" in banded and "1,234.56" not in banded and rate not in banded
    for entry in spec["fields"]:
        if entry["field"] in ("royalty", "value_returned", "partner"):
            entry["publish"] = "withhold" if entry["field"] == "partner" else "show"
    (data / "transparency.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    shown = transparency_report(db=register_db, data_dir=str(data), as_of="2026-12-31").signed()
    assert "GBP 1,234.56" in shown and f"{rate}, capped at GBP {CAP_GBP:,}.00" in shown
    assert "UK SME over 50 staff" not in shown  # not in the heading either: the partner's row says withheld
    assert "<th>Partner</th><td><i>withheld</i>" in shown
