"""What a renderer's output holds, resource by resource, in one shape for every target.

`kopsgen update cluster` compares two renders of a cluster through this description rather than
through the written files: it names resources the way the target does (a Terraform address, a
CloudFormation logical ID), so a preview reads like the tool that will apply it, and it ties each
rendered resource back to the IR resource it was made from, so that the decisions that do not
depend on the target (what forces a replacement) are made once, on the IR.

Each renderer has a `describe(graph, options)` next to its `render` (render/terraform/describe.py,
render/cloudformation/describe.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kopsgen.ir.base import Resource


@dataclass(frozen=True)
class RenderedResource:
    """One block of the rendered output.

    `address` is unique within the target's output (`aws_subnet.a-example-com`, `data.aws_ami.x`,
    `output.vpc_id`; `SubnetA`, `parameter.Image`); `title` is how a preview names it; `body` is the
    block as plain JSON values, with any file the block reads replaced by the file's hash (so a change
    to a data file shows on the block that reads it); `source` is the IR resource it was made from,
    None for what the target adds itself (providers, outputs, parameters). A Terraform data source is
    a LOOKUP: read when the plan is made, never created."""

    address: str
    type: str
    title: str
    body: dict[str, Any]
    source: tuple[type[Resource], str] | None = None
    role: str = "resource"   # RESOURCE (created and owned), LOOKUP (only read) or SETTING (output, provider, ...)


RESOURCE, LOOKUP, SETTING = "resource", "lookup", "setting"
