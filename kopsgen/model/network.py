"""VPC, subnets, gateways and routing, as kops lays them out.

Public and utility subnets share one public route table with the internet gateway; each
zone with private (or dual-stack) subnets gets its own route table whose default route
leaves through that zone's egress: a NAT gateway kopsgen creates in the zone's utility
subnet, or an existing NAT gateway, transit gateway or instance named by `egress`.
"""

from __future__ import annotations

import ipaddress

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, PrefixLength, Ref
from kopsgen.ir.firewall import DefaultSecurityGroup
from kopsgen.ir.network import (
    DhcpOptions, DhcpOptionsAssociation, EgressOnlyInternetGateway, ElasticIp, InternetGateway, NatGateway, Route,
    RouteTable, RouteTableAssociation, SharedElasticIp, SharedInternetGateway, SharedVpc, Subnet, Vpc, VpcCidrBlock,
)
from kopsgen.model.context import ModelContext
from kopsgen.spec import api
from kopsgen.spec.api.network import Subnet as SubnetSpec

ANY_IPV4 = "0.0.0.0/0"
ANY_IPV6 = "::/0"
NAT64 = "64:ff9b::/96"
EGRESS_EXTERNAL = "External"  # the user routes these subnets themselves

PUBLIC_ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
KOPS_ROLE_TAG = "kubernetes.io/kops/role"


def build_network(ctx: ModelContext) -> None:
    cluster = ctx.cluster
    _vpc(ctx)
    managed = [s for s in cluster.subnets if s.egress != EGRESS_EXTERNAL]

    public_rt: Ref | None = None
    # the internet gateway is needed (made, or looked up in a shared VPC) only for the public route table:
    # with every subnet shared nothing routes through it, and the VPC may have none (transit-gateway egress)
    if managed and not all(s.shared for s in cluster.subnets):
        igw = _internet_gateway(ctx)
        public_rt = ctx.graph.add(RouteTable(
            name=naming.public_route_table(ctx.name), vpc=ctx.vpc(),
            tags=ctx.tags(naming.public_route_table(ctx.name), {KOPS_ROLE_TAG: "public"}))).ref()
        for destination, field in ((ANY_IPV4, "destination_cidr_block"), (ANY_IPV6, "destination_ipv6_cidr_block")):
            ctx.graph.add(Route(name=naming.public_route(destination), route_table=public_rt,
                                internet_gateway=igw, **{field: destination}))

    for subnet in cluster.subnets:
        _subnet(ctx, subnet)
        if subnet.shared or subnet.egress == EGRESS_EXTERNAL:
            continue
        private = subnet.type in (api.SUBNET_PRIVATE, api.SUBNET_DUALSTACK)
        route_table = (Ref(RouteTable, naming.private_route_table(subnet.zone, ctx.name)) if private
                       else public_rt)
        ctx.graph.add(RouteTableAssociation(
            name=naming.route_table_association(subnet.name, ctx.name, private),
            route_table=route_table, subnet=ctx.subnet(subnet.name)))

    eigw: Ref | None = None
    private_managed = [s for s in managed if s.type in (api.SUBNET_PRIVATE, api.SUBNET_DUALSTACK)]
    if private_managed and cluster.ipv6:
        eigw = ctx.graph.add(EgressOnlyInternetGateway(
            name=naming.egress_only_internet_gateway(ctx.name), vpc=ctx.vpc(),
            tags=ctx.tags(naming.egress_only_internet_gateway(ctx.name)))).ref()

    for zone in sorted({s.zone for s in private_managed if not s.shared}):
        _private_zone(ctx, zone, [s for s in private_managed if s.zone == zone and not s.shared], eigw)
    _outputs(ctx)


def _outputs(ctx: ModelContext) -> None:
    """The cluster's identity and network IDs, under kops's output names, for configuration built on top."""
    ctx.graph.output("cluster_name", ctx.name)
    ctx.graph.output("region", ctx.cluster.region)
    ctx.graph.output("vpc_id", ctx.vpc())
    ctx.graph.output("vpc_cidr_block", ctx.vpc_attribute("cidr_block"))
    ctx.graph.output("vpc_ipv6_cidr_block", ctx.vpc_attribute("ipv6_cidr_block"))
    ctx.graph.output("vpc_ipv6_cidr_length", PrefixLength(ctx.vpc_attribute("ipv6_cidr_block")))
    for subnet in ctx.cluster.subnets:
        ctx.graph.output(f"subnet_{subnet.name}_id", ctx.subnet(subnet.name))
    shared = tuple(External(s.id) for s in ctx.cluster.subnets if s.id)
    if shared:
        ctx.graph.output("subnet_ids", shared)
    for table in ctx.graph.of_kind(RouteTable):
        ctx.graph.output(f"route_table_{table.tags[KOPS_ROLE_TAG]}_id", table.ref())


def _vpc(ctx: ModelContext) -> None:
    cluster = ctx.cluster
    name = naming.vpc(ctx.name)
    if cluster.network_id:
        # A shared VPC is read for its CIDRs but never created, modified or tagged.
        ctx.graph.add(SharedVpc(name=name, vpc_id=cluster.network_id, expected_cidr_block=cluster.network_cidr))
        return
    vpc = ctx.graph.add(Vpc(name=name, cidr_block=cluster.network_cidr, assign_generated_ipv6_cidr_block=True,
                            tags=ctx.tags(name)))
    for cidr in cluster.additional_network_cidrs:
        ctx.graph.add(VpcCidrBlock(name=naming.vpc_cidr_association(cidr, ctx.name), vpc=vpc.ref(), cidr_block=cidr))
    dhcp = ctx.graph.add(DhcpOptions(name=naming.dhcp_options(ctx.name), domain_name=_dhcp_domain(cluster.region),
                                     tags=ctx.tags(naming.dhcp_options(ctx.name))))
    ctx.graph.add(DhcpOptionsAssociation(name=naming.dhcp_options(ctx.name), vpc=vpc.ref(), dhcp_options=dhcp.ref()))
    if cluster.restrict_default_security_group:
        # AWS gives every VPC a default group that admits its own members and lets them out anywhere;
        # nothing of the cluster uses it, so it is taken over and left without rules (a kopsgen addition)
        name = naming.default_security_group(ctx.name)
        ctx.graph.add(DefaultSecurityGroup(name=name, vpc=vpc.ref(), tags=ctx.tags(name)))
        ctx.graph.output("default_security_group_id", Ref(DefaultSecurityGroup, name))


def _dhcp_domain(region: str) -> str:
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def after_internet_gateway(ctx: ModelContext) -> tuple[Ref, ...]:
    """What an Elastic IP, a NAT gateway or an internet-facing load balancer must be created after: the
    internet gateway kopsgen attaches to the VPC (AWS refuses them in a VPC without an attached gateway).
    A shared VPC's gateway exists before the cluster: nothing to wait for."""
    igw = ctx.graph.find(InternetGateway, naming.internet_gateway(ctx.name))
    return (igw.ref(),) if igw is not None else ()


def _internet_gateway(ctx: ModelContext) -> Link:
    name = naming.internet_gateway(ctx.name)
    if ctx.cluster.network_id:
        return ctx.graph.add(SharedInternetGateway(name=name, vpc=External(ctx.cluster.network_id))).ref()
    return ctx.graph.add(InternetGateway(name=name, vpc=ctx.vpc(), tags=ctx.tags(name))).ref()


def _subnet(ctx: ModelContext, spec: SubnetSpec) -> None:
    if spec.shared:
        return
    cluster = ctx.cluster
    name = naming.subnet(spec.name, ctx.name)
    has_private = any(s.type in (api.SUBNET_PRIVATE, api.SUBNET_DUALSTACK) for s in cluster.subnets)
    dualstack_zones = {s.zone for s in cluster.subnets if s.type == api.SUBNET_DUALSTACK}
    extra = {"SubnetType": spec.type}
    if spec.type in (api.SUBNET_PUBLIC, api.SUBNET_UTILITY):
        extra[PUBLIC_ELB_TAG] = "1"
        if not has_private and not cluster.ipv6:
            extra[INTERNAL_ELB_TAG] = "1"
    elif spec.type == api.SUBNET_DUALSTACK or spec.zone not in dualstack_zones:
        extra[INTERNAL_ELB_TAG] = "1"

    ipv6_only = spec.cidr is None and spec.ipv6_cidr is not None
    ctx.graph.add(Subnet(
        name=name, vpc=ctx.vpc(), availability_zone=spec.zone, cidr_block=spec.cidr,
        ipv6_cidr_block=ctx.subnet_ipv6_block(spec.ipv6_cidr), ipv6_native=ipv6_only,
        assign_ipv6_address_on_creation=spec.ipv6_cidr is not None,
        enable_dns64=ipv6_only,
        enable_resource_name_dns_a_record_on_launch=spec.cidr is not None,
        enable_resource_name_dns_aaaa_record_on_launch=spec.ipv6_cidr is not None,
        cidr_block_association=_additional_cidr_of(ctx, spec.cidr),
        tags=ctx.tags(name, extra),
    ))


def _additional_cidr_of(ctx: ModelContext, cidr: str | None) -> Ref | None:
    """The VPC CIDR association a subnet lives in, so the subnet is created after it."""
    if cidr is None or ctx.cluster.network_id:
        return None
    net = ipaddress.ip_network(cidr, strict=False)
    for extra in ctx.cluster.additional_network_cidrs:
        if net.subnet_of(ipaddress.ip_network(extra, strict=False)):
            return Ref(VpcCidrBlock, naming.vpc_cidr_association(extra, ctx.name))
    return None


def _private_zone(ctx: ModelContext, zone: str, subnets: list[SubnetSpec], eigw: Ref | None) -> None:
    """The private route table of one zone, its egress and its routes."""
    egress = subnets[0].egress
    name = naming.private_route_table(zone, ctx.name)
    route_table = ctx.graph.add(RouteTable(
        name=name, vpc=ctx.vpc(), tags=ctx.tags(name, {KOPS_ROLE_TAG: f"private-{zone}"}))).ref()

    target = _egress_target(ctx, zone, egress, subnets[0].public_ip)
    ctx.graph.add(Route(name=naming.private_route(zone, ANY_IPV4), route_table=route_table,
                        destination_cidr_block=ANY_IPV4, **target))
    if ctx.cluster.ipv6:
        ctx.graph.add(Route(name=naming.private_route(zone, NAT64), route_table=route_table,
                            destination_ipv6_cidr_block=NAT64, **target))
        ctx.graph.add(Route(name=naming.private_route(zone, ANY_IPV6), route_table=route_table,
                            destination_ipv6_cidr_block=ANY_IPV6, egress_only_internet_gateway=eigw))
    for subnet in subnets:
        for extra in subnet.additional_routes:
            ctx.graph.add(Route(name=naming.additional_route(subnet.name, extra.cidr), route_table=route_table,
                                **_destination(extra.cidr), **_route_target(extra.target)))


def _egress_target(ctx: ModelContext, zone: str, egress: str | None, public_ip: str | None) -> dict[str, Link]:
    """Where a private zone's default route goes; creates the NAT gateway (and EIP) when kopsgen owns it."""
    if egress and egress.startswith(("nat-", "tgw-", "i-")):
        return _route_target(egress)
    name = naming.nat_gateway(zone, ctx.name)
    if egress and egress.startswith("eipalloc-"):
        allocation: Link = External(egress)
    elif public_ip:
        allocation = ctx.graph.add(SharedElasticIp(name=naming.nat_eip(zone, ctx.name), public_ip=public_ip)).ref()
    else:
        allocation = ctx.graph.add(ElasticIp(name=naming.nat_eip(zone, ctx.name),
                                             tags=ctx.tags(naming.nat_eip(zone, ctx.name)),
                                             depends_on=after_internet_gateway(ctx))).ref()
    utility = _egress_subnet(ctx, zone)
    nat = ctx.graph.add(NatGateway(name=name, subnet=ctx.subnet(utility.name), allocation=allocation,
                                   tags=ctx.tags(name), depends_on=after_internet_gateway(ctx)))
    return {"nat_gateway": nat.ref()}


def _egress_subnet(ctx: ModelContext, zone: str) -> SubnetSpec:
    candidates = [s for s in ctx.cluster.subnets if s.zone == zone and s.type == api.SUBNET_UTILITY]
    # validation guarantees a utility subnet in every zone with private subnets that needs a NAT gateway
    return sorted(candidates, key=lambda s: s.name)[0]


def _destination(cidr: str) -> dict[str, str]:
    if ipaddress.ip_network(cidr, strict=False).version == 6:
        return {"destination_ipv6_cidr_block": cidr}
    return {"destination_cidr_block": cidr}


_TARGET_FIELDS = (("pcx-", "vpc_peering_connection"), ("i-", "instance"), ("nat-", "nat_gateway"),
                  ("tgw-", "transit_gateway"), ("igw-", "internet_gateway"), ("eigw-", "egress_only_internet_gateway"))


def _route_target(target: str) -> dict[str, Link]:
    """An existing route target by its ID prefix (validation rejects any other prefix)."""
    for prefix, field in _TARGET_FIELDS:
        if target.startswith(prefix):
            return {field: External(target)}
    raise ValueError(f"unsupported route target {target!r}")
