"""The CloudFormation output described resource by resource (see render/description.py).

Read from the flat stack, before it is laid out as one template or as nested stacks: how the
template is split is a deployment detail, and a resource keeps its logical ID either way.
"""

from __future__ import annotations

from kopsgen.ir.base import Graph
from kopsgen.render.cloudformation.assembly import assemble
from kopsgen.render.description import SETTING, RenderedResource
from kopsgen.render.options import CloudFormationOptions


def describe(graph: Graph, options: CloudFormationOptions) -> list[RenderedResource]:
    stack = assemble(graph, options.cluster)
    described = [RenderedResource(logical_id, body["Type"], f"{logical_id} ({body['Type']})", _attributes(body),
                                  stack.sources.get(logical_id))
                 for logical_id, body in sorted(stack.resources.items())]
    described += [RenderedResource(f"parameter.{pid}", "parameter", f"parameter {pid}", body, role=SETTING)
                  for pid, body in sorted(stack.parameters.items())]
    described += [RenderedResource(f"output.{oid}", "output", f"output {oid}", body, role=SETTING)
                  for oid, body in sorted(stack.outputs.items())]
    described.append(RenderedResource("template", "template", "template", {"Description": stack.description},
                                      role=SETTING))
    return described


def _attributes(body: dict) -> dict:
    """The properties, and beside them the resource's other keys (DependsOn, UpdatePolicy, DeletionPolicy...):
    no property of a resource type is named like those."""
    return {**body.get("Properties", {}), **{k: v for k, v in body.items() if k not in ("Type", "Properties")}}
