"""The one YAML reader: safe, strict about keys, and bounded against alias bombs.

PyYAML's ``safe_load`` lets a later key silently replace an earlier one, accepts
numbers and booleans as mapping keys (``{images: 2,200}`` reads as ``images: 2``
plus a key ``200``), and expands aliases without limit (a few hundred bytes of
nested ``*alias`` references can stand for billions of values).  This reader
composes the document first, where aliases are still shared nodes, measures how
many values it would expand to, and only then builds Python objects.

Problems are returned as :class:`YamlIssue` records (line, key, expected, found)
so the caller can name its file; nothing in the text raises. A syntax error, and a value
YAML cannot build (an impossible date such as ``2026-02-30``, a time such as ``25:61:00``,
an integer longer than Python reads, an unknown ``!!tag``), is an issue on its line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .safetext import brief, printable

__all__ = ["YamlIssue", "EMPTY", "ALIAS_EXPANSION_LIMIT", "read_yaml_text"]

ALIAS_EXPANSION_LIMIT = 10_000  # values that aliases and merge keys may add beyond those written out
_MERGE_TAG = "tag:yaml.org,2002:merge"
EMPTY = object()  # returned for a document with no content (empty, or only comments)


@dataclass(frozen=True)
class YamlIssue:
    """One thing wrong with a YAML text: where (1-based line, or 0 for the whole file), which key, what."""

    line: int
    key: str
    expected: str
    found: str

    @property
    def location(self) -> str:
        """Where the issue is, as ``line N`` (empty for the whole file)."""
        return f"line {self.line}" if self.line else ""


# libyaml's parser where PyYAML was built with it (its wheels are): the same nodes, read about ten
# times faster than by the pure-Python parser, which took most of a `rank` command's time.
# Both compose the same nodes and construct them with SafeConstructor: a type checker is shown the Python one.
if TYPE_CHECKING:
    _SAFE_LOADER = yaml.SafeLoader
else:
    _SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


PLAIN_VALUES = "plain YAML values (text, numbers, true/false, dates, lists and mappings)"


class _Unbuildable(Exception):
    """A value of the document could not be built; carries the issue, on the value's line."""

    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.found)
        self.issue = issue


def _unbuildable(node: yaml.Node, exc: Exception) -> YamlIssue:
    """The issue for a node whose value could not be built, described by its tag, never quoting it."""
    mark = getattr(exc, "problem_mark", None) or node.start_mark
    line = mark.line + 1
    tag = str(node.tag).rsplit(":", 1)[-1]
    if tag == "timestamp":
        return YamlIssue(line, "", "a real date (YYYY-MM-DD) or date and time", f"an impossible date or time ({exc})")
    if tag == "int" and isinstance(exc, ValueError) and "digits" in str(exc):
        limit = sys.get_int_max_str_digits()
        size = len(str(getattr(node, "value", "")))
        return YamlIssue(line, "", f"a number of at most {limit:,} digits", f"a number {size:,} characters long")
    if isinstance(exc, yaml.YAMLError):
        what = getattr(exc, "problem", None) or type(exc).__name__
        return YamlIssue(line, "", PLAIN_VALUES, f"a value YAML cannot build ({brief(what, 120)})")
    return YamlIssue(line, "", PLAIN_VALUES, f"a value tagged !!{printable(tag[:40])} that cannot be read as one")


class _Loader(_SAFE_LOADER):
    """SafeLoader that records duplicate and non-text keys instead of passing them silently, and
    turns a value that cannot be built into an issue on its line (:class:`_Unbuildable`)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.issues: list[YamlIssue] = []

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # built depth first (deep), so a failure happens while its own node is being built: it is
        # caught here, on the innermost node, whose line the issue names (aliases that loop are
        # refused before anything is built, so depth first never meets a value inside itself)
        try:
            return super().construct_object(node, deep=True)
        except (_Unbuildable, RecursionError):
            raise
        except Exception as exc:
            raise _Unbuildable(_unbuildable(node, exc)) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_line: dict[str, int] = {}
        kept = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                kept.append((key_node, value_node))
                continue
            line = key_node.start_mark.line + 1
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                hint = (
                    " (inside {...} a comma separates entries: write a number like 2,200 as 2200)"
                    if isinstance(key, (int, float)) and not isinstance(key, bool)
                    else ""
                )
                self.issues.append(
                    YamlIssue(
                        line,
                        brief(key),
                        "a field name (text) as every key",
                        f"the {type(key).__name__} {brief(key)} as a key{hint}",
                    )
                )
                continue  # left out: it may not even be hashable
            kept.append((key_node, value_node))
            if key in first_line:
                self.issues.append(
                    YamlIssue(
                        line, key, "each key once in a mapping", f"'{key}' again (first on line {first_line[key]})"
                    )
                )
            else:
                first_line[key] = line
        if len(kept) != len(node.value):
            node = yaml.MappingNode(node.tag, kept, node.start_mark, node.end_mark, node.flow_style)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node, limit: int) -> tuple[int, int, bool]:
    """(values the document expands to, distinct nodes written, whether an alias refers to itself).

    Counting stops once the expansion passes ``limit``; a node reached again through an alias
    counts its whole size again but is measured once (memoised), so this is linear in the text.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    cyclic = False

    def size(node: yaml.Node) -> int:
        nonlocal cyclic
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            cyclic = True
            return 0
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > limit or cyclic:
                    break
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > limit or cyclic:
                    break
        active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root)
    return expanded, len(sizes), cyclic


def _syntax_issue(exc: yaml.YAMLError) -> YamlIssue:
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    return YamlIssue(
        mark.line + 1 if mark else 0,
        "",
        "well-formed YAML",
        f"a syntax error{f' at column {mark.column + 1}' if mark else ''} ({brief(what, 120)})",
    )


def read_yaml_text(text: str) -> tuple[Any, list[YamlIssue]]:
    """Parse one YAML document; returns (data, issues).  ``data`` is :data:`EMPTY` for a document
    with no content and None whenever there are issues. Never raises for what the text holds."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # e.g. a character YAML never allows, found as the reader starts
        return None, [_syntax_issue(exc)]
    except UnicodeError:  # text that is not Unicode throughout (an unpaired surrogate)
        return None, [YamlIssue(0, "", "well-formed YAML", "characters that are not Unicode text")]
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            return None, [YamlIssue(0, "", "YAML nested to a reasonable depth", "nesting too deep to read")]
        except yaml.YAMLError as exc:
            return None, [_syntax_issue(exc)]
        if node is None:
            return EMPTY, []
        # counting stops early past this bound (distinct nodes never outnumber the characters);
        # without a '*' the text holds no alias (nor merge of one), so nothing can expand or loop
        expanded, distinct, cyclic = (
            _expanded_size(node, len(text) + ALIAS_EXPANSION_LIMIT) if "*" in text else (0, 0, False)
        )
        if cyclic:
            return None, [
                YamlIssue(
                    0,
                    "",
                    "aliases (*name) that refer to an earlier value",
                    "an alias inside the value it refers to (a loop)",
                )
            ]
        if expanded - distinct > ALIAS_EXPANSION_LIMIT:
            return None, [
                YamlIssue(
                    0,
                    "",
                    f"aliases and merge keys adding at most {ALIAS_EXPANSION_LIMIT:,} values",
                    f"aliases expanding to more than {ALIAS_EXPANSION_LIMIT:,} extra values",
                )
            ]
        try:
            data = loader.construct_document(node)
        except RecursionError:
            return None, [YamlIssue(0, "", "YAML nested to a reasonable depth", "nesting too deep to read")]
        except _Unbuildable as failed:
            return None, [*loader.issues, failed.issue]
        if loader.issues:
            return None, list(loader.issues)
        return data, []
    finally:
        loader.dispose()
