"""The CloudFormation renderer's registry: one mapper per IR resource kind.

A mapper turns one IR resource into troposphere objects (usually one resource; sometimes a
helper too, such as the gateway attachment an internet gateway needs, or a template Parameter
for something Terraform would look up with a data source). It speaks only CloudFormation: the
IR decides what exists, the mapper decides how CloudFormation spells it.

How other resources read a resource's attributes (`Ref(kind, name, "arn")`) is declared with
the mapper, in `attributes`, next to the code that knows which CloudFormation type it made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, TypeVar

from troposphere import AWSObject, Cidr, GetAtt, Parameter, Ref, Select, Tags

from kopsgen.errors import RenderError
from kopsgen.ir.base import External, Graph, Ipv6BlockOf, Resource
from kopsgen.ir.base import Ref as IrRef
from kopsgen.render.cloudformation import naming

R = TypeVar("R", bound=Resource)

MAX_CIDR_COUNT = 256   # the most blocks one Fn::Cidr makes

# How one attribute of a rendered resource is read: (context, resource) -> a CloudFormation value.
AttributeFn = Callable[["CfnContext", Any], Any]


def ref_of(part: str | None = None) -> AttributeFn:
    """`Ref` to the resource (or to its helper `part`)."""
    return lambda ctx, r: Ref(ctx.logical_id(r, part))


def get_att(attribute: str, part: str | None = None) -> AttributeFn:
    return lambda ctx, r: GetAtt(ctx.logical_id(r, part), attribute)


@dataclass(frozen=True)
class Mapper:
    kind: type[Resource]
    fn: Callable[[Any, "CfnContext"], Iterable[AWSObject]]
    id_prefix: str
    # helper objects a mapper may make besides the main one, by part name -> logical-ID prefix
    parts: dict[str, str]
    attributes: dict[str, AttributeFn]
    # the part a resource that must wait for this one (IR `depends_on`) waits for; None: the main object
    ready_part: str | None = None


MAPPERS: dict[type[Resource], Mapper] = {}


def mapper(kind: type[R], *, id_prefix: str | None = None, parts: dict[str, str] | None = None,
           attributes: dict[str, AttributeFn] | None = None, ready_part: str | None = None) -> Callable:
    """Register the CloudFormation mapper of `kind`. `attributes` defaults to {"id": Ref}."""

    def register(fn: Callable[[R, "CfnContext"], Iterable[AWSObject]]) -> Callable:
        if kind in MAPPERS:
            raise RuntimeError(f"two CloudFormation mappers for {kind.__name__}")
        MAPPERS[kind] = Mapper(kind, fn, id_prefix or kind.__name__, dict(parts or {}),
                               {"id": ref_of(), **(attributes or {})}, ready_part)
        return fn

    return register


@dataclass
class CfnContext:
    """What a mapper may use: the graph (to resolve Refs), logical IDs and template parameters.

    Logical IDs are handed out on request and recorded; the assembly checks the recorded set for
    collisions and, if there are any, maps again with the disambiguated IDs (see naming.unique_logical_ids).
    """

    graph: Graph
    cluster: str   # left out of logical IDs (a stack holds one cluster)
    resolved_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    requested_ids: set[tuple[str, str]] = field(default_factory=set)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    # logical IDs the resource being mapped must wait for, found while resolving its references
    pending_depends: set[str] = field(default_factory=set)

    # ------------------------------------------------------------ logical IDs

    def id_for(self, prefix: str, name: str) -> str:
        """The logical ID of (prefix, name); the one way every logical ID in a template is made."""
        key = (prefix, name)
        self.requested_ids.add(key)
        return self.resolved_ids.get(key) or naming.logical_id(prefix, name, self.cluster)

    def logical_id(self, resource: Resource, part: str | None = None) -> str:
        m = MAPPERS[type(resource)]
        if part is None:
            return self.id_for(m.id_prefix, resource.name)
        return self.id_for(m.parts[part], resource.name)

    # ------------------------------------------------------------ references

    def ref(self, link: IrRef | External | Ipv6BlockOf | str | None) -> Any:
        """A Ref as a CloudFormation intrinsic, an External as its literal ID."""
        if link is None or isinstance(link, str):
            return link
        if isinstance(link, External):
            return link.id
        if isinstance(link, Ipv6BlockOf):
            if link.netnum >= MAX_CIDR_COUNT:
                raise RenderError(f"block #{link.netnum:x} of {link.cidr.kind.__name__} {link.cidr.name}: "
                                  f"CloudFormation's Fn::Cidr makes at most {MAX_CIDR_COUNT} blocks; give the CIDR")
            return Select(link.netnum, Cidr(self.ref(link.cidr), link.netnum + 1, 128 - link.prefix_length))
        target = self.graph.get(link.kind, link.name)
        attributes = MAPPERS[link.kind].attributes
        if link.attr not in attributes:
            raise RuntimeError(f"the CloudFormation mapper of {link.kind.__name__} has no attribute {link.attr!r}")
        return attributes[link.attr](self, target)

    def refs(self, links: Iterable) -> list:
        return [self.ref(link) for link in links]

    def depend_on(self, logical_id: str) -> None:
        """Make the resource being mapped wait for `logical_id` (CloudFormation's DependsOn)."""
        self.pending_depends.add(logical_id)

    def wait_for(self, link: IrRef) -> None:
        """Make the resource being mapped wait until `link`'s resource is usable (an IR `depends_on`):
        its main object, or the part its mapper names (an internet gateway: its VPC attachment)."""
        m = MAPPERS[link.kind]
        self.depend_on(self.logical_id(self.graph.get(link.kind, link.name), m.ready_part))

    # ------------------------------------------------------------ parameters

    def parameter(self, logical_id: str, **properties: Any) -> Ref:
        """Declare a template Parameter (the same declaration may come from several mappers)."""
        wanted = Parameter(logical_id, **properties)
        existing = self.parameters.get(logical_id)
        if existing is not None and existing.to_dict() != wanted.to_dict():
            raise RenderError(f"two different definitions of the CloudFormation parameter {logical_id}")
        self.parameters[logical_id] = wanted
        return Ref(logical_id)


# cfn-lint warns about every literal availability zone (W3010, "avoid hardcoding"). A cluster's zones
# are the spec's deliberate choice, written into each node's configuration too, so the resources
# that name a zone say so, for that one check only.
ZONAL_METADATA = {"cfn-lint": {"config": {"ignore_checks": ["W3010"]}}}


def tags(tag_map: dict[str, str]) -> dict:
    """The `Tags` property (sorted by key, as in Terraform), or nothing for no tags."""
    return {"Tags": Tags(dict(sorted(tag_map.items())))} if tag_map else {}
