"""The Terraform renderer's registry: one mapper per IR resource kind.

A mapper turns one IR resource into the body of one Terraform block. It speaks only
Terraform: the IR decides what exists, the mapper decides how Terraform spells it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from kopsgen.ir.base import External, Graph, Ipv6BlockOf, PrefixLength, Ref, Resource
from kopsgen.render.terraform.hcl import Expr, file_expr
from kopsgen.render.terraform.naming import terraform_label

R = TypeVar("R", bound=Resource)


@dataclass(frozen=True)
class Mapper:
    kind: type[Resource]
    tf_type: str
    fn: Callable[[Any, "TfContext"], dict]
    data_source: bool = False   # rendered as `data "type" "label"`: read, never managed
    label: Callable[[Resource], str] = lambda r: terraform_label(r.name)


MAPPERS: dict[type[Resource], Mapper] = {}

# Ref.attr -> Terraform attribute, where Terraform's name differs from the IR's vocabulary.
ATTRIBUTES: dict[str, str] = {}


def mapper(kind: type[R], tf_type: str, *, data_source: bool = False,
           label: Callable[[Resource], str] | None = None) -> Callable:
    def register(fn: Callable[[R, "TfContext"], dict]) -> Callable:
        if kind in MAPPERS:
            raise RuntimeError(f"two Terraform mappers for {kind.__name__}")
        extra = {"label": label} if label else {}
        MAPPERS[kind] = Mapper(kind, tf_type, fn, data_source, **extra)
        return fn

    return register


def prefix_length_expr(cidr: str) -> str:
    """The prefix length of the CIDR expression `cidr`, null when it is empty (a VPC without IPv6)."""
    return f'{cidr} == "" ? null : tonumber(regex(".*/(\\\\d+)", {cidr})[0])'


@dataclass
class TfContext:
    """What a mapper may use: the graph (to resolve Refs), and the data files it writes."""

    graph: Graph
    files: dict[str, bytes] = field(default_factory=dict)

    def address(self, kind: type[Resource], name: str) -> str:
        m = MAPPERS[kind]
        resource = self.graph.get(kind, name)
        prefix = "data." if m.data_source else ""
        return f"{prefix}{m.tf_type}.{m.label(resource)}"

    def ref(self, link: Ref | External | Ipv6BlockOf | str | None) -> Any:
        """A Ref as a Terraform expression, an External as its literal ID."""
        if link is None or isinstance(link, str):
            return link
        if isinstance(link, External):
            return link.id
        if isinstance(link, Ipv6BlockOf):
            # as kops writes it: cidrsubnet(local.vpc_ipv6_cidr_block, 64 - local.vpc_ipv6_cidr_length, 1)
            cidr = self.local_of(link.cidr) or self.ref(link.cidr).text
            length = self.local_of(PrefixLength(link.cidr)) or prefix_length_expr(cidr)
            return Expr(f"cidrsubnet({cidr}, {link.prefix_length} - {length}, {link.netnum})")
        attr = ATTRIBUTES.get(link.attr, link.attr)
        return Expr(f"{self.address(link.kind, link.name)}.{attr}")

    def local_of(self, value: Any) -> str | None:
        """`local.<name>` of the output that holds exactly `value`, if any (outputs are also locals)."""
        return next((f"local.{name}" for name, held in sorted(self.graph.outputs.items()) if held == value), None)

    def refs(self, links) -> list:
        return [self.ref(link) for link in links]

    def data_file(self, tf_type: str, name: str, key: str, content: bytes | str, *, as_base64: bool = False) -> Expr:
        """Write `content` to data/<type>_<name>_<key> and return the expression that reads it."""
        path = f"data/{tf_type}_{name}_{key}"
        data = content.encode() if isinstance(content, str) else content
        if path in self.files and self.files[path] != data:
            raise RuntimeError(f"two different contents for {path}")
        self.files[path] = data
        return file_expr("filebase64" if as_base64 else "file", path)


def tags_body(tags: dict[str, str]) -> dict:
    return {"tags": dict(sorted(tags.items()))} if tags else {}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
