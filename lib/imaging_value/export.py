"""Export the capabilities' answers as JSON and CSV: the portfolio, and every request's recommendation, ranking,
term sheets and any other registered capability with an export stem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .capabilities import capabilities
from .core.atomic import replace_folder
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


EXPORT_SUFFIXES = (".json", ".csv")  # what the export writes: a folder holding only these may be replaced
EXPECTED_FOLDER = (
    "a folder for the export alone: absent, empty, or holding only an earlier export's .json and .csv files"
)


def _export_folder(folder: Path) -> bool:
    """True when ``folder`` holds nothing but what an export writes (so replacing it loses nothing else)."""
    return all(
        entry.is_file() and not entry.is_symlink() and entry.suffix in EXPORT_SUFFIXES for entry in folder.iterdir()
    )


def export_all(dataset: Dataset, out: str | Path) -> list[Path]:
    """Every registered capability with an export stem, for the data folder (``<stem>.json``) or for each request
    (``<request>-<stem>.json``), with a CSV where the capability gives rows.

    Everything is computed first (so bad input writes nothing); then the folder ``out`` is replaced as a
    whole: the new files are written in full beside it and swapped in at once, so the folder holds one
    export, never part of two, and a failed write (:class:`~imaging_value.core.errors.WriteError`) leaves
    the earlier export as it was. A folder holding anything else is never replaced (:class:`ParameterError`).
    """
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
    return replace_folder(out, files, replaceable=_export_folder, expected=EXPECTED_FOLDER)
