"""Keep committed notebooks light: outputs only where a test pins them.

``python -m imaging_value.render.nbstore notebooks/*.ipynb`` runs each notebook with its
default parameters and stores the outputs of the cells marked
``# NBVAL_CHECK_OUTPUT`` (plain text summaries that nbval compares on every test
run); every other output (charts, tables) is cleared, so no plotly JSON enters git.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

__all__ = ["CHECK_MARK", "store_check_outputs", "main"]

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def store_check_outputs(path: str | Path) -> int:
    """Execute the notebook in its folder; keep only the checked cells' text outputs. Returns cells kept."""
    import papermill

    path = Path(path)
    executed = papermill.execute_notebook(
        str(path),
        None,
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    by_id = {cell.get("id"): cell for cell in executed.cells}
    notebook = nbformat.read(path, as_version=4)
    kept = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        cell.metadata.pop("execution", None)
        if cell.source.lstrip().startswith(CHECK_MARK):
            ran = by_id.get(cell.get("id"))
            outputs = [
                o
                for o in (ran.outputs if ran else [])
                if o.get("output_type") == "stream" and o.get("name") == "stdout"
            ]
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="".join(o["text"] for o in outputs))]
            cell.execution_count = ran.execution_count if ran else 1  # nbval checks only cells that ran
            kept += 1
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return kept


def main(argv: list[str] | None = None) -> int:
    """Refresh the notebooks named in ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    paths = argv if argv is not None else sys.argv[1:]
    if not paths:
        print("error: name the notebooks to refresh, e.g. notebooks/*.ipynb", file=sys.stderr)
        return 2
    for path in paths:
        print(f"{path}: {store_check_outputs(path)} checked output(s) stored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
