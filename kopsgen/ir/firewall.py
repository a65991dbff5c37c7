"""Firewall resources: security groups and their rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Link, Resource

ALL_PROTOCOLS = "all"
INGRESS = "ingress"
EGRESS = "egress"


class _Firewall(Resource):
    category: ClassVar[str] = "firewall"


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(_Firewall):
    """A security group the cluster owns. Groups that already exist (overrides, additional groups)
    are not resources: links to them are `External("sg-…")`."""

    vpc: Link
    description: str


@dataclass(frozen=True, kw_only=True)
class DefaultSecurityGroup(_Firewall):
    """The security group AWS creates with a VPC, taken over so that it holds no rules at all: nothing
    the cluster runs uses it, and an instance put in it by mistake can then neither be reached nor
    reach anything. Ref attr: `id`."""

    vpc: Link


@dataclass(frozen=True, kw_only=True)
class SecurityGroupRule(_Firewall):
    """One rule of one group, with exactly one peer: the source of ingress, the destination of egress.

    `protocol` is "tcp", "udp", "icmp", "icmpv6", `ALL_PROTOCOLS` or an IP protocol number ("4" is
    IP-in-IP). Ports are None where the protocol has none (all protocols, protocol numbers); for
    ICMP they are the type range (3 to 4: "destination unreachable" and "source quench"), and -1
    means every ICMPv6 type.
    """

    group: Link
    direction: str
    protocol: str
    description: str
    from_port: int | None = None
    to_port: int | None = None
    source_group: Link | None = None
    cidr_block: str | None = None
    ipv6_cidr_block: str | None = None
    prefix_list_id: str | None = None

    def __post_init__(self) -> None:
        peers = [p for p in (self.source_group, self.cidr_block, self.ipv6_cidr_block, self.prefix_list_id)
                 if p is not None]
        if len(peers) != 1:
            raise ValueError(f"security group rule {self.name!r} needs exactly one peer, has {len(peers)}")
        if self.direction not in (INGRESS, EGRESS):
            raise ValueError(f"security group rule {self.name!r}: direction {self.direction!r}")
        if not self.description:
            raise ValueError(f"security group rule {self.name!r} has no description")
