"""Reading a data file into validated records: every problem collected, none raised half-way.

Each reader takes the list of :class:`~imaging_value.core.errors.Problem` s to add to and returns the
records, or None when the file has problems (each recorded with the file, the row or key, the field,
what was expected and what was found). pydantic's own errors become such problems here
(:func:`problems_from`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..core.atomic import describe_kind
from ..core.errors import Problem
from ..core.limits import MAX_FILE_BYTES
from ..core.safetext import brief, printable
from ..core.yamlread import EMPTY, read_yaml_text

__all__ = [
    "problems_from",
    "validate_record",
    "read_bytes",
    "read_text",
    "read_csv",
    "read_yaml",
    "yaml_list",
    "shape_of",
    "file_digest",
    "YAML_SUFFIX",
    "misnamed_yaml",
    "misnamed_problem",
]

YAML_SUFFIX = ".yaml"  # the one extension of the workbook's YAML files (request, answer and data files)

M = TypeVar("M", bound=BaseModel)


# --- turning pydantic's errors into our problems ---------------------------------------


def _describe_expected(error: ErrorDetails) -> str:
    msg = str(error.get("msg", "a valid value"))
    for prefix in ("Input should be ", "Value error, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if error.get("type") == "missing":
        return "a value (this field is required)"
    if error.get("type") == "extra_forbidden":
        return "no such field (check the spelling)"
    return msg


def _describe_found(error: ErrorDetails) -> str:
    if error.get("type") == "missing":
        return "nothing"
    value = error.get("input")
    if isinstance(value, dict):
        return "a record with " + shape_of(value) if value else "an empty record"
    if not error.get("loc"):  # the whole file is not a record: say what it is, never quote it
        return shape_of(value)
    return brief(value)


def problems_from(exc: ValidationError, file: str, location: str) -> list[Problem]:
    """Every error of a pydantic validation as a problem of ``file`` at ``location`` (the row or key)."""
    problems = []
    errors = exc.errors()
    # a list whose items failed is also reported "too short" by pydantic: keep only the item errors
    failed_inside = {tuple(e["loc"][:i]) for e in errors for i in range(1, len(e["loc"]))}
    for error in errors:
        if error.get("type") == "too_short" and tuple(error.get("loc", ())) in failed_inside:
            continue
        ctx = error.get("ctx") or {}
        loc = [str(part) for part in error.get("loc", ())]
        if error.get("type") == "rule":
            loc = loc + [ctx["field"]]
        # pydantic reports a model-level check with an empty location
        field_name = loc[-1] if loc else ""
        path = location
        inner = loc[:-1]
        if inner:
            nested = ""
            for part in inner:
                nested += f"[{part}]" if part.isdigit() else (f".{part}" if nested else part)
            path = f"{location} {nested}".strip() if location else nested
        if field_name.isdigit() and inner:
            field_name = f"{inner[-1]}[{field_name}]"
        if error.get("type") == "rule":
            expected, found = ctx["expected"], ctx["found"]
        else:
            expected, found = _describe_expected(error), _describe_found(error)
        problems.append(Problem(file=file, location=path, field=field_name, expected=expected, found=found))
    return problems


def validate_record(model: type[M], data: Any, file: str, location: str, problems: list[Problem]) -> M | None:
    """The data as a record of ``model``, or None with its problems added to ``problems``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, file, location))
        return None


# --- reading files -------------------------------------------------------------------


def _optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation) or annotation is type(None)


def _is_tuple(annotation: Any) -> bool:
    for candidate in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(candidate) is tuple:
            return True
    return False


def _csv_cell(model: type[BaseModel], column: str, text: str) -> Any:
    info = model.model_fields.get(column)
    if info is None:
        return text
    annotation = info.annotation
    if _is_tuple(annotation):
        return [part.strip() for part in text.split(";") if part.strip()]
    if text.strip() == "" and _optional(annotation):
        return None
    return text


def read_bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:
    """A data file's bytes, read only if it is a regular file of at most ``MAX_FILE_BYTES`` (a device such
    as ``/dev/zero``, a named pipe or a stray huge file is a problem, never read); None with the problem."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a named pipe opens at once, and is refused below
    except FileNotFoundError:
        problems.append(Problem(name, "", "", "the file to exist in the data folder", "no such file"))
        return None
    except OSError as exc:
        problems.append(Problem(name, "", "", "a file that can be read", f"an error: {exc.strerror}"))
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(name, "", "", "a file", describe_kind(path)))
            return None
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            problems.append(Problem(name, "", "", "a file that can be read", f"an error: {exc.strerror}"))
            return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(name, "", "", f"a file of at most {MAX_FILE_BYTES // 2**20} MiB", "a larger file (not read)")
        )
        return None
    return data


def read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    """A data file's text (UTF-8, a byte-order mark allowed), read as :func:`read_bytes` reads it."""
    data = read_bytes(path, name, problems)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, f"byte {exc.start}", "", "UTF-8 text", "bytes that are not UTF-8"))
    return None


def read_csv(
    path: Path,
    model: type[M],
    problems: list[Problem],
    columns: list[str] | None = None,
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    column_note: Callable[[str], str] = lambda column: "",
) -> list[M] | None:
    """Every row of a CSV file as a record of ``model``; ``columns``: the header expected (default: the
    model's fields), ``shape``: a row's cells into the model's fields, ``column_note``: why a column is
    expected (named in a missing or extra column's problem)."""
    name = path.name
    raw = read_text(path, name, problems)
    if raw is None:
        return None
    reader = csv.DictReader(io.StringIO(raw))
    header = reader.fieldnames or []
    required = columns if columns is not None else list(model.model_fields)
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required]
    for column in missing:
        problems.append(
            Problem(
                name,
                "header",
                column,
                f"a column named '{column}'{column_note(column)}",
                "columns " + ", ".join(header) if header else "no header",
            )
        )
    for column in unknown:
        problems.append(
            Problem(
                name,
                "header",
                column,
                "only the columns " + ", ".join(required) + column_note(column),
                f"an extra column '{column}'",
            )
        )
    if missing or unknown:
        return None
    records: list[M] = []
    ok = True
    for number, row in enumerate(reader, start=1):
        where = f"row {number} (line {reader.line_num})"
        if None in row:
            problems.append(Problem(name, where, "", f"{len(header)} cells", f"{len(header) + len(row[None])} cells"))
            ok = False
            continue
        data = {column: _csv_cell(model, column, (row.get(column) or "")) for column in header}
        record = validate_record(model, shape(data) if shape else data, name, where, problems)
        if record is None:
            ok = False
        else:
            records.append(record)
    return records if ok else None


def read_yaml(path: Path, problems: list[Problem], display: str | None = None, content: str = "YAML content") -> Any:
    """The YAML file's data, or None with the problems recorded (``content`` names what an empty
    file should have held)."""
    name = display or path.name
    text = read_text(path, name, problems)
    if text is None:
        return None
    data, issues = read_yaml_text(text)
    problems.extend(Problem(name, issue.location, issue.key, issue.expected, issue.found) for issue in issues)
    if data is EMPTY:
        problems.append(Problem(name, "", "", content, "nothing: the file is empty (or holds only comments)"))
        return None
    return data


def shape_of(data: Any) -> str:
    """What a YAML value is, in words, without its contents."""
    if isinstance(data, dict):
        keys = [brief(k, 40) if not isinstance(k, str) else printable(k[:40]) for k in list(data)[:8]]
        return "keys " + ", ".join(keys) + (", ..." if len(data) > 8 else "") if data else "an empty mapping"
    return {str: "text", list: "a list", int: "a number", float: "a number", bool: "true or false"}.get(
        type(data), type(data).__name__
    )


def yaml_list(path: Path, key: str, model: type[M], problems: list[Problem]) -> list[M] | None:
    """The list under ``key`` of a YAML file, each item a record of ``model``; None where any has problems."""
    data = read_yaml(path, problems, content=f"a mapping with a list under '{key}'")
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(Problem(path.name, "top level", key, f"a mapping with a list under '{key}'", shape_of(data)))
        return None
    records: list[M] = []
    ok = True
    for index, item in enumerate(data[key]):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{key}[{index}]" + (f" ({ident})" if ident else "")
        record = validate_record(model, item, path.name, where, problems)
        if record is None:
            ok = False
        else:
            records.append(record)
    return records if ok else None


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes (for report headers and provenance; a file the loader has read and validated)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the dataset ---------------------------------------------------------------------


def misnamed_yaml(folder: Path) -> list[Path]:
    """The files of ``folder`` named as YAML but not ``*.yaml`` (``x.yml``, ``x.YAML``): never read, so each
    is reported (:func:`misnamed_problem`) rather than dropped silently."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix.lower() in (".yaml", ".yml") and p.suffix != YAML_SUFFIX]


def misnamed_problem(path: Path, shown: str) -> Problem:
    """The problem of a YAML file whose name does not end ``.yaml``: it is not read; rename it."""
    return Problem(
        shown,
        "",
        "",
        f"a name ending {YAML_SUFFIX} (only {YAML_SUFFIX} files are read)",
        f"the extension {printable(path.suffix)}: this file is not read; rename it {printable(path.stem)}{YAML_SUFFIX}",
    )
