"""The import rules of kopsgen/, read from the source (an AST walk, nothing is imported):

- no import cycle between modules, function-level imports included: an import inside a function hides
  a cycle from Python, not from the reader who must change one of the two modules;
- no `_private` name imported from another module (`from kopsgen.x import _y`, or `x._y` on an imported
  module): what a module shares, it names without the underscore.

A module is a file; `from kopsgen.a import b` depends on kopsgen/a/b.py when there is one, else on
kopsgen/a/__init__.py. Importing a submodule runs its package's __init__.py too, but that is not counted:
a package that imports its own submodules would otherwise be a cycle with each of them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PACKAGE = ROOT / "kopsgen"

# Cycles and private imports the codebase accepts, each with its reason: none today. An entry that no
# longer occurs fails test_the_allow_lists_hold_only_what_still_occurs, so the lists can only shrink.
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()
ALLOWED_PRIVATE_IMPORTS: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str     # the module that imports
    imported: str     # the module it depends on
    name: str | None  # the name taken from it (None for `import x` and for a submodule)
    line: int

    def where(self) -> str:
        return f"{module_file(self.importer).relative_to(ROOT)}:{self.line}"


@cache
def modules() -> dict[str, Path]:
    """Every module of kopsgen/ by its dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def module_file(name: str) -> Path:
    return modules()[name]


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _owner(dotted: str) -> str:
    """The module `dotted` names, or the nearest package or module holding it (`kopsgen.a.B` -> kopsgen.a)."""
    while dotted not in modules():
        dotted = dotted.rpartition(".")[0]
    return dotted


def _from_base(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer if module_file(importer).name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


@cache
def imports() -> tuple[Import, ...]:
    """Every import of a kopsgen module by a kopsgen module, at any depth of the code."""
    found = []
    for importer, path in modules().items():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Import):
                found += [Import(importer, _owner(alias.name), None, node.lineno) for alias in node.names
                          if alias.name == "kopsgen" or alias.name.startswith("kopsgen.")]
            elif isinstance(node, ast.ImportFrom):
                base = _from_base(importer, node)
                if base != "kopsgen" and not base.startswith("kopsgen."):
                    continue
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules():
                        found.append(Import(importer, f"{base}.{alias.name}", None, node.lineno))
                    else:
                        found.append(Import(importer, _owner(base), alias.name, node.lineno))
    return tuple(found)


def _private(name: str | None) -> bool:
    return bool(name) and name.startswith("_") and not name.startswith("__")


def private_imports() -> list[tuple[Import, str]]:
    """Each (import, private name) of a name taken from another module, by `from ... import` or by attribute
    on a module imported as a whole (`from kopsgen import x` ... `x._y`)."""
    found = [(i, i.name) for i in imports() if _private(i.name) and i.imported != i.importer]
    for importer, path in modules().items():
        tree = _tree(path)
        as_module = {}   # local name -> the module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _from_base(importer, node)
                as_module.update({alias.asname or alias.name: f"{base}.{alias.name}" for alias in node.names
                                  if f"{base}.{alias.name}" in modules()})
            elif isinstance(node, ast.Import):
                as_module.update({alias.asname: alias.name for alias in node.names
                                  if alias.asname and alias.name in modules()})
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr) \
                    and as_module.get(node.value.id, importer) != importer:
                found.append((Import(importer, as_module[node.value.id], node.attr, node.lineno), node.attr))
    return found


def import_cycles(skipped: set[tuple[str, str]]) -> list[list[Import]]:
    """One cycle of imports for each group of modules that import one another (a strongly connected
    component of the import graph), leaving out the `skipped` (importer, imported) edges."""
    graph: dict[str, dict[str, Import]] = {name: {} for name in modules()}
    for i in imports():
        if i.imported != i.importer and (i.importer, i.imported) not in skipped:
            graph[i.importer].setdefault(i.imported, i)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(name: str) -> None:   # Tarjan's algorithm; the graph is a few hundred modules deep at most
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in graph[name]:
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component = []
            while not component or component[-1] != name:
                component.append(stack.pop())
            if len(component) > 1:
                components.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return [_a_cycle(graph, component) for component in components]


def _a_cycle(graph: dict[str, dict[str, Import]], component: list[str]) -> list[Import]:
    """The shortest path from the component's first module back to itself (breadth first)."""
    start, members = component[0], set(component)
    paths = {start: []}
    queue = [start]
    while queue:
        name = queue.pop(0)
        for other, edge in sorted(graph[name].items()):
            if other == start:
                return paths[name] + [edge]
            if other in members and other not in paths:
                paths[other] = paths[name] + [edge]
                queue.append(other)
    raise AssertionError(f"no cycle through {start}")


def _describe(cycle: list[Import]) -> str:
    return " -> ".join(f"{i.importer} ({i.where()})" for i in cycle) + f" -> {cycle[0].importer}"


def test_no_import_cycles_between_modules():
    cycles = import_cycles(ALLOWED_CYCLE_EDGES)
    assert not cycles, ("modules that import one another (function-level imports count); move what both need "
                        "into a third module, or pass it in:\n  " + "\n  ".join(map(_describe, cycles)))


def test_no_private_names_imported_from_another_module():
    found = [f"{i.where()}: {i.importer} takes {name} from {i.imported}" for i, name in private_imports()
             if (i.importer, i.imported, name) not in ALLOWED_PRIVATE_IMPORTS]
    assert not found, ("private names used across modules; name them without the underscore where they are "
                       "defined (they are shared), or move them:\n  " + "\n  ".join(found))


def test_the_allow_lists_hold_only_what_still_occurs():
    edges = {(i.importer, i.imported) for i in imports()}
    privates = {(i.importer, i.imported, name) for i, name in private_imports()}
    stale = sorted(map(str, (ALLOWED_CYCLE_EDGES - edges) | (ALLOWED_PRIVATE_IMPORTS - privates)))
    assert not stale, "allow-list entries that no longer occur: remove them\n  " + "\n  ".join(stale)
    # and each allowed edge still closes a cycle (else it is allowed for nothing)
    for edge in sorted(ALLOWED_CYCLE_EDGES):
        assert len(import_cycles(ALLOWED_CYCLE_EDGES - {edge})) > 0, f"{edge} no longer closes a cycle: remove it"


# --- the checker itself, on a small made-up package --------------------------------------------------------

@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """Points the checker at tmp_path/kopsgen, filled by the test (`write("a/b.py", text)`)."""
    def write(relative: str, text: str) -> None:
        path = tmp_path / "kopsgen" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in [path.parent, *path.parent.parents]:
            if folder == tmp_path:
                break
            (folder / "__init__.py").touch()
        path.write_text(text)
        for cached in (modules, imports, _tree):
            cached.cache_clear()

    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "kopsgen")
    yield write
    for cached in (modules, imports, _tree):
        cached.cache_clear()


@pytest.mark.parametrize("files,cycle", [
    ({"a.py": "from kopsgen import b\n", "b.py": "from kopsgen.a import X\n"}, ["kopsgen.a", "kopsgen.b"]),
    ({"a.py": "def f():\n    import kopsgen.b\n", "b.py": "from . import a\n"}, ["kopsgen.a", "kopsgen.b"]),
    ({"p/__init__.py": "from kopsgen.p import q\n", "p/q.py": "from kopsgen.p.r import Y\n",
      "p/r.py": "def f():\n    from ..p.q import Z\n"}, ["kopsgen.p.q", "kopsgen.p.r"]),
    ({"p/__init__.py": "from kopsgen.p.q import X\n", "p/q.py": "X = 1\n"}, None),   # a package and its own module
    ({"a.py": "import kopsgen.b\n", "b.py": "import os\n"}, None),
])
def test_the_cycle_check_counts_every_import(fake_package, files, cycle):
    for relative, text in files.items():
        fake_package(relative, text)
    found = import_cycles(set())
    assert [sorted({i.importer for i in c}) for c in found] == ([cycle] if cycle else [])


@pytest.mark.parametrize("text,private", [
    ("from kopsgen.b import _hidden\n", "_hidden"),
    ("def f():\n    from .b import _hidden\n", "_hidden"),
    ("from kopsgen import b\nb._hidden()\n", "_hidden"),
    ("import kopsgen.b as bee\nbee._hidden()\n", "_hidden"),
    ("from kopsgen.b import shown, __doc__\n", None),
    ("def _own():\n    pass\n_own()\n", None),
])
def test_the_private_check_sees_every_form(fake_package, text, private):
    fake_package("b.py", "def _hidden(): pass\ndef shown(): pass\n")
    fake_package("a.py", text)
    assert [name for _, name in private_imports()] == ([private] if private else [])
