"""Live widgets: plotly ``FigureWidget`` helpers and the debouncer, for the explorer's panels.

* :func:`sync_figure` redraws a ``FigureWidget`` as a new figure in place, touching
  only the properties that changed;
* :func:`new_figure_widget` makes a ``FigureWidget`` that, under the local web app,
  loads plotly's front-end bundle once per page from the app's own server;
* :class:`Debouncer` runs an action once after a burst of triggers. Its clock is
  injectable: anything with ``call_later(delay, callback) -> handle`` (the handle
  has ``cancel()``), so tests drive it with a clock they advance by hand.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from ..core.layout import PLOTLY_BUNDLE_ENV, package_path

__all__ = ["sync_figure", "new_figure_widget", "Debouncer", "Clock", "KernelClock", "PLOTLY_BUNDLE_ENV"]

_SKIP_TRACE_KEYS = frozenset({"type", "uid"})


# --- updating a FigureWidget in place -------------------------------------------------


def _plain(value: Any) -> Any:
    """A property value with tuples and numpy arrays as lists, so equal values compare equal."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def _same(a: Any, b: Any) -> bool:
    """Equality for plotly property values (the widget holds tuples where a new figure may hold lists or arrays)."""
    try:
        return _plain(a) == _plain(b)
    except (TypeError, ValueError):
        return to_json_plotly(a) == to_json_plotly(b)


def _stored(obj: Any) -> Mapping[str, Any]:
    """A plotly trace's or layout's properties as stored, to be read only.

    ``to_plotly_json`` returns the same dict deep-copied, which was a large part of
    redrawing a chart in place; nothing here writes to what it reads.
    """
    props = obj._props  # plotly's own store (the dict to_plotly_json copies); pinned plotly
    return props if props is not None else {}


def _sync_properties(target: Any, new: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> None:
    """Give ``target`` (a trace or the layout) exactly the properties in ``new``, touching only what changed."""
    old = dict(_stored(target))  # keys and values as they were: the loop below assigns to target
    for key in old.keys() - new.keys() - skip:
        target[key] = None
    for key, value in new.items():
        if key in skip or (key in old and _same(old[key], value)):
            continue
        target[key] = value


def sync_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Redraw ``widget`` as ``figure`` in place, in one batch.

    Traces are updated property by property where the new figure has the same
    number and types of traces; otherwise (e.g. a request with a different
    number of sites) the traces are replaced. The layout is updated key by key.
    """
    new_traces = figure.data
    same_shape = len(widget.data) == len(new_traces) and all(
        old.type == new.type for old, new in zip(widget.data, new_traces)
    )
    with widget.batch_update():
        if same_shape:
            for old, new in zip(widget.data, new_traces):
                _sync_properties(old, _stored(new), _SKIP_TRACE_KEYS)
        else:
            widget.data = ()
            widget.add_traces(list(new_traces))
        _sync_properties(widget.layout, _stored(figure.layout))
    if widget.comm is not None and not widget._view_count:
        _refresh_widget_state(widget)


def _refresh_widget_state(widget: go.FigureWidget) -> None:
    """Bring the widget's synced full state up to date, as plotly does when a FigureWidget is displayed itself.

    Edits reach the browser as messages that only views already drawn apply; a
    FigureWidget shown inside another widget (a Box) is never displayed itself, so
    until a view exists (e.g. before Voila fetches the page's widget state) the full
    state must be refreshed here or the first view would draw the empty figure.
    """
    widget._widget_layout = copy.deepcopy(widget._layout_obj._props)
    widget._widget_data = copy.deepcopy(widget._data)


# --- FigureWidgets that share one copy of plotly's front-end code -----------------------


def new_figure_widget() -> go.FigureWidget:
    """An empty ``FigureWidget``; under the local web app, one that loads plotly's bundle from the server.

    A plain ``FigureWidget`` carries plotly's whole front-end bundle (about 5 MB) in
    its state, so a page with seven charts would send and evaluate it seven times.
    Where :data:`PLOTLY_BUNDLE_ENV` names the bundle's path under Voila's base URL
    (``imaging_value.explore.app`` sets it), each widget's front-end code is a few lines that
    import that one URL from the same server: fetched and evaluated once per page,
    and never from outside this machine. They draw one at a time, the nearest the top of the
    screen first (``templates/app/figure_widget.js``), so the first chart appears without
    waiting for the others.
    """
    return _figure_widget_class(os.environ.get(PLOTLY_BUNDLE_ENV, ""))()


@functools.cache
def _figure_widget_class(bundle: str) -> type[go.FigureWidget]:
    if not bundle:
        return go.FigureWidget

    code = package_path("templates", "app", "figure_widget.js").read_text(encoding="utf-8")
    stub = f"const BUNDLE = {json.dumps(bundle)};\n{code}"
    return type(
        "FigureWidget",
        (go.FigureWidget,),
        {
            "__module__": "imaging_value.explore.explorer",
            "_esm": stub,
            "__doc__": "A plotly FigureWidget whose front-end code is imported from the Voila server.",
        },
    )


# --- debouncing ----------------------------------------------------------------------


class Handle(Protocol):
    """What scheduling a call returns: a handle that cancels it."""

    def cancel(self) -> Any:
        """Cancel the call, if it has not run yet."""
        ...


class Clock(Protocol):
    """What the debouncer needs of a clock: run ``callback`` once, ``delay`` seconds from now."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle:
        """Run ``callback`` once, ``delay`` seconds from now; the handle cancels it."""
        ...


class KernelClock:
    """The real clock: inside a Jupyter kernel, its asyncio loop (the callback runs between widget
    messages, on the kernel's thread); with no running loop (plain Python), a ``threading.Timer``."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle:
        """Run ``callback`` once, ``delay`` seconds from now, on the kernel's loop (or a timer thread without one)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            timer = threading.Timer(delay, callback)
            timer.daemon = True
            timer.start()
            return timer
        return loop.call_later(delay, callback)


class Debouncer:
    """Call ``action`` once, ``delay`` seconds after the last of a burst of :meth:`trigger` calls.

    ``clock`` schedules the call (default :class:`KernelClock`); a test passes a clock it advances by hand.
    """

    def __init__(self, delay: float, action: Callable[[], None], clock: Clock | None = None):
        self.delay = delay
        self.action = action
        self.clock: Clock = clock if clock is not None else KernelClock()
        self._handle: Handle | None = None
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        """True while a call is scheduled and has not yet run."""
        return self._handle is not None

    def trigger(self) -> None:
        """Schedule the action ``delay`` seconds from now, cancelling any call still pending."""
        with self._lock:
            self._cancel_locked()
            self._generation += 1
            generation = self._generation
            self._handle = self.clock.call_later(self.delay, lambda: self._fire(generation))

    def cancel(self) -> None:
        """Cancel the pending call, if any."""
        with self._lock:
            self._cancel_locked()

    def _cancel_locked(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self._generation += 1  # a timer already running its callback must not act

    def _fire(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._handle = None
        self.action()
