"""The glossary (``glossary.yaml``): each technical term the reports use, with the plain words that replace it
where a board reads (the decision and the board paper) or the explanation given once, at its first use in the
working; and the terms that must never reach the board.

Each entry has an ``id`` (how templates and code name it), the ``term`` as the working writes it (and any
other spellings under ``also``), a ``plain`` replacement or an ``explain`` sentence (or both), a ``rationale``
and a ``source``. ``not_for_board`` lists the ids of the terms no decision block or board paper may show.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import model_validator

from ..core.errors import Problem
from .files import read_yaml, validate_record
from .schema import Identifier, Record, Text, rule_error
from .terms_schema import Source

__all__ = ["GlossaryEntry", "Glossary", "GLOSSARY_FILE", "read_glossary"]

GLOSSARY_FILE = "glossary.yaml"


class GlossaryEntry(Record):
    """One term: its plain replacement for the board, or its explanation for the working (or both)."""

    id: Identifier
    term: Text
    also: tuple[Text, ...] = ()  # other spellings of the same term, found as it is
    plain: Text | None = None  # the words a board reads instead of the term
    explain: Text | None = None  # the term explained once, at its first use in the working
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _plain_or_explained(self) -> GlossaryEntry:
        if self.plain is None and self.explain is None:
            raise rule_error("plain", "a plain replacement, an explanation (explain), or both", "neither")
        return self

    @property
    def spellings(self) -> tuple[str, ...]:
        """The term and its other spellings."""
        return (self.term, *self.also)

    def pattern(self) -> re.Pattern[str]:
        """Where any spelling of the term occurs in a text, as a whole word (case ignored)."""
        parts = [re.escape(s) for s in sorted(self.spellings, key=len, reverse=True)]
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


class Glossary(Record):
    """Every entry, and the ids of the terms that are not for the board."""

    terms: tuple[GlossaryEntry, ...]
    not_for_board: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _ids_resolve(self) -> Glossary:
        ids = [t.id for t in self.terms]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise rule_error("terms", "each id once", ", ".join(twice) + " more than once")
        unknown = [i for i in self.not_for_board if i not in ids]
        if unknown:
            raise rule_error("not_for_board", "ids of entries under terms", ", ".join(unknown))
        return self

    def entry(self, term_id: str) -> GlossaryEntry:
        """The entry of that id (KeyError for an id the glossary lacks)."""
        for entry in self.terms:
            if entry.id == term_id:
                return entry
        raise KeyError(term_id)

    def plain(self, term_id: str) -> str:
        """The words a board reads for the term (its plain replacement; the term itself where it has none)."""
        entry = self.entry(term_id)
        return entry.plain if entry.plain is not None else entry.term

    def explained(self) -> tuple[GlossaryEntry, ...]:
        """The entries the working explains at first use."""
        return tuple(t for t in self.terms if t.explain is not None)

    def not_for_board_entries(self) -> tuple[GlossaryEntry, ...]:
        """The entries no decision block or board paper may show."""
        return tuple(self.entry(i) for i in self.not_for_board)

    def board_terms_in(self, text: str) -> list[str]:
        """Each not-for-the-board term found in ``text``, as it was written there."""
        found = []
        for entry in self.not_for_board_entries():
            found += [m.group(0) for m in entry.pattern().finditer(text)]
        return found


def read_glossary(root: Path, problems: list[Problem]) -> Glossary | None:
    """``glossary.yaml`` of a data folder, validated, or None with its problems recorded."""
    data = read_yaml(root / GLOSSARY_FILE, problems, content="the glossary (terms and not_for_board)")
    return None if data is None else validate_record(Glossary, data, GLOSSARY_FILE, "", problems)
