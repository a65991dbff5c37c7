"""IR -> CloudFormation (through troposphere): `<cluster>.json` or `.yaml`, split into nested stacks when
CloudFormation's limits require it, and DEPLOY.md saying how to deploy what was written.

This package imports troposphere; only the CloudFormation path imports this package.
"""

from __future__ import annotations

from kopsgen.ir.base import Graph
from kopsgen.spec.api import ClusterSpec


def render(graph: Graph, spec: ClusterSpec, fmt: str = "json") -> dict[str, bytes]:
    """Every file of the CloudFormation output, by relative path."""
    from kopsgen.render.cloudformation.assembly import assemble
    from kopsgen.render.cloudformation.layout import lay_out

    return lay_out(assemble(graph, spec), spec, fmt).files()
