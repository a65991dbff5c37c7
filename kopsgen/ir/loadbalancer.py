"""Load balancer resources: Network Load Balancers, their target groups and listeners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Link, Ref, Resource


class _LoadBalancing(Resource):
    category: ClassVar[str] = "loadbalancer"


@dataclass(frozen=True)
class SubnetMapping:
    """Where an NLB has a node: a subnet, optionally with a fixed private IPv4 address or an Elastic IP."""

    subnet: Link
    allocation_id: str | None = None
    private_ipv4_address: str | None = None


@dataclass(frozen=True)
class AccessLog:
    bucket: str
    prefix: str | None = None


@dataclass(frozen=True, kw_only=True)
class NetworkLoadBalancer(_LoadBalancing):
    """`name` is the identity (`api.<cluster>`); `load_balancer_name` the AWS name (at most 32 characters)."""

    load_balancer_name: str
    internal: bool
    subnet_mappings: tuple[SubnetMapping, ...]
    security_groups: tuple[Link, ...]
    dualstack: bool = False
    cross_zone: bool = False
    access_log: AccessLog | None = None
    deletion_protection: bool = False


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    protocol: str                  # TCP | HTTP | HTTPS
    path: str | None = None
    interval_seconds: int = 10
    healthy_threshold: int = 2
    unhealthy_threshold: int = 2


@dataclass(frozen=True, kw_only=True)
class TargetGroup(_LoadBalancing):
    """`name` is the AWS name (at most 32 characters), which is also kops's identity for it."""

    vpc: Link
    port: int
    protocol: str                  # TCP | TLS
    health_check: HealthCheck
    deregistration_delay_seconds: int = 30
    connection_termination: bool = True   # close connections to deregistered targets after the delay


@dataclass(frozen=True, kw_only=True)
class LoadBalancerListener(_LoadBalancing):
    load_balancer: Ref
    port: int
    protocol: str                  # TCP | TLS
    target_group: Ref
    certificate_arn: str | None = None
    ssl_policy: str | None = None
