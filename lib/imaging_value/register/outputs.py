"""Files the register writes: each trust's statement (CSV and HTML) and every table as CSV.

Everything is read in one transaction first, then each file is written atomically, so a failure
leaves no half-written file and the files of one run agree with each other.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..core.atomic import write_atomic
from ..core.safetext import spreadsheet_cell
from .money import pounds
from .queries import trust_statements
from .schema import TABLES
from .store import now

__all__ = ["statement_files", "write_statements", "export_tables", "csv_text", "file_stem"]


def csv_text(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> str:
    """CSV with a header; a text cell a spreadsheet would run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_cell("" if row.get(k) is None else row.get(k)) for k in columns})
    return buffer.getvalue()


def file_stem(name: str) -> str:
    """A trust's name as a file-name stem: letters, digits, - and _ only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_").lower() or "trust"


def statement_files(connection: Connection, register: str) -> dict[str, str]:
    """{file name: text}: ``statement-<trust>.csv`` and ``.html`` for every trust that has been allotted money."""
    from .. import __version__
    from ..present.templates import render_section, report_css

    files: dict[str, str] = {}
    stems: dict[str, int] = defaultdict(int)
    written = now()
    for trust, lines in sorted(trust_statements(connection).items()):
        stem = file_stem(trust)
        stems[stem] += 1
        if stems[stem] > 1:  # two names that make the same stem
            stem = f"{stem}-{stems[stem]}"
        rows = [
            {**line, "trust": trust, "as_of": line["as_of"].isoformat(), "amount_gbp": pounds(line["amount_pence"])}
            for line in lines
        ]
        files[f"statement-{stem}.csv"] = csv_text(
            rows, ["trust", "distribution", "as_of", "agreement", "partner", "amount_pence", "amount_gbp"]
        )
        by_agreement: dict[str, int] = defaultdict(int)
        for line in lines:
            by_agreement[line["agreement"]] += line["amount_pence"]
        partners = {line["agreement"]: line["partner"] for line in lines}
        files[f"statement-{stem}.html"] = render_section(
            "register_statement",
            css=report_css(),
            trust=trust,
            register=register,
            written=written,
            version=__version__,
            by_agreement=[
                {"agreement": a, "partner": partners[a], "amount": pounds(p)} for a, p in sorted(by_agreement.items())
            ],
            total=pounds(sum(by_agreement.values())),
            lines=[{**line, "amount": pounds(line["amount_pence"])} for line in lines],
        )
    return files


def write_statements(connection: Connection, out: str | Path, register: str) -> list[Path]:
    """Every trust's statement into ``out`` (each file written atomically)."""
    return [write_atomic(Path(out) / name, text) for name, text in statement_files(connection, register).items()]


def export_tables(connection: Connection, out: str | Path) -> list[Path]:
    """Every table of the register as ``<table>.csv`` in ``out``, rows in the order they were written."""
    files = {}
    for table in TABLES:
        columns = [c.name for c in table.columns]
        rows = connection.execute(select(table).order_by(table.c.id)).mappings()
        files[f"{table.name}.csv"] = csv_text(
            ({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows), columns
        )
    return [write_atomic(Path(out) / name, text) for name, text in files.items()]
