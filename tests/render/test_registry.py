"""Every IR resource kind has a mapper in both renderers, and only the CloudFormation path imports troposphere."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kopsgen.ir import resource_kinds
from tests.support.sessions import session


def test_every_resource_kind_has_a_mapper_in_both_renderers():
    from kopsgen.render.cloudformation import mappers as _cfn  # noqa: F401  (registers)
    from kopsgen.render.cloudformation.registry import MAPPERS as CFN
    from kopsgen.render.terraform import mappers as _tf  # noqa: F401  (registers)
    from kopsgen.render.terraform.registry import MAPPERS as TF

    kinds = set(resource_kinds())
    assert len(kinds) > 20   # the list is real, not empty by accident
    assert sorted(k.__name__ for k in kinds - set(TF)) == [], "kinds without a Terraform mapper"
    assert sorted(k.__name__ for k in kinds - set(CFN)) == [], "kinds without a CloudFormation mapper"


def test_mapper_attributes_cover_every_reference_the_builders_make(tmp_path):
    """A Ref to an attribute the CloudFormation mapper does not declare would fail at render time;
    every Ref in every reference case's graph resolves."""
    from kopsgen import pipeline
    from kopsgen.ir.base import iter_refs
    from kopsgen.render.cloudformation.registry import MAPPERS
    from tests.support.cloudformation import state_store
    from tests.support.paths import case_input, reference_cases

    seen = set()
    for case in reference_cases():
        with state_store(tmp_path / "state"):
            graph = pipeline.build_graph(session(pipeline.load_spec([case_input(case)])))
        for resource in graph:
            for _, ref in iter_refs(resource):
                seen.add((ref.kind.__name__, ref.attr))
                assert ref.attr in MAPPERS[ref.kind].attributes, f"{case}: {ref!r} has no CloudFormation attribute"
        for value in graph.outputs.values():
            for _, ref in iter_refs(value):
                assert ref.attr in MAPPERS[ref.kind].attributes, f"{case}: output {ref!r}"
    assert len(seen) > 10


@pytest.mark.parametrize("target,imports_troposphere", [("terraform", False), ("cloudformation", True)])
def test_troposphere_is_imported_only_on_the_cloudformation_path(target, imports_troposphere, tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["KOPSGEN_STATE_STORE"] = "file://{tmp_path}/state"
        from kopsgen.cli import main
        sys.argv = ["kopsgen", "render", "--target", "{target}", "-f", sys.argv[1], "-o", "{tmp_path}/out"]
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, exc.code
        print("troposphere" in sys.modules)
    """)
    from tests.support.paths import case_input

    proc = subprocess.run([sys.executable, "-c", script, str(case_input("minimal-1.36"))], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(imports_troposphere)
