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
    """The catalog modules one module imports, by dotted name under catalog ("search.query")."""

    def __init__(self, modules: set[str]):
        self.modules = modules
        self.deps: set[str] = set()

    def visit_If(self, node):
        if "TYPE_CHECKING" in ast.unparse(node.test):  # for annotations only, never run
            for n in node.orelse:
                self.visit(n)
            return
        self.generic_visit(node)

    def _add(self, dotted: str) -> None:
        if dotted in self.modules:
            self.deps.add(dotted)

    def visit_ImportFrom(self, node):
        if node.module == "catalog" or (node.module or "").startswith("catalog."):
            base = node.module.removeprefix("catalog").removeprefix(".")
            self._add(base)
            for a in node.names:  # from catalog.search import query: a module of the package
                self._add(f"{base}.{a.name}" if base else a.name)

    def visit_Import(self, node):
        for a in node.names:
            if a.name.startswith("catalog."):
                self._add(a.name.removeprefix("catalog."))


def test_no_import_circles_in_catalog():
    files = {f.relative_to(CATALOG).with_suffix("").as_posix().replace("/", "."): f
             for f in CATALOG.rglob("*.py") if "__pycache__" not in f.parts}
    files = {k.removesuffix(".__init__"): f for k, f in files.items() if k != "__init__"}
    graph = {}
    for name, f in sorted(files.items()):
        v = _Imports(set(files))
        v.visit(ast.parse(f.read_text(encoding="utf-8")))
        # a package's __init__ is no dependency of its own modules
        graph[name] = {d for d in v.deps if d != name and not name.startswith(d + ".")}

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert len(graph) > 30
    circles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in reach(b)})
    assert circles == []


def test_catalog_is_grouped_by_capability():
    """The folder names say where behaviour lives; only what every part uses stays at the top."""
    top = sorted(f.stem for f in CATALOG.glob("*.py"))
    assert top == ["__init__", "__main__", "catalogue", "cli", "errors", "model", "privacy",
                   "settings", "store", "usage", "views"], top
    for group in ("packaging", "search", "answers", "extract"):
        assert (CATALOG / group / "__init__.py").read_text(encoding="utf-8").startswith('"""')


def test_the_resources_the_core_reads_are_where_it_looks():
    """Moving synonyms.py into catalog/search/ lost its dictionary (a path relative to the module)
    and search quietly found fewer documents; resource paths now come from settings.RESOURCES."""
    from catalog.extract import FONT_FILE
    from catalog.search.synonyms import BUILTIN, builtin_groups

    assert BUILTIN.is_file() and len(builtin_groups()) > 300
    assert FONT_FILE.is_file()
    from catalog.search import general

    assert general.FILE.is_file() and general.db().execute("select count(*) from vocab").fetchone()[0] > 200_000


def test_status_words_have_one_vocabulary():
    """The four 有效性 values are said once (records.STATUSES); every table keyed by them covers
    exactly those, so a renamed status cannot silently fall back to a default weight."""
    from catalog import settings
    from catalog.answers.retrieve import STATUS_PENALTY
    from catalog.packaging.records import IN_FORCE, STATUS_BADGES, STATUSES

    assert set(settings.STATUS_WEIGHT) == set(STATUS_PENALTY) == set(STATUSES)
    assert set(STATUS_BADGES) == set(STATUSES) - {IN_FORCE}
