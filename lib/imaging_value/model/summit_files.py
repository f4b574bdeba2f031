"""Summit answer files: ``summits/<summit-id>/<group>.yaml`` in the data folder.

One file per stakeholder group and summit, written by hand or by the facilitator form::

    group: clinicians
    method: ahp                 # swing | rank | points | ahp
    date: 2026-11-30
    note: optional free text (e.g. "illustrative")
    participants:               # one entry per participant (counted, never named)
      - {clinical/social: 3, clinical/commercial: "5", social/commercial: "1/2", ...}

Each file is validated like every data file: every problem is reported at once, naming the
file, the participant and the field. A valid file becomes a :class:`SummitProfile`, named
``<summit-id>/<group>`` (a profiles.csv name cannot hold a ``/``, so the two never clash), with
its provenance: summit, method, date, participant count and the file's sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from ..core.errors import DataValidationError, ParameterError, Problem
from ..maths.elicit import METHOD_SOURCES, METHODS, GroupWeights, aggregate_group
from .files import YAML_SUFFIX, file_digest, misnamed_problem, misnamed_yaml, read_yaml, shape_of
from .schema import Profile

__all__ = [
    "AnswerFile",
    "Provenance",
    "SummitProfile",
    "SUMMITS_DIR",
    "read_answer_file",
    "parse_answers",
    "load_summit",
    "load_summit_profiles",
    "summit_ids",
    "answer_yaml",
    "save_answer_file",
]

SUMMITS_DIR = "summits"
IDENT = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
SCALE_MIN, SCALE_MAX = 1 / 9, 9.0  # Saaty's 1 to 9 scale and its reciprocals
TOLERANCE = 1e-6
RECIPROCAL_TOLERANCE = 0.01  # "1/3" against 0.33 when both directions of a pair are written
TOP_KEYS = ("group", "method", "date", "note", "participants")


@dataclass(frozen=True)
class Provenance:
    """Where a summit profile's weights come from."""

    summit: str
    group: str
    method: str
    date: str  # ISO date of the summit session
    participants: int
    file: str  # path inside the data folder, e.g. summits/2026-11/clinicians.yaml
    sha256: str  # digest of the answer file's bytes

    def to_dict(self) -> dict[str, Any]:
        """The provenance as JSON."""
        return dict(self.__dict__)

    def sentence(self) -> str:
        """Where the weights come from, in words: summit, date, participants, group, method and the file's digest."""
        return (
            f"elicited at summit {self.summit} on {self.date} from {self.participants} participant"
            f"{'s' if self.participants != 1 else ''} of {self.group} by {METHOD_SOURCES[self.method]}; "
            f"{self.file} sha256 {self.sha256[:12]}"
        )


class SummitProfile(Profile):
    """A stakeholder profile elicited at a summit: usable wherever a profiles.csv profile is."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*/[a-z0-9][a-z0-9_\-]*$")
    provenance: Provenance


@dataclass(frozen=True)
class AnswerFile:
    """One validated answer file and the group's weights from it."""

    summit: str
    group: str
    method: str
    date: str
    note: str
    participants: tuple[Any, ...]  # normalised answers: dict for swing/points, list for rank, {(a, b): v} for ahp
    result: GroupWeights
    provenance: Provenance

    def profile(self) -> SummitProfile:
        """The group's weights as a stakeholder profile named ``<summit>/<group>``, with its provenance."""
        weights = self.result.weights
        return SummitProfile(
            name=f"{self.summit}/{self.group}",
            label=f"{self.group} (summit {self.summit}, {self.method})",
            rationale=self.provenance.sentence(),
            provenance=self.provenance,
            weights=dict(weights),
        )


# --- values ----------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A number, or a string holding one or a fraction "a/b"; None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        parts = text.split("/")
        try:
            if len(parts) == 1:
                number = float(parts[0])
            elif len(parts) == 2:
                top, bottom = float(parts[0]), float(parts[1])
                if not (top > 0 and bottom > 0):  # "-1/-9" is no judgement, though its quotient is 1/9
                    return None
                number = top / bottom
            else:
                return None
        except (ValueError, ZeroDivisionError):
            return None
        return number if math.isfinite(number) else None
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- participants ------------------------------------------------------------------------


def _check_mapping_levers(
    answer: Any, levers: Sequence[str], file: str, where: str, what: str, problems: list[Problem]
) -> dict[str, float] | None:
    if not isinstance(answer, dict):
        problems.append(Problem(file, where, "", f"a mapping of lever to {what}", _show(answer)))
        return None
    values: dict[str, float] = {}
    for key in answer:
        if key not in levers:
            problems.append(Problem(file, where, str(key), "only the levers " + ", ".join(levers), "an unknown lever"))
    for lever in levers:
        if lever not in answer:
            problems.append(Problem(file, where, lever, f"{what} for this lever", "nothing"))
            continue
        number = _number(answer[lever])
        if number is None or number < 0 or number > 100:
            problems.append(Problem(file, where, lever, f"{what} from 0 to 100", _show(answer[lever])))
            continue
        values[lever] = number
    return values if len(values) == len(levers) and len(answer) == len(levers) else None


def _swing(
    answer: Any, levers: Sequence[str], file: str, where: str, problems: list[Problem]
) -> dict[str, float] | None:
    values = _check_mapping_levers(answer, levers, file, where, "a swing rating", problems)
    if values is None:
        return None
    top = max(values.values())
    if abs(top - 100) > TOLERANCE:
        best = max(values, key=values.__getitem__)
        problems.append(
            Problem(
                file, where, best, "the largest swing rated 100 (the others against it)", f"the largest rated {top:g}"
            )
        )
        return None
    return values


def _points(
    answer: Any, levers: Sequence[str], file: str, where: str, problems: list[Problem]
) -> dict[str, float] | None:
    values = _check_mapping_levers(answer, levers, file, where, "points", problems)
    if values is None:
        return None
    total = sum(values.values())
    if abs(total - 100) > TOLERANCE:
        problems.append(Problem(file, where, "points", "points that sum to 100", f"a sum of {total:g}"))
        return None
    return values


def _rank(answer: Any, levers: Sequence[str], file: str, where: str, problems: list[Problem]) -> list[Any] | None:
    if not isinstance(answer, list) or not answer:
        problems.append(
            Problem(file, where, "", "a ranking: a list of levers, best first (a nested list is a tie)", _show(answer))
        )
        return None
    ranking: list[Any] = []
    seen: list[str] = []
    ok = True
    for place, item in enumerate(answer, start=1):
        group = item if isinstance(item, list) else [item]
        if not group or not all(isinstance(x, str) for x in group):
            problems.append(
                Problem(file, where, f"place {place}", "a lever id or a list of tied lever ids", _show(item))
            )
            ok = False
            continue
        for lever in group:
            if lever not in levers:
                problems.append(
                    Problem(
                        file, where, lever, "only the levers " + ", ".join(levers), f"an unknown lever at place {place}"
                    )
                )
                ok = False
            elif lever in seen:
                problems.append(
                    Problem(file, where, lever, "each lever once in the ranking", f"it again at place {place}")
                )
                ok = False
            seen.append(lever)
        ranking.append(group[0] if not isinstance(item, list) else list(group))
    for lever in levers:
        if lever not in seen:
            problems.append(Problem(file, where, lever, "every lever in the ranking", "it missing"))
            ok = False
    return ranking if ok else None


def _ahp(
    answer: Any, levers: Sequence[str], file: str, where: str, problems: list[Problem]
) -> dict[tuple[str, str], float] | None:
    if not isinstance(answer, dict):
        problems.append(Problem(file, where, "", 'a mapping of "a/b" to how many times a outweighs b', _show(answer)))
        return None
    judged: dict[frozenset[str], tuple[str, str, float]] = {}
    mentioned: set[frozenset[str]] = set()  # pairs written, valid or not (a bad value is not also "missing")
    ok = True
    for key, value in answer.items():
        parts = str(key).split("/")
        if len(parts) != 2 or any(p not in levers for p in parts) or parts[0] == parts[1]:
            problems.append(
                Problem(
                    file,
                    where,
                    str(key),
                    '"a/b" with two different levers: ' + ", ".join(levers),
                    "an unknown comparison",
                )
            )
            ok = False
            continue
        a, b = parts
        mentioned.add(frozenset(parts))
        number = _number(value)
        if number is None or number < SCALE_MIN - TOLERANCE or number > SCALE_MAX + TOLERANCE:
            problems.append(Problem(file, where, str(key), "a judgement from 1/9 to 9 (Saaty's scale)", _show(value)))
            ok = False
            continue
        pair = frozenset((a, b))
        if pair in judged:
            pa, pb, pv = judged[pair]
            if (pa, pb) == (a, b) or abs(pv * number - 1) > RECIPROCAL_TOLERANCE:
                problems.append(
                    Problem(
                        file,
                        where,
                        str(key),
                        f"the reciprocal of {pa}/{pb} = {pv:g}, i.e. {1 / pv:.3g}"
                        if (pa, pb) != (a, b)
                        else "each pair once",
                        _show(value),
                    )
                )
                ok = False
            continue
        judged[pair] = (a, b, number)
    for i, a in enumerate(levers):
        for b in levers[i + 1 :]:
            if frozenset((a, b)) not in mentioned:
                problems.append(
                    Problem(file, where, f"{a}/{b}", f"a judgement of {a} against {b} (either way round)", "nothing")
                )
                ok = False
    if not ok:
        return None
    return {(a, b): v for a, b, v in judged.values()}


CHECKS = {"swing": _swing, "points": _points, "rank": _rank, "ahp": _ahp}


# --- files -------------------------------------------------------------------------------


def parse_answers(
    data: Any, levers: Sequence[str], *, file: str, summit: str, group_from_name: str | None, sha256: str
) -> AnswerFile:
    """Validate an answer file's parsed YAML; raise one :class:`DataValidationError` listing every problem."""
    levers = tuple(levers)
    problems: list[Problem] = []
    if not isinstance(data, dict):  # what the file is, never what it holds (it may be any file at all)
        raise DataValidationError(
            [Problem(file, "top level", "", "a mapping with group, method, date, participants", shape_of(data))]
        )
    for key in data:
        if key not in TOP_KEYS:
            problems.append(
                Problem(file, "top level", str(key), "only the fields " + ", ".join(TOP_KEYS), "an unknown field")
            )
    # each field is kept once it passes its check; one that fails stays None and adds a problem
    group: str | None = None
    given_group = data.get("group")
    if not isinstance(given_group, str) or not IDENT.match(given_group):
        problems.append(
            Problem(file, "top level", "group", "a group id (lower case, digits, - and _)", _show(given_group))
        )
    elif group_from_name is not None and given_group != group_from_name:
        problems.append(
            Problem(file, "top level", "group", f"the file's name, '{group_from_name}'", _show(given_group))
        )
    else:
        group = given_group
    method: str | None = None
    given_method = data.get("method")
    if isinstance(given_method, str) and given_method in METHODS:
        method = given_method
    else:
        problems.append(Problem(file, "top level", "method", " | ".join(METHODS), _show(given_method)))
    date: dt.date | None = None
    given_date = data.get("date")
    if isinstance(given_date, dt.date):
        date = given_date
    elif isinstance(given_date, str):
        try:
            date = dt.date.fromisoformat(given_date)
        except ValueError:
            pass
    if date is None:
        problems.append(Problem(file, "top level", "date", "a date, YYYY-MM-DD", _show(given_date)))
    note: str | None = None
    given_note = data.get("note", "")
    if isinstance(given_note, str):
        note = given_note
    else:
        problems.append(Problem(file, "top level", "note", "text", _show(given_note)))
    participants = data.get("participants")
    answers: list[Any] = []
    if not isinstance(participants, list) or not participants:
        problems.append(
            Problem(file, "top level", "participants", "a list with one entry per participant", _show(participants))
        )
    elif method is not None:
        for number, answer in enumerate(participants, start=1):
            checked = CHECKS[method](answer, levers, file, f"participant {number}", problems)
            answers.append(checked)
    if problems or group is None or method is None or date is None or note is None:
        raise DataValidationError(problems)  # each field left None above added its problem
    result = aggregate_group(group, method, answers, levers)
    provenance = Provenance(
        summit=summit,
        group=group,
        method=method,
        date=date.isoformat(),
        participants=len(answers),
        file=file,
        sha256=sha256,
    )
    return AnswerFile(summit, group, method, date.isoformat(), note, tuple(answers), result, provenance)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def read_answer_file(path: str | Path, levers: Sequence[str], root: str | Path | None = None) -> AnswerFile:
    """Read and validate one answer file (the summit id is its folder's name)."""
    path = Path(path)
    file = _display(path, Path(root) if root is not None else None)
    problems: list[Problem] = []
    data = read_yaml(path, problems, display=file)
    if problems:
        raise DataValidationError(problems)
    return parse_answers(
        data, levers, file=file, summit=path.parent.name, group_from_name=path.stem, sha256=file_digest(path)
    )


def _answer_files(folder: Path) -> list[Path]:
    """The answer files of a summit's folder: its ``*.yaml`` files (any other file named as YAML is
    reported by :func:`load_summit`, never read)."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == YAML_SUFFIX)
    except OSError:
        return []


def summit_ids(root: str | Path) -> list[str]:
    """The summits in a data folder: folders of ``summits/`` holding at least one answer file (or a file
    named as one, which :func:`load_summit` reports)."""
    base = Path(root) / SUMMITS_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (_answer_files(p) or misnamed_yaml(p)))


def load_summit(root: str | Path, summit: str, levers: Sequence[str]) -> tuple[AnswerFile, ...]:
    """Every group's answer file of one summit, validated; every problem in every file at once (a file
    named ``*.yml`` or ``*.YAML`` among them: it is not read, and the summit is not complete without it)."""
    folder = Path(root) / SUMMITS_DIR / summit
    if not IDENT.match(summit) or summit not in summit_ids(root):
        known = ", ".join(summit_ids(root)) or "none"
        raise ParameterError("summit", f"a summit id in {Path(root) / SUMMITS_DIR} ({known})", summit)
    files: list[AnswerFile] = []
    problems: list[Problem] = []
    for path in _answer_files(folder):
        try:
            files.append(read_answer_file(path, levers, root))
        except DataValidationError as exc:
            problems.extend(exc.problems)
    problems += [misnamed_problem(p, f"{SUMMITS_DIR}/{summit}/{p.name}") for p in misnamed_yaml(folder)]
    if problems:
        raise DataValidationError(problems)
    return tuple(files)


def load_summit_profiles(root: str | Path, levers: Sequence[str], problems: list[Problem]) -> list[SummitProfile]:
    """Every valid answer file of every summit as a profile, for the data folder's loader; each file that
    is not valid (or not read: a misnamed file, a summit folder whose name is not an id) adds its problems
    to ``problems`` and gives no profile."""
    profiles: list[SummitProfile] = []
    base = Path(root) / SUMMITS_DIR
    for summit in summit_ids(root):
        if not IDENT.match(summit):
            continue  # reported below
        folder = base / summit
        for path in _answer_files(folder):
            try:
                profiles.append(read_answer_file(path, levers, root).profile())
            except DataValidationError as exc:
                problems.extend(exc.problems)
        problems.extend(misnamed_problem(p, f"{SUMMITS_DIR}/{summit}/{p.name}") for p in misnamed_yaml(folder))
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir() and not IDENT.match(p.name)):
            problems.append(
                Problem(
                    f"{SUMMITS_DIR}/{folder.name}",
                    "",
                    "",
                    "a summit id (lower case, digits, - and _)",
                    repr(folder.name),
                )
            )
    return profiles


# --- writing (the facilitator form) -------------------------------------------------------


def answer_yaml(group: str, method: str, date: dt.date | str, participants: Sequence[Any], note: str = "") -> str:
    """An answer file's text in the hand-written shape (AHP judgements as "a/b" keys)."""

    def plain(answer: Any) -> Any:
        if method == "ahp":
            return {f"{a}/{b}": _judgement_text(v) for (a, b), v in answer.items()}
        if isinstance(answer, dict):
            return {k: (int(v) if float(v).is_integer() else float(v)) for k, v in answer.items()}
        return [list(x) if isinstance(x, (list, tuple)) else x for x in answer]

    document: dict[str, Any] = {
        "group": group,
        "method": method,
        "date": date.isoformat() if isinstance(date, dt.date) else str(date),
    }
    if note:
        document["note"] = note
    document["participants"] = [plain(a) for a in participants]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)


def _judgement_text(value: float) -> Any:
    if value >= 1:
        return int(value) if float(value).is_integer() else round(float(value), 6)
    inverse = 1 / value
    return f"1/{round(inverse)}" if abs(inverse - round(inverse)) < 1e-9 else round(float(value), 6)


def save_answer_file(
    root: str | Path, summit: str, text: str, levers: Sequence[str], *, replace: bool = False
) -> AnswerFile:
    """Validate an answer file's text, then write ``summits/<summit>/<group>.yaml`` atomically.

    Nothing is written if the text is invalid. The file is created only as a new file (two saves of one
    group cannot both succeed), unless ``replace`` is true; an existing file is never replaced if it
    belongs to another group (its ``group`` differs) or cannot be read to tell. A file that cannot be
    written raises :class:`~imaging_value.core.errors.WriteError` with the reason, and nothing changes.
    """
    from ..core.atomic import describe_kind, write_atomic  # only when saving (not on every command's path)
    from ..core.errors import WriteError
    from ..core.yamlread import read_yaml_text

    if not isinstance(summit, str) or not IDENT.match(summit):
        raise ParameterError("summit", "a summit id (lower case, digits, - and _)", summit)
    data, issues = read_yaml_text(text)
    if issues:
        raise DataValidationError([Problem("the answers", i.location, i.key, i.expected, i.found) for i in issues])
    group = data.get("group") if isinstance(data, dict) else None
    if not isinstance(group, str) or not IDENT.match(group):
        raise ParameterError("group", "a group id (lower case, digits, - and _)", group)
    path = Path(root) / SUMMITS_DIR / summit / f"{group}{YAML_SUFFIX}"
    file = f"{SUMMITS_DIR}/{summit}/{group}{YAML_SUFFIX}"
    raw = text.encode("utf-8")
    answer = parse_answers(
        data, levers, file=file, summit=summit, group_from_name=group, sha256=hashlib.sha256(raw).hexdigest()
    )
    if os.path.lexists(path) and not path.is_file():
        raise WriteError(file, f"{describe_kind(path)} is there, not an answer file")
    if replace and path.exists():
        problems: list[Problem] = []
        existing = read_yaml(path, problems, display=file)
        if problems:
            raise ParameterError(
                "replace",
                f"{file} to read as {group}'s answers before replacing it",
                f"{problems[0]} (fix or remove it)",
            )
        if not isinstance(existing, dict) or existing.get("group") != group:
            raise ParameterError(
                "group",
                f"{file} to hold {group}'s answers before replacing it",
                existing.get("group") if isinstance(existing, dict) else shape_of(existing),
            )
        write_atomic(path, raw, shown=file)
    else:
        try:
            write_atomic(path, raw, exclusive=True, shown=file)
        except FileExistsError:
            raise ParameterError(
                "group",
                f"a group with no answers yet in summit {summit} (or tick replace)",
                f"{group} already saved in {file}",
            ) from None
    return answer
