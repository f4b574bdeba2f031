"""Export the portfolio and every request's recommendation, ranking and term sheets as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .answers import portfolio_answer, rank_answer, recommend_answer, terms_answer
from .case import Case
from .atomic import write_atomic
from .data import Dataset, load_request
from .safetext import spreadsheet_cell

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
    """Compute everything first (so bad input writes nothing), then write each file atomically."""
    out = Path(out)
    files: dict[str, str] = {}
    portfolio = portfolio_answer(Case(dataset))
    files["portfolio.json"] = _json(portfolio)
    files["portfolio.csv"] = _csv(
        [{**p, "modalities": ";".join(p["modalities"]), "recommended_options": ";".join(p["recommended_options"])}
         for p in portfolio["projects"]],
        list(portfolio["projects"][0]),
    )
    for rid in dataset.request_ids():
        case = Case(dataset, load_request(rid, dataset))
        recommendation = recommend_answer(case)
        ranking = rank_answer(case)
        files[f"{rid}-recommendation.json"] = _json(recommendation)
        files[f"{rid}-recommendation.csv"] = _csv(
            [{"requester_index": r["requester_index"], "requester_kind": r["requester"]["kind"],
              "option": r["option"], "assumed": ";".join(f"{k}={v}" for k, v in r["assumed"].items()),
              "path": " > ".join(f"{s['question']} {s['answer']}" for s in r["path"])}
             for r in recommendation["recommendations"]],
            ["requester_index", "requester_kind", "option", "assumed", "path"],
        )
        files[f"{rid}-ranking.json"] = _json(ranking)
        files[f"{rid}-ranking.csv"] = _csv(
            [{"requester_index": entry["requester_index"], "requester_kind": entry["requester"]["kind"],
              "rank": place, "option": row["option"], "score": row["score"], **row["lever_scores"],
              "flags": "; ".join(f["reason"] for f in row["flags"])}
             for entry in ranking["rankings"] for place, row in enumerate(entry["ranking"], start=1)],
            ["requester_index", "requester_kind", "rank", "option", "score", *dataset.lever_ids, "flags"],
        )
        files.update(_terms_files(rid, terms_answer(case)))
    return [write_atomic(out / name, text) for name, text in files.items()]


def _terms_files(rid: str, answer: dict) -> dict[str, str]:
    """The agreement to sign per requester: JSON as the ``terms`` command prints it, CSV one row per term."""
    rows = [{"requester_index": r["requester_index"], "requester_kind": r["requester"]["kind"],
             "assumed": ";".join(f"{k}={v}" for k, v in r["assumed"].items()), "option": r["option"],
             "term": t["term"], "value": t["value"], "unit": t["unit"], "set_by": ";".join(t["set_by"]),
             "source": t["source"], "rationale": t["rationale"]}
            for r in answer["results"] for t in r["terms"]]
    columns = ["requester_index", "requester_kind", "assumed", "option", "term", "value", "unit", "set_by", "source",
               "rationale"]
    return {f"{rid}-terms.json": _json(answer), f"{rid}-terms.csv": _csv(rows, columns)}
