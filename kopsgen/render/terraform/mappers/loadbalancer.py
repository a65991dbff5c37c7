"""Terraform for Network Load Balancers, target groups and listeners."""

from __future__ import annotations

from typing import Any

from kopsgen.ir.loadbalancer import LoadBalancerListener, NetworkLoadBalancer, TargetGroup
from kopsgen.render.terraform.hcl import Blocks, Expr
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


def _kops_order(values: list[Any]) -> list[Any]:
    """kops sorts reference lists by their HCL text: quoted IDs before resource references."""
    return sorted(values, key=lambda v: v.text if isinstance(v, Expr) else f'"{v}"')


@mapper(NetworkLoadBalancer, "aws_lb")
def map_network_load_balancer(r: NetworkLoadBalancer, ctx: TfContext) -> dict:
    mappings = []
    for m in r.subnet_mappings:
        mapping = {"subnet_id": ctx.ref(m.subnet)}
        if m.allocation_id:
            mapping["allocation_id"] = m.allocation_id
        if m.private_ipv4_address:
            mapping["private_ipv4_address"] = m.private_ipv4_address
        mappings.append(mapping)
    body: dict = {
        "name": r.load_balancer_name, "internal": r.internal, "load_balancer_type": "network",
        "security_groups": _kops_order(ctx.refs(r.security_groups)),
        "subnet_mapping": Blocks(tuple(mappings)),
        "enable_cross_zone_load_balancing": r.cross_zone, **tags_body(r.tags),
    }
    if r.dualstack:
        body["ip_address_type"] = "dualstack"
    if r.access_log:
        log = {"bucket": r.access_log.bucket, "enabled": True}
        if r.access_log.prefix:
            log["prefix"] = r.access_log.prefix
        body["access_logs"] = Blocks.of(log)
    if r.deletion_protection:
        body["enable_deletion_protection"] = True
    return body


@mapper(TargetGroup, "aws_lb_target_group")
def map_target_group(r: TargetGroup, ctx: TfContext) -> dict:
    check = {"protocol": r.health_check.protocol, "interval": r.health_check.interval_seconds,
             "healthy_threshold": r.health_check.healthy_threshold,
             "unhealthy_threshold": r.health_check.unhealthy_threshold}
    if r.health_check.path:
        check["path"] = r.health_check.path
    return {"name": r.name, "port": r.port, "protocol": r.protocol, "vpc_id": ctx.ref(r.vpc),
            "connection_termination": r.connection_termination,
            # a string in the provider's schema
            "deregistration_delay": str(r.deregistration_delay_seconds),
            "health_check": Blocks.of(check), **tags_body(r.tags)}


@mapper(LoadBalancerListener, "aws_lb_listener")
def map_load_balancer_listener(r: LoadBalancerListener, ctx: TfContext) -> dict:
    body: dict = {"load_balancer_arn": ctx.ref(r.load_balancer), "port": r.port, "protocol": r.protocol,
                  "default_action": Blocks.of({"type": "forward", "target_group_arn": ctx.ref(r.target_group)})}
    if r.certificate_arn:
        body["certificate_arn"] = r.certificate_arn
    if r.ssl_policy:
        body["ssl_policy"] = r.ssl_policy
    return body
