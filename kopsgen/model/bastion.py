"""The bastion's security groups, rules and Network Load Balancer (SSH on 22).

With a bastion, SSH from `sshAccess` reaches only the bastion's load balancer; the bastion alone may
SSH into the control plane and the nodes. Its launch template and autoscaling group come from the
Bastion instance group like any other group's; its DNS name is published by dns.py.
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.base import External
from kopsgen.ir.loadbalancer import HealthCheck
from kopsgen.model.context import ModelContext
from kopsgen.model.firewall import (
    SSH, add_egress_anywhere, add_path_mtu_rules, add_rule, add_security_group, addresses, role_groups,
)
from kopsgen.model.loadbalancer import (
    BASTION, TG_BASTION, add_listener, add_network_load_balancer, add_target_group, choose_subnets,
)
from kopsgen.spec import api
from kopsgen.spec.api.network import LoadBalancerSubnet


def build_bastion(ctx: ModelContext) -> None:
    if not ctx.spec.bastion_groups:
        return
    bastions = role_groups(ctx, api.ROLE_BASTION)
    for group in bastions:
        if group.owned:
            add_security_group(ctx, group.name, "Security group for bastion", group.label)
        add_egress_anywhere(ctx, group)
    for bastion in bastions:
        for target in role_groups(ctx, api.ROLE_CONTROL_PLANE) + role_groups(ctx, api.ROLE_NODE):
            add_rule(ctx, target, bastion, protocol="tcp", ports=(SSH, SSH),
                     description=f"SSH from the {bastion.label} to the {target.label}")

    lb = add_security_group(ctx, naming.load_balancer_security_group(BASTION, ctx.name),
                            "Security group for bastion ELB", "bastion load balancer")
    add_egress_anywhere(ctx, lb)
    internal = ctx.cluster.bastion_load_balancer_type == "Internal"
    for address in addresses(_ssh_sources(ctx, internal)):
        add_rule(ctx, lb, address, protocol="tcp", ports=(SSH, SSH),
                 description=f"SSH from {address.value} to the {lb.label}")
        add_path_mtu_rules(ctx, lb, address, "ssh-nlb", lb.label)
    for bastion in bastions:
        add_rule(ctx, bastion, lb, protocol="tcp", ports=(SSH, SSH),
                 description=f"SSH from the {lb.label} to the {bastion.label}")
        add_rule(ctx, bastion, lb, protocol="icmp", ports=(3, 4),
                 description=f"ICMP unreachable from the {lb.label} to the {bastion.label}, for path MTU discovery")
        add_rule(ctx, lb, bastion, protocol="icmp", ports=(3, 4),
                 description=f"ICMP unreachable from the {bastion.label} to the {lb.label}, for path MTU discovery")

    nlb = add_network_load_balancer(
        ctx, BASTION, internal=internal,
        placements=[LoadBalancerSubnet(s.name) for s in choose_subnets(ctx, internal)],
        security_groups=(lb.link, *(External(g) for g in ctx.cluster.bastion_load_balancer_security_groups)),
        # the bastions may all run in one zone: without cross-zone balancing the load balancer's nodes in
        # the other zones have no target to send a connection to (kops leaves it off; a deliberate difference)
        cross_zone=True)
    target_group = add_target_group(ctx, TG_BASTION, SSH, "TCP", HealthCheck(protocol="TCP"))
    add_listener(ctx, BASTION, nlb, SSH, target_group)


def _ssh_sources(ctx: ModelContext, internal: bool) -> list[str]:
    """Who may SSH to the bastion's load balancer: the subnets it faces (the NLB passes client
    addresses through, and checks health from its own subnets), then `sshAccess`.

    kops takes each subnet's IPv4 CIDR even when it has none; an IPv6-only subnet gives its IPv6
    CIDR here instead (a deliberate difference: kops would write an empty CIDR). One whose IPv6 block
    is carved from the VPC's (`/64#N`) has no CIDR to write, and needs none: a load balancer cannot be
    placed in an IPv6-only subnet, so none checks health from there."""
    facing = (api.SUBNET_PRIVATE, api.SUBNET_DUALSTACK) if internal else (api.SUBNET_PUBLIC, api.SUBNET_UTILITY)
    subnets = [s.cidr or s.ipv6_cidr for s in ctx.cluster.subnets if s.type in facing]
    return [c for c in subnets if c and not c.startswith("/")] + list(ctx.cluster.ssh_access)
