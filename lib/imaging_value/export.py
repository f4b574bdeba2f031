"""Export the capabilities' answers as JSON and CSV: the portfolio, and every request's recommendation, ranking,
term sheets and any other registered capability with an export stem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .capabilities import capabilities
from .core.atomic import write_atomic
from .core.safetext import spreadsheet_cell
from .engine.case import Case
from .model.data import Dataset, load_request

__all__ = ["export_all"]


def _csv(rows: list[dict], columns: list[str]) -> str:
    """CSV text; a text cell a spreadsheet would run as a formula is neutralised (numbers stay numbers)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _json(answer: dict) -> str:
    return json.dumps(answer, indent=2, ensure_ascii=False) + "\n"


def export_all(dataset: Dataset, out: str | Path) -> list[Path]:
    """Every registered capability with an export stem, for the data folder (``<stem>.json``) or for each request
    (``<request>-<stem>.json``), with a CSV where the capability gives rows. Everything is computed first
    (so bad input writes nothing), then each file is written atomically."""
    out = Path(out)
    exported = [cap for cap in capabilities() if cap.export is not None]
    files: dict[str, str] = {}
    cases = [("", Case(dataset))]
    cases += [(f"{rid}-", Case(dataset, load_request(rid, dataset))) for rid in dataset.request_ids()]
    for prefix, case in cases:
        for cap in exported:
            if (cap.scope == "dataset") != (case.request is None):
                continue
            answer = case.result(cap.name).to_dict()
            files[f"{prefix}{cap.export}.json"] = _json(answer)
            if cap.csv is not None:
                files[f"{prefix}{cap.export}.csv"] = _csv(*cap.csv(dataset, answer))
    return [write_atomic(out / name, text) for name, text in files.items()]
