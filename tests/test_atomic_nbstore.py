"""write_atomic (whole file or nothing, readable by others) and nbstore (only checked outputs kept), directly."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import nbformat
import papermill
import pytest

from imaging_value.core.atomic import write_atomic
from imaging_value.core.errors import WriteError
from imaging_value.render import nbstore


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- write_atomic ----------------------------------------------------------------------


def test_writes_text_as_utf8_and_bytes_as_given(tmp_path):
    text = tmp_path / "deep" / "er" / "report.html"  # missing folders are made
    assert write_atomic(text, "£1,000 – Trust’s share\n") == text
    assert text.read_bytes() == "£1,000 – Trust’s share\n".encode()
    blob = tmp_path / "blob.bin"
    write_atomic(str(blob), b"\x00\xff\x10")
    assert blob.read_bytes() == b"\x00\xff\x10"
    assert leftovers(text.parent) == [] and leftovers(tmp_path) == []


def test_replaces_an_existing_file_whole(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("old " * 10_000)
    write_atomic(path, "new")
    assert path.read_text() == "new"


def test_the_file_is_readable_by_others_whatever_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        path = write_atomic(tmp_path / "report.html", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_temporary_file_is_beside_the_target_so_the_rename_is_one_step(tmp_path, monkeypatch):
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda src, dst: (renames.append((Path(src), Path(dst))), real_replace(src, dst))
    )
    write_atomic(tmp_path / "a.html", "x")
    ((src, dst),) = renames
    assert src.parent == dst.parent == tmp_path and src.name.startswith(".a.html.") and src.suffix == ".part"


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_previous_file_and_no_partial_file(tmp_path, monkeypatch, fail_at, error):
    path = tmp_path / "request-scenario-1.html"
    path.write_text("the last good report")

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, fail_at, fail)
    # a failed write is a WriteError naming the file and the reason; an interrupt stays an interrupt
    with pytest.raises(WriteError if isinstance(error, OSError) else type(error)) as info:
        write_atomic(path, "half a report")
    if isinstance(error, OSError):
        assert str(info.value) == f"could not write {path}: disk full"
    assert path.read_text() == "the last good report"
    assert leftovers(tmp_path) == []


def test_a_failed_first_write_leaves_no_file_at_all(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("read-only")))
    with pytest.raises(WriteError, match="new.html: read-only"):
        write_atomic(tmp_path / "new.html", "content")
    assert list(tmp_path.iterdir()) == []


# --- nbstore ---------------------------------------------------------------------------


def stream(name: str, text: str):
    return nbformat.v4.new_output("stream", name=name, text=text)


@pytest.fixture()
def notebook(tmp_path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A report"),
        nbformat.v4.new_code_cell("figure = chart()\nfigure"),
        nbformat.v4.new_code_cell(f"{nbstore.CHECK_MARK}\nprint(summary)"),
        nbformat.v4.new_code_cell(f"  {nbstore.CHECK_MARK}\nprint(other)"),
    ]
    # stale outputs from an earlier run of the stored file itself
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "old chart"})]
    nb.cells[1].execution_count = 7
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "2024-01-01"}
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, path)
    return path


def fake_run(outputs_by_cell: dict[int, list], counts: dict[int, int], calls: list, ran_cells: int | None = None):
    """papermill.execute_notebook as it behaves: the notebook read and run in memory (cells up to ``ran_cells``)."""

    def execute_notebook(input_path, output_path, **kwargs):
        calls.append((input_path, output_path, kwargs.get("cwd")))
        ran = nbformat.read(input_path, as_version=4)
        for index, cell in enumerate(ran.cells):
            if index in outputs_by_cell:
                cell.outputs = outputs_by_cell[index]
                cell.execution_count = counts[index]
        ran.cells = ran.cells[:ran_cells]
        return ran

    return execute_notebook


def test_store_keeps_only_the_checked_cells_stdout(notebook, monkeypatch):
    calls: list = []
    monkeypatch.setattr(
        papermill,
        "execute_notebook",
        fake_run(
            {
                1: [nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": {"data": []}})],
                2: [
                    stream("stdout", "winner: "),
                    stream("stderr", "a warning\n"),
                    stream("stdout", "sme_incubation\n"),
                ],
                3: [stream("stdout", "other\n")],
            },
            {1: 1, 2: 2, 3: 3},
            calls,
        ),
    )
    assert nbstore.store_check_outputs(notebook) == 2
    assert calls == [(str(notebook), None, str(notebook.parent))]  # run in its folder, nothing written by papermill
    stored = nbformat.read(notebook, as_version=4)
    nbformat.validate(stored)
    chart, summary, other = stored.cells[1:]
    assert chart.outputs == [] and chart.execution_count is None and "execution" not in chart.metadata
    assert [(o.output_type, o.name, o.text) for o in summary.outputs] == [
        ("stream", "stdout", "winner: sme_incubation\n")
    ]
    assert summary.execution_count == 2
    assert [o.text for o in other.outputs] == ["other\n"] and other.execution_count == 3
    assert stored.cells[0].source == "# A report"


def test_store_gives_a_checked_cell_that_did_not_run_an_empty_output(notebook, monkeypatch):
    # the executed copy lacks the last cell, as when the notebook was edited during the run
    monkeypatch.setattr(
        papermill, "execute_notebook", fake_run({2: [stream("stdout", "x\n")]}, {2: 5}, [], ran_cells=3)
    )
    original = nbformat.read(notebook, as_version=4)
    assert nbstore.store_check_outputs(notebook) == 2
    last = nbformat.read(notebook, as_version=4).cells[3]
    assert last.id == original.cells[3].id
    assert [o.text for o in last.outputs] == [""] and last.execution_count == 1


def test_main_names_each_notebook_and_needs_at_least_one(notebook, monkeypatch, capsys):
    assert nbstore.main([]) == 2
    assert capsys.readouterr().err.startswith("error: name the notebooks")
    monkeypatch.setattr(papermill, "execute_notebook", fake_run({}, {}, []))
    assert nbstore.main([str(notebook)]) == 0
    assert capsys.readouterr().out == f"{notebook}: 2 checked output(s) stored\n"


def test_the_committed_notebooks_hold_only_checked_text_outputs():
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or not cell.outputs:
                continue
            assert cell.source.lstrip().startswith(nbstore.CHECK_MARK), f"{path.name}: output stored unchecked"
            assert {(o.output_type, o.get("name")) for o in cell.outputs} == {("stream", "stdout")}, path.name
