"""The shape of the core: no Qt anywhere in catalog/, and no import circles between its modules
(imports inside functions count: they were how the circles hid)."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import catalog
from pkgtools import REPO

CATALOG = Path(catalog.__file__).parent


def test_no_catalog_module_loads_qt():
    names = sorted(m.name for m in pkgutil.walk_packages([str(CATALOG)], "catalog.") if m.name != "catalog.__main__")
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n"
            "    importlib.import_module(name)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6'))\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    assert len(names) > 30


class _Imports(ast.NodeVisitor):
    def __init__(self):
        self.deps: set[str] = set()

    def visit_If(self, node):
        if "TYPE_CHECKING" in ast.unparse(node.test):  # for annotations only, never run
            for n in node.orelse:
                self.visit(n)
            return
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        if node.module and node.module.startswith("catalog."):
            self.deps.add(node.module.split(".")[1])
        elif node.module == "catalog":
            self.deps.update(a.name for a in node.names)

    def visit_Import(self, node):
        self.deps.update(a.name.split(".")[1] for a in node.names if a.name.startswith("catalog."))


def test_no_import_circles_in_catalog():
    graph = {}
    for f in sorted(CATALOG.glob("*.py")):
        v = _Imports()
        v.visit(ast.parse(f.read_text(encoding="utf-8")))
        graph[f.stem] = v.deps - {f.stem}

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    circles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in reach(b)})
    assert circles == []
