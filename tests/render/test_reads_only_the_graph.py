"""Renderers read the graph and their target's options, nothing else (issue 19): no module under
kopsgen/render/ imports the spec, the state store, the bootstrap, the model builders or the pipeline,
and none calls AWS (the uploads a CloudFormation render may be followed by live in kopsgen/publish/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RENDER = Path(__file__).resolve().parents[2] / "kopsgen" / "render"
FORBIDDEN = ("kopsgen.spec", "kopsgen.state", "kopsgen.bootstrap", "kopsgen.model", "kopsgen.pipeline",
             "kopsgen.publish", "kopsgen.render_options", "boto3", "botocore")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any level (inside functions and `if TYPE_CHECKING:` too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


@pytest.mark.parametrize("path", sorted(RENDER.rglob("*.py")), ids=lambda p: str(p.relative_to(RENDER)))
def test_a_render_module_imports_neither_the_spec_nor_io(path):
    bad = [m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert not bad, f"{path.relative_to(RENDER.parent)} imports {bad}: a renderer reads the graph and its options"


def test_no_render_module_names_the_cluster_spec():
    named = [str(p.relative_to(RENDER)) for p in RENDER.rglob("*.py")
             if any(isinstance(n, ast.Name) and n.id == "ClusterSpec" or isinstance(n, ast.alias) and n.name == "ClusterSpec"
                    for n in ast.walk(ast.parse(p.read_text())))]
    assert not named


def test_the_checks_see_a_spec_import():
    assert "kopsgen.spec.api.ClusterSpec" in imported_modules(Path(__file__).resolve().parents[2] / "kopsgen" / "pipeline.py")


def test_every_mapper_carries_its_name():
    """A traceback says `in map_subnet`, not `in _`."""
    import kopsgen.render.cloudformation.mappers  # noqa: F401  (registers every mapper)
    from kopsgen.render.cloudformation.registry import MAPPERS as CFN
    from kopsgen.render.terraform import MAPPERS as TF

    for registry in (TF, CFN):
        for kind, m in registry.items():
            assert m.fn.__name__.startswith("map_"), (kind.__name__, m.fn.__name__)
