"""`make bench`: the agreements register at scale. Prints; asserts nothing.

A SQLite register of 2,000 agreements (the sample requests' agreements, each given its own contributing
trusts drawn from 50), 100,000 payments and 4,000 royalty reports, built through the library's own
functions (each batch one transaction, audited); then, target < 2 s each:

- ``register due``: what is overdue and due this quarter, over every obligation (in process, and the
  command as a user runs it, Python's start-up included);
- ``register distribute``: everything held shared among the trusts and the broker, to the penny (on a
  fresh copy of the register each time);
- and, for information, ``register check`` over the whole register.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maths import median_time, report  # noqa: E402
from imaging_value.engine.case import Case  # noqa: E402
from imaging_value.model.data import load_request  # noqa: E402
from imaging_value.register.checks import check  # noqa: E402
from imaging_value.register.distribution import distribute  # noqa: E402
from imaging_value.register.entries import PaymentInput, record_payments, record_royalty  # noqa: E402
from imaging_value.register.money import shares_ppb  # noqa: E402
from imaging_value.register.obligations import timing_for  # noqa: E402
from imaging_value.register.periods import Period  # noqa: E402
from imaging_value.register.queries import due  # noqa: E402
from imaging_value.register.rules import load_register_dataset  # noqa: E402
from imaging_value.register.signing import Site, prepare_option, record_signing  # noqa: E402
from imaging_value.register.store import Actor, open_register  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS, TRUSTS, PAYMENTS, TARGET = 2_000, 50, 100_000, 2.0
AS_OF, DISTRIBUTE_AS_OF = date(2028, 12, 1), date(2028, 12, 31)


def _signings(dataset):
    """Every sample request's agreement to sign, under its first tree branch (prepared once: the valuation runs)."""
    found = []
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        case = Case(dataset, request)
        for index in range(len(request.requesters)):
            agreement = case.agreements(index)[0]
            assumed = {k: (v if isinstance(v, str) else v[0]) for k, v in agreement.assumed.items()}
            found.append(prepare_option(dataset, rid, index, agreement.option, assumed))
    return found


def build(db: str, rng: np.random.Generator) -> dict[str, int]:
    """The register at scale, through the library (sign, royalty reports, payments, one distribution)."""
    dataset = load_register_dataset(ROOT / "data" / "samples")
    timing = timing_for(dataset)
    bases = _signings(dataset)
    trusts = [f"Trust {i + 1:02d}" for i in range(TRUSTS)]
    register = open_register(db, create=True)
    actor = Actor("bench", "bench/bench_register.py")
    starts, fees = {}, {}
    for first in range(0, AGREEMENTS, 250):
        with register.writing(actor) as writer:
            for i in range(first, min(first + 250, AGREEMENTS)):
                base = bases[i % len(bases)]
                chosen = rng.choice(TRUSTS, size=int(rng.integers(1, 21)), replace=False)
                parts = shares_ppb(list(rng.dirichlet(np.ones(len(chosen)))))
                sites = tuple(Site(trusts[t], "large_trust", 1000.0, p) for t, p in zip(chosen, parts))
                signed_on = date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 730)))
                name, _row = record_signing(
                    writer,
                    replace(base, sites=sites),
                    timing,
                    signed_on=signed_on,
                    minute=f"B/{i}",
                    agreement=f"bench-{i:04d}",
                )
                starts[name] = signed_on
                fees[name] = round(base.terms["access_fee"] * 100)
    royalty_payments = []
    with register.writing(actor) as writer:
        for name, start in starts.items():
            base = bases[int(name.split("-")[1]) % len(bases)]
            if not base.terms.get("royalty"):
                continue
            period = Period.of(start).next()
            for _ in range(2):
                profit = 1_000_000 if base.terms.get("profit_share") else None
                outcome = record_royalty(
                    writer, name, period, int(rng.integers(0, 50_000_000)), period.end + timedelta(days=20), profit
                )
                owed = outcome.royalty_pence + outcome.profit_share_pence
                if owed:
                    royalty_payments.append(
                        PaymentInput(name, f"royalty:{period.label}", owed, period.end + timedelta(days=40))
                    )
                period = period.next()
    instalments = (PAYMENTS - len(royalty_payments)) // AGREEMENTS
    items = list(royalty_payments)
    for name, start in starts.items():
        each = fees[name] // (instalments + 1)
        items += [
            PaymentInput(name, "access_fee", each, start + timedelta(days=7 * k + 1), f"instalment {k + 1}")
            for k in range(instalments)
        ]
    items += [
        PaymentInput(name, "access_fee", fees[name] // (instalments + 1), start + timedelta(days=3))
        for name, start in list(starts.items())[: PAYMENTS - len(items)]
    ]
    for first in range(0, len(items), 10_000):
        with register.writing(actor) as writer:
            record_payments(writer, items[first : first + 10_000])
    with register.writing(actor) as writer:
        distribute(writer, date(2027, 12, 31))
    with register.reading() as connection:
        counts = {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
            for t in ("agreements", "obligations", "payments", "royalty_reports", "ledger", "audit")
        }
        counts["trusts"] = connection.exec_driver_sql("SELECT count(DISTINCT site) FROM agreement_sites").scalar_one()
    register.close()
    return counts


def verdict(seconds: float) -> str:
    return f"  target < {TARGET:g} s: {'met' if seconds < TARGET else 'MISSED'}"


def main() -> None:
    print("== agreements register (SQLite)")
    folder = Path(tempfile.mkdtemp(prefix="imaging-value-bench-register-"))
    try:
        db = str(folder / "register.sqlite3")
        start = time.perf_counter()
        counts = build(db, np.random.default_rng(20210401))
        print(f"built in {time.perf_counter() - start:.1f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        register = open_register(db)

        def due_now():
            with register.reading() as connection:
                return due(connection, AS_OF)

        seconds, groups = median_time(due_now, 3)
        report(
            "register due (in process)",
            seconds,
            3,
            f"  {sum(len(g) for g in groups.values()):,} listed;" + verdict(seconds),
        )
        command = [
            sys.executable,
            "-m",
            "imaging_value.cli",
            "register",
            "due",
            "--as-of",
            AS_OF.isoformat(),
            "--db",
            db,
        ]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            times.append(time.perf_counter() - start)
        wall = sorted(times)[1]
        report("imaging-value register due (the command)", wall, 3, verdict(wall))
        register.close()

        times, shared = [], 0
        for n in range(3):
            copy = folder / f"copy-{n}.sqlite3"
            shutil.copy(db, copy)
            fresh = open_register(str(copy))
            start = time.perf_counter()
            with fresh.writing(Actor("bench", "distribute")) as writer:
                run = distribute(writer, DISTRIBUTE_AS_OF)
            times.append(time.perf_counter() - start)
            shared = len(run.lines)
            fresh.close()
        seconds = sorted(times)[1]
        report("register distribute (in process, committed)", seconds, 3, f"  {shared:,} lines;" + verdict(seconds))
        copy = folder / "copy-cli.sqlite3"
        shutil.copy(db, copy)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "imaging_value.cli",
                "register",
                "distribute",
                "--as-of",
                DISTRIBUTE_AS_OF.isoformat(),
                "--db",
                str(copy),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        wall = time.perf_counter() - start
        report("imaging-value register distribute (the command)", wall, 1, verdict(wall))

        register = open_register(str(copy))
        start = time.perf_counter()
        with register.reading() as connection:
            result = check(connection)
        print(
            f"register check: {time.perf_counter() - start:.2f} s, {'balanced and complete' if result.ok else result.problems[:3]}"
        )
        register.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
