"""The typed resource graph between the builders and the renderers.

Every AWS resource kind is a frozen dataclass deriving from `Resource`. A resource is
identified by its kind and its `name` (kops's task name, e.g. `masters.minimal.example.com`),
which is unique within the kind, the way kops's Terraform labels are. Fields that point
at other resources hold a `Ref` (to a resource in this graph) or an `External` (to a
resource that already exists in the account: a shared VPC, an existing subnet).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator, TypeVar

R = TypeVar("R", bound="Resource")


@dataclass(frozen=True)
class Ref:
    """A target-neutral pointer to an attribute of another resource in the graph.

    `attr` is one of a small vocabulary ("id", "arn", "name", "dns_name", "zone_id",
    "cidr_block", "ipv6_cidr_block", "latest_version", ...). Each renderer owns the table
    that maps it to its own syntax.
    """

    kind: type["Resource"]
    name: str
    attr: str = "id"

    def __repr__(self) -> str:  # short, for graph errors and debugging
        return f"Ref({self.kind.__name__}:{self.name}.{self.attr})"


@dataclass(frozen=True)
class External:
    """A resource that exists outside this graph, by its AWS identifier (vpc-…, subnet-…, arn:…)."""

    id: str


Link = Ref | External


@dataclass(frozen=True)
class PrefixLength:
    """An output computed from another attribute: the prefix length of a CIDR (`56` for
    `2600:1f00:1:2300::/56`), or nothing when the attribute is empty (a shared VPC without an IPv6
    block). Each renderer writes it in its own expression language."""

    cidr: Ref


@dataclass(frozen=True)
class Ipv6BlockOf:
    """The `netnum`-th IPv6 block of prefix length `prefix_length` inside another resource's IPv6 CIDR,
    known only once AWS has assigned that CIDR: kops's `/64#1`, a subnet's block carved from the VPC's.
    Each renderer writes it in its own expression language."""

    cidr: Ref
    prefix_length: int
    netnum: int


# An output is a literal, a link, a list of links (e.g. the IDs of all node subnets), or a value
# derived from a link.
OutputValue = str | Ref | External | PrefixLength | tuple["Ref | External", ...]


@dataclass(frozen=True, kw_only=True)
class Resource:
    """Base of every resource kind. `name` is the identity within the kind."""

    name: str
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    # Resources this one must be created after although none of its fields reads them: an order AWS
    # requires (an Elastic IP after the VPC's internet gateway is attached). Terraform writes it as
    # `depends_on`, CloudFormation as `DependsOn` (on what makes the resource usable: the attachment).
    depends_on: tuple[Ref, ...] = ()

    # Group used by `kopsgen graph` and by the CloudFormation nested-stack split.
    category: ClassVar[str] = "other"

    def ref(self, attr: str = "id") -> Ref:
        return Ref(type(self), self.name, attr)


class GraphError(Exception):
    """The builders produced an inconsistent graph: a programming error, not a user error."""


class Graph:
    """Resources by (kind, name), iterated in a stable order."""

    def __init__(self) -> None:
        self._resources: dict[tuple[type[Resource], str], Resource] = {}
        # Values users need after apply (IDs of the VPC, subnets, groups, roles, ...), by output name.
        self.outputs: dict[str, OutputValue] = {}
        # Warnings every target writes at the top of its output (a config base nodes cannot read), in order.
        self.warnings: list[str] = []

    def output(self, name: str, value: "OutputValue") -> None:
        if name in self.outputs:
            raise GraphError(f"duplicate output {name!r}")
        self.outputs[name] = value

    def add(self, resource: R) -> R:
        key = (type(resource), resource.name)
        if key in self._resources:
            raise GraphError(f"duplicate {type(resource).__name__} named {resource.name!r}")
        self._resources[key] = resource
        return resource

    def get(self, kind: type[R], name: str) -> R:
        return self._resources[(kind, name)]  # type: ignore[return-value]

    def find(self, kind: type[R], name: str) -> R | None:
        return self._resources.get((kind, name))  # type: ignore[return-value]

    def __contains__(self, ref: Ref) -> bool:
        return (ref.kind, ref.name) in self._resources

    def of_kind(self, kind: type[R]) -> list[R]:
        return sorted((r for (k, _), r in self._resources.items() if k is kind), key=lambda r: r.name)  # type: ignore

    def kinds(self) -> list[type[Resource]]:
        return sorted({k for k, _ in self._resources}, key=lambda k: k.__name__)

    def __iter__(self) -> Iterator[Resource]:
        for key in sorted(self._resources, key=lambda k: (k[0].__name__, k[1])):
            yield self._resources[key]

    def __len__(self) -> int:
        return len(self._resources)

    def check(self) -> None:
        """Refuse a Ref to a resource that is not in the graph, naming the field that holds it."""
        problems = []
        for name, value in sorted(self.outputs.items()):
            for field_path, ref in iter_refs(value, f"output {name}"):
                if ref not in self:
                    problems.append(f"{field_path}: {ref!r} points at nothing")
        for resource in self:
            for field_path, ref in iter_refs(resource):
                if ref not in self:
                    problems.append(f"{type(resource).__name__} {resource.name!r} field {field_path}: "
                                    f"{ref!r} points at nothing")
        if problems:
            raise GraphError("\n".join(problems))


def iter_refs(value: Any, path: str = "") -> Iterator[tuple[str, Ref]]:
    """Every Ref held anywhere inside a resource (fields, tuples, dicts, nested dataclasses)."""
    if isinstance(value, Ref):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from iter_refs(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from iter_refs(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from iter_refs(item, f"{path}[{k!r}]")
