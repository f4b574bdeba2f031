"""The capability interface and its registry: what the workbook can answer, in a stated order.

A capability is one question the workbook answers for a :class:`~imaging_value.engine.case.Case`
(the decision tree, the ranking, rank acceptability, the split, ...). It declares

* the data files it needs (:class:`DataFile`: a schema and cross-checks the loader applies);
* ``compute(case) -> Result``: a frozen :class:`Result` whose ``to_dict()`` is its JSON answer;
* its presentation: a section template (Jinja2, autoescaped) with the template's context,
  and its figures; a capability whose section interleaves figures per requester gives a
  ``section`` function that renders its template(s) itself from the case's answers;
* optionally a command-line sub-command (its arguments, how they make the case, its text),
  an export file stem (``<request>-<stem>.json`` and, with ``csv``, ``.csv``) and an
  explorer panel.

The request report, the command line (sub-commands and ``--json``), the export and the
explorer's panels iterate over :func:`capabilities`, which lists them by ``order``
(then name). Importing :mod:`imaging_value.capabilities` registers the built-in ones; another
is added with :func:`register`, which is all a new capability needs beyond its module, its data
file and its template. The registry is filled from above: nothing here imports a capability.

Nothing heavy is imported here: the command line lists the sub-commands from this registry.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.datafile import DataFile

if TYPE_CHECKING:  # pragma: no cover - types only
    from ..model.data import Dataset
    from ..present.panel import Panel, PanelContext
    from .case import Case

__all__ = [
    "Capability",
    "DataFile",
    "Result",
    "View",
    "register",
    "unregister",
    "capabilities",
    "capability",
    "command_capability",
    "data_files",
    "load_dataset",
    "warn_inconsistent",
]


@dataclass(frozen=True)
class Result:
    """A capability's answer for one case: ``answer`` is JSON-ready; ``tables`` the intermediate records
    (by requester index) it was computed from."""

    capability: str
    answer: Mapping[str, Any]
    tables: Mapping[Any, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON (a copy: the result stays as computed)."""
        return copy.deepcopy(dict(self.answer))


@dataclass(frozen=True)
class View:
    """What a presentation shows from: the case, the requesters to show (in order) and their headings."""

    case: Case
    requesters: tuple[int, ...]
    label: Callable[[int], str]


@dataclass(frozen=True)
class Capability:
    """One question the workbook answers, with everything that shows its answer (see the module docstring)."""

    name: str
    title: str
    compute: Callable[[Case], Result]
    order: int
    scope: str = "request"  # "request": a case has a request; "dataset": the data folder's own answers
    # True: the answer depends on the weights (the Case keeps it per view); or a function of the case
    weighted: bool | Callable[[Case], bool] = False
    data_files: tuple[DataFile, ...] = ()
    # presentation
    template: str | None = None  # <template>.html.j2 in templates/sections/ or in template_dir
    template_dir: Path | None = None
    context: Callable[[View, Result], Mapping[str, Any]] | None = None  # the template's context (default: the answer)
    figures: Callable[[View, Result], Sequence[Any]] | None = None
    # a section that renders its own template(s), with figures between, from the case's answers
    section: Callable[[View], list[Any]] | None = None
    in_report: bool = True
    in_explorer: bool = True  # shown in the explorer: by its own panel, else by its section
    panel: Callable[[PanelContext], Panel] | None = None  # the explorer panel it owns, built with the context
    # command line
    command: str | None = None
    help: str = ""
    options: tuple[str, ...] = ("requester",)  # common options: "requester", "weights" (--weights or --profile)
    arguments: Callable[[Any], None] | None = None  # adds its own arguments to its sub-command's parser
    case_options: Callable[[Any], Mapping[str, Any]] | None = None  # parsed arguments -> Case keyword arguments
    text: Callable[[dict], str] | None = None  # the answer as terminal text (default: JSON)
    # export
    export: str | None = None  # file stem
    csv: Callable[[Dataset, dict], tuple[list[dict], list[str]]] | None = None  # rows and columns

    def depends_on_weights(self, case: Case) -> bool:
        """Whether this case's answer depends on the weights (the declared flag, or its function of the case)."""
        return self.weighted(case) if callable(self.weighted) else self.weighted

    def present(self, view: View) -> list[Any]:
        """The capability's part of a report or panel: HTML from its template, then its figures."""
        if self.section is not None:
            shown = self.section(view)
            return [shown] if isinstance(shown, str) else list(shown)
        result = view.case.result(self.name)
        items: list[Any] = []
        if self.template is not None:
            from ..present.templates import render_section

            context = self.context(view, result) if self.context is not None else {"answer": result.to_dict()}
            items.append(render_section(self.template, directory=self.template_dir, title=self.title, **context))
        if self.figures is not None:
            items.extend(self.figures(view, result))
        return items


_REGISTRY: dict[str, Capability] = {}


def register(cap: Capability) -> Capability:
    """Add a capability (one of the same name is replaced). Returns it, so a module can keep it."""
    from ..core.errors import ParameterError

    if cap.scope not in ("request", "dataset"):
        raise ParameterError("scope", "request or dataset", cap.scope)
    clash = command_capability(cap.command) if cap.command else None
    if clash is not None and clash.name != cap.name:
        raise ParameterError("command", f"a sub-command no other capability has ({clash.name} has it)", cap.command)
    _REGISTRY[cap.name] = cap
    return cap


def unregister(name: str) -> None:
    """Remove a registered capability (nothing happens if there is none of that name)."""
    _REGISTRY.pop(name, None)


def capabilities(scope: str | None = None) -> tuple[Capability, ...]:
    """The registered capabilities in their stated order (``order``, then name); of one scope if given."""
    ordered = sorted(_REGISTRY.values(), key=lambda c: (c.order, c.name))
    return tuple(c for c in ordered if scope is None or c.scope == scope)


def capability(name: str) -> Capability:
    """The registered capability of this name; a ParameterError listing the names if there is none."""
    from ..core.errors import ParameterError

    if name not in _REGISTRY:
        raise ParameterError("capability", "one of " + ", ".join(c.name for c in capabilities()), name)
    return _REGISTRY[name]


def command_capability(command: str) -> Capability | None:
    """The capability behind a command-line sub-command, if any."""
    return next((c for c in capabilities() if c.command == command), None)


def data_files() -> tuple[tuple[Capability, DataFile], ...]:
    """Every data file the capabilities declare, with the capability that needs it."""
    return tuple((c, f) for c in capabilities() for f in c.data_files)


def load_dataset(root: str | Path | None = None, *, consistency: bool = True) -> Dataset:
    """The data folder, validated with every registered capability's data files (one error lists every
    problem); see :func:`imaging_value.model.data.load_data_folder`. With ``consistency`` (the default),
    the framework's quick consistency check (:func:`imaging_value.framework.consistency.loader_check`) runs
    on it and each problem it finds is an :class:`~imaging_value.core.errors.InconsistencyWarning`; the
    check is kept per content of the data files, so an unchanged folder is checked once."""
    from ..model.data import load_data_folder

    dataset = load_data_folder(root, [spec for _cap, spec in data_files()])
    if consistency:
        warn_inconsistent(dataset)
    return dataset


def warn_inconsistent(dataset: Dataset) -> None:
    """Warn of every problem the quick consistency check finds in the data folder (see :func:`load_dataset`)."""
    import warnings

    from ..core.errors import InconsistencyWarning
    from ..framework.consistency import ConsistencyReport, loader_check
    from ..model.datacache import cached

    content = "\0".join(f"{name}={digest}" for name, digest in sorted(dataset.digests.items()))
    report = cached("consistency", lambda: [content], ConsistencyReport, lambda: loader_check(dataset))
    for problem in report.problems:
        warnings.warn(InconsistencyWarning(str(problem)), stacklevel=3)
