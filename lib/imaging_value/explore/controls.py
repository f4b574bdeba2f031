"""The explorer's own controls: the lever weights with a stakeholder view and a reset, and *Save as request*."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from ..model.data import Dataset
from ..present.panel import GREEN, hide, status_html, text_html

__all__ = ["WeightsPanel", "SavePanel", "CUSTOM", "quietly"]

CUSTOM = ""  # the profile picker's value when the sliders were moved by hand


@contextmanager
def quietly(owner: Any) -> Iterator[None]:
    """Set ``owner._quiet`` while widgets are changed, so their observers do not react."""
    """Set ``owner._quiet`` while widgets are changed, so their observers do not react."""
    previous, owner._quiet = owner._quiet, True
    try:
        yield
    finally:
        owner._quiet = previous


class WeightsPanel:
    """One slider per lever (raw weight 0 to 1, sent on release) with its normalised share; a view; a reset."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.labels: dict[str, widgets.HTML] = {}
        for lever in dataset.levers:
            slider = widgets.FloatSlider(
                value=1.0 / len(dataset.levers),
                min=0.0,
                max=1.0,
                step=0.01,
                readout_format=".2f",
                continuous_update=False,
                description=lever.label,
                tooltip=lever.question,
                style={"description_width": "150px"},
                layout=widgets.Layout(width="400px"),
            )
            slider.add_class(f"iv-lever-{lever.id}")
            label = widgets.HTML(layout=widgets.Layout(width="190px"))
            label.add_class(f"iv-weight-{lever.id}")
            self.sliders[lever.id] = slider
            self.labels[lever.id] = label
        self.profile_picker = widgets.Dropdown(
            options=[("Custom weights", CUSTOM)]
            + [(p.label, p.name) for p in dataset.profiles + dataset.summit_profiles],
            value=CUSTOM,
            description="Stakeholder view",
            style={"description_width": "150px"},
            layout=widgets.Layout(width="400px"),
        )
        self.profile_picker.add_class("iv-profile-picker")
        self.reset_button = widgets.Button(description="Equal weights", tooltip="Reset every lever to the same weight")
        self.reset_button.add_class("iv-reset")
        rows = [widgets.HBox([self.sliders[lv], self.labels[lv]]) for lv in self.sliders]
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Lever weights</b> (normalised share beside each)"),
                *rows,
                self.profile_picker,
                self.reset_button,
            ],
            layout=widgets.Layout(width="620px", min_width="620px"),
        )

    def raw(self) -> dict[str, float]:
        """The sliders' values, lever by lever (not normalised)."""
        return {lever: float(slider.value) for lever, slider in self.sliders.items()}

    def update(self, normalised: Mapping[str, float] | None) -> None:
        """Each lever's normalised share beside its slider (a dash where every weight is 0)."""
        for lever in self.dataset.levers:
            share = "\u2013" if normalised is None else f"{normalised[lever.id] * 100:.0f}%"
            self.labels[lever.id].value = text_html("note", f"{lever.label} {share}")


class SavePanel:
    """*Save as request*: the scenario written as a request file under a new id, after confirmation to overwrite."""

    def __init__(self, on_save: Callable[[bool], None]):
        self.id = widgets.Text(
            description="Request id",
            placeholder="e.g. scenario-1-curated",
            continuous_update=True,
            style={"description_width": "90px"},
            layout=widgets.Layout(width="320px"),
        )
        self.id.add_class("iv-save-id")
        self.button = widgets.Button(
            description="Save as request", button_style="primary", layout=widgets.Layout(width="160px")
        )
        self.button.add_class("iv-save")
        self.confirm = widgets.Button(
            description="Overwrite", button_style="danger", layout=widgets.Layout(width="110px")
        )
        self.confirm.add_class("iv-save-confirm")
        hide(self.confirm, True)
        self.status = widgets.HTML()
        self.status.add_class("iv-save-status")
        self.button.on_click(lambda _b: on_save(False))
        self.confirm.on_click(lambda _b: on_save(True))
        self.id.observe(lambda _c: hide(self.confirm, True), names="value")
        self.box = widgets.VBox([widgets.HBox([self.id, self.button, self.confirm]), self.status])

    def said(self, text: str, *, error: bool = False, confirm: bool = False) -> None:
        """Say what happened to the save; ``confirm`` offers to overwrite."""
        hide(self.confirm, not confirm)
        self.status.value = status_html(text, error=error, colour=None if error else GREEN)
