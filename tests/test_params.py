"""One parameters model with one set of defaults, one request resolver, and errors chosen by class."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from imaging_value import (
    DataValidationError,
    ImagingValueError,
    ParameterError,
    RequestParams,
    RequestRef,
    UnknownRequestError,
    load_request,
    resolve_request,
)
from imaging_value.cli import build_parser
from imaging_value.core.defaults import (
    DEFAULT_DATA_DIR,
    DEFAULT_REQUEST,
    DEFAULT_REVENUE_SCENARIO,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOTAL,
)
from imaging_value.core.errors import EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, error_class, exit_code
from imaging_value.framework.scenario import RequestExistsError
from imaging_value.reports import request_report

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "imaging_value"


def _parameters_cell(notebook: str) -> dict:
    """The literals of a notebook's cell tagged ``parameters``."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    tree = ast.parse("".join(cell["source"]))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)}


# --- one set of defaults -------------------------------------------------------------------


def test_the_request_notebook_states_exactly_the_models_defaults():
    assert _parameters_cell("02-request.ipynb") == RequestParams().model_dump()
    assert RequestParams().model_dump() == {
        "request": DEFAULT_REQUEST,
        "requester": None,
        "profile": "",
        "weights": {},
        "seed": DEFAULT_SEED,
        "samples": DEFAULT_SAMPLES,
        "total": DEFAULT_TOTAL,
        "discount_rate": None,  # valuation.yaml's
        "revenue_scenario": DEFAULT_REVENUE_SCENARIO,
        "royalty": None,  # the term sheet's
        "data_dir": DEFAULT_DATA_DIR,
    }


def test_every_notebook_and_command_samples_with_the_same_seed():
    assert DEFAULT_SEED == 20210401
    assert _parameters_cell("03-compare.ipynb")["seed"] == DEFAULT_SEED
    summit = _parameters_cell("04-summit.ipynb")
    assert (summit["seed"], summit["samples"]) == (DEFAULT_SEED, DEFAULT_SAMPLES)
    parser = build_parser()
    for args in (
        ["acceptability", "scenario-1"],
        ["split", "scenario-1", "--total", "10"],
        ["value", "scenario-1"],
        ["summit", "illustrative"],
    ):
        assert parser.parse_args(args).seed == DEFAULT_SEED, args
    assert parser.parse_args(["acceptability", "scenario-1"]).samples == DEFAULT_SAMPLES


def test_the_explorer_the_report_and_the_command_line_give_the_same_acceptability(dataset, cli):
    from imaging_value.explore.state import ExplorerState

    state = ExplorerState(dataset)  # the explorer's defaults
    state.start_from("scenario-2", load_request("scenario-2", dataset))
    explored = state.case().acceptability(0).rank_acceptability
    report = request_report("scenario-2", requester=0, data_dir=str(dataset.root))  # the notebook's defaults
    reported = report.case.analysis(0).acceptability.rank_acceptability
    assert explored.equals(reported)
    answer = cli("acceptability", "scenario-2", "--requester", "0", "--data", str(dataset.root), "--json").json()
    assert answer["seed"] == DEFAULT_SEED
    assert answer["results"][0]["rank_acceptability"] == reported.to_numpy().tolist()


# --- the model's checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, message",
    [
        ({"seed": 1.5}, "parameter 'seed': expected a whole number; found 1.5"),
        ({"seed": -1}, "parameter 'seed': expected an integer >= 0; found -1"),
        ({"seed": True}, "parameter 'seed': expected a whole number; found True"),
        ({"samples": 0}, "parameter 'samples': expected an integer >= 1 and <= 1,000,000; found 0"),
        ({"samples": 10**7}, "parameter 'samples': expected an integer from 1 to 1,000,000; found 10000000"),
        ({"total": -5.0}, "parameter 'total': expected a finite number >= 0, at most 1,000,000,000,000; found -5.0"),
        ({"total": float("nan")}, "parameter 'total': expected a finite number >= 0"),
        ({"total": "1e6"}, "parameter 'total': expected a finite number >= 0, at most 1,000,000,000,000; found '1e6'"),
        (
            {"requester": "first"},
            "parameter 'requester': expected None (every requester) or a whole number; found 'first'",
        ),
        ({"request": 3}, "parameter 'request': expected a request id or a path to a request file; found 3"),
        ({"profile": 1}, "parameter 'profile': expected a profile name or \"\"; found 1"),
        ({"weights": [1, 2]}, "parameter 'weights': expected a mapping of lever to weight, or {}; found [1, 2]"),
        (
            {"profile": "smes", "weights": {"clinical": 1}},
            "parameter 'weights': expected {} when a profile is given (one or the other); found {'clinical': 1}",
        ),
        ({"data_dir": None}, "parameter 'data_dir': expected a path to a data folder; found None"),
        ({"weights": {1: 2.0}}, "parameter 'weights': expected a mapping of lever to weight, or {}; found {1: 2.0}"),
        (
            {"colour": "red"},
            "parameter 'colour': expected one of the parameters request, requester, profile, weights, "
            "seed, samples, total, discount_rate, revenue_scenario, royalty, data_dir; found 'red'",
        ),
        (
            {"discount_rate": 1.5},
            "parameter 'discount_rate': expected a finite number >= 0 and <= 1; found 1.5",
        ),
        ({"royalty": 101}, "parameter 'royalty': expected a finite number >= 0 and <= 100; found 101"),
        (
            {"revenue_scenario": None},
            "parameter 'revenue_scenario': expected a revenue scenario id of valuation.yaml; found None",
        ),
    ],
)
def test_a_bad_parameter_is_named_with_what_was_expected_and_found(values, message):
    with pytest.raises(ParameterError) as info:
        RequestParams(**values)
    assert message in str(info.value)


def test_the_model_is_frozen_and_keeps_what_it_was_given():
    params = RequestParams(request="scenario-2", requester=1, weights={"clinical": 2}, total=250_000)
    assert (params.request, params.requester, params.weights, params.total) == (
        "scenario-2",
        1,
        {"clinical": 2},
        250_000.0,
    )
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="frozen"):
        params.seed = 1  # type: ignore[misc]
    assert params.notebook_parameters(request="x", data_dir="../d")["request"] == "x"


def test_the_requester_must_be_one_the_request_has(dataset):
    request = load_request("scenario-2", dataset)
    assert RequestParams(requester=None).requester_indices(request) == (0, 1, 2)
    assert RequestParams(requester=2).requester_indices(request) == (2,)
    with pytest.raises(
        ParameterError,
        match=r"parameter 'requester': expected a position from 0 to 2 "
        r"\(the requesters of scenario-2, counted from 0\); found 3",
    ):
        RequestParams(requester=3).requester_indices(request)


# --- one resolver ------------------------------------------------------------------------------


def test_an_id_resolves_to_its_file_in_requests(dataset):
    ref = resolve_request("scenario-3", dataset)
    assert ref == RequestRef("scenario-3", dataset.requests_dir / "scenario-3.yaml", "scenario-3")
    assert ref.shown == "scenario-3"


def test_a_path_resolves_to_itself_and_shows_only_its_name(dataset, tmp_path):
    path = tmp_path / "private" / "mine.yaml"
    ref = resolve_request(str(path), dataset)  # a .yaml name is a path, whether or not the file exists
    assert (ref.path, ref.id, ref.shown) == (path, None, "mine.yaml")
    plain = tmp_path / "request-without-suffix"
    shutil.copy(dataset.requests_dir / "scenario-1.yaml", plain)
    assert resolve_request(plain, dataset) == RequestRef(str(plain), plain, None)
    assert load_request(plain, dataset).id == "scenario-1"


def test_a_relative_name_beside_requests_is_a_path_not_an_id(data_copy):
    from imaging_value import load_dataset

    dataset = load_dataset(data_copy)
    shutil.copy(data_copy / "requests" / "scenario-1.yaml", data_copy / "elsewhere.yaml")
    ref = resolve_request("../elsewhere", dataset)
    assert ref.path == data_copy / "requests" / "../elsewhere.yaml" and ref.id is None


def test_an_unknown_request_is_an_unknown_request_error_everywhere(dataset, cli):
    with pytest.raises(UnknownRequestError) as info:
        resolve_request("scenario-9", dataset)
    assert isinstance(info.value, ParameterError) and not isinstance(info.value, DataValidationError)
    assert info.value.known == ("scenario-1", "scenario-2", "scenario-3", "scenario-4")
    assert str(info.value) == (
        "parameter 'request': expected a request id (scenario-1, scenario-2, scenario-3, "
        "scenario-4) or a path to a request file; found 'scenario-9'"
    )
    with pytest.raises(UnknownRequestError):
        load_request("scenario-9", dataset)
    with pytest.raises(UnknownRequestError):
        request_report("scenario-9", data_dir=str(dataset.root))
    for command in (["rank", "scenario-9"], ["terms", "scenario-9"], ["split", "scenario-9", "--total", "10"]):
        result = cli(*command)
        assert result.code == EXIT_INPUT and result.out == ""
        assert result.err == f"error: {info.value}\n", command


def test_an_unknown_request_in_a_pack_is_still_planned_and_its_notebook_names_it(dataset):
    from imaging_value.render.pack import plan_jobs

    (job,) = plan_jobs(dataset.root, ["scenario-9"])
    assert job.name == "request-scenario-9" and job.parameters["request"] == "scenario-9"
    assert {k: v for k, v in job.parameters.items() if k not in ("request", "data_dir")} == {
        k: v for k, v in RequestParams().model_dump().items() if k not in ("request", "data_dir")
    }


# --- exit codes by class -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error, code",
    [
        (ParameterError("seed", "a whole number", 1.5), EXIT_INPUT),
        (UnknownRequestError("x", ["a"]), EXIT_INPUT),
        (RequestExistsError("scenario-1", Path("requests/scenario-1.yaml")), EXIT_INPUT),
        (DataValidationError([]), EXIT_INPUT),
        (FileNotFoundError(2, "No such file", "x.yaml"), EXIT_INPUT),
        (ImagingValueError("chromium could not print"), EXIT_FAILED),
        (RuntimeError("a bug"), EXIT_FAILED),
        (KeyboardInterrupt(), EXIT_INTERRUPTED),
    ],
)
def test_the_exit_code_follows_the_class_of_the_error(error, code):
    assert exit_code(error) == code


def test_the_command_line_exits_by_class_with_one_line(cli, monkeypatch):
    import imaging_value.cli as cli_module

    def failing(_cap, _args):
        raise ImagingValueError("the work failed\nin two lines")

    monkeypatch.setattr(cli_module, "_answer_of", failing)
    result = cli("portfolio")
    assert result.code == EXIT_FAILED and result.err.startswith("error: ") and result.err.count("\n") == 1

    def unknown(_cap, _args):
        raise UnknownRequestError("nope", ["scenario-1"])

    monkeypatch.setattr(cli_module, "_answer_of", unknown)
    result = cli("portfolio")
    assert result.code == EXIT_INPUT and result.err.count("\n") == 1 and "found 'nope'" in result.err


def test_a_notebooks_error_is_judged_by_the_class_its_name_is(dataset):
    from imaging_value.render.pack import Job, _describe_failure

    class KernelSaid(Exception):  # what papermill raises: the kernel's error class by name only
        def __init__(self, ename: str):
            super().__init__(ename)
            self.ename, self.evalue, self.exec_count = ename, "it went wrong", 3

    job = Job("request", "request-x", "x")
    assert error_class("UnknownRequestError") is UnknownRequestError
    assert error_class("RequestExistsError") is RequestExistsError
    assert error_class("ValueError") is None
    for ename, input_error in (
        ("UnknownRequestError", True),
        ("ParameterError", True),
        ("DataValidationError", True),
        ("RequestExistsError", True),
        ("ImagingValueError", False),
        ("ValueError", False),
        ("KernelError", False),
    ):
        message, judged = _describe_failure(job, KernelSaid(ename))
        assert judged is input_error, ename
        assert message == f"02-request.ipynb (request-x): cell 3: {ename}: it went wrong"
    assert _describe_failure(job, ParameterError("seed", "a number", "x"))[1] is True


# --- helpers where they belong ---------------------------------------------------------------------


def test_a_requester_by_position_and_a_label_by_id(dataset):
    request = load_request("scenario-2", dataset)
    assert request.requester(1) is request.requesters[1]
    for bad in (-1, 3, True, "0", 1.0):
        with pytest.raises(ParameterError, match="parameter 'requester'"):
            request.requester(bad)  # type: ignore[arg-type]
    assert dataset.label("clinical") == next(lever.label for lever in dataset.levers if lever.id == "clinical")
    option = dataset.options[0]
    assert dataset.label(option.id) == option.label and dataset.label("no-such-id") == "no-such-id"


def test_the_library_uses_no_assert_for_control_flow():
    found = []
    for path in sorted(LIB.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert):
                found.append(f"{path.name}:{node.lineno} assert")
            elif isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
                found.append(f"{path.name}:{node.lineno} raise AssertionError")
    assert found == []
