"""How the flat stack is written: one template, or a parent with nested stacks, within CloudFormation's limits.

CloudFormation refuses, at deploy time, a template with more than 500 resources, 200 parameters or
200 outputs, a template body over 51,200 bytes passed inline, or over 1 MB read from S3. These are
checked here, when rendering:

- up to 51,200 bytes: one template, deployable as is (`--template-body`);
- over that, up to the other limits: one template that must be deployed from S3 (DEPLOY.md says how);
- over any other limit, or when the spec asks for it (`spec.kopsgen.nestedStacks`): a parent template
  whose AWS::CloudFormation::Stack resources point at one child template per group of resources
  (network, firewall, IAM, ... and one per instance group), with parameters and outputs wired between
  them. Children are read from S3 (`TemplateBaseUrl`);
- more nested stacks than a parent can hold (a cluster of some 500 instance groups): the stacks no
  other stack reads (mostly instance groups') go into BUNDLES bundle stacks, each by a stable hash of
  its logical ID, and the others into one `infrastructure` stack, a level in between, wired the same way.

The split is deterministic, and an instance group's resources always land in the stack named
after it, so adding an instance group adds a stack and moves nothing.
"""

from __future__ import annotations

import copy
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from kopsgen.errors import RenderError
from kopsgen.render.cloudformation import naming
from kopsgen.render.cloudformation.assembly import (FORMAT_VERSION, Stack, canonical_json, referenced_ids,
                                                    sub_variables)
from kopsgen.render.options import CloudFormationOptions

MAX_BODY_BYTES = 51_200            # a template passed inline
MAX_S3_BODY_BYTES = 1_048_576      # a template read from S3 (1 MB)
MAX_RESOURCES = 500
MAX_PARAMETERS = 200
MAX_OUTPUTS = 200
MAX_STACKS = MAX_RESOURCES          # nested stacks one parent holds (they are its resources)
# A group is cut into pieces of at most this many resources, leaving room under MAX_RESOURCES.
CHUNK_RESOURCES = 400
# Bundle stacks for clusters with more nested stacks than a parent holds: fixed, so that a growing
# cluster's instance groups keep their bundle; at ~125 instance groups (outputs) each for 2,000 groups.
BUNDLES = 16

NESTED_FOLDER = "nested"
TEMPLATE_BASE_URL = "TemplateBaseUrl"
# the files of a rendered CloudFormation output that are templates (DEPLOY.md is not one)
TEMPLATE_SUFFIXES = (".json", ".yaml")

# Attributes whose value is a list: passed between stacks joined with commas.
LIST_ATTRIBUTES = frozenset({"Ipv6CidrBlocks", "CidrBlockAssociations", "SecurityGroups", "DnsEntries"})


@dataclass
class Layout:
    """The templates to write, by relative path (the main one first)."""

    cluster: str
    main: str
    templates: dict[str, dict]
    fmt: str
    # templates already serialized (to measure them), by path: not serialized twice
    serialized: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def nested(self) -> bool:
        return len(self.templates) > 1

    def files(self) -> dict[str, bytes]:
        """The templates, serialized, by relative path."""
        return {path: self.serialized.get(path) or serialize(body, self.fmt) for path, body in self.templates.items()}


def serialize(body: dict, fmt: str) -> bytes:
    if fmt == "yaml":
        from kopsgen.render.cloudformation import yamlout

        return yamlout.dump(body).encode()
    return canonical_json(body).encode()


def lay_out(stack: Stack, options: CloudFormationOptions) -> Layout:
    cluster, fmt = options.cluster, options.format
    if options.nested_stacks:
        # the user expects the cluster to outgrow one template: split now, so that growing never
        # moves (that is, recreates) a resource
        return _split(stack, options)
    main = f"{cluster}.{fmt}"
    counts = (len(stack.resources), len(stack.parameters), len(stack.outputs))
    if fits(*counts, 0, MAX_S3_BODY_BYTES):  # serialized only when the counts leave one template possible
        body = stack.to_dict()
        text = serialize(body, fmt)
        if fits(*counts, len(text), MAX_S3_BODY_BYTES):
            return Layout(cluster, main, {main: body}, fmt, {main: text})
    return _split(stack, options)


def fits(resources: int, parameters: int, outputs: int, size: int, max_bytes: int) -> bool:
    return (resources <= MAX_RESOURCES and parameters <= MAX_PARAMETERS and outputs <= MAX_OUTPUTS
            and size <= max_bytes)


# ---------------------------------------------------------------- nested stacks


def _groups(stack: Stack) -> dict[str, list[str]]:
    """Logical IDs by group, a group over CHUNK_RESOURCES cut into numbered pieces (by logical ID)."""
    by_group: dict[str, list[str]] = {}
    for logical_id in sorted(stack.resources):
        by_group.setdefault(stack.groups[logical_id], []).append(logical_id)
    pieces: dict[str, list[str]] = {}
    for group, ids in sorted(by_group.items()):
        if len(ids) <= CHUNK_RESOURCES:
            pieces[group] = ids
            continue
        for n, start in enumerate(range(0, len(ids), CHUNK_RESOURCES), 1):
            pieces[f"{group}-part{n}"] = ids[start:start + CHUNK_RESOURCES]
    return pieces


def _merge_cycles(stack: Stack, groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """Nested stacks cannot depend on each other in a circle: merge the groups of any cycle."""
    while True:
        home = {lid: g for g, ids in groups.items() for lid in ids}
        edges = {g: set() for g in groups}
        for g, ids in groups.items():
            for lid in ids:
                for other in _resource_refs(stack.resources[lid]):
                    if other in home and home[other] != g:
                        edges[g].add(home[other])
        cycle = _find_cycle(edges)
        if not cycle:
            return groups
        merged_name = "+".join(sorted(cycle))
        merged = sorted(lid for g in cycle for lid in groups[g])
        groups = {g: ids for g, ids in groups.items() if g not in cycle}
        groups[merged_name] = merged
        groups = dict(sorted(groups.items()))


def _find_cycle(edges: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def _split(stack: Stack, options: CloudFormationOptions, bundled: bool = False) -> Layout:
    cluster, fmt = options.cluster, options.format
    groups = _merge_cycles(stack, _groups(stack))
    stack_ids = naming.unique_logical_ids((("Stack", g) for g in groups), cluster)
    stack_of_group = {g: stack_ids[("Stack", g)] for g in groups}
    home = {lid: stack_of_group[g] for g, ids in groups.items() for lid in ids}

    children: dict[str, _Child] = {sid: _Child(sid, f"{stack.description} ({g.replace(':', ' ')})",
                                                       stack.metadata)
                                   for g, sid in sorted(stack_of_group.items())}
    for g, ids in groups.items():
        child = children[stack_of_group[g]]
        for lid in ids:
            child.resources[lid] = stack.resources[lid]
    for child in children.values():
        child.resources = {lid: child.localize(body, home, stack.parameters, children)
                           for lid, body in sorted(child.resources.items())}

    parent = _Child("", stack.description, stack.metadata)
    parent_outputs = {oid: parent.localize(out, home, stack.parameters, children)
                      for oid, out in stack.outputs.items()}

    main = f"{cluster}.{fmt}"
    templates: dict[str, dict] = {}
    serialized: dict[str, bytes] = {}
    resources: dict[str, dict] = {}
    for sid, child in sorted(children.items()):
        path = f"{NESTED_FOLDER}/{sid}.{fmt}"
        body = child.to_dict()
        serialized[path] = serialize(body, fmt)
        size = len(serialized[path])
        if not fits(len(child.resources), len(child.parameters), len(child.outputs), size, MAX_S3_BODY_BYTES):
            raise RenderError(
                f"the nested stack {sid} is still over CloudFormation's limits ({len(child.resources)} resources, "
                f"{len(child.parameters)} parameters, {len(child.outputs)} outputs, {size} bytes)")
        templates[path] = body
        depends = sorted(d for d in child.depends_on if d not in child.reads_from)
        resource: dict[str, Any] = {
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {"TemplateURL": {"Fn::Sub": "${" + TEMPLATE_BASE_URL + "}/" + path}},
            # what a nested stack keeps when it goes is decided by its own resources (etcd volumes snapshot)
            "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
        }
        if child.passed:
            resource["Properties"]["Parameters"] = dict(sorted(child.passed.items()))
        if depends:
            resource["DependsOn"] = depends
        resources[sid] = resource

    base_url = options.template_base_url
    parameters = {pid: stack.parameters[pid] for pid in sorted(parent.top_level_used | _used_by_children(children))}
    parameters[TEMPLATE_BASE_URL] = {
        "Type": "String",
        "AllowedPattern": r"^https://\S+[^/]$",
        "Description": "The HTTPS URL of the S3 folder the nested templates were uploaded to (no trailing slash).",
        **({"Default": base_url} if base_url else {}),
    }
    if len(parameters) > MAX_PARAMETERS or len(parent_outputs) > MAX_OUTPUTS:
        raise RenderError(f"the parent template would have {len(parameters)} parameters and {len(parent_outputs)} "
                          f"outputs; CloudFormation allows {MAX_PARAMETERS} and {MAX_OUTPUTS}")
    parent_body: dict[str, Any] = {"AWSTemplateFormatVersion": FORMAT_VERSION, "Description": stack.description,
                                   **({"Metadata": stack.metadata} if stack.metadata else {}),
                                   "Parameters": dict(sorted(parameters.items())), "Resources": resources}
    if parent_outputs:
        parent_body["Outputs"] = parent_outputs
    if len(resources) > MAX_STACKS:
        if bundled:
            raise RenderError(f"{len(resources)} nested stacks are more than one parent template can hold "
                              f"({MAX_STACKS}), even in bundles; split the cluster into several")
        top = _split(_bundles(parent_body), options, bundled=True)
        return Layout(cluster, main, {**top.templates, **templates}, fmt, {**top.serialized, **serialized})
    return Layout(cluster, main, {main: parent_body, **templates}, fmt, serialized)


def _bundles(parent_body: dict) -> Stack:
    """The parent's nested stacks as the resources of a stack to split once more: a stack that no other
    stack reads or waits for (mostly an instance group's) goes into one of BUNDLES bundles by a hash of
    its logical ID, so that adding or removing one moves no other; the rest go into `infrastructure`."""
    resources = parent_body["Resources"]
    read = {target for body in resources.values() for target in _resource_refs(body)}
    groups = {sid: "infrastructure" if sid in read else f"bundle-{zlib.crc32(sid.encode()) % BUNDLES + 1:02d}"
              for sid in resources}
    return Stack(parent_body["Description"], resources=resources, parameters=parent_body["Parameters"],
                 outputs=parent_body.get("Outputs", {}), groups=groups, metadata=parent_body.get("Metadata", {}))


def _used_by_children(children: dict[str, "_Child"]) -> set[str]:
    return {p for child in children.values() for p in child.top_level_used}


class _Child:
    """One nested stack being built: its resources, the parameters it takes, the outputs it gives.

    `localize` rewrites a JSON value for this stack: a reference to a resource of another stack
    becomes a parameter of this one, fed by an output of the other (see `_Child.export`).
    """

    def __init__(self, stack_id: str, description: str, metadata: dict[str, Any]):
        self.stack_id = stack_id
        self.description = description
        self.metadata = metadata
        self.resources: dict[str, dict] = {}
        self.parameters: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.passed: dict[str, Any] = {}           # parameter -> the value the parent passes
        self.depends_on: set[str] = set()          # other stacks this one must wait for
        self.reads_from: set[str] = set()          # other stacks whose outputs it reads
        self.top_level_used: set[str] = set()      # top-level template parameters it uses

    def to_dict(self) -> dict:
        body: dict[str, Any] = {"AWSTemplateFormatVersion": FORMAT_VERSION, "Description": self.description}
        if self.metadata:
            body["Metadata"] = self.metadata
        if self.parameters:
            body["Parameters"] = dict(sorted(self.parameters.items()))
        body["Resources"] = self.resources
        if self.outputs:
            body["Outputs"] = dict(sorted(self.outputs.items()))
        return body

    def localize(self, value: Any, home: dict[str, str], top_params: dict[str, dict],
                 children: dict[str, "_Child"]) -> Any:
        # _walk builds new lists and mappings all the way down and copies what it keeps as it was, so the
        # result shares nothing with `value` (copying it all first took longer than the walk)
        return self._walk(value, home, top_params, children)

    def _walk(self, value: Any, home, top_params, children) -> Any:
        if isinstance(value, list):
            return [self._walk(v, home, top_params, children) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            _, replacement = self._import(value["Ref"], None, home, top_params, children)
            return replacement or copy.deepcopy(value)
        if set(value) == {"Fn::GetAtt"}:
            target, attribute = _get_att_parts(value["Fn::GetAtt"])
            _, replacement = self._import(target, attribute, home, top_params, children)
            return replacement or copy.deepcopy(value)
        if set(value) == {"Fn::Sub"}:
            return {"Fn::Sub": self._sub(value["Fn::Sub"], home, top_params, children)}
        out = {}
        for key, item in value.items():
            if key == "DependsOn":
                kept = []
                for dep in ([item] if isinstance(item, str) else item):
                    if home.get(dep) == self.stack_id:
                        kept.append(dep)
                    else:
                        self.depends_on.add(home[dep])
                if kept:
                    out[key] = kept
                continue
            out[key] = self._walk(item, home, top_params, children)
        return out

    def _sub(self, sub: Any, home, top_params, children) -> Any:
        text, variables = (sub[0], dict(sub[1])) if isinstance(sub, list) else (sub, {})
        variables = {k: self._walk(v, home, top_params, children) for k, v in variables.items()}
        for variable in sub_variables(text):
            if variable in variables:
                continue
            target, _, attribute = variable.partition(".")
            name, replacement = self._import(target, attribute or None, home, top_params, children)
            if replacement is None:
                continue
            text = text.replace("${" + variable + "}", "${" + name + "}")
            if not self.stack_id:   # the parent has no parameter of that name: bind it in the Sub
                variables[name] = replacement
        return [text, variables] if variables else text

    def _import(self, target: str, attribute: str | None, home, top_params, children) -> tuple[str, Any]:
        """How this stack reads `target` (its `attribute`, or its Ref): (a name usable in Fn::Sub, the JSON
        value replacing the reference), or (target, None) when the reference stays as it is."""
        if target.startswith("AWS::") or home.get(target) == self.stack_id:
            return target, None
        if target in top_params:
            self.top_level_used.add(target)
            if self.stack_id:
                self.parameters[target] = _passed_down(top_params[target])
                self.passed[target] = {"Ref": target}
            return target, None
        source = home.get(target)
        if source is None:
            raise RuntimeError(f"reference to {target}, which no stack defines")
        name = target if attribute is None else _param_name(target, attribute)
        children[source].export(name, target, attribute)
        from_output = {"Fn::GetAtt": [source, f"Outputs.{name}"]}
        if not self.stack_id:   # the parent reads the child's output directly
            if attribute in LIST_ATTRIBUTES:
                return name, {"Fn::Split": [",", from_output]}
            return name, from_output
        if name in self.resources:
            raise RuntimeError(f"the nested stack {self.stack_id} has a resource named like the parameter {name}")
        is_list = attribute in LIST_ATTRIBUTES
        self.parameters[name] = {
            "Type": "CommaDelimitedList" if is_list else "String",
            "Description": f"{target}{'.' + attribute if attribute else ''} from the nested stack {source}"}
        self.passed[name] = from_output
        self.reads_from.add(source)
        return name, {"Ref": name}

    def export(self, name: str, target: str, attribute: str | None) -> None:
        if attribute is None:
            value: Any = {"Ref": target}
        elif attribute in LIST_ATTRIBUTES:
            value = {"Fn::Join": [",", {"Fn::GetAtt": [target, attribute]}]}
        else:
            value = {"Fn::GetAtt": [target, attribute]}
        self.outputs[name] = {"Value": value}


def _passed_down(parameter: dict) -> dict:
    """A top-level parameter as a child receives it: the value the parent resolved. An SSM-typed
    parameter arrives as the value it resolved to (an image ID), not as a parameter name to resolve again."""
    child = {k: v for k, v in parameter.items() if k != "Default"}
    child["Description"] = f"From the parent stack: {parameter.get('Description', '')}".strip()
    match = re.fullmatch(r"AWS::SSM::Parameter::Value<(.+)>", child["Type"])
    if match:
        child["Type"] = match.group(1)
    return child


def _get_att_parts(value: Any) -> tuple[str, str]:
    if isinstance(value, list):
        return value[0], value[1]
    target, _, attribute = str(value).partition(".")
    return target, attribute


def _param_name(target: str, attribute: str) -> str:
    return target + re.sub(r"[^A-Za-z0-9]", "", attribute)


def _resource_refs(body: dict) -> set[str]:
    refs = referenced_ids(body)
    depends = body.get("DependsOn", [])
    refs |= {depends} if isinstance(depends, str) else set(depends)
    return refs
