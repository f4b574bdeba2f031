"""Signing an agreement: what is signed, worked out from the data folder, then recorded.

:func:`prepare_option` works out everything the register keeps of a signing from the workbook's own
answers: the option's term sheet for the requester (under the decision tree outcome the request's facts,
or the facts the signer assumes, select), its compliance with every national principle, its rNPV at
signing with the cash expected each year, the split rule with each contributing site's share, and the
sha256 of every input file with the package version. The result, a :class:`Signing`, is the same
whatever the terms came from: another source of terms (an offer file, say) need only build one, with its
own ``source`` and ``source_detail``, and ``register sign`` take it as a second option beside ``--option``. :func:`record_signing` writes it (version 1) and :func:`record_variation` writes a new
version of an agreement that refers to the one before; a signed version is never edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..core.defaults import DEFAULT_SEED
from ..core.errors import ParameterError
from ..model.schema import FACTS, UNSTATED
from .money import PPB, shares_ppb
from .obligations import Obligation, Timing, carried_over, derive
from .records import content
from .schema import agreement_sites, agreements, obligations
from .store import Writer, canonical_json, now

__all__ = ["Signing", "Site", "prepare_option", "record_signing", "record_variation", "default_id", "ASSUMABLE"]

# the facts a signer may assume where the request leaves them unstated (those the decision tree branches on)
ASSUMABLE = {name.rsplit(".", 1)[-1]: name for name, fact in FACTS.items() if fact.branches}


@dataclass(frozen=True)
class Site:
    """A contributing site (trust) and its share of what the agreement returns (parts per billion)."""

    site: str
    kind: str
    images: float
    share_ppb: int


@dataclass(frozen=True)
class Signing:
    """Everything the register keeps of one signed version, before it is written."""

    request: str
    requester_index: int
    partner: str
    partner_kind: str
    purpose: str
    data_types: tuple[str, ...]
    option: str
    option_label: str
    recommended: str  # the workbook's agreement to sign for this outcome (equal weights)
    assumed: dict[str, str]
    sheet: dict[str, Any]  # the term sheet as signed (TermSheet.to_dict())
    terms: dict[str, Any]  # {term id: value}
    compliance: tuple[dict[str, Any], ...]
    valuation: dict[str, Any]  # rNPV at signing and the cash expected by year
    split_rule: str
    broker: str
    broker_share_ppb: int
    sites: tuple[Site, ...]
    sites_assumed: bool
    digests: dict[str, str]
    package_version: str
    lock_digest: str | None
    source: str = "option"
    source_detail: dict[str, Any] = field(default_factory=dict)


def default_id(request: str, requester_index: int) -> str:
    """``scenario-2-r1``: the request's id and the requester's position (as ``--requester`` counts it)."""
    return f"{request}-r{requester_index}"


def _assumptions(request: Any, requester: Any, assume: Mapping[str, str]) -> dict[str, str]:
    """The signer's ``--assume`` values, checked: facts the tree branches on, left unstated, known values."""
    checked: dict[str, str] = {}
    for key, value in assume.items():
        name = key.rsplit(".", 1)[-1]
        if name not in ASSUMABLE:
            raise ParameterError("assume", "fact=value for one of " + ", ".join(ASSUMABLE), f"{key}={value}")
        fact = ASSUMABLE[name]
        subject = request if fact.startswith("request.") else requester
        stated = getattr(subject, name)
        if stated not in (UNSTATED, None):
            raise ParameterError("assume", f"a fact the request leaves unstated ({fact} is stated: {stated})", key)
        allowed = [v for v in (FACTS[fact].values or ()) if v != UNSTATED]
        if value not in allowed:
            raise ParameterError("assume", f"{name}= one of " + ", ".join(allowed), f"{key}={value}")
        checked[name] = value
    return checked


def _branch_text(assumed: Mapping[str, Any]) -> str:
    return " ".join(f"--assume {k}={v if isinstance(v, str) else '|'.join(v)}" for k, v in assumed.items())


def _outcome(case: Any, index: int, assumed: Mapping[str, str]) -> int:
    """Which decision-tree outcome the assumed facts select; refused, listing the branches, when none does."""
    outcomes = case.recommendations(index)
    for i, outcome in enumerate(outcomes):
        if all(
            k in assumed and (assumed[k] == v if isinstance(v, str) else assumed[k] in v)
            for k, v in outcome.assumed.items()
        ):
            return i
    agreements_ = case.agreements(index)
    branches = "; ".join(
        f"{_branch_text(o.assumed)} (agreement to sign: {a.option})" for o, a in zip(outcomes, agreements_)
    )
    raise ParameterError(
        "assume",
        f"the facts request {case.request.id} leaves unstated, for one branch of the decision tree: {branches}",
        _branch_text(assumed) or "no --assume",
    )


def prepare_option(
    dataset: Any,
    request_ref: str,
    requester_index: int,
    option: str,
    assume: Mapping[str, str] | None = None,
    *,
    split_rule: str | None = None,
) -> Signing:
    """What signing ``option`` for the requester would record (nothing is written).

    ``assume``: values for the facts the request leaves unstated (``{"profit_stage": "pre_profit"}``),
    enough to select one outcome of the decision tree; without them a request that leaves such facts
    unstated is refused, and the error lists the branches. ``split_rule``: the rule sharing what comes
    back among the sites (default: ``valuation.yaml``'s ``site_rule``).
    """
    from .. import __version__
    from ..core.layout import lock_digest
    from ..engine.case import Case
    from ..framework.agreement import compliance
    from ..framework.appraisal import appraise_requester
    from ..framework.guidance import check_guidance
    from ..framework.site_split import split_among_sites
    from ..framework.terms import with_assumed
    from ..maths.sharing import RULES
    from ..model.data import load_request
    from ..model.files import file_digest
    from ..model.params import resolve_request

    request = load_request(request_ref, dataset)
    requester = request.requester(requester_index)
    if option not in dataset.option_ids:
        raise ParameterError("option", "one of " + ", ".join(dataset.option_ids), option)
    rule = split_rule or dataset.valuation.site_rule.value
    if rule not in RULES:
        raise ParameterError("split-rule", "one of " + ", ".join(RULES), rule)
    assumed = _assumptions(request, requester, assume or {})
    case = Case(dataset, request, requester_index)
    chosen = _outcome(case, requester_index, assumed)
    recommended = case.agreements(requester_index)[chosen].option
    sheet = case.term_sheet(requester_index, option, assumed)
    statuses = compliance(dataset, check_guidance(dataset, request, requester_index, assumed), option)

    spec = dataset.valuation
    full = appraise_requester(dataset, spec, request, requester_index, assumed=assumed, fair=False, shares=False)
    priced = full.option(option)
    # the cash the partner is expected to pay each year: no in-kind services, no product savings, no NHS cost
    cash_terms = {t: 0 for t in sheet.values() if t.startswith("in_kind:") or t == "product_access_discount"}
    cash = appraise_requester(
        dataset,
        spec,
        request,
        requester_index,
        assumed=assumed,
        fair=False,
        shares=False,
        term_overrides={option: cash_terms},
        overrides={"access_cost": 0.0},
    ).option(option)
    valuation = {
        "rnpv": {"mean": priced.mean, "p10": priced.p10, "p50": priced.p50, "p90": priced.p90},
        "p_nothing": priced.p_nothing,
        "net_by_year": list(priced.receipts_by_year),
        "cash_by_year": list(cash.receipts_by_year),
        "access_cost": full.cost,
        "draws": full.draws.n,
        "seed": DEFAULT_SEED,
        "discount_rate": full.assumptions.discount_rate,
        "horizon": full.assumptions.horizon,
        "view": "equal weights",
    }
    shown_request, _ = with_assumed(request, requester, assumed)
    contributions, results = split_among_sites(dataset, shown_request, 1.0, rule)
    parts = shares_ppb([float(x) for x in results[rule].table["raw_share"]])
    prefix = f"{request.id}: " if contributions.assumed else ""
    sites = tuple(
        Site(f"{prefix}{name}", kind, float(images), part)
        for name, kind, images, part in zip(contributions.sites, contributions.kinds, contributions.images, parts)
    )
    digests = dict(dataset.digests)
    path = resolve_request(request_ref, dataset).path
    digests[f"requests/{path.name}" if path.parent == dataset.requests_dir else str(path)] = file_digest(path)
    return Signing(
        request=request.id,
        requester_index=requester_index,
        partner=requester.name or requester.label(),
        partner_kind=requester.kind,
        purpose=request.title,
        data_types=tuple(request.data_types),
        option=option,
        option_label=dataset.option(option).label,
        recommended=recommended,
        assumed=assumed,
        sheet=sheet.to_dict(),
        terms=sheet.values(),
        compliance=tuple(s.to_dict() for s in statuses),
        valuation=valuation,
        split_rule=rule,
        broker=spec.broker.name,
        broker_share_ppb=int(Decimal(repr(spec.broker.share)) * PPB),
        sites=sites,
        sites_assumed=contributions.assumed,
        digests=digests,
        package_version=__version__,
        lock_digest=lock_digest(),
        source="option",
        source_detail={"option": option, "assumed": assumed},
    )


def _latest(writer: Writer, agreement: str) -> dict[str, Any] | None:
    row = (
        writer.connection.execute(
            select(agreements).where(agreements.c.agreement == agreement).order_by(agreements.c.version.desc()).limit(1)
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def _write(
    writer: Writer,
    signing: Signing,
    agreement: str,
    version: int,
    varies: int | None,
    starts_on: date,
    signed_on: date,
    minute: str,
    owed: list[Obligation],
    action: str,
) -> int:
    row_id = writer.insert(
        agreements,
        {
            "agreement": agreement,
            "version": version,
            "varies": varies,
            "request": signing.request,
            "requester_index": signing.requester_index,
            "partner": signing.partner,
            "partner_kind": signing.partner_kind,
            "purpose": signing.purpose,
            "data_types": canonical_json(list(signing.data_types)),
            "option": signing.option,
            "option_label": signing.option_label,
            "recommended": signing.recommended,
            "assumed": canonical_json(signing.assumed),
            "starts_on": starts_on,
            "signed_on": signed_on,
            "minute": minute,
            "signed_by": writer.actor.who,
            "recorded_at": now(),
            "terms": canonical_json(signing.sheet),
            "compliance": canonical_json(list(signing.compliance)),
            "valuation": canonical_json(signing.valuation),
            "split_rule": signing.split_rule,
            "broker": signing.broker,
            "broker_share_ppb": signing.broker_share_ppb,
            "sites_assumed": signing.sites_assumed,
            "digests": canonical_json(signing.digests),
            "package_version": signing.package_version,
            "lock_digest": signing.lock_digest,
            "source": signing.source,
            "source_detail": canonical_json(signing.source_detail),
        },
    )
    connection = writer.connection
    connection.execute(
        agreement_sites.insert(),
        [
            {
                "agreement_row": row_id,
                "position": i,
                "site": s.site,
                "kind": s.kind,
                "images": s.images,
                "share_ppb": s.share_ppb,
            }
            for i, s in enumerate(signing.sites)
        ],
    )
    if owed:
        connection.execute(obligations.insert(), [{"agreement_row": row_id, **o.row()} for o in owed])
    writer.audit(
        action,
        "agreement",
        row_id,
        content(connection, "agreement", row_id) or {},
        agreement=agreement,
        version=version,
        option=signing.option,
        minute=minute,
        obligations=len(owed),
    )
    return row_id


def _check_text(value: str, field_name: str) -> str:
    if not value or not value.strip():
        raise ParameterError(field_name, "a reference (the board minute that approved the agreement)", repr(value))
    return value.strip()


def record_signing(
    writer: Writer, signing: Signing, timing: Timing, *, signed_on: date, minute: str, agreement: str | None = None
) -> tuple[str, int]:
    """Write a new signed agreement (version 1) with its sites and obligations; (its id, its row id)."""
    agreement = agreement or default_id(signing.request, signing.requester_index)
    minute = _check_text(minute, "minute")
    if _latest(writer, agreement) is not None:
        raise ParameterError(
            "id",
            "an agreement id the register does not have yet (to change a signed agreement, sign a variation: "
            "register vary)",
            agreement,
        )
    owed = derive(signing.terms, signed_on, timing)
    return agreement, _write(writer, signing, agreement, 1, None, signed_on, signed_on, minute, owed, "sign")


def record_variation(
    writer: Writer, agreement: str, signing: Signing, timing: Timing, *, signed_on: date, minute: str
) -> tuple[int, int]:
    """Write a new version of a signed agreement that refers to the one before; (its version, its row id).

    Its obligations are the new terms' own, timed from the original signing, plus whatever the earlier
    version owed that the new terms drop and that had already fallen due or been settled.
    """
    from .queries import settled_obligations

    minute = _check_text(minute, "minute")
    previous = _latest(writer, agreement)
    if previous is None:
        from .queries import unknown_agreement

        raise unknown_agreement(writer.connection, agreement)
    if (signing.request, signing.requester_index) != (previous["request"], previous["requester_index"]):
        raise ParameterError(
            "request",
            f"the request and requester the agreement was signed for ({previous['request']}, requester "
            f"{previous['requester_index']})",
            f"{signing.request}, requester {signing.requester_index}",
        )
    if signed_on < previous["signed_on"]:
        raise ParameterError(
            "signed-on", f"a date on or after the version it varies was signed ({previous['signed_on']})", signed_on
        )
    before = [
        Obligation.from_row(r)
        for r in writer.connection.execute(
            select(obligations).where(obligations.c.agreement_row == previous["id"])
        ).mappings()
    ]
    owed = carried_over(
        before,
        derive(signing.terms, previous["starts_on"], timing),
        settled_obligations(writer.connection, agreement),
        signed_on,
    )
    version = int(previous["version"]) + 1
    row_id = _write(
        writer, signing, agreement, version, previous["id"], previous["starts_on"], signed_on, minute, owed, "vary"
    )
    return version, row_id
