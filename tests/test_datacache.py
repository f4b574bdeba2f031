"""The cache of validated data folders and requests: a hit skips validation and gives the same
records; any change to a file (or to the code) is validated afresh; a bad entry is ignored."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imaging_value import DataValidationError, load_dataset, load_request
from imaging_value.model import data as data_module
from imaging_value.model import datacache

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(datacache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture()
def validations(monkeypatch) -> list[str]:
    """Records each full validation of a data folder or a request (a cache miss)."""
    calls: list[str] = []
    real_dataset, real_request = data_module._validated_dataset, data_module._validated_request

    def dataset(root, files):
        calls.append("dataset")
        return real_dataset(root, files)

    def request(path, ds):
        calls.append(f"request {path.stem}")
        return real_request(path, ds)

    monkeypatch.setattr(data_module, "_validated_dataset", dataset)
    monkeypatch.setattr(data_module, "_validated_request", request)
    return calls


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.pickle"))


def test_second_load_reads_the_cache_and_gives_the_same_records(cache, data_copy, validations):
    first = load_dataset(data_copy)
    request = load_request("scenario-1", first)
    assert validations == ["dataset", "request scenario-1"]
    assert len(_entries(cache, "dataset")) == 1 and len(_entries(cache, "request")) == 1
    again = load_dataset(data_copy)
    assert load_request("scenario-1", again) == request
    assert validations == ["dataset", "request scenario-1"]  # nothing validated a second time
    assert again == first and again is not first
    assert again.digests == first.digests


def test_cached_answers_equal_uncached_ones(cache, cli, monkeypatch):
    warm_up = cli("rank", "scenario-2", "--json")
    cached = cli("rank", "scenario-2", "--json")
    assert _entries(cache, "dataset")
    monkeypatch.setenv(datacache.CACHE_ENV, "off")
    uncached = cli("rank", "scenario-2", "--json")
    assert warm_up.code == cached.code == uncached.code == 0
    assert cached.json() == uncached.json() == warm_up.json()


def test_a_changed_data_file_is_validated_again_never_served_stale(cache, data_copy, validations):
    before = load_dataset(data_copy)
    scores = data_copy / "base_scores.csv"
    lines = scores.read_text().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    column = header.index("score")
    old = float(row[column])
    row[column] = str(old - 1 if old >= 1 else old + 1)
    scores.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    after = load_dataset(data_copy)
    assert validations == ["dataset", "dataset"]
    cell = after.base_scores[0]
    assert cell.score == float(row[column]) != before.base_scores[0].score
    assert after.digests["base_scores.csv"] != before.digests["base_scores.csv"]


def test_a_data_file_made_invalid_is_reported_though_its_valid_version_is_cached(cache, data_copy):
    load_dataset(data_copy)
    (data_copy / "pooling.yaml").write_text("kind: power\n")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_copy)
    assert any(p.file == "pooling.yaml" for p in caught.value.problems)
    assert len(_entries(cache, "dataset")) == 1  # a folder with problems is never stored


def test_a_changed_summit_file_or_request_is_validated_again(cache, data_copy, validations):
    dataset = load_dataset(data_copy)
    load_request("scenario-1", dataset)
    answers = sorted((data_copy / "summits").rglob("*.yaml"))[0]
    answers.write_text(answers.read_text() + "\n# a comment changes the bytes, not the answers\n")
    dataset = load_dataset(data_copy)
    request_file = data_copy / "requests" / "scenario-1.yaml"
    text = request_file.read_text()
    assert 'title: "' in text
    request_file.write_text(text.replace('title: "', 'title: "Changed: ', 1))
    changed = load_request("scenario-1", dataset)
    assert validations == ["dataset", "request scenario-1", "dataset", "request scenario-1"]
    assert changed.title.startswith("Changed")


def test_a_request_is_checked_again_against_a_changed_data_folder(cache, data_copy, validations):
    dataset = load_dataset(data_copy)
    load_request("scenario-1", dataset)
    with (data_copy / "profiles.csv").open("a") as handle:
        handle.write("")  # same bytes: same key
    load_request("scenario-1", load_dataset(data_copy))
    (data_copy / "guidance.yaml").write_text((data_copy / "guidance.yaml").read_text() + "\n# changed\n")
    load_request("scenario-1", load_dataset(data_copy))
    assert validations == ["dataset", "request scenario-1", "dataset", "request scenario-1"]


def test_a_corrupt_or_foreign_entry_falls_back_to_a_normal_load(cache, data_copy, validations):
    expected = load_dataset(data_copy)
    [entry] = _entries(cache, "dataset")
    for bad in (
        b"",
        b"\x80\x05 not a pickle",
        entry.read_bytes()[:100],
        pickle.dumps(("another key", expected)),
        pickle.dumps((entry.stem.split("-", 1)[1], "not a dataset")),
    ):
        entry.write_bytes(bad)
        assert load_dataset(data_copy) == expected
    assert validations == ["dataset"] * 6
    assert load_dataset(data_copy) == expected  # the last fall-back stored a good entry again
    assert validations == ["dataset"] * 6


def test_an_entry_made_by_other_code_is_never_read(cache, data_copy, validations, monkeypatch):
    load_dataset(data_copy)
    monkeypatch.setattr(datacache, "_code_key", "another version of the package")
    load_dataset(data_copy)
    assert validations == ["dataset", "dataset"]
    assert len(_entries(cache, "dataset")) == 2


def test_the_code_key_follows_the_package_sources(monkeypatch, tmp_path):
    package = tmp_path / "imaging_value"
    package.mkdir()
    (package / "datacache.py").write_text("# a copy\n")
    (package / "schema.py").write_text("RULE = 1\n")
    monkeypatch.setattr(datacache, "__file__", str(package / "datacache.py"))
    monkeypatch.setattr(datacache, "_code_key", None)
    first = datacache.code_key()
    monkeypatch.setattr(datacache, "_code_key", None)
    (package / "schema.py").write_text("RULE = 22\n")
    assert datacache.code_key() != first


def test_no_cache_when_switched_off(tmp_path, data_copy, validations, monkeypatch):
    monkeypatch.setenv(datacache.CACHE_ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    load_dataset(data_copy)
    load_dataset(data_copy)
    assert validations == ["dataset", "dataset"]
    assert not (tmp_path / "home").exists()


def test_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(datacache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datacache.cache_dir() == tmp_path / "xdg" / "imaging-value"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datacache.cache_dir() == tmp_path / "home" / ".cache" / "imaging-value"


def test_cache_folder_and_entries_are_private(cache, data_copy):
    load_dataset(data_copy)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert all(entry.stat().st_mode & 0o777 == 0o600 for entry in cache.iterdir())


def test_an_entry_others_could_have_written_is_not_read(cache, data_copy, validations):
    load_dataset(data_copy)
    [entry] = _entries(cache, "dataset")
    entry.chmod(0o666)
    load_dataset(data_copy)
    cache.chmod(0o777)
    load_dataset(data_copy)  # neither read nor written in a folder anyone can write
    assert validations == ["dataset"] * 3
    cache.chmod(0o700)


def test_an_unwritable_cache_folder_is_skipped_silently(tmp_path, data_copy, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(datacache.CACHE_ENV, str(blocker / "cache"))
    assert load_dataset(data_copy).option_ids


def test_the_dataset_keeps_the_folder_as_given(cache, data_copy, monkeypatch):
    load_dataset(data_copy)
    monkeypatch.chdir(data_copy.parent)
    relative = load_dataset(Path(data_copy.name))
    assert relative.root == Path(data_copy.name)
    assert relative.request_ids() == load_dataset(data_copy).request_ids()


def test_the_same_data_in_two_folders_keeps_each_root(cache, data_copy, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(data_copy, other)
    assert load_dataset(data_copy).root == data_copy
    assert load_dataset(other).root == other


def test_old_entries_are_pruned(cache, data_copy, monkeypatch):
    monkeypatch.setattr(datacache, "MAX_ENTRIES", 2)
    for n in range(4):
        with open(data_copy / "levers.yaml", "a", encoding="utf-8") as handle:
            handle.write(f"# version {n}\n")
        load_dataset(data_copy)
    assert len(list(cache.glob("*.pickle"))) == 2


def test_a_changed_file_changes_the_cli_answer(cache, data_copy, cli):
    first = cli("rank", "scenario-1", "--data", str(data_copy), "--profile", "equal", "--json").json()
    profiles = data_copy / "profiles.csv"
    text = profiles.read_text()
    lines = text.splitlines()
    header = lines[0].split(",")
    equal = next(i for i, line in enumerate(lines) if line.startswith("equal,"))
    cells = lines[equal].split(",")
    for lever in ("clinical", "social", "economic_development", "environmental"):
        if lever in header:
            cells[header.index(lever)] = "0"
    lines[equal] = ",".join(cells)
    profiles.write_text("\n".join(lines) + "\n")
    second = cli("rank", "scenario-1", "--data", str(data_copy), "--profile", "equal", "--json")
    assert second.code == 0, second.err
    assert second.json()["weights"]["commercial"] == 1.0
    assert first["weights"]["commercial"] != 1.0


def test_a_second_rank_builds_no_validator(tmp_path):
    """With the folder and request cached, rank validates nothing: no pydantic validator is built, so
    neither is pydantic's plugin scan (which reads every installed package's metadata)."""
    probe = (
        "import sys, json\nfrom imaging_value.cli import main\nmain(['rank', 'scenario-1', '--json'])\n"
        "from pydantic import BaseModel\n"
        "from imaging_value.model import schema, terms_schema, params\n"
        "built = sorted(name for module in (schema, terms_schema, params) for name, cls in vars(module).items()\n"
        "               if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__pydantic_complete__)\n"
        "print('\\n' + json.dumps([built, 'pydantic.plugin._loader' in sys.modules]))"
    )
    env = {**os.environ, datacache.CACHE_ENV: str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr
    first, second = (json.loads(run.stdout.strip().splitlines()[-1]) for run in runs)
    assert first[0] and first[1]  # the first run validates (and so builds validators)
    assert second == [[], False]
