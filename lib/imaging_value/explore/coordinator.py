"""The explorer's coordinator: for a set of changes, every panel that depends on one of them, once, in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core.errors import ImagingValueError
from ..present.panel import Panel
from .state import ExplorerState

__all__ = ["Coordinator"]


class Coordinator:
    """Decides what to recompute: for a set of changes, every panel that depends on one of them, once, in order.

    Every panel reads its answers from the state's :class:`~imaging_value.engine.case.Case` (under the
    sliders' weights), which computes each once; a panel whose inputs are those it last showed is left
    alone (a new site name does not redraw the tree). Panels that need weights are skipped while every
    weight is 0. ``counts`` says how often each panel was updated.
    """

    def __init__(
        self,
        state: ExplorerState,
        panels: Mapping[str, Panel],
        on_invalid: Callable[[BaseException], None],
        on_valid: Callable[[bool], None],
    ):
        self.state, self.panels = state, dict(panels)
        self.on_invalid, self.on_valid = on_invalid, on_valid
        self.counts = {name: 0 for name in self.panels}
        self.runs = 0
        self.seconds = self.cpu_seconds = 0.0  # the last run's wall clock and CPU time (for the latency bench)
        self.after: Callable[[int], None] | None = None  # called at the end of every run, with the run count
        self._shown: dict[str, Any] = {}  # panel -> the inputs it shows
        self._lock = threading.RLock()

    def forget(self, names: Sequence[str] | None = None) -> None:
        """These panels (default: all) show nothing valid any more: update them on the next change."""
        for name in self.panels if names is None else names:
            self._shown.pop(name, None)

    def changed(self, *what: str) -> None:
        """Something changed (facts, requester, weights, total): update every panel that depends on it."""
        with self._lock:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                self._run(what)
            finally:
                self.runs += 1
                self.seconds, self.cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu
                if self.after is not None:
                    self.after(self.runs)

    def _run(self, what: tuple[str, ...]) -> None:
        try:
            case = self.state.case()
        except ImagingValueError as exc:
            self.forget()
            self.on_invalid(exc)
            return
        weights = self.state.weights()
        view = self.state.weighted(weights) if weights is not None else None
        self.on_valid(view is not None)
        index = self.state.requester_index
        for name, panel in self.panels.items():
            if panel.depends.isdisjoint(what):
                continue
            if panel.weighted and view is None:
                self.forget([name])
                continue
            shown = view if view is not None else case
            inputs = panel.inputs(shown, index)
            if inputs is not None and name in self._shown and self._shown[name] == inputs:
                continue
            panel.update(shown, index)
            self._shown[name] = inputs
            self.counts[name] += 1
