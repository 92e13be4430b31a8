"""The package's architecture rules (docs/architecture.rst), checked on the source tree.

A leading underscore makes a name private to its *package* (the directory it is defined in): a
module may import or read the underscore names of modules in its own package, never of another
package. Underscore *modules* (``_errors``, ``data/_schema``) are private to the library; their
public names may be used anywhere inside it. The layer contracts (which package may import
which) are import-linter's, in ``pyproject.toml``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "nldtib_forecast"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules() -> dict[str, tuple[str, ast.Module]]:
    """``{dotted module: (its package, parsed tree)}`` for every module of the package."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = ".".join(parts[:-1])
        out[module] = (package, ast.parse(path.read_text(encoding="utf-8")))
    return out


MODULES = _modules()


def _package_of(module: str) -> str:
    if module in MODULES:
        return MODULES[module][0]
    return module.rsplit(".", 1)[0]


class _Facts:
    """What the checks need from one module's tree, found in one walk: its ``from
    nldtib_forecast... import`` statements, its reads of underscore attributes and the
    attribute names it defines (``self._x =``, class bodies, fields, ``__setattr__``)."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: list[ast.ImportFrom] = []
        self.private_reads: list[ast.Attribute] = []
        self.defined: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.module and node.module.startswith("nldtib_forecast"):
                    self.imports.append(node)
            elif isinstance(node, ast.Attribute):
                if isinstance(node.ctx, ast.Store):
                    self.defined.add(node.attr)
                elif isinstance(node.ctx, ast.Load) and _private(node.attr):
                    self.private_reads.append(node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.defined.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        self.defined.add(item.target.id)
                    elif isinstance(item, ast.Assign):
                        self.defined.update(t.id for t in item.targets
                                            if isinstance(t, ast.Name))
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "__setattr__":
                if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                    self.defined.add(str(node.args[1].value))


#: The facts of each parsed tree, by ``id(tree)`` (with the tree, which keeps the id unique).
_FACTS: dict[int, tuple[ast.Module, _Facts]] = {}


def _facts(tree: ast.Module) -> _Facts:
    if id(tree) not in _FACTS:
        _FACTS[id(tree)] = (tree, _Facts(tree))
    return _FACTS[id(tree)][1]


def _defined_private_attributes() -> dict[str, set[str]]:
    """Underscore attribute names each package defines (``self._x =``, class bodies, fields)."""
    out: dict[str, set[str]] = {}
    for package, tree in MODULES.values():
        out.setdefault(package, set()).update(_facts(tree).defined)
    return {p: {n for n in names if _private(n)} for p, names in out.items()}


def test_no_private_name_imported_from_another_package():
    found = []
    for module, (package, tree) in MODULES.items():
        for node in _facts(tree).imports:
            source_package = _package_of(node.module)
            for alias in node.names:
                if _private(alias.name) and source_package != package:
                    found.append(f"{module}: from {node.module} import {alias.name}")
    assert not found, "private names imported across packages:\n" + "\n".join(found)


def test_no_private_attribute_of_another_package():
    """``obj._name`` only where ``_name`` is defined in the reading module's own package."""
    defined = _defined_private_attributes()
    found = []
    for module, (package, tree) in MODULES.items():
        own = defined.get(package, set())
        for node in _facts(tree).private_reads:
            if (node.attr not in own
                    and not (isinstance(node.value, ast.Name)
                             and node.value.id in {"self", "cls"})):
                # module attributes (np._x, sys._getframe) are not package state
                if isinstance(node.value, ast.Name) and node.value.id in {"sys", "os", "np"}:
                    continue
                found.append(f"{module}:{node.lineno}: .{node.attr}")
    assert not found, "private attributes read across packages:\n" + "\n".join(found)


@pytest.mark.parametrize("rule", ["imports", "attributes"])
def test_rules_detect_violations(rule, monkeypatch):
    """The checks fail on a planted violation (they are not vacuous)."""
    planted = ast.parse("from nldtib_forecast.report.io import _atomic_file\n"
                        "x = other._secret_attribute_nobody_defines\n")
    monkeypatch.setitem(MODULES, "nldtib_forecast.planted", ("nldtib_forecast", planted))
    check = (test_no_private_name_imported_from_another_package if rule == "imports"
             else test_no_private_attribute_of_another_package)
    with pytest.raises(AssertionError, match="_atomic_file|_secret_attribute"):
        check()
