"""The scenario form: a request's facts as widgets, labelled with each field's name as a request file spells it,
and the validation problems beside the widgets they concern."""

from __future__ import annotations

import re
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

__all__ = ["ScenarioPanel", "ContributionsTable", "PAGE_SIZE"]

# --- the scenario panel -------------------------------------------------------------------

# the widgets' choices are the facts' vocabularies (schema.FACTS) and the request fields' values
_TEMPORALITY = FACT_VALUES["request.temporality"]
_CURATION = FACT_VALUES["request.curation"]
_PROFIT_STAGES = FACT_VALUES["requester.profit_stage"]
_DEIDENTIFICATION = (*((d,) for d in DEIDENTIFICATIONS), DEIDENTIFICATIONS, UNSTATED)
_NOT_A_COMPANY = "null (not a company)"
_SITE_PROBLEM = re.compile(r"^sites\.contributions\[(\d+)\](?:\.(\w+))?$")
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


def _shown_number(value: Any) -> str:
    """A number as a person would type it back: whole numbers in full (123456789, never 1.23457e+08)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return repr(float(value))


CONTRIBUTION_FIELDS = ("site", "kind", "images", "curation_effort")
PAGE_SIZE = 25  # contribution rows on one page of the table: more sites are paged, never one row each


class ContributionsTable:
    """Each site's contribution (site, kind, images, curation effort) as a paged table.

    The contributions are plain data (``entries``: one mapping per site, numbers as typed); at most
    :data:`PAGE_SIZE` rows of widgets show one page of them, and the same rows show every page, so
    10,000 sites cost 25 rows of widgets, not 10,000. ``on_change`` is called after every edit a
    person makes; ``on_count`` when sites are added or removed.
    """

    def __init__(self, on_change: Callable[[], None]):
        self.on_change = on_change
        self._quiet = False
        self.entries: list[dict[str, str]] = []
        self.problems: dict[int, list[str]] = {}  # entry -> what is wrong with it
        self.page = 0
        self.rows: list[dict[str, widgets.Widget]] = []
        self.row_boxes: list[widgets.Widget] = []
        self.rows_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.previous = widgets.Button(description="\u2039 Previous", layout=widgets.Layout(width="110px"))
        self.previous.add_class("iv-sites-previous")
        self.next = widgets.Button(description="Next \u203a", layout=widgets.Layout(width="110px"))
        self.next.add_class("iv-sites-next")
        self.page_number = widgets.BoundedIntText(
            value=1,
            min=1,
            max=1,
            description="Page",
            style={"description_width": "40px"},
            layout=widgets.Layout(width="130px"),
        )
        self.page_number.add_class("iv-sites-page")
        self.where = widgets.HTML()
        self.where.add_class("iv-sites-where")
        self.pager = widgets.HBox([self.previous, self.page_number, self.next, self.where])
        self.elsewhere = widgets.HTML()  # problems of sites on other pages
        self.elsewhere.add_class("iv-sites-problems")
        self.add = widgets.Button(description="Add site", layout=widgets.Layout(width="120px"))
        self.add.add_class("iv-add-site")
        self.previous.on_click(lambda _b: self.go(self.page - 1))
        self.next.on_click(lambda _b: self.go(self.page + 1))
        self.page_number.observe(self._on_page_number, names="value")
        self.add.on_click(lambda _b: self.add_site())
        self.box = widgets.VBox(
            [self.rows_box, self.pager, self.elsewhere, self.add], layout=widgets.Layout(width="100%")
        )
        self.box.add_class("iv-contributions")
        self.on_count: Callable[[int], None] = lambda count: None

    # --- the rows ---------------------------------------------------------------------

    @property
    def pages(self) -> int:
        """How many pages of rows the contributions fill (at least one)."""
        return max(1, -(-len(self.entries) // PAGE_SIZE))

    @property
    def start(self) -> int:
        """The entry the page's first row shows."""
        return self.page * PAGE_SIZE

    def _row(self, position: int) -> dict[str, widgets.Widget]:
        key = f"sites-contributions-{position}"
        style = {"description_width": "60px"}
        row: dict[str, widgets.Widget] = {
            "site": widgets.Text(
                description="Site", continuous_update=False, style=style, layout=widgets.Layout(width="230px")
            ),
            "kind": widgets.Dropdown(
                description="Kind",
                options=SITE_KINDS,
                style={"description_width": "40px"},
                layout=widgets.Layout(width="210px"),
            ),
            "images": widgets.Text(
                description="Images", continuous_update=False, style=style, layout=widgets.Layout(width="170px")
            ),
            "curation_effort": widgets.Text(
                description="Curation effort",
                placeholder="by kind",
                continuous_update=False,
                style={"description_width": "100px"},
                layout=widgets.Layout(width="190px"),
            ),
        }
        for name, widget in row.items():
            widget.add_class(f"iv-fact-{key}-{name.replace('_', '-')}")
            widget.observe(lambda change, p=position, n=name: self._edited(p, n, change["new"]), names="value")
        remove = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))
        remove.add_class("iv-remove-site")
        remove.on_click(lambda _b, p=position: self.remove_site(self.start + p))
        row["remove"] = remove
        row["error"] = widgets.HTML()
        row["error"].add_class("iv-error")
        return row

    def _draw(self) -> None:
        """Show the current page: as many rows as it has entries (rows are made once, then reused)."""
        self.page = min(max(self.page, 0), self.pages - 1)
        shown = self.entries[self.start : self.start + PAGE_SIZE]
        while len(self.rows) < len(shown):
            row = self._row(len(self.rows))
            self.rows.append(row)
            self.row_boxes.append(
                widgets.VBox(
                    [
                        widgets.HBox(
                            [row[name] for name in (*CONTRIBUTION_FIELDS, "remove")],
                            layout=widgets.Layout(flex_flow="row wrap"),
                        ),
                        row["error"],
                    ]
                )
            )
        with quietly(self):
            for position, (row, box) in enumerate(zip(self.rows, self.row_boxes)):
                hide(box, position >= len(shown))
                if position >= len(shown):
                    continue
                entry = shown[position]
                for name in CONTRIBUTION_FIELDS:
                    value = entry.get(name, "")
                    if name == "kind" and value not in SITE_KINDS:
                        value = SITE_KINDS[0]
                    row[name].value = value
                row["remove"].disabled = len(self.entries) < 2
                problems = self.problems.get(self.start + position)
                row["error"].value = status_html("; ".join(problems), error=True) if problems else ""
            self.page_number.max = self.pages
            self.page_number.value = self.page + 1
        if len(self.rows_box.children) != len(self.row_boxes):
            self.rows_box.children = list(self.row_boxes)
        last = min(self.start + PAGE_SIZE, len(self.entries))
        self.where.value = (
            f"Sites {self.start + 1:,} to {last:,} of {len(self.entries):,}" if self.entries else "No sites"
        )
        hide(self.pager, len(self.entries) <= PAGE_SIZE)
        hide(self.add, not self.entries)
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1
        self._draw_elsewhere()

    def _draw_elsewhere(self) -> None:
        page = range(self.start, self.start + PAGE_SIZE)
        other = [(index, text) for index, texts in sorted(self.problems.items()) if index not in page for text in texts]
        if not other:
            self.elsewhere.value = ""
            return
        listed = "; ".join(f"site {index + 1:,}: {text}" for index, text in other[:5])
        more = f"; and {len(other) - 5:,} more" if len(other) > 5 else ""
        self.elsewhere.value = status_html(f"On other pages: {listed}{more}", error=True)

    def go(self, page: int) -> None:
        """Show another page (0 first)."""
        self.page = page
        self._draw()

    def _on_page_number(self, change: dict) -> None:
        if not self._quiet:
            self.go(int(change["new"]) - 1)

    # --- reading and editing -------------------------------------------------------------

    def show(self, contributions: Sequence[Mapping[str, Any]]) -> None:
        """Contributions as a request file gives them (no change is reported); the first page."""
        self.entries = [
            {
                "site": str(c.get("site", "")),
                "kind": str(c.get("kind", SITE_KINDS[0])),
                "images": _shown_number(c.get("images", 0)),
                "curation_effort": _shown_number(c.get("curation_effort")),
            }
            for c in contributions
        ]
        self.problems = {}
        self.page = 0
        self._draw()

    def contributions(self) -> list[dict[str, Any]]:
        """The entries as a request file's contributions (numbers read, not validated)."""
        out = []
        for entry in self.entries:
            item: dict[str, Any] = {
                "site": entry["site"].strip(),
                "kind": entry["kind"],
                "images": _number(entry["images"]),
            }
            effort = _number(entry["curation_effort"])
            if effort is not None:
                item["curation_effort"] = effort
            out.append(item)
        return out

    def show_problems(self, problems: Mapping[int, list[str]]) -> None:
        """What is wrong with each entry: beside its row on its page, listed below on another."""
        self.problems = {index: list(texts) for index, texts in problems.items()}
        self._draw()

    def _edited(self, position: int, name: str, value: Any) -> None:
        if self._quiet:
            return
        self.entries[self.start + position][name] = value
        self.on_change()

    def add_site(self) -> None:
        """A site more at the end (the last one's kind and images), shown on its page."""
        last = self.entries[-1] if self.entries else {"kind": SITE_KINDS[0], "images": "0"}
        self.entries.append(
            {
                "site": f"Site {len(self.entries) + 1}",
                "kind": last["kind"],
                "images": _shown_number(_number(last["images"]) or 0),
                "curation_effort": "",
            }
        )
        self.page = self.pages - 1
        self._draw()
        self.on_count(len(self.entries))
        self.on_change()

    def remove_site(self, index: int) -> None:
        """Remove one site (a request with contributions keeps at least one)."""
        if len(self.entries) < 2 or not 0 <= index < len(self.entries):
            return
        del self.entries[index]
        self.problems = {}
        self._draw()
        self.on_count(len(self.entries))
        self.on_change()


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
        self.contributions = ContributionsTable(self._changed)
        self.contributions.on_count = self._on_site_count
        self.add_site = self.contributions.add
        self.requester_rows = widgets.VBox()
        self.add_requester = widgets.Button(description="Add requester", layout=widgets.Layout(width="140px"))
        self.add_requester.add_class("iv-add-requester")
        self.add_requester.on_click(lambda _b: self._add_requester())
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
                self.contributions.box,
                widgets.HTML("<b>Requesters</b>"),
                self.requester_rows,
                self.add_requester,
                self.general,
            ],
            # no flex here: in the explorer's column a flex basis would set this box's height, and its rows,
            # shrunk to fit, drew 0 px high (the row beside the weights sizes the column, see explorer.py)
            layout=widgets.Layout(width="100%"),
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
            self.contributions.show(contributions or ())
            self.requesters = [self._requester_row(i, r) for i, r in enumerate(facts.get("requesters", ()))]
            self._lay_out_rows()
            self.count.disabled = bool(self.contributions.entries)
        self.show_problems([])

    def facts(self) -> dict[str, Any]:
        """The widgets' facts as a request file's mapping (not validated)."""
        deid = self.deidentification.value
        sites: dict[str, Any] = {"count": int(self.count.value), "kinds": _words(self.kinds.value)}
        if self.give_contributions.value:
            sites["contributions"] = self.contributions.contributions()
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
        by_site: dict[int, list[str]] = {}
        for problem in problems:
            key = problem_key(problem)
            site = _SITE_PROBLEM.match(key)
            if site is not None:  # a site's own field: beside its row in the table
                field = site.group(2) or "entry"
                by_site.setdefault(int(site.group(1)), []).append(
                    f"{field}: expected {problem.expected}; found {problem.found}"
                )
                continue
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
        if by_site or self.contributions.problems:
            self.contributions.show_problems(by_site)

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
            given = self.default_contributions(int(self.count.value)) if change["new"] else []
            self.contributions.show(given)
            self.count.disabled = bool(self.contributions.entries)
        self._changed()

    def _on_site_count(self, count: int) -> None:
        """Sites were added to or removed from the table: the count follows (no change reported here)."""
        with self._quietly():
            self.count.value = count

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
        entries, page = list(self.contributions.entries), self.contributions.page
        self.show(facts)
        with self._quietly():  # the sites' entries as typed (a number not yet valid included), on the same page
            self.contributions.entries = entries
            self.contributions.go(page)
        self._changed()

    def profit_stage_for(self, index: int) -> None:
        """A requester whose kind changed gets a profit stage that fits it (a company: unstated; else null)."""
        row = self.requesters[index]
        company = row["kind"].value in COMMERCIAL_KINDS
        if company and row["profit_stage"].value is None or not company and row["profit_stage"].value is not None:
            with self._quietly():
                row["profit_stage"].value = UNSTATED if company else None
