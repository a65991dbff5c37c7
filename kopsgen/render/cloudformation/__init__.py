"""IR -> CloudFormation (through troposphere): `<cluster>.json` or `.yaml`, split into nested stacks when
CloudFormation's limits require it, and DEPLOY.md saying how to deploy what was written.

This package imports troposphere; only the CloudFormation path imports this package.
"""

from __future__ import annotations

from kopsgen.ir.base import Graph
from kopsgen.render.options import CloudFormationOptions


def render(graph: Graph, options: CloudFormationOptions) -> dict[str, bytes]:
    """Every file of the CloudFormation output, by relative path."""
    from kopsgen.render.cloudformation.assembly import assemble
    from kopsgen.render.cloudformation.deploy_guide import deploy_markdown
    from kopsgen.render.cloudformation.layout import lay_out

    stack = assemble(graph, options.cluster)
    if options.provenance:
        stack.metadata = {"kopsgen": options.provenance.metadata()}
    files = lay_out(stack, options).files()
    files["DEPLOY.md"] = deploy_markdown(options.cluster, files).encode()
    return files
