"""The register under stress: two processes writing at once lose nothing and overpay nothing; a process
killed in the middle of a write leaves the register as it was; the schema the migrations make is the
schema the code declares (on SQLite, and on PostgreSQL where one is given)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from imaging_value.register.checks import check
from imaging_value.register.outputs import export_tables
from imaging_value.register.store import RegisterError, open_register

ROOT = Path(__file__).resolve().parents[1]
SIGN = ["sign", "scenario-2", "--requester", "0", "--option", "sme_incubation", "--signed-on", "2026-04-01"]
SIGN += ["--minute", "B/2026/1"]


@pytest.fixture()
def signed(cli, register_db, samples):
    assert cli("register", *SIGN, "--db", register_db, "--data", str(samples)).code == 0
    return register_db


def _tables(db, out):
    register = open_register(db)
    with register.reading() as connection:
        export_tables(connection, out)
    register.close()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(out).iterdir())}


PAY = """
import sys, time
from datetime import date
from imaging_value.core.errors import DataValidationError
from imaging_value.register.entries import PaymentInput, record_payments
from imaging_value.register.store import Actor, open_register

db, who, count, obligation, pence, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
register = open_register(db)
while time.time() < start:  # both processes begin at the same moment
    time.sleep(0.001)
done = 0
for i in range(count):
    try:
        with register.writing(Actor(who, f"test payment {i}")) as writer:
            record_payments(writer, [PaymentInput("scenario-2-r0", obligation, pence, date(2027, 1, 1), f"{who}-{i}")])
        done += 1
    except DataValidationError:
        pass
print(done)
"""


def _run_two(db, count, obligation, pence):
    """Two processes, each recording ``count`` payments (one transaction each), started at the same moment."""
    start = time.time() + 4
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PAY, db, who, str(count), obligation, str(pence), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("first", "second")
    ]
    outs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _out, err in outs]
    return [int(out.strip()) for out, _err in outs]


def test_two_processes_recording_payments_at_once_lose_nothing(signed):
    done = _run_two(signed, 40, "equity", 1_00)
    assert done == [40, 40]
    register = open_register(signed)
    with register.reading() as connection:
        result = check(connection)
        from sqlalchemy import func, select

        from imaging_value.register.schema import payments

        count, total = connection.execute(select(func.count(), func.sum(payments.c.amount_pence))).one()
    assert result.ok, result.problems
    assert (count, total) == (80, 80_00) and result.totals["in"] == 80_00 == result.totals["held"]


def test_two_processes_cannot_both_pay_the_same_fee(signed, cli):
    """Each checks what is outstanding and pays it all: one succeeds, the other is refused (no overpayment)."""

    def access_fee():
        shown = cli("register", "show", "scenario-2-r0", "--as-of", "2027-01-01", "--db", signed, "--json")
        assert shown.code == 0, shown.err
        return next(o for o in shown.json()["obligations"] if o["obligation"] == "access_fee")

    fee = access_fee()  # the fee as the register priced it at signing
    assert fee["amount_pence"] > 0 and fee["outstanding_pence"] == fee["amount_pence"]
    done = _run_two(signed, 1, "access_fee", fee["amount_pence"])
    assert sorted(done) == [0, 1]
    register = open_register(signed)
    with register.reading() as connection:
        result = check(connection)
    assert result.ok and result.totals["in"] == fee["amount_pence"]
    assert access_fee()["outstanding_pence"] == 0


KILLED = """
import os, signal, sys
from datetime import date
from sqlalchemy import text
from imaging_value.register.distribution import distribute
from imaging_value.register.entries import PaymentInput, record_payments
from imaging_value.register.store import Actor, open_register

register = open_register(sys.argv[1])
with register.writing(Actor("test", "killed in the middle")) as writer:
    record_payments(writer, [PaymentInput("scenario-2-r0", "equity", 100, date(2027, 1, 1))] * 50)
    distribute(writer, date(2027, 12, 31))
    writer.connection.execute(text("SELECT 1"))
    print("written, not committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_kill_in_the_middle_of_a_write_leaves_the_register_as_it_was(signed, tmp_path):
    before = _tables(signed, tmp_path / "before")
    out = subprocess.run([sys.executable, "-c", KILLED, signed], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == -9 and "written, not committed" in out.stdout, out.stderr
    assert _tables(signed, tmp_path / "after") == before
    register = open_register(signed)
    with register.reading() as connection:
        assert check(connection).ok


def test_a_command_killed_at_any_moment_leaves_the_register_before_or_after(cli, signed, tmp_path):
    """The command line killed (SIGKILL) after different delays: each time the register is either as it was
    or as the whole command leaves it, never in between."""
    from imaging_value.register.entries import PaymentInput, record_payments
    from imaging_value.register.store import Actor

    register = open_register(signed)
    with register.writing(Actor("test", "setup")) as writer:
        record_payments(writer, [PaymentInput("scenario-2-r0", "equity", 7, date(2027, 1, 1))] * 2000)
    register.close()
    before = _tables(signed, tmp_path / "before")
    command = [
        sys.executable,
        "-m",
        "imaging_value.cli",
        "register",
        "distribute",
        "--as-of",
        "2027-12-31",
        "--db",
        signed,
    ]
    seen = set()
    for n, delay in enumerate((0.5, 1.0, 1.5, 2.5, 60)):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        now = _tables(signed, tmp_path / f"after-{n}")
        if now == before:
            seen.add("before")
            continue
        seen.add("after")
        assert int(now["distributions.csv"].count("\n")) == 2  # the header and the one run
        break
    assert "after" in seen
    register = open_register(signed)
    with register.reading() as connection:
        result = check(connection)
    assert result.ok and result.totals["held"] == 0 and result.totals["in"] == 2000 * 7


def test_the_migrated_schema_is_the_declared_schema(register_db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from imaging_value.register.schema import metadata

    register = open_register(register_db, create=True)
    with register.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    register.close()
    assert differences == []


def test_the_head_the_register_checks_first_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from imaging_value.register.migrations import HEAD
    from imaging_value.register.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_downgrade_and_upgrade_again(register_db):
    from alembic import command
    from alembic.config import Config

    from imaging_value.register.store import MIGRATIONS

    register = open_register(register_db, create=True)
    with register.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    register.close()
    register = open_register(register_db)  # migrated again on first use
    with register.reading() as connection:
        assert check(connection).ok
    register.close()


def test_a_register_from_a_newer_version_is_refused(register_db, cli):
    register = open_register(register_db, create=True)
    with register.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    register.close()
    with pytest.raises(RegisterError, match="revision 9999, which this version of imaging-value does not know"):
        open_register(register_db)
    result = cli("register", "list", "--db", register_db)
    assert result.code == 1 and "revision 9999" in result.err


def test_two_first_uses_at_once_make_one_register(tmp_path):
    db = str(tmp_path / "new.sqlite3")
    code = "import sys; from imaging_value.register.store import open_register; open_register(sys.argv[1], create=True)"
    processes = [subprocess.Popen([sys.executable, "-c", code, db], cwd=ROOT) for _ in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    register = open_register(db)
    with register.reading() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == "0001"
    assert oct(os.stat(db).st_mode & 0o777) == "0o600"
