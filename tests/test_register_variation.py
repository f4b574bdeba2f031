"""Variations and the audit trail: a change of terms is a new version that refers to the one before, the
signed version is kept as it was, what had fallen due stays owed; every change has its audit row."""

from __future__ import annotations

import csv
from decimal import Decimal

SIGN = ["sign", "scenario-4", "--requester", "1", "--option", "enterprise_licence", "--signed-on", "2026-04-01"]
SIGN += ["--minute", "B/2026/3", "--assume", "temporality=retrospective", "--assume", "curation=cleaned"]


def test_a_variation_is_a_new_version_and_keeps_what_was_owed(cli, register_db, samples, tmp_path):
    def run(*args, data=False, by="clerk-a"):
        result = cli("register", *args, "--db", register_db, "--by", by, *(["--data", str(samples)] if data else []))
        assert result.code == 0, result.err
        return result

    def read(*args):
        result = cli("register", *args, "--db", register_db, "--json")
        assert result.code == 0, result.err
        return result.json()

    run(*SIGN, data=True)
    first = read("show", "scenario-4-r1", "--as-of", "2026-06-01")
    subscription = next(o for o in first["obligations"] if o["obligation"] == "subscription:1")
    run("payment", "scenario-4-r1", "--amount", "20000", "--on", "2026-04-20", "--for", "subscription:1")

    # varied to a cost-recovery licence: no subscription in its terms, but year one's had fallen due
    vary = [
        "vary",
        "scenario-4-r1",
        "--option",
        "cost_recovery_access",
        "--signed-on",
        "2026-06-01",
        "--minute",
        "B/2026/9",
    ]
    vary += ["--assume", "temporality=retrospective", "--assume", "curation=raw"]
    answer = cli("register", *vary, "--db", register_db, "--by", "clerk-b", "--data", str(samples), "--json")
    assert answer.code == 0, answer.err
    assert answer.json()["version"] == 2 and answer.json()["option"] == "cost_recovery_access"

    now = read("show", "scenario-4-r1", "--as-of", "2026-06-02")
    assert now["version"] == 2 and [v["version"] for v in now["versions"]] == [1, 2]
    assert now["starts_on"] == "2026-04-01" and now["signed_on"] == "2026-06-01"
    owed = {o["obligation"]: o for o in now["obligations"]}
    assert "subscription:1" in owed and "subscription:2" not in owed  # fell due before the variation: still owed
    assert owed["subscription:1"]["paid_pence"] == 20000_00
    assert owed["subscription:1"]["outstanding_pence"] == subscription["amount_pence"] - 20000_00
    assert "milestone:nhs_adoption" not in owed  # the new terms have none, and it had not fallen due
    # the signed version is kept as it was signed
    old = read("show", "scenario-4-r1", "--version", "1")
    assert old["option"] == "enterprise_licence" and old["minute"] == "B/2026/3"
    assert read("check")["ok"]

    due = read("due", "--as-of", "2026-06-15")
    assert any(s["obligation"] == "subscription:1" and s["agreement"] == "scenario-4-r1" for s in due["overdue"])

    # the audit trail: who, when, what and the command, for every change
    assert cli("register", "export", "--out", str(tmp_path / "export"), "--db", register_db).code == 0
    with open(tmp_path / "export" / "audit.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["action"] for r in rows] == ["sign", "payment", "vary"]
    assert [r["who"] for r in rows] == ["clerk-a", "clerk-a", "clerk-b"]
    assert rows[2]["command"].startswith("imaging-value register vary scenario-4-r1 --option cost_recovery_access")
    assert all(r["at"].endswith("Z") and len(r["digest"]) == 64 for r in rows)
    with open(tmp_path / "export" / "agreements.csv", encoding="utf-8") as handle:
        versions = list(csv.DictReader(handle))
    assert versions[1]["varies"] == versions[0]["id"] and versions[1]["signed_by"] == "clerk-b"


def test_a_variation_must_not_predate_the_version_it_varies(cli, register_db, samples):
    assert cli("register", *SIGN, "--db", register_db, "--data", str(samples)).code == 0
    vary = ["vary", "scenario-4-r1", "--option", "cost_recovery_access", "--signed-on", "2026-03-01", "--minute", "B/9"]
    vary += ["--assume", "temporality=retrospective", "--assume", "curation=raw"]
    result = cli("register", *vary, "--db", register_db, "--data", str(samples))
    assert result.code == 2 and "parameter 'signed-on': expected a date on or after the version it varies" in result.err


def test_corrections_are_reversing_entries(cli, register_db, samples):
    """A royalty report, an event and a payment reversed: the originals stay, the reversals cancel them,
    the period can be reported again; a reversal cannot be reversed, nor an entry reversed twice."""

    def run(*args, data=False, code=0):
        result = cli("register", *args, "--db", register_db, *(["--data", str(samples)] if data else []), "--json")
        assert result.code == code, result.err
        return result.json() if code == 0 else result.err

    run(
        "sign",
        "scenario-2",
        "--requester",
        "1",
        "--option",
        "strategic_codevelopment",
        "--signed-on",
        "2026-04-01",
        "--minute",
        "B/1",
        data=True,
    )
    terms = {t["term"]: t["value"] for t in run("show", "scenario-2-r1")["terms"]}
    rate, share = Decimal(repr(terms["royalty"])), Decimal(repr(terms["profit_share"]))
    assert rate > 0 and share > 0 and "royalty_cap" not in terms  # both owed, in full

    def owes(percent, pounds):
        """``percent`` of ``pounds``, in pence (the sample rates are in hundredths of a per cent: exact)."""
        pence = percent * pounds
        assert pence == int(pence)
        return int(pence)

    def gbp(pence):
        return f"{pence // 100:,}.{pence % 100:02d}"

    report = run(
        "royalty",
        "scenario-2-r1",
        "--period",
        "2026Q3",
        "--net-revenue",
        "100000",
        "--profit",
        "-5000",
        "--on",
        "2026-10-10",
    )
    first = owes(rate, 100000)
    assert first > 0 and report["royalty_gbp"] == gbp(first)
    assert report["profit_share_gbp"] == "0.00"  # a loss owes no profit share
    reversal = run("reverse", report["entry"], "--reason", "revenue restated", "--on", "2026-10-20")
    assert "reverses royalty" in run("reverse", reversal["reversal"], "--reason", "x", "--on", "2026-10-21", code=2)
    assert "not reversed yet" in run("reverse", report["entry"], "--reason", "again", "--on", "2026-10-21", code=2)
    again = run(
        "royalty",
        "scenario-2-r1",
        "--period",
        "2026Q3",
        "--net-revenue",
        "80000",
        "--profit",
        "1000",
        "--on",
        "2026-10-25",
    )
    royalty, profit_share = owes(rate, 80000), owes(share, 1000)
    assert royalty != first  # the report that stands is the restated one
    assert again["royalty_gbp"] == gbp(royalty) and again["profit_share_gbp"] == gbp(profit_share)
    event = run("event", "scenario-2-r1", "milestone:regulatory_clearance", "--on", "2026-11-01", data=True)
    run("reverse", event["entry"], "--reason", "clearance was for another product", "--on", "2026-11-02")
    run("event", "scenario-2-r1", "milestone:regulatory_clearance", "--on", "2026-11-20", data=True)
    owed = {o["obligation"]: o for o in run("show", "scenario-2-r1", "--as-of", "2026-12-31")["obligations"]}
    assert owed["milestone:regulatory_clearance"]["due_on"] == "2026-12-20"  # 30 days after the event that stands
    assert owed["royalty:2026Q3"]["amount_pence"] == royalty + profit_share
    amount = f"{(royalty + profit_share) // 100}.{(royalty + profit_share) % 100:02d}"
    paid = run("payment", "scenario-2-r1", "--amount", amount, "--on", "2026-11-10", "--for", "royalty:2026Q3")
    run("reverse", paid["entry"], "--reason", "bounced", "--on", "2026-11-12")
    shown = run("show", "scenario-2-r1", "--as-of", "2026-12-31")
    assert [p["amount_pence"] for p in shown["payments"]] == [royalty + profit_share, -(royalty + profit_share)]
    outstanding = {o["obligation"]: o for o in shown["obligations"]}["royalty:2026Q3"]["outstanding_pence"]
    assert outstanding == royalty + profit_share
    checked = run("check")
    assert checked["ok"] and checked["totals_pence"]["in"] == 0
