"""Scenarios: a request's facts edited by hand, checked, compared with the saved request, and saved.

A scenario's facts are a plain mapping in the shape of a request file
(``facts_of`` turns a :class:`Request` into one). :func:`validate_facts` checks
them as the loader checks a file, every problem at once; :func:`request_text`
writes them with the field order and comments of the README's request example;
:func:`save_request` writes that text into the data folder's ``requests/``,
atomically, never over an existing file unless asked; :func:`what_changed`
says, in a few sentences, which answers differ from the saved request's and why.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.atomic import describe_kind, write_atomic
from ..core.errors import DataValidationError, ParameterError, Problem, WriteError
from ..model.data import Dataset, load_request_file, request_display_name
from ..model.files import problems_from
from ..model.schema import (
    COMMERCIAL_KINDS,
    DEIDENTIFICATIONS,
    FACT_VALUES,
    QUESTION_FIELDS,
    SITE_KINDS,
    UNSTATED,
    Request,
)
from .agreement import Agreement, principle_names
from .guidance import GuidanceCheck
from .scoring import ScoreTable
from .terms import TermSheet
from .tree import Recommendation

__all__ = [
    "facts_of",
    "validate_facts",
    "request_text",
    "save_request",
    "what_changed",
    "answers",
    "no_answers",
    "Answers",
    "RequestExistsError",
    "problem_key",
    "COMMENTS",
]

# The README's request example, comment for comment (key path -> comment; continuation lines after "\n").
COMMENTS: dict[str, str] = {
    "id": "lower case, digits, - and _; must match the file name",
    "temporality": " | ".join(FACT_VALUES["request.temporality"] or ()),
    "curation": " | ".join(FACT_VALUES["request.curation"] or ()),
    "deidentification": f"a non-empty list of {', '.join(DEIDENTIFICATIONS)}; or the word {UNSTATED}",
    "sites.count": "a whole number from 1 to 10,000 (not true/false)",
    "sites.kinds": f"any of {', '.join(SITE_KINDS)}; one per site\n"
    "(as many as count) when each site's kind is known; with\n"
    "contributions, only kinds the contributing sites have",
    "sites.contributions": "optional: one entry per site (for sharing value among sites)",
    "sites.contributions.first": "images 0 to 1e12; no thousands commas",
    "requesters": "one or more; each is evaluated on its own",
    "requesters.kind": " | ".join(FACT_VALUES["requester.kind"] or ()),
    "requesters.profit_stage": " | ".join(FACT_VALUES["requester.profit_stage"] or ())
    + f" ({', '.join(COMMERCIAL_KINDS)}); null otherwise",
    "requesters.sector": "optional free text, e.g. healthtech, pharma, diagnostics (default unstated)",
    "requesters.staff": "optional free text staff band (default unstated)",
    "requesters.name": "optional",
    "modality": "optional: " + " | ".join(FACT_VALUES["request.modality"] or ()),
    "item_kind": "optional: " + " | ".join(FACT_VALUES["request.item_kind"] or ()),
    "items": "optional: how many items in all (where contributions do not give them)",
    "ai_stage": "optional: " + " | ".join(FACT_VALUES["request.ai_stage"] or ()),
    "challenge": "optional: " + " | ".join(FACT_VALUES["request.challenge"] or ()),
    "population": "optional: " + " | ".join(FACT_VALUES["request.population"] or ()),
    "return_horizon": "optional: " + " | ".join(FACT_VALUES["request.return_horizon"] or ()),
}
# the report's other questions (facts.yaml's questions) and the item count, written after data_types where given
_QUESTION_KEYS = (*QUESTION_FIELDS[:2], "items", *QUESTION_FIELDS[2:])
_COMMENT_COLUMN = 32
_REQUESTER_KEYS = ("kind", "profit_stage", "sector", "staff", "name")
_CONTRIBUTION_KEYS = ("site", "kind", "images", "curation_effort")


class RequestExistsError(ParameterError):
    """The request id is taken: a file of that name is already in ``requests/``."""

    def __init__(self, rid: str, path: Path):
        super().__init__("request id", f"a new id (requests/{path.name} exists; confirm to overwrite it)", rid)
        self.path = path


def facts_of(request: Request) -> dict[str, Any]:
    """A request as the plain mapping a request file holds (fields left at their defaults are left out)."""
    facts = request.model_dump(mode="json", exclude_none=True)
    for key in QUESTION_FIELDS:  # the report's other questions: a request file leaves them out when unstated
        if facts.get(key) == UNSTATED:
            del facts[key]
    facts["deidentification"] = (
        request.deidentification if isinstance(request.deidentification, str) else list(request.deidentification)
    )
    return facts


def problem_key(problem: Problem) -> str:
    """A problem's place in the facts as a dotted path, e.g. ``requesters[1].profit_stage``."""
    return ".".join(part for part in (problem.location, problem.field) if part)


def validate_facts(facts: Mapping[str, Any], name: str = "scenario") -> Request:
    """The facts as a :class:`Request`, or a :class:`DataValidationError` listing every problem."""
    from pydantic import ValidationError

    try:
        return Request.model_validate(dict(facts))
    except ValidationError as exc:
        raise DataValidationError(problems_from(exc, name, "")) from None


def _scalar(value: Any) -> str:
    """One value in YAML's flow style, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[:-4].rstrip()
    elif text.endswith("..."):
        text = text[:-3].rstrip()
    return text


def _line(indent: str, body: str, comment_key: str | None) -> list[str]:
    comment = COMMENTS.get(comment_key or "")
    if not comment:
        return [indent + body]
    first, *more = comment.split("\n")
    text = indent + body
    column = max(_COMMENT_COLUMN, len(text) + 1)
    lines = [f"{text.ljust(column)}# {first}"]
    lines += [f"{' ' * column}# {extra}" for extra in more]
    return lines


def request_text(facts: Mapping[str, Any], *, header: str = "") -> str:
    """The request file for these facts, in the README example's field order with its comments.

    The comments go on the first requester's fields, as in the README. ``header`` is a
    comment line put first (e.g. where the scenario came from).
    """
    lines = [f"# {line}" for line in header.splitlines()] if header else []
    for key in ("id", "title", "temporality", "curation", "deidentification", "data_types", *_QUESTION_KEYS):
        if key in facts and facts[key] is not None and not (key in QUESTION_FIELDS and facts[key] == UNSTATED):
            lines += _line("", f"{key}: {_scalar(facts[key])}", key)
    sites = facts.get("sites")
    if isinstance(sites, Mapping):
        lines.append("sites:")
        for key in ("count", "kinds"):
            if key in sites:
                lines += _line("  ", f"{key}: {_scalar(sites[key])}", f"sites.{key}")
        if sites.get("contributions") is not None:
            lines += _line("  ", "contributions:", "sites.contributions")
            for i, entry in enumerate(sites["contributions"]):
                ordered = {k: entry[k] for k in _CONTRIBUTION_KEYS if entry.get(k) is not None}
                lines += _line("    ", f"- {_scalar(ordered)}", "sites.contributions.first" if i == 0 else None)
    requesters = facts.get("requesters")
    if isinstance(requesters, (list, tuple)):
        lines += _line("", "requesters:", "requesters")
        for i, requester in enumerate(requesters):
            present = [k for k in _REQUESTER_KEYS if k in requester and requester[k] is not None]
            for j, key in enumerate(present):
                prefix = "  - " if j == 0 else "    "
                lines += _line(prefix, f"{key}: {_scalar(requester[key])}", f"requesters.{key}" if i == 0 else None)
    return "\n".join(lines) + "\n"


def save_request(
    dataset: Dataset, facts: Mapping[str, Any], rid: str, *, overwrite: bool = False, header: str = ""
) -> Path:
    """Write the facts as ``requests/<rid>.yaml`` in the data folder and return its path.

    The id is checked (the pattern request ids follow), the facts are validated and
    the text written is loaded back and compared before anything is written; then
    the file is written atomically. Without ``overwrite`` it is created only as a new
    file, in one step: when the id is taken, even by a save that started at the same
    moment, :class:`RequestExistsError`, and the other file is left as it is. Invalid
    facts raise :class:`DataValidationError` naming every field, and nothing is written;
    a file that cannot be written raises :class:`WriteError` with the reason.
    """
    rid = rid.strip()
    chosen = copy.deepcopy(dict(facts))
    chosen["id"] = rid
    path = dataset.requests_dir / f"{rid}.yaml"
    name = request_display_name(path, dataset)
    request = validate_facts(chosen, name)  # a bad id is reported as the id field's problem
    text = request_text(facts_of(request), header=header)
    reread = Request.model_validate(yaml.safe_load(text))
    if reread != request:  # the writer must round-trip; a difference is a bug, never a silent change
        raise DataValidationError(
            [Problem(name, "", "", "the saved text to read back as the scenario", "a different request")]
        )
    if os.path.lexists(path) and not path.is_file():
        raise WriteError(name, f"{describe_kind(path)} is there, not a request file")
    try:
        write_atomic(path, text, exclusive=not overwrite, shown=name)
    except FileExistsError:
        raise RequestExistsError(rid, path) from None
    load_request_file(path, dataset)  # as the workbook will read it
    return path


# --- what changed ------------------------------------------------------------------------


def _tree_answers(recommendations) -> tuple[dict[str, tuple[str, set[str]]], set[str]]:
    answers: dict[str, tuple[str, set[str]]] = {}
    for rec in recommendations:
        for step in rec.path:
            answers.setdefault(step.node, (step.question, set()))[1].add(str(step.answer))
    return answers, {rec.option for rec in recommendations}


def _either(values: set[str]) -> str:
    return " or ".join(sorted(values)) if values else "not asked"


@dataclass(frozen=True)
class Answers:
    """The answers "what changed" compares, for one request and requester (the intermediate table)."""

    requesters: int
    recommendations: tuple  # the decision tree's outcomes (Recommendation)
    rules_fired: frozenset[str]  # term rules whose conditions hold
    adjustments: frozenset[str]  # score adjustments that fire
    agreement: frozenset[str]  # the options of the agreement to sign (one per tree outcome)
    guidance: dict[tuple[str, str], str]  # (item, option) -> status


def answers(
    request: Request,
    recommendations: Sequence[Recommendation],
    table: ScoreTable,
    agreements: Sequence[Agreement],
    sheets: Mapping[str, TermSheet],
    guidance: Sequence[GuidanceCheck],
) -> Answers:
    """What :func:`what_changed` compares, from one requester's answers
    (:meth:`imaging_value.engine.case.Case.scenario_answers` passes its own)."""
    return Answers(
        len(request.requesters),
        tuple(recommendations),
        frozenset(rule for sheet in sheets.values() for rule in sheet.fired),
        frozenset(table.fired["id"]),
        frozenset(a.option for a in agreements),
        {(c.item, c.option): c.status for c in guidance},
    )


def no_answers(request: Request) -> Answers:
    """The answers for a requester the request does not have: nothing to compare."""
    return Answers(len(request.requesters), (), frozenset(), frozenset(), frozenset(), {})


def what_changed(dataset: Dataset, before: Answers, after: Answers, requester_index: int = 0) -> list[str]:
    """Sentences saying which answers differ between the saved request and the scenario, and why.

    Compares, for one requester: the decision tree's branches and options, the term
    rules and score adjustments that fire, the agreement to sign, and every national
    principle's status for every option. Empty when nothing differs.
    """

    if requester_index >= before.requesters:
        return [
            f"Requester {requester_index + 1} is new: the saved request has "
            f"{before.requesters} requester{'s' if before.requesters != 1 else ''}, "
            "so there is nothing to compare it with."
        ]
    label = {o.id: o.label for o in dataset.options}
    sentences: list[str] = []

    (old_answers, old_options), (new_answers, new_options) = (_tree_answers(a.recommendations) for a in (before, after))
    for node in dict.fromkeys([*old_answers, *new_answers]):
        question = (new_answers.get(node) or old_answers[node])[0]
        was, now = old_answers.get(node, ("", set()))[1], new_answers.get(node, ("", set()))[1]
        if was != now:
            sentences.append(
                f"The decision tree now answers \u201c{question}\u201d with {_either(now)} (was {_either(was)})."
            )
    if old_options != new_options:
        sentences.append(
            "The decision tree now recommends "
            + _either({label[o] for o in new_options})
            + " (was "
            + _either({label[o] for o in old_options})
            + ")."
        )

    for rule in dataset.agreement.rules:
        if (rule.id in after.rules_fired) != (rule.id in before.rules_fired):
            verb = "now fires" if rule.id in after.rules_fired else "no longer fires"
            sentences.append(f"Term rule {rule.id} {verb}: {rule.rationale}")

    for adj in dataset.adjustments:
        if (adj.id in after.adjustments) != (adj.id in before.adjustments):
            verb = "now applies" if adj.id in after.adjustments else "no longer applies"
            sentences.append(
                f"Adjustment {adj.id} ({label[adj.option]}, {adj.lever} {adj.delta:+g}) {verb}: {adj.rationale}"
            )

    if before.agreement != after.agreement:
        sentences.append(
            "The agreement to sign is now "
            + _either({label[o] for o in after.agreement})
            + " (was "
            + _either({label[o] for o in before.agreement})
            + ")."
        )

    flips: dict[tuple[str, str, str], list[str]] = {}
    for (item, option), status in after.guidance.items():
        was = before.guidance.get((item, option))
        if was is not None and was != status:
            flips.setdefault((item, was, status), []).append(label[option])
    verbs = {
        "meets": "is now met by",
        "breaks": "is now broken by",
        "not applicable": "now does not apply to",
        "to confirm": "is now to confirm for",
    }
    for (item, was, now), options in flips.items():
        sentences.append(
            f"{principle_names(dataset, [item])} {verbs.get(now, 'is now ' + now + ' for')} "
            f"{', '.join(options)} (was {was})."
        )
    return sentences
