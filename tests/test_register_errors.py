"""Bad input to the register: one error line naming the field, what was expected and what was found,
exit 2, and nothing written (every table as it was)."""

from __future__ import annotations

import pytest

from imaging_value.register.outputs import export_tables
from imaging_value.register.store import open_register

SIGN = ["sign", "scenario-2", "--requester", "0", "--option", "sme_incubation", "--signed-on", "2026-04-01"]
SIGN += ["--minute", "B/2026/1"]


def _tables(db, tmp_path):
    out = tmp_path / f"tables-{len(list(tmp_path.glob('tables-*')))}"
    register = open_register(db)
    with register.reading() as connection:
        export_tables(connection, out)
    register.close()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


@pytest.fixture()
def signed(cli, register_db, samples):
    def run(*args, data=False):
        return cli("register", *args, "--db", register_db, *(["--data", str(samples)] if data else []))

    assert run(*SIGN, data=True).code == 0
    assert run("event", "scenario-2-r0", "milestone:first_sale", "--on", "2027-01-10", data=True).code == 0
    assert (
        run("royalty", "scenario-2-r0", "--period", "2027Q1", "--net-revenue", "1000", "--on", "2027-04-10").code == 0
    )
    return run


BAD = [
    (
        ["payment", "no-such", "--amount", "10", "--on", "2027-01-01", "--for", "access_fee"],
        "field 'AGREEMENT': expected an agreement in the register (scenario-2-r0); found no-such",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "-10", "--on", "2027-01-01", "--for", "access_fee"],
        "parameter 'amount': expected an amount of at least 0",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "10", "--on", "2026-03-31", "--for", "access_fee"],
        "field 'on': expected a date on or after the agreement was signed (2026-04-01); found 2026-03-31",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "10", "--on", "2027-01-01", "--for", "milestone:first_sale"],
        "field 'for': expected an obligation of scenario-2-r0 that is paid in money (access_fee, equity, royalty:2026Q2..2036Q1); found milestone:first_sale",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "1", "--on", "2027-05-01", "--for", "royalty:2027Q2"],
        "expected a reported period (report royalty:2027Q2 first: register royalty)",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "12.345", "--on", "2027-01-01", "--for", "access_fee"],
        "parameter 'amount': expected an amount in whole pence",
    ),
    (
        ["payment", "scenario-2-r0", "--amount", "10", "--on", "01/02/2027", "--for", "access_fee"],
        "parameter 'on': expected a date as YYYY-MM-DD",
    ),
    (
        ["royalty", "scenario-2-r0", "--period", "2027Q1", "--net-revenue", "5", "--on", "2027-04-20"],
        "parameter 'period': expected a period not reported yet (2027Q1 was reported on 2027-04-10",
    ),
    (
        ["royalty", "scenario-2-r0", "--period", "2026Q1", "--net-revenue", "5", "--on", "2027-04-20"],
        "parameter 'period': expected a quarter of the royalty term (2026Q2..2036Q1); found '2026Q1'",
    ),
    (
        ["royalty", "scenario-2-r0", "--period", "2027Q3", "--net-revenue", "5", "--on", "2027-08-01"],
        "parameter 'on': expected a report date after the period has ended (2027-09-30)",
    ),
    (
        ["royalty", "scenario-2-r0", "--period", "2027Q2", "--net-revenue", "-5", "--on", "2027-08-01"],
        "parameter 'net-revenue': expected an amount of at least 0",
    ),
    (["reverse", "payment:99", "--reason", "typo"], "parameter 'ENTRY': expected an existing payment entry"),
    (["distribute", "--as-of", "2027-13-01"], "parameter 'as-of': expected a date as YYYY-MM-DD"),
]
EVENTS = [
    (
        ["event", "scenario-2-r0", "milestone:first_sale", "--on", "2027-02-01"],
        "expected an event not recorded yet (milestone:first_sale was recorded on 2027-01-10",
    ),
    (
        ["event", "scenario-2-r0", "milestone:moon_landing", "--on", "2027-02-01"],
        "parameter 'EVENT': expected one of milestone:",
    ),
    (
        ["event", "scenario-2-r0", "milestone:regulatory_clearance", "--on", "2025-02-01"],
        "parameter 'on': expected a date on or after the agreement was signed (2026-04-01)",
    ),
    (SIGN, "parameter 'id': expected an agreement id the register does not have yet"),
    (
        ["sign", "scenario-1", "--option", "sme_incubation", "--signed-on", "2026-04-01", "--minute", "B/2"],
        "--assume profit_stage=pre_profit (agreement to sign: sme_incubation); --assume profit_stage=profit_generating --assume curation=raw",
    ),
    (
        [
            "sign",
            "scenario-2",
            "--requester",
            "0",
            "--option",
            "sme_incubation",
            "--assume",
            "profit_stage=pre_profit",
            "--id",
            "x1",
            "--signed-on",
            "2026-04-01",
            "--minute",
            "B/3",
        ],
        "parameter 'assume': expected a fact the request leaves unstated (requester.profit_stage is stated: pre_profit)",
    ),
    (
        [
            "sign",
            "scenario-2",
            "--requester",
            "7",
            "--option",
            "sme_incubation",
            "--signed-on",
            "2026-04-01",
            "--minute",
            "B/4",
        ],
        "requester",
    ),
    (
        [
            "sign",
            "scenario-2",
            "--requester",
            "0",
            "--option",
            "nope",
            "--id",
            "x2",
            "--signed-on",
            "2026-04-01",
            "--minute",
            "B/5",
        ],
        "parameter 'option': expected one of open_research",
    ),
]


def _refused(signed, register_db, tmp_path, args, message):
    """The command exits 2 with one error line holding ``message``, and every table is as it was."""
    before = _tables(register_db, tmp_path)
    result = signed(*args, data=args[0] in ("event", "sign"))
    assert result.code == 2, result.err
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.err
    assert message in lines[0], lines[0]
    assert _tables(register_db, tmp_path) == before


@pytest.mark.parametrize("args, message", BAD + EVENTS, ids=lambda x: " ".join(x)[:60] if isinstance(x, list) else None)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(signed, register_db, tmp_path, args, message):
    _refused(signed, register_db, tmp_path, args, message)


def _gbp(pence, grouped=True):
    """An amount in pence as GBP with two decimals (grouped in thousands as the register prints it, or plain
    as the command line takes it)."""
    return f"{pence // 100:{',' if grouped else ''}}.{pence % 100:02d}"


def test_a_payment_above_what_is_outstanding_is_refused(signed, register_db, tmp_path):
    """The access fee as the register priced it at signing, part paid: a penny more than the rest is refused
    (one line, nothing written); exactly the rest is taken, and settles the fee."""

    def access_fee():
        shown = signed("show", "scenario-2-r0", "--as-of", "2027-01-01", "--json")
        assert shown.code == 0, shown.err
        return next(o for o in shown.json()["obligations"] if o["obligation"] == "access_fee")

    fee = access_fee()
    assert fee["amount_pence"] > 100 and fee["paid_pence"] == 0 and fee["outstanding_pence"] == fee["amount_pence"]
    part = fee["amount_pence"] // 3
    pay = ["payment", "scenario-2-r0", "--on", "2027-01-01", "--for", "access_fee", "--amount"]
    assert signed(*pay, _gbp(part, grouped=False)).code == 0
    rest = fee["amount_pence"] - part
    assert access_fee()["outstanding_pence"] == rest
    message = f"field 'amount': expected at most {_gbp(rest)} GBP (outstanding on access_fee); found {_gbp(rest + 1)}"
    _refused(signed, register_db, tmp_path, [*pay, _gbp(rest + 1, grouped=False)], message)
    assert signed(*pay, _gbp(rest, grouped=False)).code == 0
    settled = access_fee()
    assert settled["paid_pence"] == fee["amount_pence"] and settled["outstanding_pence"] == 0


def test_signing_needs_the_valuation(cli, data_copy, tmp_path):
    """A data folder may go without valuation.yaml, but the register prices what it signs by it: one line, exit 2,
    and no register made."""
    (data_copy / "valuation.yaml").unlink()
    db = tmp_path / "register.sqlite3"
    result = cli("register", *SIGN, "--db", str(db), "--data", str(data_copy))
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err
    assert result.err.strip().splitlines() == [
        "error: valuation.yaml: expected the file to exist in the data folder (the register prices an agreement at "
        "signing by it); found no such file"
    ]
    assert not db.exists()


def test_reading_a_register_that_does_not_exist_creates_nothing(cli, tmp_path):
    missing = tmp_path / "none" / "register.sqlite3"
    for args in (["due"], ["list"], ["check"], ["payment", "a", "--amount", "1", "--on", "2027-01-01", "--for", "x"]):
        result = cli("register", *args, "--db", str(missing))
        assert result.code == 2 and "nothing has been signed at this location yet" in result.err
    assert not missing.exists() and not missing.parent.exists()


def test_an_unknown_database_scheme_is_refused(cli):
    result = cli("register", "list", "--db", "mysql://user:secret@host/db")
    assert result.code == 2 and "mysql://user:***@host/db" in result.err and "secret" not in result.err


def test_the_register_refuses_to_change_or_delete_a_row(signed, register_db):
    import sqlalchemy as sa

    from imaging_value.register.location import resolve

    engine = sa.create_engine(resolve(register_db).url)
    for statement in (
        "UPDATE royalty_reports SET royalty_pence = 1",
        "DELETE FROM agreements",
        "UPDATE audit SET who = 'x'",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    engine.dispose()


def test_check_finds_a_row_changed_behind_its_back(signed, register_db, cli):
    """With the triggers out of the way (as someone with the database's own tools could), check notices."""
    import sqlalchemy as sa

    from imaging_value.register.location import resolve

    assert (
        signed("payment", "scenario-2-r0", "--amount", "10", "--on", "2027-05-01", "--for", "royalty:2027Q1").code == 0
    )
    location = resolve(register_db)
    engine = sa.create_engine(location.url)
    with engine.begin() as connection:
        if location.dialect == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER payments_no_update")
        else:
            connection.exec_driver_sql("DROP TRIGGER payments_append_only ON payments")
        connection.exec_driver_sql("UPDATE payments SET amount_pence = 5")
    engine.dispose()
    result = signed("check")
    assert result.code == 1
    assert "does not match its audit row's digest" in result.err and "ledger" in result.err
