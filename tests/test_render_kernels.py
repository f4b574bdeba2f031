"""Warm kernels: one kernel runs notebook after notebook, and nothing leaks from one into the next."""

from __future__ import annotations

import json
import queue
import time
from pathlib import Path

import nbformat
import pytest

from imaging_value.render.kernels import KernelWorker, submit

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(300)


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


PROBE = (
    "import json, os, plotly.io as pio, numpy as np\n"
    "print(json.dumps({'leaked': 'leaked' in dir(), 'np_alias': 'np' in dir() and np is not None,\n"
    "                  'template': pio.templates.default, 'renderer': pio.renderers.default,\n"
    "                  'env': 'IV_LEAK' in os.environ, 'cwd': os.getcwd(), 'pid': os.getpid(),\n"
    "                  'precision': np.get_printoptions()['precision'],\n"
    "                  'sigint': str(__import__('signal').getsignal(__import__('signal').SIGINT))}))"
)


def probe(executed) -> dict:
    return json.loads(executed.cells[-1].outputs[0]["text"])


@pytest.fixture()
def worker(tmp_path):
    tasks: queue.Queue = queue.Queue()
    running = KernelWorker(tmp_path, tasks)
    yield tasks
    running.kill()


def test_a_name_or_setting_from_one_notebook_is_not_visible_to_the_next(tmp_path, worker):
    first = notebook(
        tmp_path / "first.ipynb",
        PROBE,
        "leaked = 42\nimport os, plotly.io as pio, numpy as np\n"
        "pio.templates.default = 'plotly_dark'\npio.renderers.default = 'json'\n"
        "os.environ['IV_LEAK'] = '1'\nnp.set_printoptions(precision=2)\nos.chdir('/')\n"
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)",
        PROBE,
    )
    second = notebook(tmp_path / "second.ipynb", PROBE)
    run_first = submit(worker, lambda kernel: kernel.run(first, {})).result()
    before, after = probe(nbformat.from_dict({"cells": [run_first.cells[0]]})), probe(run_first)
    assert after["leaked"] and after["template"] == "plotly_dark" and after["env"] and after["precision"] == 2
    run_second = submit(worker, lambda kernel: kernel.run(second, {})).result()
    clean = probe(run_second)
    assert clean["pid"] == before["pid"], "the second notebook must run on the same (warm) kernel"
    assert not clean["leaked"]
    assert {k: clean[k] for k in ("template", "renderer", "env", "cwd", "precision", "sigint")} == {
        k: before[k] for k in ("template", "renderer", "env", "cwd", "precision", "sigint")
    }
    assert [cell.execution_count for cell in run_second.cells] == [1], "the execution count starts again"


def test_a_notebook_that_imports_a_new_package_gets_a_fresh_kernel_after_it(tmp_path, worker):
    importer = notebook(tmp_path / "importer.ipynb", "import tabnanny", PROBE)
    plain = notebook(tmp_path / "plain.ipynb", PROBE)
    used = probe(submit(worker, lambda kernel: kernel.run(importer, {})).result())["pid"]
    assert probe(submit(worker, lambda kernel: kernel.run(plain, {})).result())["pid"] != used


def test_a_kernel_is_shut_down_without_an_interrupt(tmp_path):
    """jupyter_client's shutdown interrupts first; a kernel busy with a message then logs
    "KeyboardInterrupt caught in kernel." after a good render. The kernel here records any
    SIGINT (ipykernel swaps its handler around every message, so the swap is patched too)."""
    from imaging_value.render.kernels import WarmKernel

    kernel = WarmKernel(tmp_path)
    marker = tmp_path / "interrupted"
    kernel._execute(
        "import signal, ipykernel.kernelbase as kb\n"
        f"def _mark(*_):\n    open({str(marker)!r}, 'w').close()\n"
        "kb.signal = lambda sig, handler: signal.signal(sig, _mark if sig == signal.SIGINT else handler)\n"
        "signal.signal(signal.SIGINT, _mark)"
    )
    kernel.shutdown()
    time.sleep(0.5)
    assert not marker.exists()
    assert not list(tmp_path.glob("*.json"))


def test_the_report_notebooks_leave_their_kernel_warm(tmp_path):
    """They import nothing the warm-up did not, so a kernel is reset after each, not replaced (which is slow)."""
    from imaging_value.render.kernels import WarmKernel
    from imaging_value.render.pack import notebooks_dir, plan_jobs

    kernel = WarmKernel(notebooks_dir())
    try:
        for job in plan_jobs(ROOT / "data" / "samples", ["scenario-2"], portfolio=True, compare=True):
            kernel.run(notebooks_dir() / job.notebook, job.parameters)
            assert kernel.reset(), job.notebook
    finally:
        kernel.shutdown()
