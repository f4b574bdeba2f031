"""A new capability is one module, one data file and one template: registered, it appears in the command
line's --json, the export, the request report and the explorer, with nothing else edited."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from conftest import seen, texts
from imaging_value import DataValidationError, load_dataset
from imaging_value.capabilities import capabilities, register, unregister

LABEL = "SME's R&D <b>limit</b>"

MODULE = '''
"""Toy capability: is the request's number of sites within a limit the data folder sets (toy.yaml)?"""

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from imaging_value.capabilities import Capability, DataFile, Result, register
from imaging_value.core.errors import Problem


class Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    max_sites: int
    source: str


def check(dataset, limit):
    if limit.max_sites > 1000:
        return [Problem("toy.yaml", "", "max_sites", "at most 1000 sites", str(limit.max_sites))]
    return []


def compute(case):
    limit = case.dataset.data_file("toy.yaml")
    sites = case.request.sites.count
    return Result("toy", {"request": case.request.id, "label": limit.label, "max_sites": limit.max_sites,
                          "results": [{"requester_index": i, "sites": sites, "within": sites <= limit.max_sites}
                                      for i in case.requesters]})


def context(view, result):
    answer = result.to_dict()
    return {"label": answer["label"], "rows": [dict(r, who=view.label(r["requester_index"]))
                                               for r in answer["results"]
                                               if r["requester_index"] in view.requesters]}


TOY = register(Capability(
    "toy", "Sites against the limit", compute, order=85, data_files=(DataFile("toy.yaml", Limit, check=check),),
    template="toy", template_dir=Path(__file__).parent, context=context, command="toy",
    help="is the number of sites within the data folder's limit", export="toy"))
'''

TEMPLATE = """<h2 class="iv-toy">{{ title }}: {{ label }}</h2>
<ul>{% for row in rows %}<li>{{ row.who }}: {{ row.sites }} sites, {{ "within" if row.within else "over" }}</li>{% endfor %}</ul>
"""


@pytest.fixture()
def toy(tmp_path, data_copy):
    """The toy capability's module and template in one folder, its data file in a copy of the samples."""
    folder = tmp_path / "toy_plugin"
    folder.mkdir()
    (folder / "toy_capability.py").write_text(MODULE, encoding="utf-8")
    (folder / "toy.html.j2").write_text(TEMPLATE, encoding="utf-8")
    (data_copy / "toy.yaml").write_text(
        f'label: "{LABEL}"\nmax_sites: 2\nsource: this framework\'s reading\n', encoding="utf-8"
    )
    spec = importlib.util.spec_from_file_location("toy_capability", folder / "toy_capability.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["toy_capability"] = module
    spec.loader.exec_module(module)  # registers the capability
    yield data_copy
    unregister("toy")
    sys.modules.pop("toy_capability", None)


def test_a_folder_cached_before_the_toy_was_registered_is_read_again_with_its_file(toy):
    """The cache of validated folders never hides a registered capability's data file (or its checks)."""
    toy_capability = sys.modules["toy_capability"].TOY
    unregister("toy")
    before = load_dataset(toy)  # validated and cached without the toy
    assert "toy.yaml" not in before.extras
    register(toy_capability)
    after = load_dataset(toy)
    assert after.data_file("toy.yaml").max_sites == 2
    (toy / "toy.yaml").write_text("label: x\nmax_sites: many\nsource: s\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="max_sites"):
        load_dataset(toy)


def test_the_toy_is_registered_in_its_order_and_reads_its_data_file(toy):
    names = [c.name for c in capabilities()]
    assert names.index("split") < names.index("toy") < names.index("fairness")
    dataset = load_dataset(toy)
    assert dataset.data_file("toy.yaml").max_sites == 2
    assert "toy.yaml" in dataset.digests


def test_the_toy_appears_in_the_command_lines_json(toy, capsys):
    from imaging_value.cli import main

    assert main(["toy", "scenario-2", "--data", str(toy), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["label"] == LABEL and answer["max_sites"] == 2
    sites = answer["results"][0]["sites"]
    assert [r["requester_index"] for r in answer["results"]] == [0, 1, 2]
    assert all(r["within"] == (sites <= 2) for r in answer["results"])
    assert main(["toy", "scenario-2", "--requester", "1", "--data", str(toy), "--json"]) == 0
    assert [r["requester_index"] for r in json.loads(capsys.readouterr().out)["results"]] == [1]


def test_the_toy_appears_in_the_export(toy, tmp_path):
    from imaging_value.export import export_all

    written = {p.name for p in export_all(load_dataset(toy), tmp_path / "out")}
    assert {"scenario-1-toy.json", "scenario-2-toy.json", "scenario-2-rank.json", "portfolio.json"} <= written
    exported = json.loads((tmp_path / "out" / "scenario-2-toy.json").read_text(encoding="utf-8"))
    assert exported["request"] == "scenario-2" and exported["label"] == LABEL


def test_the_toy_appears_in_the_request_report_escaped_once(toy):
    from imaging_value.reports import request_report

    report = request_report("scenario-2", data_dir=str(toy), samples=200)
    html = [item for item in report.sections() if isinstance(item, str)]
    (section,) = [h for h in html if 'class="iv-toy"' in h]
    assert "SME&#39;s R&amp;D &lt;b&gt;limit&lt;/b&gt;" in section and "<b>limit" not in section
    assert "&amp;amp;" not in section and "&amp;#39;" not in section
    # requesters 2 and 3 differ only by sector, which moves their value (a pharma's revenue): one block each
    assert len(texts(section, "li")) == 3 and "Requesters 2 and 3" not in seen(section)
    position = {name: i for i, name in enumerate(html)}
    split = next(h for h in html if "Sharing the return among" in h)
    fairness = next(h for h in html if "Fairness questions" in h)
    assert position[split] < position[section] < position[fairness]


def test_the_toy_appears_in_the_explorer_and_follows_the_facts(toy, tmp_path):
    from imaging_value.explore.explorer import Explorer

    explorer = Explorer(toy, out_dir=tmp_path / "reports", request="scenario-1", debounce=0, n_samples=200)
    panel = explorer.panels["toy"]
    assert panel.box in explorer.request_box.children
    sites = explorer.state.case().request.sites.count
    assert "SME&#39;s R&amp;D &lt;b&gt;limit&lt;/b&gt;" in panel.html.value
    assert f"{sites} sites, {'within' if sites <= 2 else 'over'}" in panel.html.value
    assert sites == 15 and "15 sites, over" in panel.html.value
    explorer.set_facts(sites=dict(explorer.scenario.facts()["sites"], count=2))
    assert "2 sites, within" in panel.html.value


def test_the_toy_data_file_is_checked_by_the_loader(toy):
    (toy / "toy.yaml").write_text("label: x\nmax_sites: 5000\nsource: s\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_dataset(toy)
    assert "toy.yaml" in str(info.value) and "max_sites" in str(info.value) and "5000" in str(info.value)
    (toy / "toy.yaml").write_text("label: x\nmax_sites: many\nsource: s\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="toy.yaml"):
        load_dataset(toy)
    (toy / "toy.yaml").unlink()
    with pytest.raises(DataValidationError, match="toy.yaml"):
        load_dataset(toy)


def test_a_capability_cannot_take_another_ones_sub_command():
    from imaging_value import ParameterError
    from imaging_value.capabilities import Capability, Result, capability, register

    clash = Capability("not-rank", "Clash", lambda case: Result("not-rank", {}), order=1, command="rank")
    with pytest.raises(ParameterError, match="rank has it"):
        register(clash)
    assert capability("rank").command == "rank" and "not-rank" not in [c.name for c in capabilities()]
