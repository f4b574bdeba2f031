"""Warm kernels for rendering reports: started once, the library imported, reset between notebooks.

Starting a Jupyter kernel and importing the workbook (pandas, scipy, plotly) costs
seconds; rendering a report on an already warm kernel costs only the report. A
:class:`KernelWorker` is a thread that owns one such kernel and runs notebooks on
it one at a time, through papermill (so parameters, errors and outputs are exactly
papermill's). Between two notebooks the kernel is reset in place:

* every name the notebook defined is deleted, and the history and execution count
  start again (IPython's ``reset(new_session=True)``);
* the working folder, environment variables, ``sys.path``, warning filters, numpy's
  error and print settings, pandas' options, the ``random`` and numpy global random
  states, the SIGINT handler, and plotly's default renderer and template go back to what they were when
  the kernel was warmed (restoring plotly's renderer also makes the next report embed
  plotly.js again);
* a notebook that imported a package the warm-up did not import cannot be undone in
  place (its import side effects are unknown): that kernel is shut down and the next
  notebook gets a fresh one. So is a kernel that died or failed to reset.

The kernel's connection file is deleted as soon as the kernel has read it, so an
interrupted or killed run leaves none in the temporary folder. Kernels run in their
own process group and exit by themselves if the process that started them dies
(ipykernel's parent poller). :meth:`KernelWorker.kill` ends one at once, from any
thread.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["KernelError", "WarmKernel", "KernelWorker", "submit", "snapshot_state", "reset_state", "KERNEL_ARGUMENTS"]

T = TypeVar("T")
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)
ENGINE = "imaging-value-warm"
START_TIMEOUT = 120  # seconds for a kernel to start and import the workbook
_WARM_UP = "import imaging_value.render.kernels\nimaging_value.render.kernels.snapshot_state()"
_RESET = "import imaging_value.render.kernels\nimaging_value.render.kernels.reset_state()"
_RESET_MARK = "imaging-value-reset:"


class KernelError(RuntimeError):
    """A warm kernel could not be started, or failed to run its own set-up or reset code."""


# --- inside the kernel ------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def snapshot_state() -> None:
    """(Run inside a kernel.) Import what the report notebooks use and remember the clean state."""
    import gc  # noqa: F401  (IPython's reset uses it)
    import random
    import signal as signals
    import warnings

    import jinja2  # noqa: F401  (the report sections' templates, imported on first use)
    import numpy as np
    import pandas as pd
    import plotly.io as pio
    import plotly.io._base_renderers  # noqa: F401  (the notebooks' chart renderer builds on it)
    import scipy.special  # noqa: F401  (the valuation's normal quantiles)
    import scipy.stats.qmc  # noqa: F401  (the valuation's scrambled Sobol draws)

    import imaging_value.reports  # noqa: F401  (everything a report notebook imports)

    _STATE.update(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
        warnings=list(warnings.filters),
        numpy_err=np.geterr(),
        numpy_print=np.get_printoptions(),
        random=random.getstate(),
        numpy_random=np.random.get_state(),
        renderer=pio.renderers.default,
        template=pio.templates.default,
        sigint=signals.getsignal(signals.SIGINT),
        packages={name.partition(".")[0] for name in sys.modules},
        pandas=_pandas_options(pd),
    )
    # what the warm-up loaded stays for good: later collections (IPython's reset runs one) skip it
    import gc as _gc

    _gc.collect()
    _gc.freeze()


def _pandas_options(pd) -> dict[str, Any]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {key: pd.get_option(key) for key in pd._config.config._registered_options}


def reset_state() -> None:
    """(Run inside a kernel.) Forget the last notebook; print the packages it imported that the warm-up did not."""
    import random
    import signal as signals
    import warnings

    import numpy as np
    import plotly.io as pio
    from IPython import get_ipython

    get_ipython().reset(new_session=True)
    os.chdir(_STATE["cwd"])
    os.environ.clear()
    os.environ.update(_STATE["environ"])
    sys.path[:] = _STATE["path"]
    warnings.filters[:] = _STATE["warnings"]
    np.seterr(**_STATE["numpy_err"])
    np.set_printoptions(**_STATE["numpy_print"])
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in _pandas_options(pd).items():
            if key in _STATE["pandas"] and value is not _STATE["pandas"][key]:
                pd.set_option(key, _STATE["pandas"][key])
    random.setstate(_STATE["random"])
    np.random.set_state(_STATE["numpy_random"])
    signals.signal(signals.SIGINT, _STATE["sigint"])  # the kernel's interrupt
    pio.templates.default = _STATE["template"]
    pio.renderers.default = _STATE["renderer"]  # also re-arms plotly.js for the next report
    new = sorted({name.partition(".")[0] for name in sys.modules} - _STATE["packages"])
    print(_RESET_MARK + json.dumps(new))


# --- the host side ------------------------------------------------------------------------


def _run_sync(coroutine_function: Callable[..., Any]) -> Callable[..., Any]:
    from jupyter_core.utils import run_sync

    return run_sync(coroutine_function)


class WarmKernel:
    """One started kernel with the workbook imported. Use it from the thread that created it only."""

    def __init__(self, cwd: str | Path, kernel_name: str = "python3"):
        from jupyter_client.manager import AsyncKernelManager

        self.connection_file = Path(tempfile.gettempdir()) / f"imaging-value-kernel-{uuid.uuid4().hex}.json"
        self.km = AsyncKernelManager(kernel_name=kernel_name, connection_file=str(self.connection_file))
        self.kc = None
        self.pid: int | None = None
        try:
            given = self.km.kernel_spec.argv if self.km.kernel_spec is not None else []
            extra = [
                arg for arg in KERNEL_ARGUMENTS if arg.partition("=")[0] not in {g.partition("=")[0] for g in given}
            ]  # the app's kernel spec already has them
            _run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=extra)
            self.pid = self.km.provisioner.pid if self.km.provisioner is not None else None
            self.kc = self.km.client()
            self.kc.start_channels()
            _run_sync(self.kc.wait_for_ready)(timeout=START_TIMEOUT)
            self.connection_file.unlink(missing_ok=True)  # read by now; nothing left behind if we are killed
            self._execute(_WARM_UP)
        except BaseException:
            self.kill()
            raise

    def _execute(self, code: str) -> str:
        """Run set-up code silently (no history, no execution count); return what it printed."""
        printed: list[str] = []

        def collect(message: Mapping[str, Any]) -> None:
            if message["header"]["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = _run_sync(self.kc.execute_interactive)(
            code, store_history=False, allow_stdin=False, timeout=START_TIMEOUT, output_hook=collect
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelError(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")
        return "".join(printed)

    def run(self, notebook: str | Path, parameters: Mapping[str, Any]):
        """Execute a notebook with papermill on this kernel; return the executed notebook (not written)."""
        import papermill

        _register_engine()
        return papermill.execute_notebook(
            str(notebook),
            None,
            parameters=dict(parameters),
            engine_name=ENGINE,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            warm_kernel=self,
        )

    def reset(self) -> bool:
        """Reset the kernel in place; False if it cannot be made clean (dead, or new packages imported)."""
        try:
            if not _run_sync(self.km.is_alive)():
                return False
            printed = self._execute(_RESET)
        except Exception:
            return False
        line = next((row for row in printed.splitlines() if row.startswith(_RESET_MARK)), None)
        return line is not None and json.loads(line[len(_RESET_MARK) :]) == []

    def shutdown(self) -> None:
        """Ask the kernel to exit (no interrupt first, so it logs nothing); kill it if it does not."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            _run_sync(self.km.request_shutdown)()
            _run_sync(self.km.finish_shutdown)(waittime=5)
            _run_sync(self.km.cleanup_resources)()
        except Exception:
            pass
        finally:
            self.kill()

    def kill(self) -> None:
        """End the kernel's process group now; callable from any thread."""
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.connection_file.unlink(missing_ok=True)


_engine_lock = threading.Lock()


def _register_engine() -> None:
    """A papermill engine that runs on an already started kernel (its client included) and leaves it running."""
    from papermill.engines import papermill_engines

    with _engine_lock:
        if ENGINE in papermill_engines._engines:
            return
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine
        from papermill.log import logger
        from papermill.utils import remove_args

        class WarmKernelEngine(NBClientEngine):
            @classmethod
            def execute_managed_notebook(
                cls,
                nb_man,
                kernel_name,
                log_output=False,
                stdout_file=None,
                stderr_file=None,
                start_timeout=60,
                execution_timeout=None,
                warm_kernel: WarmKernel | None = None,
                **kwargs,
            ):
                if warm_kernel is None:
                    raise TypeError(f"the {ENGINE} engine runs a notebook on a started kernel: give warm_kernel")
                kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
                client = PapermillNotebookClient(
                    nb_man,
                    km=warm_kernel.km,
                    timeout=execution_timeout,
                    startup_timeout=start_timeout,
                    kernel_name=kernel_name,
                    log=logger,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                    **kwargs,
                )
                client.kc = warm_kernel.kc
                return client.execute()

        papermill_engines.register(ENGINE, WarmKernelEngine)


class KernelWorker:
    """A thread owning one warm kernel: it takes tasks from a queue and runs each on the kernel.

    A task is ``(function, future)``; the function gets the :class:`WarmKernel`. After
    every task the kernel is reset, or replaced when it cannot be reset. ``None`` on the
    queue stops the worker (and shuts its kernel down).
    """

    def __init__(
        self,
        cwd: str | Path,
        tasks: queue.Queue[tuple[Callable[[WarmKernel], Any], Future] | None],
        *,
        name: str = "imaging-value-kernel",
        warm: bool = True,
    ):
        self.cwd = Path(cwd)
        self.tasks = tasks
        self._kernel: WarmKernel | None = None
        self._killed = threading.Event()
        self._lock = threading.Lock()
        self._warm = warm
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.thread.start()

    def _ensure_kernel(self) -> WarmKernel:
        if self._kernel is None:
            kernel = WarmKernel(self.cwd)
            with self._lock:
                self._kernel = kernel
            if self._killed.is_set():
                kernel.kill()
                raise KernelError("the kernel was stopped")
        return self._kernel

    def _drop_kernel(self, *, kill: bool = False) -> None:
        with self._lock:
            kernel, self._kernel = self._kernel, None
        if kernel is not None:
            kernel.kill() if kill else kernel.shutdown()

    def _loop(self) -> None:
        try:
            if self._warm:
                try:
                    self._ensure_kernel()
                except Exception:
                    pass  # the first task tries again and reports the error
            while not self._killed.is_set():
                item = self.tasks.get()
                if item is None or self._killed.is_set():
                    break
                function, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    kernel = self._ensure_kernel()
                    result = function(kernel)
                except BaseException as exc:
                    future.set_exception(exc)
                    self._drop_kernel(kill=True)
                    continue
                future.set_result(result)
                if self._killed.is_set() or not kernel.reset():
                    self._drop_kernel()
        finally:
            self._drop_kernel(kill=self._killed.is_set())

    def kill(self) -> None:
        """Stop now: kill the kernel (a notebook running on it fails) and take no more tasks."""
        self._killed.set()
        with self._lock:
            kernel = self._kernel
        if kernel is not None:
            kernel.kill()


def submit(tasks: queue.Queue, function: Callable[[WarmKernel], T]) -> Future[T]:
    """Queue ``function`` for the next free worker; its future holds the result."""
    future: Future = Future()
    tasks.put((function, future))
    return future
