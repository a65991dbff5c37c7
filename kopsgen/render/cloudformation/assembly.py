"""Map the whole graph to CloudFormation: resources, parameters and outputs, by logical ID.

The result is one flat stack (`Stack`); whether it is written as one template or split into
nested stacks is decided afterwards (layout.py), from the sizes CloudFormation allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from troposphere import Export, Join, Output, Select, Split, Sub

from kopsgen import jsontext
from kopsgen.errors import RenderError
from kopsgen.ir.base import Graph, PrefixLength, Resource, iter_refs
from kopsgen.ir.compute import AutoscalingGroup
from kopsgen.render.cloudformation import mappers  # noqa: F401  (registers every mapper)
from kopsgen.render.cloudformation import naming
from kopsgen.render.cloudformation.registry import MAPPERS, CfnContext

FORMAT_VERSION = "2010-09-09"

# Resources of these categories are split per instance group (its auto-scaling group, launch template
# and hooks) rather than kept together, when the template has to be split.
PER_UNIT_CATEGORIES = frozenset({"compute"})


@dataclass
class Stack:
    """A template's content as plain CloudFormation JSON values, by logical ID."""

    description: str
    resources: dict[str, dict] = field(default_factory=dict)
    parameters: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    # the group (future nested stack) of each resource, from its IR kind: network, iam, compute unit...
    groups: dict[str, str] = field(default_factory=dict)
    clashes: set[str] = field(default_factory=set)
    # the IR resource (kind, name) each logical ID was made from, for describe.py
    sources: dict[str, tuple[type[Resource], str]] = field(default_factory=dict)
    # the template's Metadata (kopsgen's header: what wrote it, from which spec), on every template
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        body: dict[str, Any] = {"AWSTemplateFormatVersion": FORMAT_VERSION, "Description": self.description}
        if self.metadata:
            body["Metadata"] = self.metadata
        if self.parameters:
            body["Parameters"] = self.parameters
        body["Resources"] = self.resources
        if self.outputs:
            body["Outputs"] = self.outputs
        return body


# CloudFormation's limit on a template's Description; nested templates append their group's name
MAX_DESCRIPTION = 1024 - 40


def description(cluster: str, graph: Graph | None = None) -> str:
    """The template's Description; the graph's warnings (a configBase nodes cannot read) go into it, where
    the console and `describe-stacks` show them."""
    text = f"kopsgen: the AWS infrastructure of the Kubernetes cluster {cluster}"
    for warning in graph.warnings if graph is not None else ():
        text += f". WARNING: {warning}"
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 3] + "..."


def assemble(graph: Graph, cluster: str) -> Stack:
    """The flat stack of the graph of `cluster`. Logical IDs come from naming; if two readable IDs collide,
    the graph is mapped a second time with the disambiguated IDs (the first pass is what finds them)."""
    ctx = CfnContext(graph, cluster)
    stack = _map(graph, ctx)
    unique = naming.unique_logical_ids(ctx.requested_ids, cluster)
    readable = {key: naming.logical_id(key[0], key[1], cluster) for key in unique}
    if unique != readable:
        second = CfnContext(graph, cluster, resolved_ids=unique)
        stack = _map(graph, second)
        if not second.requested_ids <= set(unique):
            raise RuntimeError("logical IDs requested in the second pass that the first did not request")
    if stack.clashes:   # a mapper made two objects under one ID without asking naming for both
        raise RuntimeError(f"two CloudFormation resources with the logical ID {sorted(stack.clashes)[0]}")
    return stack


def _map(graph: Graph, ctx: CfnContext) -> Stack:
    stack = Stack(description(ctx.cluster, graph))
    units = _units(graph)
    for resource in graph:
        mapper = MAPPERS.get(type(resource))
        if mapper is None:
            raise RenderError(f"the CloudFormation target cannot render {type(resource).__name__} resources yet")
        ctx.pending_depends = set()
        for link in resource.depends_on:
            ctx.wait_for(link)
        objects = list(mapper.fn(resource, ctx))
        depends = ctx.pending_depends
        ctx.pending_depends = set()
        for obj in objects:
            body = obj.to_dict()   # troposphere validates required properties and types here
            own_refs = referenced_ids(body)
            wanted = sorted(d for d in depends if d != obj.title and d not in own_refs)
            if wanted:
                existing = body.get("DependsOn", [])
                existing = [existing] if isinstance(existing, str) else list(existing)
                body["DependsOn"] = sorted(set(existing) | set(wanted))
            if obj.title in stack.resources:
                stack.clashes.add(obj.title)   # expected in a first pass that finds colliding names
            stack.resources[obj.title] = body
            stack.groups[obj.title] = units.get((type(resource), resource.name), resource.category)
            stack.sources[obj.title] = (type(resource), resource.name)
    for output_name, value in sorted(graph.outputs.items()):
        before = set(ctx.parameters)
        output = _output(output_name, value, ctx)
        if _asks_for_input(ctx, before):
            # an output would only echo back a value the user must give, which no resource reads (a shared
            # IPv4-only VPC's IPv6 block): leave it out rather than make the stack require that parameter
            for added in set(ctx.parameters) - before:
                del ctx.parameters[added]
            continue
        if output is not None:
            stack.outputs[naming.output_id(output_name)] = output
    stack.parameters = {pid: p.to_dict() for pid, p in sorted(ctx.parameters.items())}
    clash = set(stack.parameters) & set(stack.resources)
    if clash:
        raise RuntimeError(f"logical IDs used by both a parameter and a resource: {sorted(clash)}")
    return stack


def _asks_for_input(ctx: CfnContext, before: set[str]) -> bool:
    """Whether parameters declared since `before` include one without a default (a value the user must give)."""
    return any("Default" not in ctx.parameters[p].to_dict() for p in set(ctx.parameters) - before)


def _output(name: str, value, ctx: CfnContext) -> dict | None:
    if isinstance(value, tuple):
        if not value:
            return None   # CloudFormation has no empty output; Terraform's is an empty list
        rendered = Join(",", ctx.refs(value))
    elif isinstance(value, PrefixLength):
        # the text after the slash; a template's CIDR values (the VPC's block, a parameter) are never empty
        rendered = Select(1, Split("/", ctx.ref(value.cidr)))
    else:
        rendered = ctx.ref(value)
    export = Export(Sub("${AWS::StackName}-" + naming.export_name(name)))
    return Output(naming.output_id(name), Value=rendered, Export=export).to_dict()


def _units(graph: Graph) -> dict[tuple[type[Resource], str], str]:
    """The split unit of each resource in PER_UNIT_CATEGORIES: an auto-scaling group with what only it
    uses or what only uses it (its launch template, its lifecycle hooks), named after the group. What
    several groups share (an image lookup) stays in its category's group."""
    groups = {(AutoscalingGroup, r.name) for r in graph.of_kind(AutoscalingGroup)}
    touching: dict[tuple[type[Resource], str], set[tuple]] = {}
    for resource in graph:
        key = (type(resource), resource.name)
        for _, ref in iter_refs(resource):
            target = (ref.kind, ref.name)
            if target in groups:
                touching.setdefault(key, set()).add(target)
            if key in groups:
                touching.setdefault(target, set()).add(key)
    names: dict[tuple[type[Resource], str], str] = {}
    for resource in graph:
        if resource.category not in PER_UNIT_CATEGORIES:
            continue
        key = (type(resource), resource.name)
        owners = {key} if key in groups else touching.get(key, set())
        if len(owners) == 1:
            names[key] = f"{resource.category}:{next(iter(owners))[1]}"
    return names


def referenced_ids(value: Any) -> set[str]:
    """Logical IDs a JSON value refers to with Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item[0] if isinstance(item, list) else str(item).split(".")[0])
            elif key == "Fn::Sub":
                text, bound = (item[0], item[1]) if isinstance(item, list) else (item, {})
                found |= {v.split(".")[0] for v in sub_variables(text) if v not in bound}
            found |= referenced_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    return found


def sub_variables(text: str) -> list[str]:
    """The variables of an Fn::Sub text (`${Name}`, `${Name.Attribute}`), without AWS's pseudo parameters."""
    return [v for v in re.findall(r"\$\{([^!}][^}]*)\}", text) if not v.startswith("AWS::")]


def canonical_json(value: Any) -> str:
    return jsontext.dumps_sorted_indented(value) + "\n"   # json.dumps(sort_keys=True, indent=2), faster



