"""The ``imaging-value`` command line.

Exit 0 on success; on an error one line on stderr beginning ``error:``, never a
traceback, and the exit code its class gives (:func:`imaging_value.core.errors.exit_code`):
2 for bad input, 1 for work that failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .core.checks import parse_amount
from .core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from .core.errors import EXIT_FAILED, EXIT_INPUT, DataValidationError, ImagingValueError, ParameterError, exit_code
from .core.layout import lock_digest, version_text
from .core.safetext import printable, printable_json

# Everything else (pydantic, numpy, and the heavy pandas, scipy, plotly, papermill and
# nbconvert) is imported inside the commands that need it, so `--help` and `rank` start quickly.

# pydantic looks for third-party plugins (observers of validation, none of them in the lock) by
# scanning every installed package's entry points, a fixed cost at start-up; the command line does
# without them unless the user's environment sets this variable itself.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

__all__ = ["main"]


class _Version(argparse.Action):
    """--version: the package version beside the lock file's digest (looked up only when asked)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__

        print(f"imaging-value {version_text(__version__, lock_digest())}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ParameterError("command line", f"valid arguments (see '{self.prog} --help')", message)


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="data folder with the same layout as data/samples (default: $IMAGING_VALUE_DATA, "
        "else data/samples of the project imaging-value was installed from)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text (default: text)")


def _add_requester(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--requester",
        type=int,
        default=None,
        metavar="I",
        help="only the requester at position I, counted from 0 as requester_index in the JSON "
        "(the text's 'requester 1' is --requester 0); default: every requester",
    )


def _add_weights(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--weights",
        type=str,
        default=None,
        metavar="LEVER=W,...",
        help="lever weights, e.g. clinical=3,commercial=1 (a lever left out weighs 0; default: equal weights)",
    )
    group.add_argument(
        "--profile",
        type=str,
        default=None,
        metavar="NAME",
        help="a stakeholder profile's weights (default: none, the weights above)",
    )


def _add_report_view(parser: argparse.ArgumentParser) -> None:
    """The view a report pack takes (recorded in each request's .params.yaml and shown in its header)."""
    _add_weights(parser)
    parser.add_argument(
        "--total",
        type=str,
        default=None,
        metavar="AMOUNT",
        help="total shared among the sites, in GBP (default: an illustrative 1,000,000)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to PDF beside its HTML (needs Debian's chromium; no network; default: HTML only)",
    )
    parser.add_argument(
        "--plotly",
        choices=("inline", "shared"),
        default="inline",
        help="inline: each report carries its own copy of plotly.js, one self-contained file that opens "
        "offline, e.g. sent by e-mail; shared: one plotly.min.js beside the reports, which they all load, for a "
        "pack published together as a folder (default: %(default)s)",
    )


def _report_view(args: argparse.Namespace, dataset: Any) -> dict[str, Any]:
    """--profile/--weights/--total/--seed as notebook parameters, checked before any notebook runs."""
    from .framework.scoring import parse_weights, resolve_weights

    view: dict[str, Any] = {}
    weights = parse_weights(args.weights) if args.weights is not None else None
    resolve_weights(dataset, weights, args.profile)  # an unknown profile or bad weights stop here
    if args.profile is not None:
        view["profile"] = args.profile
    if weights is not None:
        view["weights"] = dict(weights)
    if args.total is not None:
        from .core.checks import check_total

        view["total"] = check_total(parse_amount(args.total), shown=args.total)  # the notebook's own check
    if args.seed is not None:
        view["seed"] = args.seed
    return view


def _print_pdfs(outcomes: Sequence[Any], pdf: bool) -> list[str]:
    """After the HTML export: a PDF beside each report (--pdf), or no stale PDF left beside a new report."""
    errors = []
    for outcome in outcomes:
        if outcome.html is None:
            continue
        if not pdf:
            outcome.html.with_suffix(".pdf").unlink(missing_ok=True)
            continue
        from .render.pdf import print_pdf

        try:
            written = print_pdf(outcome.html)
            print(f"wrote {written.name}", file=sys.stderr)
        except ImagingValueError as exc:
            errors.append(str(exc))
    return errors


def _add_capabilities(sub: Any) -> None:
    """A sub-command for every registered capability that has one, in the registry's order."""
    from .capabilities import capabilities

    for cap in capabilities():
        if cap.command is None:
            continue
        p = sub.add_parser(cap.command, help=cap.help)
        if cap.scope == "request":
            p.add_argument("request", metavar="REQUEST", help="request id in the data folder's requests/, or a path")
        if "requester" in cap.options:
            _add_requester(p)
        if "weights" in cap.options:
            _add_weights(p)
        if cap.arguments is not None:
            cap.arguments(p)
        _add_data(p)
        p.set_defaults(run=functools.partial(_answer_of, cap))


def _add_negotiation(sub: Any) -> None:
    """``assess OFFER`` and ``counter OFFER``: the negotiation capability's two commands."""
    from .capabilities.common import add_seed_argument

    offer_help = "an offer file (negotiations/<name>/round-<n>.yaml): a path, or one relative to the data folder"
    p = sub.add_parser(
        "assess",
        help="judge an offer: each national principle, the term rules, its worth to the NHS and to the partner, "
        "and the zone of agreement, for every branch the request leaves open",
    )
    p.add_argument("offer", type=Path, metavar="OFFER", help=offer_help)
    _add_draws(p)
    add_seed_argument(p)
    _add_data(p)
    p.set_defaults(run=_answered(_assess))
    p = sub.add_parser(
        "counter",
        help="the smallest change to an offer that complies and gives the NHS its fair share, as the next round",
    )
    p.add_argument("offer", type=Path, metavar="OFFER", help=offer_help)
    p.add_argument(
        "--keep",
        nargs="+",
        action="extend",
        default=[],
        metavar="TERM",
        help="terms that stay as offered (e.g. --keep exclusivity_months royalty)",
    )
    p.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write the counter-offer here (never over a file)"
    )
    _add_draws(p)
    add_seed_argument(p)
    _add_data(p)
    p.set_defaults(run=_answered(_counter))


def _add_draws(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--draws", type=int, default=None, metavar="N", help="Monte Carlo draws (default: valuation.yaml's draws)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``imaging-value`` argument parser: every sub-command, the capabilities' included."""
    parser = _Parser(prog="imaging-value", description="The value framework workbook for medical imaging data.")
    parser.add_argument("--version", action=_Version, help="show the version and the lock file's digest, and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    from .capabilities.common import add_seed_argument

    _add_capabilities(sub)
    _add_negotiation(sub)
    p = sub.add_parser("profiles", help="the stakeholder weight profiles (normalised)")
    _add_data(p)
    p.set_defaults(run=_answered(_profiles))
    p = sub.add_parser(
        "report",
        help="render HTML reports with papermill into the output folder, with an index",
        description="Render reports with papermill into the output folder and rebuild its index.html. Name the "
        "reports (request ids or paths, --board, --portfolio, --compare, --summit), or give --all for the pack.",
    )
    p.add_argument("requests", nargs="*", metavar="REQUEST", help="request ids or paths to render (default: none)")
    p.add_argument(
        "--all",
        action="store_true",
        help="the whole pack: the board paper, the portfolio, every request in the data folder, the comparison "
        "and every summit of the data folder's summits/",
    )
    p.add_argument(
        "--board",
        action="store_true",
        help="the board paper: every request's decision in three printed pages or fewer (one job of the pack; "
        "default: only with --all)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: %(default)s)"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks rendered in parallel, each on its own warm kernel (default: the number of cores)",
    )
    p.add_argument(
        "--portfolio", action="store_true", help="the portfolio report (one job of the pack; default: only with --all)"
    )
    p.add_argument(
        "--compare",
        action="store_true",
        help="the comparison of all requests side by side (one job of the pack; default: only with --all)",
    )
    p.add_argument(
        "--summit",
        action="append",
        default=[],
        metavar="SUMMIT-ID",
        dest="summits",
        help="a grand-summit report (one job of the pack; may be given more than once; default: none)",
    )
    p.add_argument(
        "--negotiation",
        action="append",
        default=[],
        metavar="FOLDER",
        dest="negotiations",
        help="a negotiation's report: a folder of offers (negotiations/<name> in the data folder, or a path; "
        "one job of the pack; may be given more than once)",
    )
    p.add_argument(
        "--transparency", action="store_true", help="the transparency register of signed agreements (needs a register)"
    )
    p.add_argument(
        "--register", action="store_true", help="the board's report on the agreements register (needs a register)"
    )
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the agreements register whose reports --all includes (default: $IMAGING_VALUE_DB, else the "
        "default register file, when it exists)",
    )
    p.add_argument(
        "--plan",
        action="store_true",
        help="print the jobs instead of running them: one line of arguments per job (for xargs), "
        "or with --json their notebooks, papermill parameters and output names (default: run them)",
    )
    _add_report_view(p)
    _add_data(p)
    p.set_defaults(run=_report)
    p = sub.add_parser("index", help="rebuild index.html and manifest.json from the reports in the output folder")
    p.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: %(default)s)"
    )
    p.set_defaults(run=_index)
    p = sub.add_parser("elicit", help="one group's weights from a summit answer file, with spread and consistency")
    p.add_argument("file", type=Path, metavar="FILE", help="an answer file, summits/<summit-id>/<group>.yaml")
    _add_data(p)
    p.set_defaults(run=_answered(_elicit))
    p = sub.add_parser(
        "summit",
        help="the grand summit: every group's weights, disagreement, first choices, "
        "compromise and minimax-regret option per request",
    )
    p.add_argument("summit", metavar="SUMMIT-ID", help="a folder of summits/ in the data folder")
    p.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help="weight samples around the compromise (default: %(default)s)",
    )
    add_seed_argument(p)
    _add_data(p)
    p.set_defaults(run=_answered(_summit))
    p = sub.add_parser(
        "check",
        help="the framework checked against itself: tree leaves that can never be signed, agreements the "
        "adjustments or fairness answers rule out, exclusivity where curation is raw or unstated, fees that "
        "do not recover the cost of access (exit 2 when any is found)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="only the checks that price nothing, on the tree's facts (what loading a data folder warns of)",
    )
    add_seed_argument(p)
    _add_data(p)
    p.set_defaults(run=_check)
    p = sub.add_parser(
        "export", help="write the portfolio and every request's recommendation and ranking as JSON and CSV"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports") / "data",
        metavar="DIR",
        help="output folder, replaced as a whole (absent, empty, or an earlier export; default: %(default)s)",
    )
    _add_data(p)
    p.set_defaults(run=_answered(_export))

    from .register.arguments import add_register_commands

    add_register_commands(sub, _add_register_data)
    sub.choices["register"].set_defaults(run=_register)
    return parser


def _register(args: argparse.Namespace) -> int:
    """``register ...``: one transaction on the agreements register, its answer as JSON or text."""
    from .register.commands import run_register

    answer, text = run_register(args, args.argv)
    _print_answer(args, answer, text)
    return 0


def _add_register_data(parser: argparse.ArgumentParser) -> None:
    """``--data`` and ``--json`` for the register's sub-commands that read the data folder."""
    _add_data(parser)


# --- text output ---------------------------------------------------------------------


def _text_profiles(answer: dict) -> str:
    """Each profile's label, the name --profile takes, and its normalised weights by lever label."""
    from .capabilities.common import labeller

    label = labeller(answer)
    lines = [
        f"{label(p['name'])} (--profile {p['name']}): "
        + ", ".join(f"{label(k)} {v:.2f}" for k, v in p["weights"].items())
        for p in answer["profiles"]
    ]
    return "\n".join(lines + [f"invalid: {problem}" for problem in answer.get("invalid", [])])


def _text_elicit(answer: dict) -> str:
    lines = [f"{answer['group']}: {answer['method']}, {answer['participants']} participant(s)"]
    lines += [f"  {lever:22} {w:.3f} (sd {answer['spread'][lever]:.3f})" for lever, w in answer["weights"].items()]
    if answer["consistency_ratio"] is not None:
        lines.append(f"  consistency ratio {answer['consistency_ratio']:.3f}")
    lines += [f"warning: {w}" for w in answer["warnings"]]
    return "\n".join(lines)


def _text_summit(answer: dict) -> str:
    """One row per lever (its label in full) with each group's weight, the compromise and the range between
    the groups; then each group's method; then per request the option that loses least for every group."""
    from .capabilities.common import labeller
    from .framework.summit import COMPROMISE_RULE

    label = labeller(answer)
    levers = list(answer["compromise_weights"])
    groups = [g["group"] for g in answer["groups"]]
    names = [label(lv) for lv in levers]
    first = max([len("lever"), *(len(n) for n in names)])
    widths = [max(7, len(g)) for g in groups]
    head = "  ".join(f"{g:>{w}}" for g, w in zip(groups, widths))
    lines = [
        f"summit {answer['summit']}: {len(groups)} groups; compromise: {COMPROMISE_RULE}",
        f"  {'lever':{first}}  {head}  {'compromise':>10}  {'range':>7}",
    ]
    for lever, name in zip(levers, names):
        span = answer["disagreement"][lever]["max"] - answer["disagreement"][lever]["min"]
        cells = "  ".join(f"{g['weights'][lever]:>{w}.3f}" for g, w in zip(answer["groups"], widths))
        lines.append(f"  {name:{first}}  {cells}  {answer['compromise_weights'][lever]:>10.3f}  {span:>7.3f}")
    for g in answer["groups"]:
        cr = "" if g["consistency_ratio"] is None else f", consistency ratio {g['consistency_ratio']:.3f}"
        lines.append(f"  {g['group']}: {g['method']}, {g['participants']} participants{cr}")
    for r in answer["requests"]:
        firsts = "; ".join(f"{g} {label(o)}" for g, o in r["first_choice"].items())
        lines.append(
            f"{r['request']} requester {r['requester_index'] + 1}: smallest worst shortfall from a group's first choice (minimax regret): "
            f"{label(r['minimax_regret'])}; first choices: {firsts}"
        )
    return "\n".join(lines)


def _elicit(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .model.data import load_levers
    from .model.summit_files import read_answer_file

    levers = tuple(lever.id for lever in load_levers(args.data))
    return read_answer_file(args.file, levers, args.data).result.to_dict(), _text_elicit


def _summit(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .capabilities import load_dataset
    from .capabilities.common import with_labels
    from .core.checks import check_samples
    from .framework.summit import grand_summit

    check_samples(args.samples)
    dataset = load_dataset(args.data)
    answer = grand_summit(dataset, args.summit, seed=args.seed, samples=args.samples).to_dict()
    return answer, lambda a: _text_summit(with_labels(dataset, a))


# --- commands ------------------------------------------------------------------------


def _answered(make: Callable[[argparse.Namespace], tuple[Any, Callable[[Any], str]]]) -> Callable[..., int]:
    """A command that answers (JSON with --json, else its text), from a function giving the answer and its text."""

    def run(args: argparse.Namespace) -> int:
        answer, text = make(args)
        _print_answer(args, answer, text)
        return 0

    return run


def _answer_of(cap: Any, args: argparse.Namespace) -> int:
    """A capability's sub-command: its result for the case the arguments give, as JSON or its text."""
    from .capabilities import load_dataset
    from .capabilities.common import with_labels

    dataset = load_dataset(args.data)
    result = _case(cap, args, dataset).result(cap.name)
    text = cap.text or (lambda answer: json.dumps(answer, indent=2, ensure_ascii=False))
    # the text names options, levers and views by their labels (the JSON keeps the ids)
    _print_answer(args, result.to_dict(), lambda answer: text(with_labels(dataset, answer)))
    return 0


def _assess(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .capabilities import load_dataset
    from .capabilities.negotiation import assess_answer, assess_text
    from .core.checks import check_flags

    check_flags(args.draws, None, None)
    return assess_answer(load_dataset(args.data), args.offer, seed=args.seed, draws=args.draws), assess_text


def _counter(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .capabilities import load_dataset
    from .capabilities.negotiation import counter_answer, counter_text
    from .core.checks import check_flags

    check_flags(args.draws, None, None)
    answer = counter_answer(
        load_dataset(args.data), args.offer, keep=args.keep, out=args.out, seed=args.seed, draws=args.draws
    )
    return answer, counter_text


def _profiles(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .capabilities import load_dataset
    from .capabilities.common import with_labels
    from .framework.analysis import profiles_answer

    dataset = load_dataset(args.data)
    return profiles_answer(dataset), lambda a: _text_profiles(with_labels(dataset, a))


def _export(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str]]:
    from .capabilities import load_dataset
    from .export import export_all

    written = export_all(load_dataset(args.data), args.out)
    return {"written": [str(p) for p in written]}, lambda a: "\n".join(f"wrote {p}" for p in a["written"])


def _check(args: argparse.Namespace) -> int:
    """The consistency check's report (JSON with --json); exit 2 when it finds a problem."""
    from .capabilities import load_dataset
    from .framework.consistency import check, loader_check

    dataset = load_dataset(args.data, consistency=False)  # the check itself says what is wrong, once
    report = loader_check(dataset) if args.quick else check(dataset, seed=args.seed)
    _print_answer(args, report.to_dict(), lambda _answer: "\n".join(report.lines()))
    return 0 if report.ok else EXIT_INPUT


def _print_answer(args: argparse.Namespace, answer: Any, text: Callable[[Any], str]) -> None:
    # names come from data files: no control character reaches the terminal as itself
    print(
        printable_json(json.dumps(answer, indent=2, ensure_ascii=False))
        if args.json
        else printable(text(answer), keep_newlines=True)
    )
    sys.stdout.flush()


def _case(cap: Any, args: argparse.Namespace, dataset: Any) -> Any:
    """The case a capability's sub-command asks about: the request, requester and view from its arguments."""
    from .engine.case import Case
    from .framework.scoring import parse_weights
    from .model.data import load_request

    request = load_request(args.request, dataset) if cap.scope == "request" else None
    options: dict[str, Any] = {"requester": getattr(args, "requester", None)}
    if "weights" in cap.options:
        options["weights"] = parse_weights(args.weights) if args.weights is not None else None
        options["profile"] = args.profile
    if cap.case_options is not None:
        options.update(cap.case_options(args))
    return Case(dataset, request, **options)


def _report(args: argparse.Namespace) -> int:
    import shlex
    import signal

    from .capabilities import load_dataset
    from .core.checks import check_count
    from .render.pack import plan_answer, plan_jobs, progress_to_stderr, render_pack

    named = (
        args.requests
        or args.board
        or args.portfolio
        or args.compare
        or args.summits
        or args.negotiations
        or args.transparency
        or args.register
    )
    if args.all and named:
        raise ParameterError(
            "REQUEST",
            "either request ids or --all, not both (--all includes --board, --portfolio, --compare, --summit, "
            "--negotiation, --transparency and --register)",
            " ".join(args.requests) or "--board/--portfolio/--compare/--summit/--negotiation/--transparency/--register",
        )
    if not (args.all or named):
        raise ParameterError("REQUEST", "one or more request ids, or --all for the whole pack", "none")
    register = _register_for_report(args)
    if args.jobs is not None:
        check_count(args.jobs, "jobs", minimum=1)
    dataset = load_dataset(args.data)  # a broken data folder stops here, before any notebook runs
    view = _report_view(args, dataset)
    if args.all:  # a request file the pack cannot read is named, not dropped silently
        from .model.data import misnamed_requests

        for problem in misnamed_requests(dataset):
            print(f"warning: {printable(str(problem))}", file=sys.stderr)
    if args.plan:
        refs = dataset.request_ids() if args.all else args.requests
        jobs = plan_jobs(
            args.data,
            args.requests,
            args.all,
            portfolio=args.portfolio,
            compare=args.compare,
            summits=args.summits,
            negotiations=args.negotiations,
            view=view,
            register=register,
            transparency=args.transparency,
            register_report=args.register,
            board=args.board,
        )
        plan = plan_answer(jobs, args.data, args.out, refs, view=view, pdf=args.pdf, plotly=args.plotly)
        print(
            json.dumps(plan, indent=2, ensure_ascii=False)
            if args.json
            else "\n".join(shlex.join(job["args"]) for job in plan["jobs"])
        )
        return 0
    from .core.atomic import ensure_folder

    ensure_folder(args.out)  # a file or a device where the folder should be: said before anything runs
    if args.pdf:
        from .render.pdf import find_chromium

        find_chromium()  # no chromium: say so before rendering anything
    # a scheduler's SIGTERM stops the run as Ctrl-C does: kernels killed, nothing written afterwards
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        outcomes = render_pack(
            args.data,
            args.out,
            args.requests,
            args.all,
            args.jobs,
            progress_to_stderr,
            portfolio=args.portfolio,
            compare=args.compare,
            summits=args.summits,
            negotiations=args.negotiations,
            view=view,
            register=register,
            transparency=args.transparency,
            register_report=args.register,
            board=args.board,
            plotly=args.plotly,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    pdf_errors = _print_pdfs(outcomes, args.pdf)
    from .render.pack import write_index

    # rebuilt after printing: the index links each PDF beside its HTML, and no stale one
    write_index(args.out, outcomes)
    failures = [o for o in outcomes if o.error]
    for outcome in failures:
        print(f"error: {outcome.error}", file=sys.stderr)
    for message in pdf_errors:
        print(f"error: {message}", file=sys.stderr)
    if pdf_errors:
        return EXIT_FAILED
    print(f"{len(outcomes) - len(failures)} of {len(outcomes)} reports written; index: {args.out / 'index.html'}")
    if not failures:
        return 0
    return EXIT_INPUT if all(o.input_error for o in failures) else EXIT_FAILED


def _register_for_report(args: argparse.Namespace) -> str | None:
    """The register the pack's register reports read: --db, else $IMAGING_VALUE_DB or the default file when
    there is one (None: the pack has no register reports); --transparency and --register need one."""
    from .register.location import resolve

    location = resolve(args.db)
    if args.db is not None or location.exists():
        return str(location.path) if location.path is not None else location.url  # absolute: notebooks run elsewhere
    if args.transparency or args.register:
        raise ParameterError(
            "db", "an agreements register for --transparency or --register (--db URL)", f"none at {location.shown}"
        )
    return None


def _index(args: argparse.Namespace) -> int:
    from .render.pack import write_index

    if not args.out.is_dir():
        from .core.atomic import describe_kind

        raise ParameterError("out", "an existing folder of reports", f"{args.out}, {describe_kind(args.out)}")
    path = write_index(args.out)
    count = len(json.loads((args.out / "manifest.json").read_text(encoding="utf-8")))
    print(f"{count} reports listed; index: {path}")
    return 0


def _data_folder(given: Path | None) -> Path:
    """``--data`` as given, else the default folder, which must exist (the error says which one was tried)."""
    from .core.layout import default_data_dir

    if given is not None:
        return given
    path, source = default_data_dir()
    if not path.is_dir():
        raise ParameterError("data", f"a data folder ({source}); give one with --data DIR", f"no folder at {path}")
    return path


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader stopped early (``| head``): not an error, and no traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


def _show_warning(message: Any, category: type, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    """A data folder's inconsistency as one ``warning:`` line on stderr (other warnings as Python shows them)."""
    from .core.errors import InconsistencyWarning

    if issubclass(category, InconsistencyWarning):
        print(f"warning: {printable(str(message))}", file=sys.stderr)
    else:  # pragma: no cover - any other warning, as Python would show it
        sys.stderr.write(__import__("warnings").formatwarning(message, category, filename, lineno, line))


def _main(argv: Sequence[str] | None) -> int:
    import warnings

    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "seed", None) is not None:  # every sub-command's --seed, checked as the notebooks check it
            from .core.checks import check_seed

            check_seed(args.seed)
        if hasattr(args, "data"):
            args.data = _data_folder(args.data)
        args.argv = list(sys.argv[1:] if argv is None else argv)  # the register's audit trail names the command
        return int(args.run(args))
    except DataValidationError as exc:
        print(f"error: {printable(exc.one_line())}", file=sys.stderr)
        return exit_code(exc)
    except ImagingValueError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return exit_code(exc)
    except BrokenPipeError:
        raise  # the reader stopped early: main() says nothing
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename is not None else ""
        print(f"error: {printable(str(exc.strerror or exc) + where)}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt as exc:
        print("error: interrupted", file=sys.stderr)
        return exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
