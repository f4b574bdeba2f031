"""Input that can never take the pack down, and saves that fail say so and lose nothing (issue 23).

Each test plants one defect that once got through: a value YAML cannot build, a broken summit
file, two saves of one id, a full disk, a stray or endless file, an amount without a bound, and
the smaller ones (a seed, a named pipe, a link, a file name, a quoted file, a judgement, --out).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from imaging_value import DataValidationError, load_dataset, load_request, scan_requests
from imaging_value.core.errors import ParameterError, WriteError
from imaging_value.core.yamlread import read_yaml_text
from imaging_value.model import datacache
from imaging_value.model.summit_files import answer_yaml, read_answer_file, save_answer_file

FULL = os.strerror(errno.ENOSPC)  # "No space left on device"
PASSWD = "jdoe:x:1000:1000:Jo Doe:/home/jdoe:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
ANSWERS = [{"clinical": 40, "social": 20, "economic_development": 20, "environmental": 10, "commercial": 10}]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def one_error(result, code: int = 2) -> str:
    """The single error line of a failed command (nothing on stdout)."""
    assert result.code == code, result
    assert result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    return result.err


def disk_full_for(monkeypatch, fragment: str) -> None:
    """Every file written whose temporary name holds ``fragment`` fails as a full disk does (at its fsync)."""
    real = os.fsync

    def fsync(fd: int) -> None:
        try:
            name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            name = ""
        if fragment in name:
            raise OSError(errno.ENOSPC, FULL)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


# --- 5. every file error is one line ----------------------------------------------------------------

UNBUILDABLE = {
    "an impossible date": ("title: 2026-02-30", "impossible date or time (day is out of range for month)"),
    "an impossible time": ("date: 2026-11-30 25:61:00", "impossible date or time (hour must be in 0..23)"),
    "an over-long integer": ("count: " + "7" * 5000, "a number 5,000 characters long"),
    "an unknown tag": ("x: !!python/object:os.system {}", "a value YAML cannot build"),
    "a set of a scalar": ("x: !!set [1]", "a value tagged !!set that cannot be read as one"),
    "a boolean that is not one": ("x: !!bool maybe", "a value tagged !!bool that cannot be read as one"),
    "a date deep inside": ("x: [1, {a: [2021-02-29]}]", "day is out of range for month"),
}


@pytest.mark.parametrize("case", UNBUILDABLE, ids=list(UNBUILDABLE))
def test_a_value_yaml_cannot_build_is_an_issue_on_its_line(case):
    line, found = UNBUILDABLE[case]
    data, issues = read_yaml_text(f"a: 1\nb: two\n{line}\n")
    assert data is None
    (issue,) = issues
    assert issue.line == 3 and found in issue.found


@pytest.mark.parametrize("case", ["an impossible date", "an impossible time", "an over-long integer"])
def test_a_bad_request_file_fails_alone_naming_the_file_and_line(cli, data_copy, case):
    line, found = UNBUILDABLE[case]
    path = data_copy / "requests" / "scenario-3.yaml"
    path.write_text(path.read_text(encoding="utf-8") + line.replace(":", "_note:", 1) + "\n", encoding="utf-8")
    err = one_error(cli("rank", "scenario-3", "--data", str(data_copy)))
    assert err.startswith("error: requests/scenario-3.yaml: line ") and found in err
    assert cli("rank", "scenario-1", "--data", str(data_copy)).code == 0
    # the pack plans every other request, and the bad one as a job that will report its error
    plan = cli("report", "--all", "--plan", "--json", "--data", str(data_copy), "--out", str(data_copy / "out"))
    assert plan.code == 0 and "request-scenario-3" in [job["name"] for job in plan.json()["jobs"]]
    (entry,) = [e for e in scan_requests(load_dataset(data_copy)) if e.id == "scenario-3"]
    assert entry.request is None and found in entry.error.one_line()


def test_the_explorer_lists_a_request_it_cannot_read_as_invalid(data_copy):
    from imaging_value.explore.explorer import Explorer

    edit(data_copy / "requests" / "scenario-3.yaml", "title: ", "title: 2026-02-30 #")
    explorer = Explorer(data_copy)
    assert ("scenario-3 (invalid)", "scenario-3") in explorer.request_picker.options
    explorer.request_picker.value = "scenario-3"
    assert "requests/scenario-3.yaml: line 3" in explorer.message.value


def test_a_broken_summit_file_breaks_only_what_uses_the_summit(cli, data_copy):
    edit(data_copy / "summits" / "illustrative" / "smes.yaml", "date: 2026-11-18", "date: 2026-11-18 25:61:00")
    dataset = load_dataset(data_copy)  # the data folder still loads
    (problem,) = dataset.summit_problems
    assert str(problem).startswith("summits/illustrative/smes.yaml: line ")
    assert "illustrative/smes" not in [p.name for p in dataset.summit_profiles]
    assert "illustrative/clinicians" in [p.name for p in dataset.summit_profiles]
    for command in (["rank", "scenario-1"], ["recommend", "scenario-2"], ["terms", "scenario-1"], ["profiles"]):
        assert cli(*command, "--data", str(data_copy)).code == 0, command
    listed = cli("profiles", "--json", "--data", str(data_copy)).json()["invalid"]
    assert listed == [str(problem)]
    assert f"invalid: {problem}" in cli("profiles", "--data", str(data_copy)).out
    plan = cli("report", "--all", "--plan", "--json", "--data", str(data_copy), "--out", str(data_copy / "out"))
    assert "summit-illustrative" in [job["name"] for job in plan.json()["jobs"]]  # its report will name the file
    # where the summit is used, the file is named
    assert "summits/illustrative/smes.yaml: line" in one_error(cli("summit", "illustrative", "--data", str(data_copy)))
    err = one_error(cli("rank", "scenario-1", "--profile", "illustrative/smes", "--data", str(data_copy)))
    assert "summits/illustrative/smes.yaml: line" in err


# --- 6. saves that fail say so and lose nothing ------------------------------------------------------


def test_two_saves_of_one_new_request_id_cannot_both_succeed(data_copy, monkeypatch):
    """A second save of the same id lands between the first one's check and its write: the first is refused."""
    from imaging_value.framework import scenario
    from imaging_value.framework.scenario import RequestExistsError, facts_of, save_request

    dataset = load_dataset(data_copy)
    facts = facts_of(load_request("scenario-1", dataset))
    target = dataset.requests_dir / "raced.yaml"
    real_write = scenario.write_atomic

    def the_other_save_first(path, text, **options):
        target.write_text("# the other facilitator's save\n", encoding="utf-8")
        return real_write(path, text, **options)

    monkeypatch.setattr(scenario, "write_atomic", the_other_save_first)
    with pytest.raises(RequestExistsError):
        save_request(dataset, facts, "raced")
    assert target.read_text(encoding="utf-8") == "# the other facilitator's save\n"


def _save_at_once(barrier, dataset, facts, rid, who, results):
    from imaging_value.framework.scenario import RequestExistsError, save_request

    barrier.wait()
    try:
        save_request(dataset, facts, rid, header=f"saved by process {who}")
        results.put((who, "saved"))
    except RequestExistsError:
        results.put((who, "exists"))


def test_two_processes_saving_one_new_id_at_once_never_both_succeed(data_copy):
    import multiprocessing

    from imaging_value.framework.scenario import facts_of

    dataset = load_dataset(data_copy)
    facts = facts_of(load_request("scenario-1", dataset))
    context = multiprocessing.get_context("fork")
    for trial in range(20):
        barrier, results = context.Barrier(2), context.Queue()
        rid = f"raced-{trial}"
        workers = [
            context.Process(target=_save_at_once, args=(barrier, dataset, facts, rid, who, results)) for who in (0, 1)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        outcome = dict(results.get(timeout=5) for _ in workers)
        assert sorted(outcome.values()) == ["exists", "saved"], (trial, outcome)
        (winner,) = [who for who, said in outcome.items() if said == "saved"]
        assert f"# saved by process {winner}\n" in (dataset.requests_dir / f"{rid}.yaml").read_text(encoding="utf-8")


def test_two_saves_of_one_group_cannot_both_succeed(tmp_path, monkeypatch):
    from imaging_value.core import atomic

    text = answer_yaml("clinicians", "points", "2026-11-30", ANSWERS)
    target = tmp_path / "summits" / "s1" / "clinicians.yaml"
    real_create = atomic._create

    def the_other_save_first(tmp, path, shown):
        target.write_text("# the other save\n", encoding="utf-8")
        return real_create(tmp, path, shown)

    monkeypatch.setattr(atomic, "_create", the_other_save_first)
    with pytest.raises(ParameterError, match="already saved"):
        save_answer_file(
            tmp_path, "s1", text, ("clinical", "social", "economic_development", "environmental", "commercial")
        )
    assert target.read_text(encoding="utf-8") == "# the other save\n"


def test_a_request_that_cannot_be_written_says_why_and_leaves_nothing(data_copy, monkeypatch):
    from imaging_value.framework.scenario import facts_of, save_request

    dataset = load_dataset(data_copy)
    facts = facts_of(load_request("scenario-1", dataset))
    disk_full_for(monkeypatch, "new-one.yaml")
    with pytest.raises(WriteError, match=f"could not write requests/new-one.yaml: {FULL}"):
        save_request(dataset, facts, "new-one")
    assert sorted(p.name for p in dataset.requests_dir.iterdir()) == sorted(
        p.name for p in (data_copy.parent / "data" / "requests").iterdir()
    )
    assert not (dataset.requests_dir / "new-one.yaml").exists()


def test_the_explorer_says_not_saved_with_the_reason(data_copy, monkeypatch):
    from imaging_value.explore.explorer import Explorer

    explorer = Explorer(data_copy)
    explorer.saver.id.value = "new-one"
    disk_full_for(monkeypatch, "new-one.yaml")
    assert explorer.save_request() is None
    assert f"Not saved: could not write requests/new-one.yaml: {FULL}" in explorer.saver.status.value
    assert not (data_copy / "requests" / "new-one.yaml").exists()


@pytest.fixture()
def form(tmp_path):
    from imaging_value.explore.summit_form import SummitForm

    shutil.copy(Path(__file__).parents[1] / "data" / "samples" / "levers.yaml", tmp_path / "levers.yaml")
    form = SummitForm(tmp_path)
    form.tabs.selected_index = 2  # 100 points
    for lever, value in ANSWERS[0].items():
        form.points[lever].value = value
    form.summit.value, form.group.value = "leeds", "clinicians"
    assert form.add_participant() and "Participant 1 added." in form.status.value
    return form


def test_the_form_says_not_saved_when_the_summit_folder_is_a_file(form, tmp_path):
    (tmp_path / "summits").mkdir()
    (tmp_path / "summits" / "leeds").write_text("not a folder", encoding="utf-8")
    assert form.save() is None
    status = form.status.value
    assert "Not saved: could not write summits/leeds/clinicians.yaml" in status
    assert "is a file, not a folder" in status and "already saved" not in status


def test_the_form_says_not_saved_when_the_disk_is_full(form, tmp_path, monkeypatch):
    disk_full_for(monkeypatch, "clinicians.yaml")
    assert form.save() is None
    assert f"Not saved: could not write summits/leeds/clinicians.yaml: {FULL}" in form.status.value
    assert not (tmp_path / "summits" / "leeds" / "clinicians.yaml").exists()


def test_the_form_says_not_saved_when_the_name_is_too_long(form):
    form.group.value = "g" * 300
    assert form.save() is None
    assert "Not saved: could not write" in form.status.value and "File name too long" in form.status.value


def test_the_form_never_replaces_a_file_it_cannot_read(form, tmp_path):
    broken = tmp_path / "summits" / "leeds" / "clinicians.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("group: [clinicians\n", encoding="utf-8")
    form.replace.value = True
    assert form.save() is None
    assert "Not saved:" in form.status.value and "summits/leeds/clinicians.yaml" in form.status.value
    assert broken.read_text(encoding="utf-8") == "group: [clinicians\n"


# --- 7. reproducible or not written -------------------------------------------------------------------


class NotebookKernel:
    """A stand-in for a warm kernel: gives back a one-cell notebook for any notebook it is asked to run."""

    def run(self, path, parameters):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell(f"# Seed {parameters['seed']}")]
        return notebook


def test_a_report_and_its_parameters_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    from imaging_value.render.pack import Job, run_job

    job = Job("request", "request-scenario-1", "Scenario one", {"request": "scenario-1", "seed": 7})
    first = run_job(job, tmp_path, NotebookKernel())
    assert first.error is None and "seed: 7" in first.parameters_file.read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    disk_full_for(monkeypatch, "request-scenario-1.html.")
    again = run_job(
        Job("request", "request-scenario-1", "Scenario one", {"request": "scenario-1", "seed": 20210401}),
        tmp_path,
        NotebookKernel(),
    )
    assert again.html is None and f"could not write {tmp_path / 'request-scenario-1.html'}: {FULL}" in again.error
    assert not again.input_error  # a write failure, exit 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # the seed-7 pair, as it was


def test_a_report_that_cannot_be_written_is_exit_1_naming_the_file(cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    disk_full_for(monkeypatch, "request-scenario-1.html.")
    result = cli("report", "scenario-1", "--out", str(out))
    assert result.code == 1
    assert f"could not write {out / 'request-scenario-1.html'}: {FULL}" in result.err
    assert "kernel did not start" not in result.err
    assert not (out / "request-scenario-1.params.yaml").exists()


def test_export_replaces_its_folder_as_a_whole(cli, tmp_path, data_copy, monkeypatch):
    out = tmp_path / "export"
    assert cli("export", "--data", str(data_copy), "--out", str(out)).code == 0
    (out / "scenario-9-rank.json").write_text("{}\n", encoding="utf-8")  # from a request since removed
    assert cli("export", "--data", str(data_copy), "--out", str(out)).code == 0
    assert not (out / "scenario-9-rank.json").exists()
    (out / "scenario-9-rank.json").write_text("{}\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit(data_copy / "requests" / "scenario-2.yaml", "count: 20", "count: 21")
    disk_full_for(monkeypatch, "scenario-2-rank.json")
    err = one_error(cli("export", "--data", str(data_copy), "--out", str(out)), code=1)
    assert err == f"error: could not write {out / 'scenario-2-rank.json'}: {FULL}\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier export, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "export"]  # nothing left beside it


def test_export_never_replaces_a_folder_of_other_work(cli, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("the report pack\n", encoding="utf-8")
    err = one_error(cli("export", "--out", str(out)))
    assert "a folder for the export alone" in err and "holds other files" in err
    assert [p.name for p in out.iterdir()] == ["index.html"]


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(datacache.CACHE_ENV, str(folder))
    return folder


def test_an_edit_in_a_linked_summit_folder_is_never_served_stale(cache, data_copy, tmp_path):
    elsewhere = tmp_path / "shared-summit"
    shutil.move(data_copy / "summits" / "illustrative", elsewhere)
    (data_copy / "summits" / "illustrative").symlink_to(elsewhere, target_is_directory=True)
    before = load_dataset(data_copy).profile("illustrative/nhs_finance")
    edit(elsewhere / "nhs_finance.yaml", "clinical: 40", "clinical: 45")
    text = (elsewhere / "nhs_finance.yaml").read_text(encoding="utf-8")
    edit(elsewhere / "nhs_finance.yaml", text.split("commercial: ")[1].split("}")[0], "5")
    after = load_dataset(data_copy).profile("illustrative/nhs_finance")
    assert after.weights != before.weights and after.provenance.sha256 != before.provenance.sha256
    expected = read_answer_file(elsewhere / "nhs_finance.yaml", load_dataset(data_copy).lever_ids, data_copy)
    assert after.provenance.sha256 == expected.provenance.sha256


def test_only_data_files_are_read_for_the_cache_key(cache, data_copy, monkeypatch):
    from imaging_value.model import data as data_module

    calls: list[str] = []
    real = data_module._validated_dataset
    monkeypatch.setattr(
        data_module, "_validated_dataset", lambda root, files: (calls.append("v"), real(root, files))[1]
    )
    load_dataset(data_copy)
    (data_copy / "notes.txt").write_text("a stray file: not data\n", encoding="utf-8")
    (data_copy / "scans").mkdir()
    (data_copy / "scans" / "huge.dcm").write_bytes(b"\0" * 1_000)
    load_dataset(data_copy)
    assert calls == ["v"]  # the stray files changed no key: they were not read


def test_a_cache_entry_that_cannot_be_written_is_skipped_silently(cache, data_copy, monkeypatch):
    disk_full_for(monkeypatch, ".dataset-")
    assert load_dataset(data_copy).option_ids and not list(cache.glob("dataset-*.pickle"))


def test_with_the_cache_off_no_key_is_made_and_nothing_is_read_for_one(data_copy, monkeypatch):
    monkeypatch.setenv(datacache.CACHE_ENV, "off")

    def never(*args):
        raise AssertionError("a cache key was made with the cache off")

    monkeypatch.setattr(datacache, "folder_key", never)
    monkeypatch.setattr(datacache, "file_key", never)
    dataset = load_dataset(data_copy)
    assert load_request("scenario-1", dataset).id == "scenario-1"


@pytest.mark.timeout(60)
def test_a_device_or_a_pipe_is_never_read_as_a_request(cli, tmp_path):
    err = one_error(cli("rank", "/dev/zero"))
    assert "zero: expected a file; found a character device" in err
    pipe = tmp_path / "request.yaml"
    os.mkfifo(pipe)
    assert "request.yaml: expected a file; found a named pipe" in one_error(cli("rank", str(pipe)))


def test_a_data_file_over_the_size_limit_is_not_read(data_copy, tmp_path, cli):
    from imaging_value.core.limits import MAX_FILE_BYTES

    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to write, and nothing must be read
    err = one_error(cli("rank", str(big)))
    assert "big.yaml: expected a file of at most 16 MiB; found a larger file (not read)" in err
    shutil.copy(big, data_copy / "guidance.yaml")
    with pytest.raises(DataValidationError, match="guidance.yaml: expected a file of at most 16 MiB"):
        load_dataset(data_copy)


# --- 8. bounds at load -----------------------------------------------------------------------------------

BOUNDS = {
    "a revenue median of 1e14": ("valuation.yaml", "median: 10000000\n", "median: 1e14\n", "median", "100000000000"),
    "a revenue median of 1e308": ("valuation.yaml", "median: 10000000\n", "median: 1e308\n", "median", "100000000000"),
    "a spread of 1e3": ("valuation.yaml", "spread: 0.8\n", "spread: 1000\n", "spread", "less than or equal to 5"),
    "an exit multiple of 1e9": ("valuation.yaml", "{median: 4.0, spread: 0.5}", "{median: 1e9, spread: 0.5}", "median", "1000"),
    "a scenario factor of 1e6": ("valuation.yaml", "factor: 2.0", "factor: 1e6", "factor", "less than or equal to 100"),
    "a subscription of 1e300": ("terms.yaml", "subscription, value: 50000, min: 0, max: 500000", "subscription, value: 1e300, min: 0, max: 1e301", "value", "from 0 to 1,000,000,000,000 (GBP/year)"),
    "equity of 250%": ("terms.yaml", "equity, value: 2, min: 0, max: 10", "equity, value: 250, min: 0, max: 300", "value", "from 0 to 100 (% stake)"),
    "a royalty of 400%": ("terms.yaml", "royalty, value: proportionate, min: 0, max: 25", "royalty, value: 400, min: 0, max: 500", "value", "from 0 to 100 (% of net revenue)"),
    "a discount of 300%": ("terms.yaml", "product_access_discount, value: 50, min: 0, max: 100", "product_access_discount, value: 50, min: 0, max: 300", "max", "from 0 to 100 (%)"),
    "a cost of 1e20 per site": ("costs.csv", "\nraw,2000,", "\nraw,1e20,", "per_site", "less than or equal to 1000000000000"),
}  # fmt: skip


@pytest.mark.parametrize("case", BOUNDS, ids=list(BOUNDS))
def test_every_amount_and_percentage_has_an_upper_bound_named_with_its_key(data_copy, case):
    name, old, new, field, bound = BOUNDS[case]
    edit(data_copy / name, old, new)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert problem.file == name and problem.field == field and bound in problem.expected, problem


def test_assumptions_within_their_bounds_that_value_an_agreement_beyond_any_are_named(cli, data_copy):
    edit(data_copy / "valuation.yaml", "median: 10000000\n    spread: 0.8", "median: 1e11\n    spread: 5")
    err = one_error(cli("value", "scenario-2", "--data", str(data_copy)))
    assert err.startswith("error: valuation.yaml and terms.yaml: requester 2: expected assumptions under which")
    assert "1,000,000,000,000 GBP" in err and "parameter 'total'" not in err


# --- 9. the small items -------------------------------------------------------------------------------------

SEEDED = [
    ["value", "scenario-2"],
    ["acceptability", "scenario-1"],
    ["split", "scenario-1", "--total", "1000"],
    ["summit", "illustrative"],
    ["report", "scenario-1", "--plan"],
]


@pytest.mark.parametrize("command", SEEDED, ids=[c[0] for c in SEEDED])
def test_a_negative_seed_is_the_same_one_error_everywhere(cli, command, tmp_path):
    out = ["--out", str(tmp_path)] if command[0] == "report" else []
    assert (
        one_error(cli(*command, *out, "--seed", "-1"))
        == "error: parameter 'seed': expected an integer >= 0; found -1\n"
    )


def test_the_valuation_checks_its_seed_as_every_seeded_analysis_does(dataset):
    from imaging_value.framework.appraisal import appraise

    with pytest.raises(ParameterError, match="parameter 'seed'"):
        appraise(dataset, dataset.valuation, load_request("scenario-2", dataset), 0, seed=-1, draws=10)


@pytest.mark.timeout(60)
def test_the_index_skips_anything_but_a_regular_file(tmp_path):
    from imaging_value.render.pack import write_index

    os.mkfifo(tmp_path / "stuck.html")  # opening it to read would wait for a writer for ever
    (tmp_path / "zero.html").symlink_to("/dev/zero")
    write_index(tmp_path)
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == {}


def test_the_index_links_only_plain_relative_file_names(tmp_path):
    import html as html_module
    import re

    from imaging_value.render.pack import write_index

    meta = html_module.escape(json.dumps({"name": "x", "title": "Click me", "kind": "request", "rendered": "now"}))
    head = f'<html><head><meta name="imaging-value-report" content="{meta}"></head></html>'
    (tmp_path / "javascript:alert(document.cookie).html").write_text(head, encoding="utf-8")
    (tmp_path / "request-ok.html").write_text(head, encoding="utf-8")
    write_index(tmp_path)
    links = re.findall(r'href="([^"]+)"', (tmp_path / "index.html").read_text(encoding="utf-8"))
    assert links == ["request-ok.html"]


def test_a_yml_request_is_refused_with_a_warning_never_dropped(cli, data_copy):
    shutil.copy(data_copy / "requests" / "scenario-1.yaml", data_copy / "requests" / "patients.yml")
    (data_copy / "requests" / "patients.yml").write_text(
        (data_copy / "requests" / "patients.yml").read_text(encoding="utf-8").replace("scenario-1", "patients"),
        encoding="utf-8",
    )
    rename = "requests/patients.yml: expected a name ending .yaml (only .yaml files are read); found the extension .yml"
    assert rename in one_error(cli("rank", "patients", "--data", str(data_copy)))
    plan = cli("report", "--all", "--plan", "--data", str(data_copy), "--out", str(data_copy / "out"))
    assert plan.code == 0 and f"warning: {rename}" in plan.err and "rename it patients.yaml" in plan.err
    (entry,) = [e for e in scan_requests(load_dataset(data_copy)) if e.id == "patients.yml"]
    assert entry.request is None and "rename it patients.yaml" in entry.error.one_line()


def test_a_yml_answer_file_stops_the_grand_summit_it_would_drop_out_of(cli, data_copy):
    summit = data_copy / "summits" / "illustrative"
    text = (summit / "smes.yaml").read_text(encoding="utf-8").replace("group: smes", "group: patients")
    (summit / "patients.YAML").write_text(text, encoding="utf-8")
    err = one_error(cli("summit", "illustrative", "--data", str(data_copy)))
    assert "summits/illustrative/patients.YAML: expected a name ending .yaml" in err
    assert "rename it patients.yaml" in err
    assert [p.file for p in load_dataset(data_copy).summit_problems] == ["summits/illustrative/patients.YAML"]
    assert cli("rank", "scenario-1", "--data", str(data_copy)).code == 0


def test_no_file_content_is_quoted_in_an_error(cli, tmp_path, data_copy):
    passwd = tmp_path / "passwd"
    passwd.write_text(PASSWD, encoding="utf-8")
    for file in [passwd] + ([Path("/etc/passwd")] if Path("/etc/passwd").is_file() else []):
        err = one_error(cli("elicit", str(file)))
        assert "jdoe" not in err and ":x:" not in err and err.endswith("found text\n"), err
        err = one_error(cli("recommend", str(file)))
        assert "jdoe" not in err and ":x:" not in err, err
    shutil.copy(passwd, data_copy / "pooling.yaml")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert "jdoe" not in str(info.value) and ":x:" not in str(info.value) and "pooling.yaml" in str(info.value)


@pytest.mark.parametrize("judgement", ['"-1/-9"', '"-3/-1"', '"0/1"'])
def test_an_ahp_judgement_must_be_positive(tmp_path, judgement):
    from conftest import LEVER_IDS

    pairs = {f"{a}/{b}": 1 for i, a in enumerate(LEVER_IDS) for b in LEVER_IDS[i + 1 :]}
    body = ", ".join(f"{k}: {v}" for k, v in pairs.items()).replace(
        "clinical/social: 1", f"clinical/social: {judgement}"
    )
    path = tmp_path / "summits" / "s1" / "clinicians.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        f"group: clinicians\nmethod: ahp\ndate: 2026-11-30\nparticipants:\n  - {{{body}}}\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as info:
        read_answer_file(path, LEVER_IDS, tmp_path)
    (problem,) = info.value.problems
    assert problem.field == "clinical/social" and problem.expected == "a judgement from 1/9 to 9 (Saaty's scale)"


@pytest.mark.parametrize("command", [["report", "scenario-1"], ["export"], ["index"]], ids=lambda c: c[0])
def test_out_says_what_is_in_the_way(cli, command):
    err = one_error(cli(*command, "--out", "/dev/full"))
    assert "parameter 'out'" in err and "/dev/full, a character device" in err and "File exists" not in err


def test_out_inside_a_file_says_so(cli, tmp_path):
    (tmp_path / "notes").write_text("a file\n", encoding="utf-8")
    err = one_error(cli("report", "scenario-1", "--out", str(tmp_path / "notes" / "pack")))
    assert f"inside {tmp_path / 'notes'}, a file" in err


def test_every_report_and_the_index_carry_a_content_security_policy(tmp_path):
    import re

    from imaging_value.render.pack import Job, run_job, write_index

    job = Job("request", "request-scenario-1", "Scenario one", {"request": "scenario-1", "seed": 7})
    page = run_job(job, tmp_path, NotebookKernel()).html.read_text(encoding="utf-8")
    write_index(tmp_path)
    for text in (page, (tmp_path / "index.html").read_text(encoding="utf-8")):
        policy = re.search(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', text)
        assert policy is not None and policy.start() < min(
            (m.start() for m in re.finditer(r"<script|<style|<link", text)), default=len(text)
        )
        content = re.search(r"content=\"([^\"]*)\"", policy.group(0)).group(1)
        directives = dict(d.strip().split(" ", 1) for d in content.split(";"))
        assert directives["default-src"] == "'none'" and directives["frame-src"] == "'none'"
        assert directives.get("img-src") == "data:" and directives["base-uri"] == "'none'"
        assert "file:" not in content and "http" not in content and "*" not in content
