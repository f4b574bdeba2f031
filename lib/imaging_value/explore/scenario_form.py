"""The scenario form: a request's facts as widgets, labelled with each field's name as a request file spells it,
and the validation problems beside the widgets they concern."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..framework.scenario import problem_key
from ..model.schema import (
    COMMERCIAL_KINDS,
    DEIDENTIFICATIONS,
    FACT_VALUES,
    QUESTION_FIELDS,
    REQUESTER_KINDS,
    SITE_KINDS,
    UNSTATED,
)
from ..present.panel import hide, status_html
from .controls import quietly

__all__ = ["ScenarioPanel"]

# --- the scenario panel -------------------------------------------------------------------

# the widgets' choices are the facts' vocabularies (schema.FACTS) and the request fields' values
_TEMPORALITY = FACT_VALUES["request.temporality"]
_CURATION = FACT_VALUES["request.curation"]
_PROFIT_STAGES = FACT_VALUES["requester.profit_stage"]
_DEIDENTIFICATION = (*((d,) for d in DEIDENTIFICATIONS), DEIDENTIFICATIONS, UNSTATED)
_NOT_A_COMPANY = "null (not a company)"
# the report's other questions (facts.yaml's questions): one dropdown each, labelled with the request field
_QUESTION_LABELS = {
    "modality": "Modality",
    "item_kind": "Item kind",
    "ai_stage": "AI stage",
    "challenge": "Challenge",
    "population": "Population",
    "return_horizon": "Return horizon",
}
_LABEL_STYLE = {"description_width": "130px"}


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text: str) -> float | str | None:
    """A typed number, None for an empty field, or the text itself (so validation names it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


class ScenarioPanel:
    """The request's facts as widgets, each labelled with its field's name as a request file spells it.

    ``facts()`` reads the widgets into a request file's mapping; ``show(facts)``
    puts facts into the widgets; ``show_problems`` writes each validation problem
    beside the widget of the field concerned. ``on_change`` is called after every
    edit a person makes.
    """

    def __init__(self, on_change: Callable[[], None]):
        self.on_change = on_change
        self._quiet = False
        self.errors: dict[str, widgets.HTML] = {}
        self.id = ""
        self.title = self._text("Title", "title", width="520px")
        self.temporality = self._dropdown("Temporality", "temporality", _TEMPORALITY)
        self.curation = self._dropdown("Curation", "curation", _CURATION)
        self.deidentification = self._dropdown(
            "Deidentification", "deidentification", [(self._deid_label(v), v) for v in _DEIDENTIFICATION]
        )
        self.data_types = self._text(
            "Data types", "data_types", width="520px", placeholder="comma-separated, e.g. CT, clinical records"
        )
        self.questions = {
            name: self._dropdown(_QUESTION_LABELS.get(name, name), name, FACT_VALUES[f"request.{name}"] or ())
            for name in QUESTION_FIELDS
        }
        self.items = self._text("Items", "items", placeholder="how many items in all; empty if unstated")
        self.count = widgets.BoundedIntText(
            value=1, min=0, max=100_000, description="Count", style=_LABEL_STYLE, layout=widgets.Layout(width="240px")
        )
        self._watch(self.count, "sites.count")
        self.kinds = self._text(
            "Kinds",
            "sites.kinds",
            width="520px",
            placeholder="comma-separated: " + ", ".join(SITE_KINDS) + "; empty if unstated",
        )
        self.give_contributions = widgets.Checkbox(
            description="Contributions: each site's images and curation effort",
            indent=False,
            layout=widgets.Layout(width="520px"),
        )
        self.give_contributions.add_class("iv-fact-contributions")
        self.give_contributions.observe(self._on_give_contributions, names="value")
        self.contribution_rows = widgets.VBox()
        self.add_site = widgets.Button(description="Add site", layout=widgets.Layout(width="120px"))
        self.add_site.add_class("iv-add-site")
        self.add_site.on_click(lambda _b: self._add_contribution())
        self.requester_rows = widgets.VBox()
        self.add_requester = widgets.Button(description="Add requester", layout=widgets.Layout(width="140px"))
        self.add_requester.add_class("iv-add-requester")
        self.add_requester.on_click(lambda _b: self._add_requester())
        self.contributions: list[dict[str, widgets.Widget]] = []
        self.requesters: list[dict[str, widgets.Widget]] = []
        self.default_contributions: Callable[[int], list[dict[str, Any]]] = lambda count: []
        self.general = widgets.HTML()
        self.general.add_class("iv-scenario-problems")
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Scenario</b>: the request's facts (<i>unstated</i> where the request does not say)"),
                *self._with_error(self.title, "title"),
                *self._with_error(self.temporality, "temporality"),
                *self._with_error(self.curation, "curation"),
                *self._with_error(self.deidentification, "deidentification"),
                *self._with_error(self.data_types, "data_types"),
                *(w for name, widget in self.questions.items() for w in self._with_error(widget, name)),
                *self._with_error(self.items, "items"),
                widgets.HTML("<b>Sites</b>"),
                *self._with_error(self.count, "sites.count"),
                *self._with_error(self.kinds, "sites.kinds"),
                *self._with_error(self.give_contributions, "sites.contributions"),
                self.contribution_rows,
                self.add_site,
                widgets.HTML("<b>Requesters</b>"),
                self.requester_rows,
                self.add_requester,
                self.general,
            ],
            layout=widgets.Layout(flex="1 1 560px", min_width="560px"),
        )
        self.box.add_class("iv-scenario")

    # --- building widgets ------------------------------------------------------------

    @staticmethod
    def _deid_label(value: Any) -> str:
        return value if isinstance(value, str) else ", ".join(value)

    def _watch(self, widget: widgets.Widget, key: str) -> None:
        widget.add_class("iv-fact-" + key.replace(".", "-").replace("[", "-").replace("]", "").replace("_", "-"))
        widget.observe(self._changed, names="value")

    def _text(
        self,
        label: str,
        key: str,
        *,
        width: str = "360px",
        placeholder: str = "",
        style: Mapping[str, str] = _LABEL_STYLE,
    ) -> widgets.Text:
        widget = widgets.Text(
            description=label,
            placeholder=placeholder,
            continuous_update=False,
            style=dict(style),
            layout=widgets.Layout(width=width),
        )
        self._watch(widget, key)
        return widget

    def _dropdown(
        self,
        label: str,
        key: str,
        options: Sequence[Any],
        *,
        width: str = "360px",
        style: Mapping[str, str] = _LABEL_STYLE,
    ) -> widgets.Dropdown:
        widget = widgets.Dropdown(
            description=label, options=list(options), style=dict(style), layout=widgets.Layout(width=width)
        )
        self._watch(widget, key)
        return widget

    def _error(self, key: str) -> widgets.HTML:
        error = widgets.HTML()
        error.add_class("iv-error")
        self.errors[key] = error
        return error

    def _with_error(self, widget: widgets.Widget, key: str) -> list[widgets.Widget]:
        return [widget, self._error(key)]

    def _contribution_row(self, index: int, entry: Mapping[str, Any]) -> dict[str, widgets.Widget]:
        key = f"sites.contributions[{index}]"
        style = {"description_width": "60px"}
        row = {
            "site": self._text("Site", f"{key}.site", width="230px", style=style),
            "kind": self._dropdown(
                "Kind", f"{key}.kind", SITE_KINDS, width="210px", style={"description_width": "40px"}
            ),
            "images": self._text("Images", f"{key}.images", width="170px", style=style),
            "curation_effort": self._text(
                "Curation effort",
                f"{key}.curation_effort",
                width="190px",
                placeholder="by kind",
                style={"description_width": "100px"},
            ),
        }
        row["site"].value = str(entry.get("site", ""))
        row["kind"].value = entry.get("kind", SITE_KINDS[0])
        row["images"].value = f"{entry.get('images', 0):g}"
        effort = entry.get("curation_effort")
        row["curation_effort"].value = "" if effort is None else f"{effort:g}"
        remove = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))
        remove.add_class("iv-remove-site")
        remove.on_click(lambda _b, i=index: self._remove_contribution(i))
        row["remove"] = remove
        return row

    def _requester_row(self, index: int, entry: Mapping[str, Any]) -> dict[str, widgets.Widget]:
        key = f"requesters[{index}]"
        style = {"description_width": "90px"}
        row = {
            "kind": self._dropdown("Kind", f"{key}.kind", REQUESTER_KINDS, width="230px", style=style),
            "profit_stage": self._dropdown(
                "Profit stage",
                f"{key}.profit_stage",
                [(stage, stage) for stage in _PROFIT_STAGES or ()] + [(_NOT_A_COMPANY, None)],
                width="280px",
                style=style,
            ),
            "sector": self._text("Sector", f"{key}.sector", width="230px", style=style),
            "staff": self._text("Staff", f"{key}.staff", width="230px", style=style),
            "name": self._text("Name", f"{key}.name", width="470px", style=style),
        }
        row["kind"].value = entry.get("kind", "sme")
        row["profit_stage"].value = entry.get("profit_stage")
        row["sector"].value = str(entry.get("sector", UNSTATED))
        row["staff"].value = str(entry.get("staff", UNSTATED))
        row["name"].value = str(entry.get("name") or "")
        remove = widgets.Button(description="Remove requester", layout=widgets.Layout(width="150px"))
        remove.add_class("iv-remove-requester")
        remove.on_click(lambda _b, i=index: self._remove_requester(i))
        row["remove"] = remove
        return row

    def _lay_out_rows(self) -> None:
        children = []
        for i, row in enumerate(self.contributions):
            key = f"sites.contributions[{i}]"
            errors = [self._error(f"{key}.{name}") for name in ("site", "kind", "images", "curation_effort")]
            children += [
                widgets.HBox(
                    [row["site"], row["kind"], row["images"], row["curation_effort"], row["remove"]],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                *errors,
            ]
        self.contribution_rows.children = children
        hide(self.add_site, not self.contributions)
        children = []
        for i, row in enumerate(self.requesters):
            key = f"requesters[{i}]"
            errors = [self._error(f"{key}.{name}") for name in ("kind", "profit_stage", "sector", "staff", "name")]
            row["remove"].disabled = len(self.requesters) < 2
            children += [
                widgets.HTML(f"<i>Requester {i + 1}</i>"),
                widgets.HBox([row["kind"], row["profit_stage"]]),
                widgets.HBox([row["sector"], row["staff"]]),
                widgets.HBox([row["name"], row["remove"]]),
                *errors,
            ]
        self.requester_rows.children = children

    # --- reading and showing facts ---------------------------------------------------

    def show(self, facts: Mapping[str, Any]) -> None:
        """Put a request's facts into the widgets (no change is reported)."""
        with self._quietly():
            self.id = str(facts.get("id", ""))
            self.title.value = str(facts.get("title", ""))
            self.temporality.value = facts.get("temporality", UNSTATED)
            self.curation.value = facts.get("curation", UNSTATED)
            deid = facts.get("deidentification", UNSTATED)
            deid = deid if isinstance(deid, str) else tuple(deid)
            if deid not in [value for _label, value in self.deidentification.options]:
                self.deidentification.options = [*self.deidentification.options, (self._deid_label(deid), deid)]
            self.deidentification.value = deid
            self.data_types.value = ", ".join(facts.get("data_types", ()))
            for name, widget in self.questions.items():
                widget.value = facts.get(name, UNSTATED)
            items = facts.get("items")
            self.items.value = "" if items is None else f"{items:g}" if isinstance(items, (int, float)) else str(items)
            sites = facts.get("sites", {})
            self.count.value = int(sites.get("count", 1))
            self.kinds.value = ", ".join(sites.get("kinds", ()))
            contributions = sites.get("contributions")
            self.give_contributions.value = contributions is not None
            self.contributions = [self._contribution_row(i, c) for i, c in enumerate(contributions or ())]
            self.requesters = [self._requester_row(i, r) for i, r in enumerate(facts.get("requesters", ()))]
            self._lay_out_rows()
            self.count.disabled = bool(self.contributions)
        self.show_problems([])

    def facts(self) -> dict[str, Any]:
        """The widgets' facts as a request file's mapping (not validated)."""
        deid = self.deidentification.value
        sites: dict[str, Any] = {"count": int(self.count.value), "kinds": _words(self.kinds.value)}
        if self.give_contributions.value:
            sites["contributions"] = []
            for row in self.contributions:
                entry: dict[str, Any] = {
                    "site": row["site"].value.strip(),
                    "kind": row["kind"].value,
                    "images": _number(row["images"].value),
                }
                effort = _number(row["curation_effort"].value)
                if effort is not None:
                    entry["curation_effort"] = effort
                sites["contributions"].append(entry)
        requesters = []
        for row in self.requesters:
            entry = {
                "kind": row["kind"].value,
                "profit_stage": row["profit_stage"].value,
                "sector": row["sector"].value.strip() or UNSTATED,
                "staff": row["staff"].value.strip() or UNSTATED,
            }
            if entry["profit_stage"] is None:
                del entry["profit_stage"]
            if row["name"].value.strip():
                entry["name"] = row["name"].value.strip()
            requesters.append(entry)
        facts: dict[str, Any] = {
            "id": self.id,
            "title": self.title.value.strip(),
            "temporality": self.temporality.value,
            "curation": self.curation.value,
            "deidentification": deid if isinstance(deid, str) else list(deid),
            "data_types": _words(self.data_types.value),
            "sites": sites,
            "requesters": requesters,
        }
        facts.update({name: widget.value for name, widget in self.questions.items() if widget.value != UNSTATED})
        items = _number(self.items.value)
        if items is not None:
            facts["items"] = int(items) if isinstance(items, float) and items.is_integer() else items
        return facts

    def show_problems(self, problems: Sequence[Any]) -> None:
        """Each problem beside the widget of its field (the nearest enclosing one); the rest below."""
        for error in self.errors.values():
            error.value = ""
        texts: dict[str, list[str]] = {}
        unplaced = []
        for problem in problems:
            key = problem_key(problem)
            target = next(
                (
                    k
                    for k in sorted(self.errors, key=len, reverse=True)
                    if key == k or key.startswith((k + ".", k + "["))
                ),
                None,
            )
            text = f"expected {problem.expected}; found {problem.found}"
            if target is None:
                unplaced.append(f"{key or 'request'}: {text}")
            else:
                texts.setdefault(target, []).append(text)
        for key, lines in texts.items():
            self.errors[key].value = status_html("; ".join(lines), error=True)
        self.general.value = status_html("; ".join(unplaced), error=True) if unplaced else ""

    # --- edits -------------------------------------------------------------------------

    def _quietly(self) -> Any:
        return quietly(self)

    def _changed(self, _change: dict | None = None) -> None:
        if not self._quiet:
            self.on_change()

    def _on_give_contributions(self, change: dict) -> None:
        if self._quiet:
            return
        with self._quietly():
            if change["new"]:
                self.contributions = [
                    self._contribution_row(i, c)
                    for i, c in enumerate(self.default_contributions(int(self.count.value)))
                ]
            else:
                self.contributions = []
            self._lay_out_rows()
            self.count.disabled = bool(self.contributions)
        self._changed()

    def _add_contribution(self) -> None:
        with self._quietly():
            n = len(self.contributions)
            kind = self.contributions[-1]["kind"].value if self.contributions else SITE_KINDS[0]
            images = self.contributions[-1]["images"].value if self.contributions else "0"
            self.contributions.append(
                self._contribution_row(n, {"site": f"Site {n + 1}", "kind": kind, "images": _number(images) or 0})
            )
            self.count.value = len(self.contributions)
            self._lay_out_rows()
        self._changed()

    def _remove_contribution(self, index: int) -> None:
        if len(self.contributions) < 2:
            return
        facts = self.facts()
        del facts["sites"]["contributions"][index]
        facts["sites"]["count"] = len(facts["sites"]["contributions"])
        self._reshow(facts)

    def _add_requester(self) -> None:
        facts = self.facts()
        facts["requesters"].append({"kind": "sme", "profit_stage": UNSTATED, "sector": UNSTATED, "staff": UNSTATED})
        self._reshow(facts)

    def _remove_requester(self, index: int) -> None:
        if len(self.requesters) < 2:
            return
        facts = self.facts()
        del facts["requesters"][index]
        self._reshow(facts)

    def _reshow(self, facts: Mapping[str, Any]) -> None:
        """Rebuild the rows for facts with a row more or fewer, keeping every other edit."""
        contributions = facts["sites"].get("contributions")
        shown = {
            **facts,
            "sites": {
                **facts["sites"],
                "contributions": [
                    {k: v for k, v in c.items() if not isinstance(v, str) or k in ("site", "kind")}
                    | ({"images": 0} if isinstance(c.get("images"), str) or c.get("images") is None else {})
                    for c in contributions
                ]
                if contributions is not None
                else None,
            },
        }
        self.show(shown)
        self._changed()

    def profit_stage_for(self, index: int) -> None:
        """A requester whose kind changed gets a profit stage that fits it (a company: unstated; else null)."""
        row = self.requesters[index]
        company = row["kind"].value in COMMERCIAL_KINDS
        if company and row["profit_stage"].value is None or not company and row["profit_stage"].value is not None:
            with self._quietly():
                row["profit_stage"].value = UNSTATED if company else None
