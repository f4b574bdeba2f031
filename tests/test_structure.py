"""No module of the package imports another module's private name (a leading underscore, not a dunder).

A name with a leading underscore is its module's own business: a module that needs it from elsewhere
needs it made public (or moved). Every import statement counts, relative or absolute, at the top of
a module or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "imaging_value"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(package: Path, name: str = "imaging_value") -> list[str]:
    """Every import of a private name from a module of the package, as ``path:line: what``."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            if node.level == 0 and module != name and not module.startswith(name + "."):
                continue  # another package's import
            source = "." * node.level + module
            for alias in node.names:
                if _private(alias.name):
                    where = path.relative_to(package.parent)
                    found.append(f"{where}:{node.lineno}: imports {alias.name} from {source}")
    return found


def test_no_module_imports_a_private_name_from_another():
    assert len(list(PACKAGE.rglob("*.py"))) > 50  # the walk sees the package
    assert private_imports(PACKAGE) == []


def test_the_check_names_the_file_and_line_of_each_private_import(tmp_path: Path):
    package = tmp_path / "imaging_value"
    (package / "core").mkdir(parents=True)
    (package / "__init__.py").write_text('"""The package."""\n')
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "helpers.py").write_text("_hidden = 1\nshown = 2\n__version__ = '1'\n")
    (package / "core" / "user.py").write_text(
        "import os\n"
        "from os import _exit\n"  # another package's private name: not this rule's business
        "from .helpers import shown, __version__\n"
        "from .helpers import _hidden as hidden\n"
        "from imaging_value.core.helpers import _hidden\n"
        "\n"
        "\n"
        "def later():\n"
        "    from ..core import _helpers\n"
        "    return _helpers\n"
    )
    assert private_imports(package) == [
        "imaging_value/core/user.py:4: imports _hidden from .helpers",
        "imaging_value/core/user.py:5: imports _hidden from imaging_value.core.helpers",
        "imaging_value/core/user.py:9: imports _helpers from ..core",
    ]
