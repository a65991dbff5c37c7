"""After defaults the spec is read one way: through the typed API of kopsgen/spec/api/.

Raw documents (`.raw`) and dict walks (`value_at`) belong to kopsgen/spec/ (loading, defaults,
validation and the typed API itself), plus one documented pass-through of kops's own completed
documents: kopsgen/bootstrap/passthrough.py. These tests walk the syntax trees (comments and strings
do not count) and name each offending line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kopsgen"

# (module, function) allowed to read `.raw`: kops's own documents, passed through unchanged.
PASS_THROUGH = {("bootstrap/passthrough.py", "kops_document")}

# The way to kops's completed spec as plain data: the pass-through itself (bootstrap/passthrough.py).
# `BootstrapContext.cluster_spec`, the old dict view of it, counts too (as an attribute only: other code
# names local variables so).
PASS_THROUGH_FUNCTIONS = {"kops_document"}

# The only modules that read kops's completed spec as plain data, because they copy it to nodes unchanged:
# nodeupconfig.py (the component settings a nodeup config carries as kops wrote them: kubelet, kube-proxy,
# containerd, kube-apiserver, kube-controller-manager, kube-scheduler, hooks, file assets, ...) and
# statefiles.py (`cluster-completed.spec`, the whole Cluster). Every decision reads the typed API. The list
# may only shrink: a module not listed here must use the typed API.
PASS_THROUGH_READERS = {"bootstrap/nodeupconfig.py", "bootstrap/statefiles.py"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "spec")


def _functions_by_line(tree: ast.AST) -> dict[int, str]:
    """The innermost function around each line."""
    spans = sorted((node.lineno, node.end_lineno or node.lineno, node.name) for node in ast.walk(tree)
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))
    where: dict[int, str] = {}
    for start, end, name in spans:   # outer functions first: inner ones overwrite their lines
        for line in range(start, end + 1):
            where[line] = name
    return where


def _raw_reads(path: Path) -> list[tuple[int, str, str]]:
    """(line, enclosing function, what) for each `.raw` and `value_at` in a module."""
    tree = ast.parse(path.read_text(), str(path))
    functions = _functions_by_line(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "raw":
            found.append((node.lineno, functions.get(node.lineno, ""), ".raw"))
        elif isinstance(node, ast.Name) and node.id == "value_at":
            found.append((node.lineno, functions.get(node.lineno, ""), "value_at"))
        elif isinstance(node, ast.ImportFrom) and any(a.name == "value_at" for a in node.names):
            found.append((node.lineno, "", "import of value_at"))
    return found


def test_no_raw_spec_reads_outside_spec():
    offending = []
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        for line, function, what in _raw_reads(path):
            if (rel, function) not in PASS_THROUGH:
                offending.append(f"kopsgen/{rel}:{line} ({function or 'module level'}): {what}")
    assert not offending, ("read the spec through kopsgen/spec/api/ (add a typed field there), "
                           "not through raw documents:\n" + "\n".join(offending))


def test_pass_through_readers_only_shrink():
    readers = set()
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "bootstrap/passthrough.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Name) and node.id in PASS_THROUGH_FUNCTIONS) or \
                    (isinstance(node, ast.Attribute) and node.attr in PASS_THROUGH_FUNCTIONS | {"cluster_spec"}) or \
                    (isinstance(node, ast.ImportFrom) and any(n.name in PASS_THROUGH_FUNCTIONS for n in node.names)):
                readers.add(rel)
    new = readers - PASS_THROUGH_READERS
    assert not new, (f"{sorted(new)} read kops's completed spec as plain data; add typed fields to "
                     "kopsgen/spec/api/ instead")
    gone = PASS_THROUGH_READERS - readers
    assert not gone, f"{sorted(gone)} no longer read the pass-through: remove them from PASS_THROUGH_READERS"


@pytest.mark.parametrize("source,expected", [
    ("x = spec.cluster.raw['spec']", [(1, "", ".raw")]),
    ("def f(ig):\n    return ig.raw", [(2, "f", ".raw")]),
    ("from kopsgen.spec.api.fields import value_at", [(1, "", "import of value_at")]),
    ("# a comment about .raw and value_at\ny = 'value_at .raw'", []),
])
def test_the_walk_sees_code_not_comments(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source)
    assert _raw_reads(module) == expected
