"""Every quotation the data tags as the report's is the report's words, word for word, from the section it names.

A quotation is tagged as the report's where it is written ``the report, <Section>: "<words>"`` in any text of a
data file, and where a file holds the report's own questions: ``facts.yaml``'s ``quote`` and ``section``,
``fairness.yaml``'s theme ``question`` and ``section`` and its recommendations (the report's list items, their first
letter capitalised and closing semicolon a full stop), ``levers.yaml``'s ``question`` where its source is the
report's "Our Approach". docs/report-passages.md is the committed copy of the passages quoted, under the report's
section headings: each quotation must occur in it, under the heading of the section it names.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
PASSAGES = ROOT / "docs" / "report-passages.md"
TAGGED = re.compile(r'the report, ([^:"]+): "([^"]+)"')


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sections() -> dict[str, str]:
    """docs/report-passages.md's text under each '## <section>' heading, whitespace normalised."""
    out: dict[str, str] = {}
    current = None
    for line in PASSAGES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = ""
        elif current is not None:
            out[current] += " " + line.lstrip("> ")
    return {name: normal(text) for name, text in out.items()}


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def tagged_quotes() -> list[tuple[str, str, str]]:
    """(file, section, words) for every quotation the sample data tags as the report's."""
    found = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            texts = strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".csv":
            texts = [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) for cell in row]
        else:
            continue
        for text in texts:
            found += [(path.name, section.strip(), words) for section, words in TAGGED.findall(text)]
    facts = yaml.safe_load((SAMPLES / "facts.yaml").read_text(encoding="utf-8"))
    found += [("facts.yaml", q["section"], q["quote"]) for q in facts["questions"]]
    fairness = yaml.safe_load((SAMPLES / "fairness.yaml").read_text(encoding="utf-8"))
    found += [("fairness.yaml", t["section"], t["question"]) for t in fairness["themes"]]
    found += [
        (
            "fairness.yaml",
            "Stakeholder Interviews",
            (r["text"][0].lower() if r["text"][1].islower() else r["text"][0]) + r["text"][1:-1],
        )
        for r in fairness["recommendations"]
    ]
    levers = yaml.safe_load((SAMPLES / "levers.yaml").read_text(encoding="utf-8"))
    found += [
        ("levers.yaml", "Our Approach", lever["question"])
        for lever in levers["levers"]
        if lever["source"].startswith('report, "Our Approach"')
    ]
    return found


def test_every_quotation_tagged_as_the_reports_is_in_the_passages_under_its_section():
    passages = sections()
    quotes = tagged_quotes()
    assert len(quotes) >= 20  # the questions, the themes, the recommendations and the rationales' quotations
    for file, section, words in quotes:
        assert section in passages, f"{file}: the section {section!r} of {words!r} is not in {PASSAGES.name}"
        assert normal(words) in passages[section], f"{file}: not the report's words in {section}: {words!r}"


def test_a_reworded_quotation_is_caught(tmp_path):
    """The check is on the words: one word changed is no longer the report's."""
    passages = sections()
    words = "What role, if any, should embargoes and exclusivity play?"  # the old shortened question
    assert normal(words) not in passages["Stakeholder Interviews"]
    assert (
        "How should value judgements differ for raw, cleaned and curated data?"
        not in passages["Stakeholder Interviews"]
    )


def test_the_questions_the_report_asks_are_quoted_not_reworded():
    fairness = yaml.safe_load((SAMPLES / "fairness.yaml").read_text(encoding="utf-8"))
    for theme in fairness["themes"]:
        assert theme["section"] == "Stakeholder Interviews"
        assert normal(theme["question"]) in sections()["Stakeholder Interviews"]
