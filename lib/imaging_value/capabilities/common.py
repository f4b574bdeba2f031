"""What the built-in capabilities share: the answer's requester entry, the text's requester, the seed argument,
the core files they declare, and how a table's number is shown.

Light: the command line builds its sub-commands from the capability modules, which import this.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.defaults import DEFAULT_SEED
from ..engine.capability import DataFile, Result

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..model.schema import Request

__all__ = [
    "requester_entry",
    "who",
    "outcome_line",
    "add_seed_argument",
    "core_files",
    "computed",
    "joined",
    "number",
    "LABELS",
    "with_labels",
    "labeller",
    "fact_words",
]

# the key under which the command line gives a text function the labels of the ids an answer names (the text
# shows labels; the JSON keeps the ids)
LABELS = "labels"


def with_labels(dataset: Any, answer: dict) -> dict:
    """The answer with the labels of every option, lever and stakeholder profile under :data:`LABELS`, for its
    text (never for its JSON)."""
    labels = {record.id: record.label for record in (*dataset.options, *dataset.levers)}
    labels.update({p.name: p.label for p in (*dataset.profiles, *dataset.summit_profiles)})
    return {**answer, LABELS: labels}


def labeller(answer: dict) -> Callable[[Any], str]:
    """The label of an id the answer names (the id itself where the answer carries no labels)."""
    labels = answer.get(LABELS, {})
    return lambda key: labels.get(key, key) if isinstance(key, str) else str(key)


def fact_words(assumed: dict) -> str:
    """Assumed facts in words: 'profit stage pre-profit, curation raw'."""
    return ", ".join(
        f"{k.replace('_', ' ')} {' or '.join(v) if isinstance(v, list) else str(v).replace('_', '-')}"
        for k, v in assumed.items()
    )


def requester_entry(request: Request, index: int) -> dict[str, Any]:
    """The start of every per-requester entry of an answer: its position (from 0) and its summary."""
    return {"requester_index": index, "requester": request.requester(index).summary()}


def who(entry: dict) -> str:
    """A requester as human-facing text numbers it: from 1, as the reports do (JSON keeps the index from 0)."""
    requester = entry["requester"]
    return f"requester {entry['requester_index'] + 1} ({requester.get('name') or requester['kind'].replace('_', ' ')})"


def outcome_line(entry: dict, label: Callable[[str], str] = str) -> str:
    """'requester N (kind): option  [assuming fact value, ...]' for a recommend or terms entry (N from 1)."""
    assumed = fact_words(entry["assumed"])
    return f"{who(entry)}: {label(entry['option'])}" + (f"  [assuming {assumed}]" if assumed else "")


def add_seed_argument(p: argparse.ArgumentParser) -> None:
    """``--seed``, defaulting to the one default seed (every seeded sub-command takes it the same way)."""
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="random seed (default: %(default)s)")


def core_files(*names: str) -> tuple[DataFile, ...]:
    """The core data files a capability reads (the loader reads them itself; the capability says it needs them)."""
    return tuple(DataFile(name, core=True) for name in names)


def computed(name: str, answer: Callable[[Case], dict]) -> Callable[[Case], Result]:
    """A capability's ``compute``: its answer function's JSON, as the capability's :class:`Result`."""

    def compute(case: Case) -> Result:
        return Result(name, answer(case))

    compute.__name__ = f"compute_{name}"
    return compute


def joined(mapping: dict) -> str:
    """A mapping in one CSV cell: ``key=value;key=value``."""
    return ";".join(f"{k}={v}" for k, v in mapping.items())


def number(value: Any, digits: int) -> str:
    """A table's number as the board reads it: rounded, no trailing zeros (6.4, 7, 0.125)."""
    return f"{round(float(value), digits):g}"
