"""The cluster's network as kops describes it: subnets and their routes, the API load balancer, the egress
proxy, and the rules kops derives from names and CIDRs (a zone's region, a region's partition, IPv6)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from kopsgen.spec.api.fields import kops_block


SUBNET_PUBLIC = "Public"
SUBNET_PRIVATE = "Private"
SUBNET_UTILITY = "Utility"
SUBNET_DUALSTACK = "DualStack"

DNS_PUBLIC = "Public"
DNS_PRIVATE = "Private"
DNS_NONE = "None"


@dataclass(frozen=True)
class Route:
    cidr: str
    target: str


@dataclass(frozen=True)
class Subnet:
    name: str
    zone: str
    type: str
    cidr: str | None = None
    ipv6_cidr: str | None = None
    id: str | None = None            # an existing subnet: referenced, never created
    egress: str | None = None        # nat-…, tgw-…, "External" or None (kopsgen creates a NAT gateway)
    public_ip: str | None = None     # an existing EIP for this zone's NAT gateway
    additional_routes: tuple[Route, ...] = ()

    @property
    def shared(self) -> bool:
        return self.id is not None

    @staticmethod
    def from_dict(d: dict) -> "Subnet":
        return Subnet(
            name=d["name"], zone=d["zone"], type=d["type"], cidr=d.get("cidr"), ipv6_cidr=d.get("ipv6CIDR"),
            id=d.get("id"), egress=d.get("egress"), public_ip=d.get("publicIP"),
            additional_routes=tuple(Route(r["cidr"], r["target"]) for r in d.get("additionalRoutes") or ()),
        )


@dataclass(frozen=True)
class LoadBalancerSubnet:
    name: str
    private_ipv4_address: str | None = None
    allocation_id: str | None = None


@dataclass(frozen=True)
class AccessLog:
    bucket: str
    bucket_prefix: str | None = None
    interval: int | None = None


@dataclass(frozen=True)
class ApiLoadBalancer:
    type: str                         # Public | Internal
    lb_class: str                     # Network (kops 1.37 builds only NLBs for the API)
    idle_timeout_seconds: int | None = None
    security_group_override: str | None = None
    additional_security_groups: tuple[str, ...] = ()
    use_for_internal_api: bool = False
    ssl_certificate: str | None = None
    ssl_policy: str | None = None
    cross_zone_load_balancing: bool = False
    subnets: tuple[LoadBalancerSubnet, ...] = ()
    access_log: AccessLog | None = None
    deletion_protection: bool = False

    @staticmethod
    def from_dict(d: dict) -> "ApiLoadBalancer":
        log = d.get("accessLog")
        return ApiLoadBalancer(
            type=d.get("type", "Public"), lb_class=d.get("class", "Network"),
            idle_timeout_seconds=d.get("idleTimeoutSeconds"),
            security_group_override=d.get("securityGroupOverride"),
            additional_security_groups=tuple(d.get("additionalSecurityGroups") or ()),
            use_for_internal_api=bool(d.get("useForInternalApi")),
            ssl_certificate=d.get("sslCertificate") or None, ssl_policy=d.get("sslPolicy"),
            cross_zone_load_balancing=bool(d.get("crossZoneLoadBalancing")),
            subnets=tuple(LoadBalancerSubnet(s["name"], s.get("privateIPv4Address"), s.get("allocationId"))
                          for s in d.get("subnets") or ()),
            access_log=AccessLog(log["bucket"], log.get("bucketPrefix"), log.get("interval")) if log else None,
            deletion_protection=bool(d.get("deletionProtection")),
        )


@dataclass(frozen=True)
class HttpProxy:
    host: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class EgressProxySpec:
    """`spec.egressProxy` (or v1alpha3's `networking.egressProxy`)."""

    http_proxy: HttpProxy | None = kops_block(HttpProxy)
    excludes: str | None = None


def port_range(value: str | None, default: tuple[int, int] = (30000, 32767)) -> tuple[int, int]:
    """First and last port of a Kubernetes port range: `30000-32767`, `30000+2767` or `30000`."""
    if not value:
        return default
    value = value.strip()
    if "-" in value:
        first, last = value.split("-", 1)
        return int(first), int(last)
    if "+" in value:
        first, offset = value.split("+", 1)
        return int(first), int(first) + int(offset)
    return int(value), int(value)


def aws_partition(region: str) -> str:
    """The AWS partition a region belongs to (the `aws` in `arn:aws:...`)."""
    for prefix, partition in (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
                              ("us-iso-", "aws-iso"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f")):
        if region.startswith(prefix):
            return partition
    return "aws"


def region_of_zone(zone: str) -> str:
    """`us-east-1a` -> `us-east-1`; Local Zones (`us-east-1-bos-1a`) keep their parent region."""
    import re

    m = re.match(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)", zone)
    return m.group(1) if m else zone[:-1]


def is_ipv6_cluster(non_masquerade_cidr: Any) -> bool:
    """kops's rule: a cluster is IPv6 when its nonMasqueradeCIDR is an IPv6 network (`::/0`).
    Tolerates any value, since defaults and validation ask before the spec is known to be valid."""
    if not isinstance(non_masquerade_cidr, str):
        return False
    try:
        return ipaddress.ip_network(non_masquerade_cidr, strict=False).version == 6
    except ValueError:
        return False
