"""Reading offer files and negotiation folders, validated against a data folder like every other file.

A negotiation is a folder of offers (``negotiations/<name>/round-1.yaml``, ``round-2.yaml``, ...).
:func:`load_offer` and :func:`load_negotiation` raise one :class:`~imaging_value.core.errors.DataValidationError`
naming every problem: an unknown term, a value outside the template's allowed range, a percentage over 100, a
negative amount, the wrong unit, an unknown request or requester, each with the file, the key, what was
expected and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DataValidationError, Problem
from ..core.safetext import brief, printable
from .data import Dataset, load_request
from .files import read_yaml, shape_of, validate_record
from .offers import NEGOTIATIONS_DIR, OFFER_FACTS, ROUND_GLOB, Offer, is_percentage, offer_yaml, term_range
from .schema import FACTS, TREE_FACTS, UNSTATED, Request
from .terms_schema import COST_RECOVERY, TERM_UNITS, TEXT_CHOICES, unit_of

__all__ = [
    "Negotiation",
    "load_offer",
    "load_negotiation",
    "negotiation_folders",
    "offer_problems",
    "offer_display_name",
    "save_offer",
    "next_round_path",
]


@dataclass(frozen=True)
class Negotiation:
    """A folder of offers, in round order: ``offers`` holds each file's path and offer."""

    folder: Path
    name: str
    offers: tuple[tuple[Path, Offer], ...]

    @property
    def request(self) -> str:
        """The request the negotiation is about."""
        return self.offers[0][1].request

    @property
    def requester(self) -> int:
        """The requester (from 0) the negotiation is with."""
        return self.offers[0][1].requester

    @property
    def latest(self) -> Offer:
        """The latest round's offer."""
        return self.offers[-1][1]


def _known_term(dataset: Dataset, term: str) -> bool:
    if unit_of(term) is None or term in ("milestone", "in_kind"):
        return False
    kind, _, name = term.partition(":")
    if kind == "milestone":
        return name in {e.id for e in dataset.agreement.milestone_events}
    if kind == "in_kind":
        return name in {s.id for s in dataset.agreement.in_kind_services}
    return ":" not in term


def _term_names(dataset: Dataset) -> str:
    plain = [t for t in TERM_UNITS if t not in ("milestone", "in_kind")]
    events = [f"milestone:{e.id}" for e in dataset.agreement.milestone_events]
    services = [f"in_kind:{s.id}" for s in dataset.agreement.in_kind_services]
    return ", ".join(plain + events + services)


def _term_problems(dataset: Dataset, offer: Offer, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    source = f"{offer.option}'s template" if offer.option else "the term templates"
    for index, item in enumerate(offer.terms):
        where = f"terms[{index}] ({printable(item.term[:60])})"
        if not _known_term(dataset, item.term):
            problems.append(
                Problem(
                    name, where, "term", f"a term of terms.yaml's vocabulary ({_term_names(dataset)})", repr(item.term)
                )
            )
            continue
        if item.term in seen:
            problems.append(Problem(name, where, "term", "each term once", f"{item.term!r} again"))
            continue
        seen.add(item.term)
        unit = TERM_UNITS[item.term.split(":", 1)[0]]
        value = item.value
        if unit == "text":
            if item.unit not in (None, "text"):
                problems.append(
                    Problem(name, where, "unit", "no unit (or text): the term holds words", repr(item.unit))
                )
            if not isinstance(value, str):
                problems.append(Problem(name, where, "value", f"words for {item.term}", brief(value)))
            elif item.term in TEXT_CHOICES and value not in TEXT_CHOICES[item.term]:
                problems.append(
                    Problem(name, where, "value", "one of " + ", ".join(TEXT_CHOICES[item.term]), repr(value))
                )
            continue
        if item.unit != unit:
            problems.append(
                Problem(
                    name,
                    where,
                    "unit",
                    f"{unit!r}, the unit of {item.term}",
                    "no unit" if item.unit is None else repr(item.unit),
                )
            )
        if isinstance(value, str):
            expected = f"a number of at least 0 ({unit})"
            if item.term == "access_fee" and value == COST_RECOVERY:
                expected += ": an offer states the fee it proposes, in GBP"
            problems.append(Problem(name, where, "value", expected, repr(value)))
            continue
        if value < 0:
            problems.append(Problem(name, where, "value", f"a number of at least 0 ({unit})", brief(value)))
            continue
        if is_percentage(unit) and value > 100:
            problems.append(Problem(name, where, "value", f"a percentage from 0 to 100 ({unit})", brief(value)))
            continue
        low, high = term_range(dataset, item.term, offer.option)
        if value < low or high is not None and value > high:
            shown = f"[{low:g}, {high:g}]" if high is not None else f"at least {low:g}"
            problems.append(
                Problem(
                    name,
                    where,
                    "value",
                    f"a value within {shown}, the allowed range of {source} in terms.yaml",
                    brief(value),
                )
            )
    return problems


def offer_problems(dataset: Dataset, offer: Offer, name: str) -> list[Problem]:
    """What is wrong with a well-formed offer against the data folder: its request, requester, option, facts
    and terms (each problem once)."""
    problems: list[Problem] = []
    request: Request | None = None
    known = dataset.request_ids()
    if offer.request not in known:
        problems.append(
            Problem(
                name,
                "top level",
                "request",
                "a request id of the data folder's requests/: " + ", ".join(known),
                repr(offer.request),
            )
        )
    else:
        try:
            request = load_request(offer.request, dataset)
        except DataValidationError as exc:
            problems.append(
                Problem(name, "top level", "request", "a valid request", f"{offer.request}: {exc.one_line()}")
            )
    if request is not None and offer.requester >= len(request.requesters):
        problems.append(
            Problem(
                name,
                "top level",
                "requester",
                f"a position from 0 to {len(request.requesters) - 1} (the requesters of {request.id}, counted from 0)",
                str(offer.requester),
            )
        )
        request = None
    if offer.option is not None and offer.option not in dataset.option_ids:
        problems.append(
            Problem(
                name,
                "top level",
                "option",
                "an option of options.yaml: " + ", ".join(dataset.option_ids),
                repr(offer.option),
            )
        )
    for key, value in offer.facts.items():
        where = f"facts.{printable(key[:40])}"
        fact = next((f for f in TREE_FACTS if f.split(".", 1)[1] == key), None)
        if fact is None:
            problems.append(
                Problem(
                    name, where, key, "a fact the decision tree branches on: " + ", ".join(OFFER_FACTS), "no such fact"
                )
            )
            continue
        vocabulary = tuple(v for v in (FACTS[fact].values or ()) if v != UNSTATED)
        if value not in vocabulary:
            problems.append(Problem(name, where, key, "one of " + ", ".join(vocabulary), repr(value)))
            continue
        if request is not None:
            subject = request if fact.startswith("request.") else request.requester(offer.requester)
            stated = getattr(subject, key, None)
            if stated not in (None, UNSTATED):
                problems.append(
                    Problem(
                        name,
                        where,
                        key,
                        f"only a fact the request leaves unstated (it states {key} = {stated})",
                        repr(value),
                    )
                )
    problems.extend(_term_problems(dataset, offer, name))
    return problems


def offer_display_name(path: Path, dataset: Dataset | None) -> str:
    """How an offer file is named in errors: relative to the data folder, else as given."""
    if dataset is not None:
        try:
            return str(path.resolve().relative_to(dataset.root.resolve()))
        except ValueError:
            pass
    return str(path)


def _read_offer(path: Path, dataset: Dataset, problems: list[Problem]) -> Offer | None:
    name = offer_display_name(path, dataset)
    fields = ", ".join(Offer.model_fields)
    data = read_yaml(path, problems, display=name, content=f"an offer ({fields})")
    if data is None:
        return None
    if not isinstance(data, dict) or not set(data) & set(Offer.model_fields):
        problems.append(
            Problem(
                name,
                "top level",
                "",
                f"an offer: a mapping with the fields {fields}",
                f"{shape_of(data)}; this file is not an offer",
            )
        )
        return None
    offer = validate_record(Offer, data, name, "", problems)
    if offer is None:
        return None
    more = offer_problems(dataset, offer, name)
    problems.extend(more)
    return None if more else offer


def load_offer(path: str | Path, dataset: Dataset) -> Offer:
    """The offer file at ``path`` (as given, else relative to the data folder), validated against the data
    folder; one :class:`DataValidationError` lists every problem."""
    path = _existing(Path(path), dataset)
    problems: list[Problem] = []
    offer = _read_offer(path, dataset, problems)
    if problems or offer is None:
        raise DataValidationError(problems)
    return offer


def _existing(path: Path, dataset: Dataset) -> Path:
    if not path.exists() and not path.is_absolute() and (dataset.root / path).exists():
        return dataset.root / path
    return path


def negotiation_folders(dataset: Dataset) -> list[Path]:
    """The data folder's negotiations (``negotiations/<name>/`` holding offers), sorted by name."""
    root = dataset.root / NEGOTIATIONS_DIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob(ROUND_GLOB)))


def _round_number(path: Path) -> int | None:
    tail = path.stem.removeprefix("round-")
    return int(tail) if tail.isdigit() else None


def load_negotiation(folder: str | Path, dataset: Dataset) -> Negotiation:
    """A negotiation folder's offers in round order, each validated; the rounds must answer one request and
    requester and be numbered 1, 2, ... as their files are (``round-<n>.yaml``)."""
    folder = _existing(Path(folder), dataset)
    shown = offer_display_name(folder, dataset)
    if not folder.is_dir():
        raise DataValidationError(
            [Problem(shown, "", "", "a folder of offers (round-1.yaml, round-2.yaml, ...)", "no such folder")]
        )
    files = sorted(folder.glob(ROUND_GLOB), key=lambda p: (_round_number(p) is None, _round_number(p) or 0, p.name))
    problems: list[Problem] = []
    if not files:
        problems.append(Problem(shown, "", "", "offers named round-1.yaml, round-2.yaml, ...", "none"))
    offers: list[tuple[Path, Offer]] = []
    for path in files:
        offer = _read_offer(path, dataset, problems)
        if offer is not None:
            offers.append((path, offer))
    for position, (path, offer) in enumerate(offers, start=1):
        name = offer_display_name(path, dataset)
        if _round_number(path) != offer.round:
            problems.append(
                Problem(
                    name,
                    "top level",
                    "round",
                    f"{_round_number(path) or 'the number in its file name'}, as the file is named",
                    str(offer.round),
                )
            )
        elif offer.round != position:
            problems.append(
                Problem(
                    name,
                    "top level",
                    "round",
                    f"round {position}: rounds are numbered 1, 2, ... without a gap",
                    str(offer.round),
                )
            )
        first = offers[0][1]
        if (offer.request, offer.requester) != (first.request, first.requester):
            problems.append(
                Problem(
                    name,
                    "top level",
                    "request",
                    f"{first.request}, requester {first.requester}, as round 1",
                    f"{offer.request}, requester {offer.requester}",
                )
            )
    if problems:
        raise DataValidationError(problems)
    return Negotiation(folder, folder.name, tuple(offers))


def next_round_path(folder: str | Path) -> Path:
    """Where a negotiation's next round goes: ``round-<n + 1>.yaml`` after its last round (``round-1.yaml`` in a
    folder without rounds)."""
    folder = Path(folder)
    numbers = [n for p in folder.glob(ROUND_GLOB) if (n := _round_number(p)) is not None]
    return folder / f"round-{max(numbers, default=0) + 1}.yaml"


def save_offer(dataset: Dataset, offer: Offer, path: str | Path, comments: tuple[str, ...] = ()) -> Path:
    """Write an offer file (never over an existing file): the offer is validated against the data folder, and
    the text written read back as the same offer, before anything is written."""
    import yaml

    path = Path(path)
    name = offer_display_name(path, dataset)
    problems = offer_problems(dataset, offer, name)
    if problems:
        raise DataValidationError(problems)
    text = offer_yaml(offer, comments)
    if Offer.model_validate(yaml.safe_load(text)) != offer:  # the writer must round-trip
        raise DataValidationError(
            [Problem(name, "", "", "the saved text to read back as the offer", "a different offer")]
        )
    if path.exists():
        raise DataValidationError(
            [Problem(name, "", "", "a file that does not exist yet (offers are never overwritten)", "an existing file")]
        )
    from ..core.atomic import write_atomic

    try:
        write_atomic(path, text, exclusive=True)
    except FileExistsError:
        raise DataValidationError(
            [Problem(name, "", "", "a file that does not exist yet", "an existing file")]
        ) from None
    return path
