"""The notebooks as stored in git: thin, one literal parameters cell, no bulky outputs."""

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_report_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    assert {"01-portfolio.ipynb", "02-request.ipynb", "03-compare.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_def_or_class(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not [
                n
                for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
            ], cell.source


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name != "00-explore.ipynb"], ids=lambda p: p.name)
def test_one_parameters_cell_of_commented_literals(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        code, sep, comment = line.partition("  # ")
        assert sep and comment.strip(), f"no comment on: {line}"
        node = ast.parse(code).body[0]
        assert isinstance(node, ast.Assign) and len(node.targets) == 1
        ast.literal_eval(node.value)  # raises if not a literal


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_text_outputs_are_stored(path):
    assert path.stat().st_size < 100_000
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert cell.outputs and all(o.output_type == "stream" for o in cell.outputs)
        else:
            assert cell.outputs == [], f"stored output in: {cell.source[:60]}"
