"""Load and validate a data folder: every file checked, every problem collected.

A data folder has this layout (see ``data/samples/README.md``)::

    projects.csv  levers.yaml  facts.yaml  options.yaml  base_scores.csv  adjustments.csv
    profiles.csv  decision_tree.yaml  guidance.yaml  site_defaults.csv
    pooling.yaml  fairness.yaml  terms.yaml  costs.csv  term_rules.yaml
    reconciliation.yaml  valuation.yaml  requests/<id>.yaml  summits/<id>/<group>.yaml

:func:`load_data_folder` either returns a complete :class:`Dataset` or raises one
:class:`DataValidationError` listing every problem in every file; nothing is
ever partly loaded. The summits' answer files are the one exception, as only the
summit (and its groups' profiles) needs them: a file that does not load gives no
profile and is listed in ``Dataset.summit_problems``, raised where its summit is used.
Requests are loaded one by one (:func:`load_request`, :func:`scan_requests`).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import DataValidationError, ParameterError, Problem
from ..core.layout import VALUATION_FILE, default_data_dir
from ..core.safetext import brief
from .assumptions import VALUE_LEVER, ValuationSpec, read_valuation
from .datafile import DataFile
from .fact_rules import FACTS_FILE, DerivedFact, QuestionFact, load_derived_facts, load_questions
from .files import (
    file_digest,
    misnamed_problem,
    misnamed_yaml,
    read_csv,
    read_text,
    read_yaml,
    shape_of,
    validate_record,
    yaml_list,
)
from .glossary import GLOSSARY_FILE, Glossary, read_glossary
from .params import resolve_request
from .schema import (
    FACT_VALUES,
    SITE_KINDS,
    TREE_FACTS,
    UNSTATED,
    Adjustment,
    BaseScore,
    DecisionTreeSpec,
    FairnessSpec,
    GuidanceItem,
    Lever,
    Option,
    PoolingSpec,
    Profile,
    Project,
    Request,
    SiteDefault,
    WeightAdjustment,
    duplicated,
)
from .terms_schema import AGREEMENT_FILES, AgreementData, load_agreement

if TYPE_CHECKING:
    from .summit_files import SummitProfile

__all__ = [
    "Dataset",
    "DataFile",
    "DATA_FILES",
    "load_data_folder",
    "load_levers",
    "load_request",
    "scan_requests",
    "misnamed_requests",
    "RequestEntry",
    "TREE_DOMAINS",
    "load_request_file",
    "request_display_name",
]


# the values a decision-tree node branches on: a fact's vocabulary less "unstated" (which follows every branch)
TREE_DOMAINS: dict[str, tuple[str, ...]] = {
    fact: tuple(v for v in FACT_VALUES[fact] or () if v != UNSTATED) for fact in TREE_FACTS
}


PROFILE_COLUMNS = ("name", "label", "rationale")  # profiles.csv's columns besides one per lever


def _read_profiles(path: Path, lever_ids: tuple[str, ...] | None, problems: list[Problem]) -> list[Profile] | None:
    """profiles.csv: ``name``, ``label``, one column per lever of levers.yaml, ``rationale``. Each row's
    lever columns become its ``weights``, in levers.yaml's order. Where levers.yaml did not load, the
    lever columns are the header's other columns, so their values are still checked."""
    if lever_ids is None:
        text = read_text(path, path.name, [])  # its problems are reported when the file is read below
        header = next(csv.reader(io.StringIO(text)), []) if text is not None else []
        lever_ids = tuple(c for c in header if c not in PROFILE_COLUMNS)
    levers = lever_ids

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        return {**{c: row[c] for c in PROFILE_COLUMNS}, "weights": {lever: row[lever] for lever in levers}}

    def note(column: str) -> str:
        return "" if column in PROFILE_COLUMNS else f" (one column per lever of levers.yaml: {', '.join(levers)})"

    before = len(problems)
    profiles = read_csv(path, Profile, problems, ["name", "label", *levers, "rationale"], shape, note)
    # a lever's weight is a column of the row: name the row and the column, as for any other cell
    problems[before:] = [replace(p, location=p.location.removesuffix(" weights")) for p in problems[before:]]
    return profiles


@dataclass(frozen=True)
class Dataset:
    """Everything in a data folder except the requests, validated and cross-checked."""

    root: Path
    projects: tuple[Project, ...]
    levers: tuple[Lever, ...]
    options: tuple[Option, ...]
    base_scores: tuple[BaseScore, ...]
    adjustments: tuple[Adjustment, ...]
    profiles: tuple[Profile, ...]
    tree: DecisionTreeSpec
    guidance: tuple[GuidanceItem, ...]
    site_defaults: tuple[SiteDefault, ...]
    pooling: PoolingSpec
    fairness: FairnessSpec
    agreement: AgreementData  # term templates, costs, term rules and the reconciliation rule
    derived_facts: tuple[DerivedFact, ...]  # facts worked out by rules (facts.yaml), e.g. requester.maturity
    questions: tuple[QuestionFact, ...]  # the report's questions a request answers (facts.yaml), each explained
    weight_adjustments: tuple[WeightAdjustment, ...]  # request facts that move a lever's priority in a view
    digests: dict[str, str] = field(default_factory=dict)  # file name -> sha256 of its bytes
    # groups' weights elicited at summits (summits/<summit-id>/<group>.yaml), named "<summit-id>/<group>"
    summit_profiles: tuple[Profile, ...] = ()
    # what is wrong with the answer files in summits/ that did not load: they give no profile, and the
    # summit they belong to reports them where it is used (the grand summit, its report, the profile);
    # no other command needs them, so they never stop one
    summit_problems: tuple[Problem, ...] = ()
    # the files registered capabilities declare beyond the core ones, validated: file name -> content
    extras: dict[str, Any] = field(default_factory=dict)
    # the valuation's assumptions (valuation.yaml), validated; None for a folder without the file
    valuation: ValuationSpec | None = None
    # the glossary (glossary.yaml): plain words for the board, explanations for the working
    glossary: Glossary | None = None

    def data_file(self, name: str) -> Any:
        """A registered capability's data file, as its schema validated it."""
        if name not in self.extras:
            raise ParameterError("data file", "one of " + (", ".join(self.extras) or "(none registered)"), name)
        return self.extras[name]

    @property
    def lever_ids(self) -> tuple[str, ...]:
        """The levers' ids, in levers.yaml's order."""
        return tuple(lever.id for lever in self.levers)

    @property
    def lever_colours(self) -> dict[str, str]:
        """Each lever's colour in the charts."""
        return {lever.id: lever.colour for lever in self.levers}

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The options' ids, in options.yaml's order."""
        return tuple(option.id for option in self.options)

    def label(self, name: str) -> str:
        """How reports name an option, a lever or a stakeholder profile (a summit group's too); any other id as it is."""
        for record in self.options + self.levers:
            if record.id == name:
                return record.label
        for profile in self.profiles + self.summit_profiles:
            if profile.name == name:
                return profile.label
        return name

    def option(self, option_id: str) -> Option:
        """The option of that id (KeyError for an unknown id)."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def profile(self, name: str) -> Profile:
        """A profile from profiles.csv or, named "<summit-id>/<group>", elicited at a summit (whose answer
        file's problems are raised, as :class:`DataValidationError`, when it did not load)."""
        for profile in self.profiles + self.summit_profiles:
            if profile.name == name:
                return profile
        invalid = self.invalid_summit_files(name)
        if invalid:
            raise DataValidationError(invalid)
        raise ParameterError(
            "profile", "one of " + ", ".join(p.name for p in self.profiles + self.summit_profiles), name
        )

    def invalid_summit_files(self, name: str) -> list[Problem]:
        """The problems of the answer files that did not load for a summit (``name`` its id) or for one
        group of it (``"<summit-id>/<group>"``); empty when they all loaded."""
        from .summit_files import SUMMITS_DIR

        summit, _, group = name.partition("/")
        prefix = f"{SUMMITS_DIR}/{summit}/{group}." if group else f"{SUMMITS_DIR}/{summit}/"
        return [p for p in self.summit_problems if p.file.startswith(prefix) or p.file == f"{SUMMITS_DIR}/{summit}"]

    @property
    def requests_dir(self) -> Path:
        """The folder of the data folder's request files."""
        return self.root / "requests"

    def request_ids(self) -> list[str]:
        """Ids of the request files in ``requests/`` (file stems), sorted."""
        if not self.requests_dir.is_dir():
            return []
        return sorted(p.stem for p in self.requests_dir.glob("*.yaml"))


DATA_FILES = (
    "projects.csv",
    "levers.yaml",
    "options.yaml",
    "base_scores.csv",
    "adjustments.csv",
    "profiles.csv",
    "decision_tree.yaml",
    "guidance.yaml",
    "site_defaults.csv",
    "pooling.yaml",
    "fairness.yaml",
    FACTS_FILE,
    "weight_adjustments.csv",
    GLOSSARY_FILE,
    *AGREEMENT_FILES,
)


def load_data_folder(root: str | Path | None = None, files: Sequence[DataFile] = ()) -> Dataset:
    """Load and validate every file of a data folder; raise one error listing every problem (the summits'
    answer files aside: see ``Dataset.summit_problems``).

    ``files``: the data files beyond the core ones the folder must also hold (the capabilities' own,
    which :func:`imaging_value.engine.capability.load_dataset` passes from the registry); core files
    among them are read anyway. With no folder: ``$IMAGING_VALUE_DATA``, else the samples of the
    project this package runs from. A folder validated before, unchanged since and read with the same
    declared files (the same code validating them) is not validated again (:mod:`.datacache`).
    """
    root = Path(root) if root is not None else default_data_dir()[0]
    if not root.is_dir():
        raise DataValidationError([Problem(str(root), "", "", "a data folder", "no such folder")])
    from .datacache import cached, folder_key

    extra: list[DataFile] = []
    for spec in files:
        if not spec.core and all(spec.name != known.name for known in extra):
            extra.append(spec)
    names = (*DATA_FILES, VALUATION_FILE, *(spec.name for spec in extra))
    dataset = cached(
        "dataset",
        lambda: [folder_key(root, names), *(_declared_key(spec) for spec in extra)],
        Dataset,
        lambda: _validated_dataset(root, extra),
    )
    return dataset if dataset.root == root else replace(dataset, root=root)


def _code_key(obj: Any) -> str | None:
    """What identifies the code of a schema or check: its module, name, and its source file's size and
    modification time; None when the module has no file on disk (then nothing is cached)."""
    if obj is None:
        return "none"
    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    path = getattr(module, "__file__", None)
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return f"{obj.__module__}.{getattr(obj, '__qualname__', type(obj).__qualname__)}:{info.st_size}:{info.st_mtime_ns}"


def _declared_key(spec: DataFile) -> str | None:
    """One declared file in the cache's key: its name, how it is read, and the code that validates it."""
    model, check = _code_key(spec.model), _code_key(spec.check)
    if model is None or check is None:
        return None
    return f"file={spec.name}|key={spec.key}|model={model}|check={check}|content={spec.content}"


def _validated_dataset(root: Path, extra: Sequence[DataFile]) -> Dataset:
    problems: list[Problem] = []
    projects = read_csv(root / "projects.csv", Project, problems)
    levers = yaml_list(root / "levers.yaml", "levers", Lever, problems)
    options = yaml_list(root / "options.yaml", "options", Option, problems)
    base_scores = read_csv(root / "base_scores.csv", BaseScore, problems)
    adjustments = read_csv(root / "adjustments.csv", Adjustment, problems)
    weight_adjustments = read_csv(root / "weight_adjustments.csv", WeightAdjustment, problems)
    lever_ids = None if levers is None else tuple(lever.id for lever in levers)
    profiles = _read_profiles(root / "profiles.csv", lever_ids, problems)
    tree_data = read_yaml(root / "decision_tree.yaml", problems, content="the decision tree (start and nodes)")
    tree = (
        None if tree_data is None else validate_record(DecisionTreeSpec, tree_data, "decision_tree.yaml", "", problems)
    )
    guidance = yaml_list(root / "guidance.yaml", "items", GuidanceItem, problems)
    site_defaults = read_csv(root / "site_defaults.csv", SiteDefault, problems)
    pooling_data = read_yaml(
        root / "pooling.yaml", problems, content="the pooling curve (kind, exponent, scale, rationale, samples)"
    )
    pooling = None if pooling_data is None else validate_record(PoolingSpec, pooling_data, "pooling.yaml", "", problems)

    fairness_data = read_yaml(root / "fairness.yaml", problems, content="the fairness themes and recommendations")
    fairness = (
        None if fairness_data is None else validate_record(FairnessSpec, fairness_data, "fairness.yaml", "", problems)
    )
    agreement = load_agreement(
        root, problems, options, read_yaml=read_yaml, read_list=yaml_list, read_csv=read_csv, validate=validate_record
    )
    derived_facts = load_derived_facts(root, problems, read_list=yaml_list)
    questions = load_questions(root, problems, read_list=yaml_list) if derived_facts is not None else None
    summit_problems: list[Problem] = []  # kept apart: a broken answer file never breaks the folder
    summit_profiles = _summit_profiles(root, lever_ids, summit_problems)
    extras = _declared_files(root, extra, problems)
    valuation = read_valuation(root, problems)
    glossary = read_glossary(root, problems)
    _cross_check(problems, projects, levers, options, base_scores, adjustments, profiles, tree, guidance, site_defaults)
    if weight_adjustments is not None:
        _check_weight_adjustments(weight_adjustments, profiles, levers, problems)
    if (
        valuation is not None
        and valuation.commercial_lever_from_value.value
        and lever_ids is not None
        and VALUE_LEVER not in lever_ids
    ):
        problems.append(
            Problem(
                VALUATION_FILE,
                "commercial_lever_from_value",
                "value",
                f"false, or a lever '{VALUE_LEVER}' in levers.yaml to score from value",
                "true, and levers.yaml has no such lever",
            )
        )
    if fairness is not None and guidance is not None:
        known = [g.id for g in guidance]
        for index, rec in enumerate(fairness.recommendations):
            if rec.guidance is not None and rec.guidance not in known:
                problems.append(
                    Problem(
                        "fairness.yaml",
                        f"recommendations[{index}] ({rec.id})",
                        "guidance",
                        "an item id from guidance.yaml",
                        repr(rec.guidance),
                    )
                )
    read = {
        "projects.csv": projects,
        "levers.yaml": levers,
        "options.yaml": options,
        "base_scores.csv": base_scores,
        "adjustments.csv": adjustments,
        "profiles.csv": profiles,
        "decision_tree.yaml": tree,
        "guidance.yaml": guidance,
        "site_defaults.csv": site_defaults,
        "pooling.yaml": pooling,
        "fairness.yaml": fairness,
        "the agreement files": agreement,
        "facts.yaml": derived_facts,
        "facts.yaml (questions)": questions,
        "weight_adjustments.csv": weight_adjustments,
        GLOSSARY_FILE: glossary,
    }
    if not problems:  # a reader that returns nothing records why; should one ever not, the file is still named
        problems = [
            Problem(name, "", "", "a file that loads", "nothing loaded")
            for name, value in read.items()
            if value is None
        ]
    if (  # any file read as None is named in problems by now; below, every one of them is known to have loaded
        problems
        or projects is None
        or levers is None
        or options is None
        or base_scores is None
        or adjustments is None
        or profiles is None
        or tree is None
        or guidance is None
        or site_defaults is None
        or pooling is None
        or fairness is None
        or agreement is None
        or derived_facts is None
        or questions is None
        or weight_adjustments is None
        or glossary is None
    ):
        raise DataValidationError(problems)
    dataset = Dataset(
        root=root,
        projects=tuple(projects),
        levers=tuple(levers),
        options=tuple(options),
        base_scores=tuple(base_scores),
        adjustments=tuple(adjustments),
        profiles=tuple(profiles),
        tree=tree,
        guidance=tuple(guidance),
        site_defaults=tuple(site_defaults),
        pooling=pooling,
        fairness=fairness,
        agreement=agreement,
        derived_facts=derived_facts,
        questions=questions,
        weight_adjustments=tuple(weight_adjustments),
        digests={name: file_digest(root / name) for name in (*DATA_FILES, *extras)}
        | ({VALUATION_FILE: file_digest(root / VALUATION_FILE)} if valuation is not None else {})
        | {p.provenance.file: p.provenance.sha256 for p in summit_profiles},
        summit_profiles=tuple(summit_profiles),
        summit_problems=tuple(summit_problems),
        extras=extras,
        valuation=valuation,
        glossary=glossary,
    )
    _check_declared_files(dataset, extra)
    return dataset


def _declared_files(root: Path, extra: Sequence[DataFile], problems: list[Problem]) -> dict[str, Any]:
    """The declared files beyond the core ones, each validated by its schema."""
    extras: dict[str, Any] = {}
    for spec in extra:
        path = root / spec.name
        if spec.name.endswith(".csv"):
            value: Any = read_csv(path, spec.model, problems)
        elif spec.key is not None:
            value = yaml_list(path, spec.key, spec.model, problems)
        else:
            data = read_yaml(path, problems, content=spec.content or "YAML content")
            value = (
                data
                if data is None or spec.model is None
                else validate_record(spec.model, data, spec.name, "", problems)
            )
        extras[spec.name] = value
    return extras


def _check_declared_files(dataset: Dataset, extra: Sequence[DataFile]) -> None:
    """Each declared file's cross-checks against the rest of the folder; one error lists them all."""
    problems: list[Problem] = []
    for spec in extra:
        if spec.check is not None:
            problems.extend(spec.check(dataset, dataset.extras[spec.name]))
    if problems:
        raise DataValidationError(problems)


def load_levers(root: str | Path | None = None) -> tuple[Lever, ...]:
    """The levers of a data folder's levers.yaml alone, validated (for tools that need only the levers,
    such as reading one summit answer file); raises :class:`DataValidationError` naming every problem."""
    root = Path(root) if root is not None else default_data_dir()[0]
    problems: list[Problem] = []
    levers = yaml_list(root / "levers.yaml", "levers", Lever, problems)
    if levers is not None:
        _cross_check(problems, None, levers, None, None, None, None, None, None, None)
    if problems or levers is None:
        raise DataValidationError(problems)
    return tuple(levers)


def _summit_profiles(root: Path, lever_ids: tuple[str, ...] | None, problems: list[Problem]) -> list[SummitProfile]:
    """The groups of every summit in ``summits/`` as profiles, their answer files validated (against the
    levers of levers.yaml; not read where levers.yaml did not load); the problems of the files that did
    not load go to ``problems``."""
    from .summit_files import load_summit_profiles

    return [] if lever_ids is None else load_summit_profiles(root, lever_ids, problems)


def _cross_check(
    problems: list[Problem],
    projects: Sequence[Project] | None,
    levers: Sequence[Lever] | None,
    options: Sequence[Option] | None,
    base_scores: Sequence[BaseScore] | None,
    adjustments: Sequence[Adjustment] | None,
    profiles: Sequence[Profile] | None,
    tree: DecisionTreeSpec | None,
    guidance: Sequence[GuidanceItem] | None,
    site_defaults: Sequence[SiteDefault] | None,
) -> None:
    """Checks that span records or files: unique ids, references that resolve, complete tables."""
    if projects is not None:
        for name in duplicated(p.name for p in projects):
            problems.append(Problem("projects.csv", f"project '{name}'", "name", "unique project names", "a duplicate"))
    lever_ids = None if levers is None else [lever.id for lever in levers]
    if lever_ids is not None:
        for lever in duplicated(lever_ids):
            problems.append(Problem("levers.yaml", f"lever '{lever}'", "id", "each lever once", "a duplicate"))
        if not lever_ids:
            problems.append(Problem("levers.yaml", "levers", "", "at least one lever", "an empty list"))
    option_ids = [o.id for o in options] if options is not None else None
    if option_ids is not None:
        for oid in duplicated(option_ids):
            problems.append(Problem("options.yaml", f"option '{oid}'", "id", "unique option ids", "a duplicate"))
    if option_ids is not None and base_scores is not None:
        cells = [(s.option, s.lever) for s in base_scores]
        for index, (oid, lever) in enumerate(cells, start=1):
            if oid not in option_ids:
                problems.append(
                    Problem("base_scores.csv", f"row {index}", "option", "an option id from options.yaml", repr(oid))
                )
            if lever_ids is not None and lever not in lever_ids:
                problems.append(
                    Problem(
                        "base_scores.csv",
                        f"row {index}",
                        "lever",
                        "a lever id from levers.yaml: " + ", ".join(lever_ids),
                        repr(lever),
                    )
                )
        for key in duplicated(f"{o}|{lever}" for o, lever in cells):
            oid, lever = key.split("|")
            problems.append(
                Problem("base_scores.csv", f"option '{oid}'", lever, "one score per option and lever", "two rows")
            )
        present = set(cells)
        for oid in option_ids:
            for lever in lever_ids or ():
                if (oid, lever) not in present:
                    problems.append(
                        Problem(
                            "base_scores.csv",
                            f"option '{oid}'",
                            lever,
                            "a base score for every option and lever",
                            "no row",
                        )
                    )
    if adjustments is not None:
        for aid in duplicated(a.id for a in adjustments):
            problems.append(Problem("adjustments.csv", f"adjustment '{aid}'", "id", "unique ids", "a duplicate"))
        for index, adj in enumerate(adjustments, start=1):
            if option_ids is not None and adj.option not in option_ids:
                problems.append(
                    Problem(
                        "adjustments.csv",
                        f"row {index} ({adj.id})",
                        "option",
                        "an option id from options.yaml",
                        repr(adj.option),
                    )
                )
            if lever_ids is not None and adj.lever not in lever_ids:
                problems.append(
                    Problem(
                        "adjustments.csv",
                        f"row {index} ({adj.id})",
                        "lever",
                        "a lever id from levers.yaml: " + ", ".join(lever_ids),
                        repr(adj.lever),
                    )
                )
    if profiles is not None:
        for name in duplicated(p.name for p in profiles):
            problems.append(Problem("profiles.csv", f"profile '{name}'", "name", "unique profile names", "a duplicate"))
    if tree is not None:
        _check_tree(tree, option_ids, problems)
    if guidance is not None:
        for gid in duplicated(g.id for g in guidance):
            problems.append(Problem("guidance.yaml", f"item '{gid}'", "id", "unique ids", "a duplicate"))
    if site_defaults is not None:
        kinds = [s.kind for s in site_defaults]
        for kind in duplicated(kinds):
            problems.append(Problem("site_defaults.csv", f"kind '{kind}'", "kind", "one row per site kind", "two rows"))
        for kind in SITE_KINDS:
            if kind not in kinds:
                problems.append(Problem("site_defaults.csv", "rows", "kind", f"a row for '{kind}'", "none"))


def _check_weight_adjustments(
    rows: Sequence[WeightAdjustment],
    profiles: Sequence[Profile] | None,
    levers: Sequence[Lever] | None,
    problems: list[Problem],
) -> None:
    """Each weight adjustment names a profile of profiles.csv and a lever of levers.yaml, with a unique id."""
    file = "weight_adjustments.csv"
    for rid in duplicated(r.id for r in rows):
        problems.append(Problem(file, f"adjustment '{rid}'", "id", "unique ids", "a duplicate"))
    names = [p.name for p in profiles] if profiles is not None else None
    lever_ids = [lever.id for lever in levers] if levers is not None else None
    for index, row in enumerate(rows, start=1):
        if names is not None and row.profile not in names:
            problems.append(
                Problem(file, f"row {index} ({row.id})", "profile", "a profile of profiles.csv", repr(row.profile))
            )
        if lever_ids is not None and row.lever not in lever_ids:
            problems.append(
                Problem(
                    file,
                    f"row {index} ({row.id})",
                    "lever",
                    "a lever id from levers.yaml: " + ", ".join(lever_ids),
                    repr(row.lever),
                )
            )


def _check_tree(tree: DecisionTreeSpec, option_ids: list[str] | None, problems: list[Problem]) -> None:
    file = "decision_tree.yaml"
    node_ids = [n.id for n in tree.nodes]
    for nid in duplicated(node_ids):
        problems.append(Problem(file, f"node '{nid}'", "id", "unique node ids", "a duplicate"))
    if tree.start not in node_ids:
        problems.append(Problem(file, "top level", "start", "the id of a node", repr(tree.start)))
    for node in tree.nodes:
        domain = TREE_DOMAINS[node.fact]
        covered: list[str] = []
        for index, branch in enumerate(node.branches):
            where = f"node '{node.id}' branches[{index}]"
            for value in branch.when:
                if value not in domain:
                    problems.append(
                        Problem(file, where, "when", f"values of {node.fact}: " + ", ".join(domain), repr(value))
                    )
                elif value in covered:
                    problems.append(Problem(file, where, "when", "each value in one branch only", f"{value!r} again"))
                covered.append(value)
            if branch.next is not None and branch.next not in node_ids:
                problems.append(Problem(file, where, "next", "the id of a node", repr(branch.next)))
            if branch.option is not None and option_ids is not None and branch.option not in option_ids:
                problems.append(Problem(file, where, "option", "an option id from options.yaml", repr(branch.option)))
        absent = [v for v in domain if v not in covered]
        if absent:
            problems.append(
                Problem(
                    file,
                    f"node '{node.id}'",
                    "branches",
                    "a branch for every value of " + node.fact,
                    "none for " + ", ".join(absent),
                )
            )
    # cycles: walk from every node
    by_id = {n.id: n for n in tree.nodes}

    def visit(nid: str, trail: tuple[str, ...]) -> None:
        if nid in trail:
            problems.append(
                Problem(file, f"node '{nid}'", "next", "a tree without loops", "a loop " + " -> ".join(trail + (nid,)))
            )
            return
        node = by_id.get(nid)
        if node is None:
            return
        for branch in node.branches:
            if branch.next is not None:
                visit(branch.next, trail + (nid,))

    if tree.start in by_id:
        visit(tree.start, ())
        reached = {tree.start}
        frontier = [tree.start]
        while frontier:
            current = by_id.get(frontier.pop())
            for branch in current.branches if current is not None else ():
                if branch.next is not None and branch.next not in reached:
                    reached.add(branch.next)
                    frontier.append(branch.next)
        for nid in node_ids:
            if nid not in reached:
                problems.append(
                    Problem(
                        file,
                        f"node '{nid}'",
                        "id",
                        f"a node reached from the start ('{tree.start}')",
                        "no branch leading to it",
                    )
                )


# --- requests ------------------------------------------------------------------------


def request_display_name(path: Path, dataset: Dataset | None) -> str:
    """How a request file is named in errors and reports: relative to the data folder, else its file name."""
    if dataset is not None:
        try:
            return str(path.resolve().relative_to(dataset.root.resolve()))
        except ValueError:
            pass
    return path.name


def load_request(ref: str | Path, dataset: Dataset) -> Request:
    """Load a request by id (a file in the data folder's ``requests/``) or by path to a YAML file.

    Raises :class:`UnknownRequestError` for a reference that is neither, :class:`DataValidationError`
    for a request file that is not valid.
    """
    return load_request_file(resolve_request(ref, dataset).path, dataset)


def load_request_file(path: Path, dataset: Dataset | None) -> Request:
    """The request file at ``path``, validated (against ``dataset``'s folder when given; cached by content)."""
    if dataset is None:
        return _validated_request(path, dataset)
    from .datacache import cached, file_key  # keyed by the file and by the folder it is checked against

    return cached(
        "request",
        lambda: [file_key(path), *sorted(f"{k}={v}" for k, v in dataset.digests.items())],
        Request,
        lambda: _validated_request(path, dataset),
    )


def _validated_request(path: Path, dataset: Dataset | None) -> Request:
    problems: list[Problem] = []
    name = request_display_name(path, dataset)
    fields = ", ".join(Request.model_fields)
    data = read_yaml(path, problems, display=name, content=f"a request ({fields})")
    unread = any(p.expected.startswith(("a file", "the file")) for p in problems)  # a device, a pipe, too big
    if data is None and path.suffix not in (".yaml", ".yml") and not unread and not any(p.field for p in problems):
        # not YAML at all (a CSV, a notebook, ...): say what it is not, without quoting it
        raise DataValidationError(
            [
                Problem(
                    name,
                    "",
                    "",
                    f"a request file: YAML with the fields {fields}",
                    f"{f'a {path.suffix}' if path.suffix else 'an extensionless'} file that is not YAML; "
                    "this file is not a request",
                )
            ]
        )
    request = None
    if data is not None:
        if not isinstance(data, dict) or not set(data) & set(Request.model_fields):
            # some other file given as a request: say so, and show its shape, never its values
            problems.append(
                Problem(
                    name,
                    "top level",
                    "",
                    f"a request: a mapping with the fields {fields}",
                    f"{shape_of(data)}; this file is not a request",
                )
            )
        else:
            request = validate_record(Request, data, name, "", problems)
            if request is not None and path.parent.name == "requests" and request.id != path.stem:
                problems.append(Problem(name, "", "id", f"the file's name, '{path.stem}'", brief(request.id)))
    if problems or request is None:
        raise DataValidationError(problems)
    return request


@dataclass(frozen=True)
class RequestEntry:
    """A request file found in the data folder: its request, or why it could not be loaded."""

    id: str
    path: Path
    request: Request | None
    error: DataValidationError | None


def misnamed_requests(dataset: Dataset) -> list[Problem]:
    """A problem for each file of ``requests/`` named as YAML but not ``*.yaml`` (never read as a request)."""
    return [misnamed_problem(p, f"requests/{p.name}") for p in misnamed_yaml(dataset.requests_dir)]


def scan_requests(dataset: Dataset) -> list[RequestEntry]:
    """Every request file in the data folder, valid or not (for pickers that must not break); a file named
    ``*.yml`` or ``*.YAML`` is listed as invalid under its file name (it is not read: rename it)."""
    entries = []
    for rid in dataset.request_ids():
        path = dataset.requests_dir / f"{rid}.yaml"
        try:
            entries.append(RequestEntry(rid, path, load_request_file(path, dataset), None))
        except DataValidationError as exc:
            entries.append(RequestEntry(rid, path, None, exc))
    for path in misnamed_yaml(dataset.requests_dir):
        problem = misnamed_problem(path, f"requests/{path.name}")
        entries.append(RequestEntry(path.name, path, None, DataValidationError([problem])))
    return entries
