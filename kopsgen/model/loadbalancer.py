"""The Kubernetes API's Network Load Balancer: its security group and rules, target groups and listeners.

kops 1.37 fronts the API with an NLB whenever `spec.api.loadBalancer` is set; with `api.dns` there
is none, and clients reach the control plane directly (firewall.py opens 443 for them). Without
published DNS (`topology.dns.type: None`) nodes also find kops-controller (3988) through the NLB.

The control-plane autoscaling groups join the target groups; `target_groups_of` tells the
instance-group builder which ones.
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, Ref
from kopsgen.ir.loadbalancer import (
    AccessLog, HealthCheck, LoadBalancerListener, NetworkLoadBalancer, SubnetMapping, TargetGroup,
)
from kopsgen.model.context import ModelContext
from kopsgen.model.network import after_internet_gateway
from kopsgen.model.firewall import (
    HTTPS, Group, add_egress_anywhere, add_path_mtu_rules, add_rule, add_security_group, addresses,
    cilium_manages_etcd, role_groups,
)
from kopsgen.spec import api
from kopsgen.spec.api.network import ApiLoadBalancer, LoadBalancerSubnet, Subnet

API = "api"
BASTION = "bastion"
KOPS_CONTROLLER_PORT = 3988
ETCD_CILIUM_CLIENT_PORT = 4003
SECONDARY_API_PORT = 8443   # plain TCP beside a TLS 443 listener: client certificates cannot pass TLS termination
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08"   # the AWS default, which kops writes out

# target group prefixes (kops's): the API over TCP, over TLS, kops-controller, cilium's etcd, the bastion
TG_TCP, TG_TLS, TG_KOPS_CONTROLLER, TG_ETCD_CILIUM, TG_BASTION = "tcp", "tls", "kops-controller", "etcd-cilium", "bastion"


def kops_controller_through_lb(ctx: ModelContext) -> bool:
    """Without published DNS, nodes reach kops-controller through the API load balancer."""
    return ctx.cluster.dns_type == api.DNS_NONE


def target_groups_of(ctx: ModelContext, ig: api.InstanceGroup) -> tuple[Ref, ...]:
    """The target groups an instance group's autoscaling group joins, sorted by name as kops sorts them
    (the instance-group builder adds the ARNs of `externalLoadBalancers` target groups)."""
    names: list[str] = []
    if ctx.cluster.api_load_balancer is not None and (ig.is_control_plane or ig.role == api.ROLE_API_SERVER):
        names.append(TG_TCP)
        if ig.is_control_plane and kops_controller_through_lb(ctx):
            names.append(TG_KOPS_CONTROLLER)
            if cilium_manages_etcd(ctx):
                names.append(TG_ETCD_CILIUM)
        if ctx.cluster.api_load_balancer.ssl_certificate:
            names.append(TG_TLS)
    if ig.is_bastion:
        names.append(TG_BASTION)
    return tuple(Ref(TargetGroup, name) for name in sorted(naming.target_group(p, ctx.name) for p in names))


def choose_subnets(ctx: ModelContext, internal: bool) -> list[Subnet]:
    """One subnet per zone for a load balancer, as kops picks them: of the subnets facing the right
    way (public and utility for a public LB, private and dual-stack for an internal one), prefer
    utility, then dual-stack, then those the control plane runs in; ties go to the first name."""
    facing = (api.SUBNET_PRIVATE, api.SUBNET_DUALSTACK) if internal else (api.SUBNET_PUBLIC, api.SUBNET_UTILITY)
    control_plane_subnets = {s for ig in ctx.spec.control_plane_groups for s in ig.subnets}
    weights = {api.SUBNET_UTILITY: 3, api.SUBNET_DUALSTACK: 2}

    def score(subnet: Subnet) -> int:
        return weights.get(subnet.type, 0) + (1 if subnet.name in control_plane_subnets else 0)

    chosen = []
    for zone in sorted({s.zone for s in ctx.cluster.subnets}):
        candidates = [s for s in ctx.cluster.subnets if s.zone == zone and s.type in facing]
        if candidates:
            chosen.append(sorted(candidates, key=lambda s: (-score(s), s.name))[0])
    return chosen


def add_network_load_balancer(ctx: ModelContext, prefix: str, *, internal: bool,
                              placements: list[LoadBalancerSubnet], security_groups: tuple[Link, ...],
                              cross_zone: bool = False, access_log: AccessLog | None = None,
                              deletion_protection: bool = False) -> Ref:
    name = naming.load_balancer(prefix, ctx.name)
    placements = sorted(placements, key=lambda p: p.name)
    return ctx.graph.add(NetworkLoadBalancer(
        name=name, load_balancer_name=naming.aws_name32(prefix, ctx.name), internal=internal,
        subnet_mappings=tuple(SubnetMapping(ctx.subnet(p.name), p.allocation_id, p.private_ipv4_address)
                              for p in placements),
        # an override may also be listed among the additional groups: AWS takes each group once
        security_groups=tuple(dict.fromkeys(security_groups)),
        # dual-stack only when every subnet it sits in has IPv6, as kops decides
        dualstack=all(ctx.cluster.subnet(p.name).ipv6_cidr for p in placements),
        cross_zone=cross_zone, access_log=access_log, deletion_protection=deletion_protection,
        tags=ctx.tags(name), depends_on=() if internal else after_internet_gateway(ctx))).ref()


def add_target_group(ctx: ModelContext, prefix: str, port: int, protocol: str, health_check: HealthCheck) -> Ref:
    name = naming.target_group(prefix, ctx.name)
    return ctx.graph.add(TargetGroup(name=name, vpc=ctx.vpc(), port=port, protocol=protocol,
                                     health_check=health_check, tags=ctx.tags(name))).ref()


def add_listener(ctx: ModelContext, prefix: str, load_balancer: Ref, port: int, target_group: Ref,
                 certificate_arn: str | None = None, ssl_policy: str | None = None) -> None:
    ctx.graph.add(LoadBalancerListener(
        name=naming.listener(prefix, ctx.name, port), load_balancer=load_balancer, port=port,
        protocol="TLS" if certificate_arn else "TCP", target_group=target_group,
        certificate_arn=certificate_arn, ssl_policy=ssl_policy if certificate_arn else None))


# ---------------------------------------------------------------- the builder


def build_api_load_balancer(ctx: ModelContext) -> None:
    spec = ctx.cluster.api_load_balancer
    if spec is None:
        return
    lb_group = _api_security_group(ctx, spec)
    _api_rules(ctx, spec, lb_group)

    placements = list(spec.subnets) or [LoadBalancerSubnet(s.name)
                                        for s in choose_subnets(ctx, spec.type == "Internal")]
    additional = tuple(External(g) for g in spec.additional_security_groups)
    nlb = add_network_load_balancer(
        ctx, API, internal=spec.type == "Internal", placements=placements,
        security_groups=(lb_group.link, *additional),
        # kops-controller must be reachable from every zone, whichever zone a node is in
        cross_zone=True if kops_controller_through_lb(ctx) else spec.cross_zone_load_balancing,
        access_log=AccessLog(spec.access_log.bucket, spec.access_log.bucket_prefix) if spec.access_log else None,
        deletion_protection=spec.deletion_protection)

    tcp_check = HealthCheck(protocol="TCP")
    tcp = add_target_group(ctx, TG_TCP, HTTPS, "TCP", tcp_check)
    if spec.ssl_certificate:
        tls = add_target_group(ctx, TG_TLS, HTTPS, "TLS", tcp_check)
        add_listener(ctx, API, nlb, SECONDARY_API_PORT, tcp)
        add_listener(ctx, API, nlb, HTTPS, tls, spec.ssl_certificate, spec.ssl_policy or DEFAULT_SSL_POLICY)
    else:
        add_listener(ctx, API, nlb, HTTPS, tcp)
    if kops_controller_through_lb(ctx):
        kc = add_target_group(ctx, TG_KOPS_CONTROLLER, KOPS_CONTROLLER_PORT, "TCP",
                              HealthCheck(protocol="HTTPS", path="/healthz"))
        add_listener(ctx, API, nlb, KOPS_CONTROLLER_PORT, kc)
        if cilium_manages_etcd(ctx):
            etcd = add_target_group(ctx, TG_ETCD_CILIUM, ETCD_CILIUM_CLIENT_PORT, "TCP", tcp_check)
            add_listener(ctx, API, nlb, ETCD_CILIUM_CLIENT_PORT, etcd)


def _api_security_group(ctx: ModelContext, spec: ApiLoadBalancer) -> Group:
    name = naming.load_balancer_security_group(API, ctx.name)
    if spec.security_group_override:
        # the user's group: rules are still added to it, under kops's names, but the group is not created
        return Group(name, "", External(spec.security_group_override),
                     f"API load balancer group {spec.security_group_override}")
    return add_security_group(ctx, name, "Security group for api ELB", "API load balancer")


def _api_rules(ctx: ModelContext, spec: ApiLoadBalancer, lb: Group) -> None:
    add_egress_anywhere(ctx, lb)
    for address in addresses(ctx.cluster.kubernetes_api_access):
        add_rule(ctx, lb, address, protocol="tcp", ports=(HTTPS, HTTPS),
                 description=f"Kubernetes API from {address.value} (kubernetesApiAccess) to the {lb.label}")
        if spec.ssl_certificate:
            add_rule(ctx, lb, address, protocol="tcp", ports=(SECONDARY_API_PORT, SECONDARY_API_PORT),
                     description=f"Kubernetes API without TLS termination (for client certificates) from "
                                 f"{address.value} (kubernetesApiAccess) to the {lb.label}")
        add_path_mtu_rules(ctx, lb, address, "api-elb", lb.label)

    if kops_controller_through_lb(ctx):
        for node in role_groups(ctx, api.ROLE_NODE):
            add_rule(ctx, lb, node, name=naming.api_lb_rule("from-nodes", node.suffix),
                     description=f"all traffic from the {node.label} to the {lb.label} (kops-controller, API)")

    for cp in role_groups(ctx, api.ROLE_CONTROL_PLANE):
        if spec.ssl_certificate:
            add_rule(ctx, cp, lb, protocol="tcp", ports=(SECONDARY_API_PORT, SECONDARY_API_PORT),
                     name=naming.api_lb_rule("secondary-to-cp", cp.suffix),
                     description=f"Kubernetes API ({SECONDARY_API_PORT}) from the {lb.label} to the {cp.label}")
        add_rule(ctx, cp, lb, protocol="tcp", ports=(HTTPS, HTTPS), name=naming.api_lb_rule("https-to-cp", cp.suffix),
                 description=f"Kubernetes API from the {lb.label} to the {cp.label}")
        add_rule(ctx, cp, lb, protocol="icmp", ports=(3, 4), name=naming.api_lb_rule("icmp-to-cp", cp.suffix),
                 description=f"ICMP unreachable from the {lb.label} to the {cp.label}, for path MTU discovery")
        add_rule(ctx, lb, cp, protocol="icmp", ports=(3, 4), name=naming.api_lb_rule("icmp-from-cp", cp.suffix),
                 description=f"ICMP unreachable from the {cp.label} to the {lb.label}, for path MTU discovery")
        if kops_controller_through_lb(ctx):
            add_rule(ctx, cp, lb, protocol="tcp", ports=(KOPS_CONTROLLER_PORT, KOPS_CONTROLLER_PORT),
                     name=naming.api_lb_rule("kops-controller-to-cp", cp.suffix),
                     description=f"kops-controller ({KOPS_CONTROLLER_PORT}) from the {lb.label} to the {cp.label}")
            if cilium_manages_etcd(ctx):
                add_rule(ctx, cp, lb, protocol="tcp", ports=(ETCD_CILIUM_CLIENT_PORT, ETCD_CILIUM_CLIENT_PORT),
                         name=naming.api_lb_rule("etcd-cilium-to-cp", cp.suffix),
                         description=f"Cilium etcd ({ETCD_CILIUM_CLIENT_PORT}) from the {lb.label} to the {cp.label}")

