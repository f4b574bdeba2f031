"""The project documents itself: docs/framework.md covers the data, and nothing points outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SPEC = ROOT / "docs" / "framework.md"

# The specification once lived outside the repository under this name; the seed report never was in it.
OUTSIDE = re.compile(r"FRAMEWORK\.md|(?<![\w.])seed/|(?<![\w.])shared/|/work/")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_text_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    paths = [ROOT / name for name in listed.decode().split("\0") if name]
    texts = []
    for path in paths:
        if path.is_file() and path.resolve() != Path(__file__).resolve():
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            texts.append(path)
    return texts


def slug(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub, JupyterLab) gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {slug(line.lstrip("#")) for line in markdown.splitlines() if re.match(r"#{1,6} ", line)}


def test_slug_follows_the_renderers():
    assert slug("Rank acceptability (SMAA-2)") == "rank-acceptability-smaa-2"
    assert slug("Whose choice is it") == "whose-choice-is-it"


def test_no_tracked_file_refers_to_files_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}"
        for path in tracked_text_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "\n".join(found)


def test_relative_links_resolve_inside_the_repository_and_anchors_exist():
    checked = 0
    for path in tracked_text_files():
        if path.suffix not in (".md", ".ipynb"):
            continue
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path.resolve()
            where = f"{path.relative_to(ROOT)} links to {target!r}"
            assert linked.is_relative_to(ROOT), f"{where}: outside the repository"
            assert linked.exists(), f"{where}: no such file"
            if anchor and linked.suffix == ".md":
                assert anchor in anchors(linked.read_text(encoding="utf-8")), f"{where}: no such heading"
            checked += 1
    assert checked >= 3  # the notebooks' introductions and the specification's contents link to it


def test_data_files_cite_sections_that_exist():
    headings = anchors(SPEC.read_text(encoding="utf-8"))
    cited = {
        (path.name, anchor)
        for path in SAMPLES.glob("*.yaml")
        for anchor in re.findall(r"docs/framework\.md#([\w-]+)", path.read_text(encoding="utf-8"))
    }
    assert {name for name, _ in cited} >= {
        "levers.yaml",
        "options.yaml",
        "decision_tree.yaml",
        "fairness.yaml",
        "pooling.yaml",
        "terms.yaml",
        "term_rules.yaml",
        "guidance.yaml",
        "reconciliation.yaml",
    }
    missing = sorted((name, anchor) for name, anchor in cited if anchor not in headings)
    assert not missing, f"data files cite sections docs/framework.md lacks: {missing}"


def _ids(file: str, key: str) -> list[str]:
    data = yaml.safe_load((SAMPLES / file).read_text(encoding="utf-8"))
    return [entry["id"] for entry in data[key]]


@pytest.mark.parametrize(
    "kind, file, key",
    [
        ("lever", "levers.yaml", "levers"),
        ("option", "options.yaml", "options"),
        ("decision-tree node", "decision_tree.yaml", "nodes"),
        ("term rule", "term_rules.yaml", "rules"),
        ("guidance item", "guidance.yaml", "items"),
    ],
)
def test_the_specification_names_every_id_in_the_data(kind, file, key):
    spec = SPEC.read_text(encoding="utf-8")
    ids = _ids(file, key)
    assert ids, f"{file} lists no {kind}"
    missing = [i for i in ids if f"`{i}`" not in spec]
    assert not missing, f"docs/framework.md does not describe the {kind}(s) {missing} of data/samples/{file}"


def test_the_specification_names_the_sources_it_attributes():
    spec = SPEC.read_text(encoding="utf-8")
    for source in (
        "the report",
        "DHSC 2019",
        "NHS England 2023",
        "this framework's reading",
        "Lahdelma and Salminen 2001",
        "Shapley 1953",
        "Castro, Gómez and Tejada 2009",
    ):
        assert source in spec, source
