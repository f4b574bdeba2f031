"""The register's reports (notebooks ``06-transparency.ipynb``, ``07-register.ipynb``) and the agreement view
of ``05-register.ipynb``: sections from Jinja2 templates, autoescaped, read from the register through the
library in one read transaction.

:func:`transparency_report` is the public page: every signed agreement with what ``transparency.yaml`` lets
it show. :func:`register_report` is the board's: forecast at signing against received, by agreement and by
year, what falls due next, and the broker's income against its running costs. An empty or missing
register gives a page that says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import plotly.graph_objects as go

from ..core.checks import check_type
from ..core.defaults import DEFAULT_DATA_DIR
from ..present.templates import render_section
from ..register.location import resolve
from ..register.money import pounds
from ..register.periods import parse_date
from ..register.rules import REGISTER_FILE, TRANSPARENCY_FILE, load_register_dataset
from ..register.summaries import AgreementSummary, YearMoney, money_by_year, summaries
from ..register.transparency import FIELD_LABELS, band, publish
from .furniture import header_html, provenance_html

__all__ = [
    "TransparencyReport",
    "RegisterReport",
    "AgreementPage",
    "transparency_report",
    "register_report",
    "agreement_page",
    "agreement_choices",
]


def _as_of(text: str) -> date:
    check_type("as_of", text, (str,), "a date as YYYY-MM-DD, or '' for today")
    return parse_date(text, "as_of") if text else date.today()


def _open(db: str) -> tuple[Any, str]:
    """(the open register or None when there is none yet, its location as shown)."""
    from ..register.store import open_register

    check_type("db", db, (str,), "a register URL or path, or '' for the default")
    location = resolve(db or None)
    if not location.exists():
        return None, location.shown
    return open_register(db or None), location.shown


@dataclass(frozen=True)
class TransparencyReport:
    """The public transparency register, read once."""

    dataset: Any
    register: str
    as_of: date
    agreements: tuple[AgreementSummary, ...]
    parameters: dict[str, Any]

    @property
    def spec(self) -> Any:
        """transparency.yaml, validated."""
        return self.dataset.data_file(TRANSPARENCY_FILE)

    def header(self) -> str:
        """The page's title, when it was rendered and the date it shows the register on."""
        return header_html(self.spec.title, [("As of", self.as_of.isoformat())])

    def key_findings(self) -> str:
        """Plain text: how many agreements, and how many fields are shown, banded and withheld."""
        hows = [rule.publish for rule in self.spec.fields]
        return (
            f"{len(self.agreements)} signed agreement(s) as of {self.as_of.isoformat()}; each shows "
            f"{hows.count('show')} field(s), bands {hows.count('band')} and withholds {hows.count('withhold')}"
        )

    def signed(self) -> str:
        """Every signed agreement, each field shown, banded or withheld as transparency.yaml says."""
        if not self.agreements:
            return render_section(
                "register-empty", heading="Signed agreements", message="No agreement has been signed yet."
            )
        total = sum(a.received_pence for a in self.agreements)
        rule = self.spec.rule("value_returned")
        shown_total = (
            f"GBP {pounds(total)}"
            if rule.publish == "show"
            else band(total, self.spec.bands.edges)
            if rule.publish == "band"
            else "withheld"
        )
        return render_section(
            "register-transparency",
            introduction=self.spec.introduction,
            count=len(self.agreements),
            as_of=self.as_of.isoformat(),
            total=shown_total,
            agreements=[
                {"title": self._title(n, a), "fields": publish(a, self.spec)} for n, a in enumerate(self.agreements)
            ],
        )

    def _title(self, n: int, a: AgreementSummary) -> str:
        """The agreement's heading, from the fields the page may show (a withheld partner is not named)."""
        parts = [v for f, v in (("partner", a.partner), ("purpose", a.purpose)) if self.spec.rule(f).publish == "show"]
        return ": ".join(parts) or f"Agreement {n + 1}"

    def fields(self) -> str:
        """What the page publishes of each field, why, and the source."""
        edges = self.spec.bands.edges
        return render_section(
            "register-fields",
            bands="GBP " + ", ".join(f"{e:,.0f}" for e in edges),
            fields=[
                {"label": FIELD_LABELS[f.field], "publish": f.publish, "rationale": f.rationale, "source": f.source}
                for f in self.spec.fields
            ],
        )

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file: the last page."""
        return provenance_html(self.parameters, dict(self.dataset.digests))


def transparency_report(db: str = "", data_dir: str = DEFAULT_DATA_DIR, as_of: str = "") -> TransparencyReport:
    """The transparency register from the register ``db`` ('' : $IMAGING_VALUE_DB or the default file)."""
    check_type("data_dir", data_dir, (str,), "a path to a data folder")
    dataset = load_register_dataset(data_dir)
    day = _as_of(as_of)
    register, shown = _open(db)
    found: list[AgreementSummary] = []
    if register is not None:
        with register.reading() as connection:
            found = summaries(connection, day)
        register.close()
    return TransparencyReport(dataset, shown, day, tuple(found), {"register": shown, "as_of": day.isoformat()})


# --- the board's report ----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterReport:
    """The board's view of the register, read once."""

    dataset: Any
    register: str
    as_of: date
    agreements: tuple[AgreementSummary, ...]
    per_agreement: dict[str, dict[int, tuple[int, int]]]
    years: tuple[YearMoney, ...]
    due: dict[str, list[Any]]
    parameters: dict[str, Any] = field(default_factory=dict)

    def header(self) -> str:
        """The report's title, when it was rendered, the date it shows the register on, and which register."""
        return header_html(
            "The agreements register: for the board", [("As of", self.as_of.isoformat()), ("Register", self.register)]
        )

    def _forecast_to_date(self, a: AgreementSummary) -> int:
        from ..register.money import pence_of
        from ..register.periods import add_months

        return sum(
            pence_of(cash)
            for t, cash in enumerate(a.forecast_cash_by_year)
            if add_months(a.signed_on, 12 * t) <= self.as_of
        )

    def key_findings(self) -> str:
        """Plain text: agreements, forecast to date against received, what is overdue, the broker's balance."""
        if not self.agreements:
            return f"no agreements in the register as of {self.as_of.isoformat()}"
        forecast = sum(self._forecast_to_date(a) for a in self.agreements)
        received = sum(a.received_pence for a in self.agreements)
        overdue = len(self.due.get("overdue", []))
        return (
            f"{len(self.agreements)} agreement(s); forecast to date GBP {pounds(forecast)}, received GBP {pounds(received)}; "
            f"{overdue} obligation(s) overdue, {len(self.due.get('due', []))} due by the end of the quarter"
        )

    def agreements_table(self) -> str:
        """Each agreement: rNPV at signing, forecast to date, received, distributed and held."""
        if not self.agreements:
            return render_section(
                "register-empty", heading="Agreements", message=f"No agreement is in the register ({self.register})."
            )
        rows, totals = [], {"rnpv": 0, "forecast": 0, "received": 0, "distributed": 0, "held": 0}
        for a in self.agreements:
            values = {
                "rnpv": a.forecast_pence,
                "forecast": self._forecast_to_date(a),
                "received": a.received_pence,
                "distributed": a.distributed_pence,
                "held": a.held_pence,
            }
            for k, v in values.items():
                totals[k] += v
            rows.append(
                {
                    "agreement": a.agreement,
                    "versions": a.versions,
                    "partner": a.partner,
                    "signed_on": a.signed_on.isoformat(),
                    "option": a.option_label,
                    "departs": "; ".join(a.departs),
                    **{k: pounds(v) for k, v in values.items()},
                }
            )
        return render_section(
            "register-board-agreements",
            rows=rows,
            total={k: pounds(v) for k, v in totals.items()},
            as_of=self.as_of.isoformat(),
            seed_note="seeded as recorded with each agreement",
        )

    def by_year(self) -> str:
        """Forecast against received by calendar year, for each agreement and the portfolio."""
        names = [a.agreement for a in self.agreements]
        years = []
        for y in self.years:
            cells = [
                "{} / {}".format(*(pounds(x) for x in self.per_agreement.get(n, {}).get(y.year, (0, 0)))) for n in names
            ]
            years.append(
                {
                    "year": y.year,
                    "cells": cells,
                    "forecast": pounds(y.forecast_pence),
                    "received": pounds(y.received_pence),
                }
            )
        return render_section("register-board-years", agreements=names, years=years)

    def by_year_chart(self) -> go.Figure:
        """Forecast at signing against received, by calendar year, for the portfolio."""
        years = [str(y.year) for y in self.years]
        fig = go.Figure()
        fig.add_bar(x=years, y=[y.forecast_pence / 100 for y in self.years], name="forecast at signing")
        fig.add_bar(x=years, y=[y.received_pence / 100 for y in self.years], name="received")
        fig.update_layout(
            title="Forecast at signing against received, by year",
            barmode="group",
            yaxis_title="GBP",
            template="plotly_white",
        )
        return fig

    def due_next(self) -> str:
        """What is overdue, what falls due by the end of the quarter, and which dates end by then."""
        titles = {
            "overdue": f"Overdue on {self.as_of.isoformat()}",
            "due": "Due by the end of the quarter",
            "ends": "Dates that end by then",
        }
        groups = [
            {
                "title": titles[name],
                "rows": [
                    {
                        "due_on": s.due_on.isoformat() if s.due_on else "",
                        "agreement": s.agreement,
                        "obligation": s.obligation,
                        "outstanding": pounds(s.outstanding_pence) if s.outstanding_pence is not None else "",
                        "label": s.label,
                        "detail": s.detail,
                    }
                    for s in self.due.get(name, [])
                ],
            }
            for name in titles
        ]
        return render_section("register-due", heading="What is due next", groups=groups)

    def broker(self) -> str:
        """The broker's forecast and actual income against its running costs, by year."""
        rules = self.dataset.data_file(REGISTER_FILE)
        share = self.dataset.valuation.broker.share
        listed = {y.year: y for y in self.years}
        years = sorted(set(listed) | {c.year for c in rules.broker_running_costs})
        rows = []
        for year in years:
            y = listed.get(year)
            cost = rules.running_cost(year)
            income = y.broker_income_pence if y else 0
            rows.append(
                {
                    "year": year,
                    "forecast": pounds(y.broker_forecast_pence if y else 0),
                    "income": pounds(income),
                    "cost": "" if cost is None else pounds(int(round(cost * 100))),
                    "surplus": "" if cost is None else pounds(income - int(round(cost * 100))),
                }
            )
        return render_section(
            "register-broker", share=f"{share:.0%}", years=rows, source=rules.broker_running_costs[0].source
        )

    def broker_chart(self) -> go.Figure:
        """The broker's income, forecast income and running costs, by year."""
        rules = self.dataset.data_file(REGISTER_FILE)
        listed = {y.year: y for y in self.years}
        years = sorted(set(listed) | {c.year for c in rules.broker_running_costs})
        fig = go.Figure()
        fig.add_bar(
            x=[str(y) for y in years],
            y=[(listed[y].broker_income_pence if y in listed else 0) / 100 for y in years],
            name="income",
        )
        fig.add_bar(
            x=[str(y) for y in years],
            y=[(listed[y].broker_forecast_pence if y in listed else 0) / 100 for y in years],
            name="forecast income",
        )
        fig.add_scatter(
            x=[str(y) for y in years],
            y=[rules.running_cost(y) for y in years],
            name="running costs",
            mode="lines+markers",
        )
        fig.update_layout(
            title="The broker's income against its running costs",
            barmode="group",
            yaxis_title="GBP",
            template="plotly_white",
        )
        return fig

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file: the last page."""
        return provenance_html(self.parameters, dict(self.dataset.digests))


def register_report(db: str = "", data_dir: str = DEFAULT_DATA_DIR, as_of: str = "") -> RegisterReport:
    """The board's register report from the register ``db`` ('' : $IMAGING_VALUE_DB or the default file)."""
    from ..register.queries import due

    check_type("data_dir", data_dir, (str,), "a path to a data folder")
    dataset = load_register_dataset(data_dir)
    day = _as_of(as_of)
    register, shown = _open(db)
    found: list[AgreementSummary] = []
    per: dict[str, dict[int, tuple[int, int]]] = {}
    years: list[YearMoney] = []
    groups: dict[str, list[Any]] = {}
    if register is not None:
        with register.reading() as connection:
            found = summaries(connection, day)
            per, years = money_by_year(connection, day)
            groups = due(connection, day)
        register.close()
    return RegisterReport(
        dataset, shown, day, tuple(found), per, tuple(years), groups, {"register": shown, "as_of": day.isoformat()}
    )


# --- one agreement (the register notebook) ---------------------------------------------


@dataclass(frozen=True)
class AgreementPage:
    """One signed agreement: its terms, obligations, payments and the split of what came back."""

    view: Any

    def section(self) -> str:
        """The agreement's terms, obligations, payments and split, as one HTML section."""
        v = self.view
        d = v.to_dict()
        allotted = v.allotted
        split = [
            {
                "payee": v.row["broker"],
                "share": f"{v.row['broker_share_ppb'] / 1e7:.2f}%",
                "allotted": pounds(allotted.get(v.row["broker"], 0)),
            }
        ]
        rest = 1 - v.row["broker_share_ppb"] / 1e9
        split += [
            {
                "payee": s["site"],
                "share": f"{100 * rest * s['share_ppb'] / 1e9:.2f}%",
                "allotted": pounds(allotted.get(s["site"], 0)),
            }
            for s in v.sites
        ]
        return render_section(
            "register-agreement",
            a={
                **d,
                "option_label": v.row["option_label"],
                "received": pounds(v.received_pence),
                "held": pounds(v.held_pence),
                "terms": v.terms,
                "obligations": [
                    {**s.to_dict(), "amount": pounds(s.amount_pence), "paid": pounds(s.paid_pence)}
                    for s in v.obligations
                ],
                "payments": [{**p, "amount": pounds(p["amount_pence"])} for p in v.payments],
                "split": split,
            },
        )


def agreement_choices(db: str = "") -> list[str]:
    """The agreements a register holds (for the notebook's picker); none when there is no register."""
    from ..register.queries import current_rows

    register, _shown = _open(db)
    if register is None:
        return []
    with register.reading() as connection:
        names = list(current_rows(connection))
    register.close()
    return names


def agreement_page(db: str = "", agreement: str = "", as_of: str = "") -> AgreementPage | str:
    """One agreement's page ('' : the first in the register); a sentence when there is nothing to show."""
    from ..register.views import agreement_view

    day = _as_of(as_of)
    names = agreement_choices(db)
    if not names:
        return render_section(
            "register-empty",
            heading="The register",
            message=f"No agreement has been signed in {resolve(db or None).shown}.",
        )
    register, _shown = _open(db)
    with register.reading() as connection:
        view = agreement_view(connection, agreement or names[0], day)
    register.close()
    return AgreementPage(view)


def agreement_picker(db: str = "", agreement: str = "", as_of: str = "") -> Any:
    """A drop-down of the register's agreements and the chosen one's page below it (for JupyterLab)."""
    import ipywidgets as widgets
    from IPython.display import HTML, display

    names = agreement_choices(db)
    if not names:
        return HTML(str(agreement_page(db, agreement, as_of)))
    picker = widgets.Dropdown(options=names, value=agreement or names[0], description="Agreement")
    shown = widgets.Output()

    def draw(_change: Any = None) -> None:
        page = agreement_page(db, picker.value, as_of)
        shown.clear_output()
        with shown:
            display(HTML(page if isinstance(page, str) else page.section()))

    picker.observe(draw, names="value")
    draw()
    return widgets.VBox([picker, shown])
