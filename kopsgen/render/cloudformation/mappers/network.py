"""CloudFormation for network resources.

Where CloudFormation splits what Terraform does in one resource, the mapper makes the helper too:
an internet gateway is attached with a VPCGatewayAttachment, and a VPC's Amazon-provided IPv6
block is a VPCCidrBlock of its own. Whatever reads those (a route through the gateway, a subnet
or output using the IPv6 block) waits for the helper through its attribute.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Select, ec2

from kopsgen.ir.base import Ref as IrRef
from kopsgen.ir.logs import LogGroup
from kopsgen.ir.network import (
    DhcpOptions, DhcpOptionsAssociation, EgressOnlyInternetGateway, ElasticIp, FlowLog, InternetGateway, NatGateway, Route,
    RouteTable, RouteTableAssociation, SharedElasticIp, SharedInternetGateway, SharedVpc, Subnet, Vpc, VpcCidrBlock,
)
from kopsgen.render.cloudformation.registry import ZONAL_METADATA, CfnContext, get_att, mapper, tags

IPV4_CIDR_PATTERN = r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$"
IPV6_CIDR_PATTERN = r"^[0-9a-fA-F:]+/\d{1,3}$"


def _vpc_ipv6_block(ctx: CfnContext, vpc: Vpc):
    # the block exists only once its VPCCidrBlock is created: whoever reads it must wait for that
    ctx.depend_on(ctx.logical_id(vpc, "ipv6"))
    return Select(0, GetAtt(ctx.logical_id(vpc), "Ipv6CidrBlocks"))


@mapper(Vpc, parts={"ipv6": "VpcIpv6CidrBlock"},
        attributes={"cidr_block": get_att("CidrBlock"), "ipv6_cidr_block": _vpc_ipv6_block})
def map_vpc(r: Vpc, ctx: CfnContext):
    vpc = ec2.VPC(ctx.logical_id(r), CidrBlock=r.cidr_block, EnableDnsHostnames=r.enable_dns_hostnames,
                  EnableDnsSupport=r.enable_dns_support, **tags(r.tags))
    if not r.assign_generated_ipv6_cidr_block:
        return [vpc]
    ipv6 = ec2.VPCCidrBlock(ctx.logical_id(r, "ipv6"), VpcId=Ref(vpc), AmazonProvidedIpv6CidrBlock=True)
    return [vpc, ipv6]


def _shared_vpc_cidr(ctx: CfnContext, r: SharedVpc):
    # Terraform reads the CIDR with a data source at plan time; a template cannot, so the user
    # gives it (defaulted to the spec's networkCIDR, which kops requires to match the VPC).
    default = {"Default": r.expected_cidr_block} if r.expected_cidr_block else {}
    return ctx.parameter(ctx.logical_id(r), Type="String", AllowedPattern=IPV4_CIDR_PATTERN, **default,
                         Description=f"The primary IPv4 CIDR block of the shared VPC {r.vpc_id}.")


def _shared_vpc_ipv6_cidr(ctx: CfnContext, r: SharedVpc):
    return ctx.parameter(ctx.logical_id(r, "ipv6"), Type="String", AllowedPattern=IPV6_CIDR_PATTERN,
                         Description=f"The IPv6 CIDR block of the shared VPC {r.vpc_id}.")


@mapper(SharedVpc, id_prefix="SharedVpcCidr", parts={"ipv6": "SharedVpcIpv6Cidr"},
        attributes={"id": lambda ctx, r: r.vpc_id, "cidr_block": _shared_vpc_cidr,
                    "ipv6_cidr_block": _shared_vpc_ipv6_cidr})
def map_shared_vpc(r: SharedVpc, ctx: CfnContext):
    return []   # nothing to create; its attributes become parameters when something reads them


@mapper(VpcCidrBlock)
def map_vpc_cidr_block(r: VpcCidrBlock, ctx: CfnContext):
    return [ec2.VPCCidrBlock(ctx.logical_id(r), CidrBlock=r.cidr_block, VpcId=ctx.ref(r.vpc))]


@mapper(DhcpOptions)
def map_dhcp_options(r: DhcpOptions, ctx: CfnContext):
    return [ec2.DHCPOptions(ctx.logical_id(r), DomainName=r.domain_name,
                            DomainNameServers=list(r.domain_name_servers), **tags(r.tags))]


@mapper(DhcpOptionsAssociation)
def map_dhcp_options_association(r: DhcpOptionsAssociation, ctx: CfnContext):
    return [ec2.VPCDHCPOptionsAssociation(ctx.logical_id(r), DhcpOptionsId=ctx.ref(r.dhcp_options),
                                          VpcId=ctx.ref(r.vpc))]


def _attached_gateway(ctx: CfnContext, r: InternetGateway):
    # a route through the gateway fails until the gateway is attached to the VPC
    ctx.depend_on(ctx.logical_id(r, "attachment"))
    return Ref(ctx.logical_id(r))


@mapper(InternetGateway, parts={"attachment": "InternetGatewayAttachment"}, attributes={"id": _attached_gateway},
        ready_part="attachment")
def map_internet_gateway(r: InternetGateway, ctx: CfnContext):
    gateway = ec2.InternetGateway(ctx.logical_id(r), **tags(r.tags))
    attachment = ec2.VPCGatewayAttachment(ctx.logical_id(r, "attachment"), InternetGatewayId=Ref(gateway),
                                          VpcId=ctx.ref(r.vpc))
    return [gateway, attachment]


def _shared_gateway_id(ctx: CfnContext, r: SharedInternetGateway):
    return ctx.parameter(ctx.logical_id(r), Type="String", AllowedPattern=r"^igw-[0-9a-f]+$",
                         Description=f"The ID of the internet gateway attached to the shared VPC {r.vpc.id}.")


@mapper(SharedInternetGateway, id_prefix="SharedInternetGatewayId", attributes={"id": _shared_gateway_id})
def map_shared_internet_gateway(r: SharedInternetGateway, ctx: CfnContext):
    return []


@mapper(EgressOnlyInternetGateway)
def map_egress_only_internet_gateway(r: EgressOnlyInternetGateway, ctx: CfnContext):
    return [ec2.EgressOnlyInternetGateway(ctx.logical_id(r), VpcId=ctx.ref(r.vpc), **tags(r.tags))]


@mapper(Subnet)
def map_subnet(r: Subnet, ctx: CfnContext):
    props: dict = {"VpcId": ctx.ref(r.vpc), "AvailabilityZone": r.availability_zone, **tags(r.tags)}
    if r.cidr_block:
        props["CidrBlock"] = r.cidr_block
    if r.ipv6_cidr_block:
        props["Ipv6CidrBlock"] = ctx.ref(r.ipv6_cidr_block)
        if isinstance(r.vpc, IrRef) and r.vpc.kind is Vpc:
            vpc = ctx.graph.get(Vpc, r.vpc.name)
            if vpc.assign_generated_ipv6_cidr_block:   # the subnet's block lies in the VPC's: wait for it
                ctx.depend_on(ctx.logical_id(vpc, "ipv6"))
    for flag, prop in (("ipv6_native", "Ipv6Native"), ("assign_ipv6_address_on_creation",
                                                       "AssignIpv6AddressOnCreation"), ("enable_dns64", "EnableDns64")):
        if getattr(r, flag):
            props[prop] = True
    props["PrivateDnsNameOptionsOnLaunch"] = ec2.PrivateDnsNameOptionsOnLaunch(
        HostnameType=r.private_dns_hostname_type_on_launch,
        EnableResourceNameDnsARecord=r.enable_resource_name_dns_a_record_on_launch,
        EnableResourceNameDnsAAAARecord=r.enable_resource_name_dns_aaaa_record_on_launch)
    if r.cidr_block_association:
        ctx.depend_on(ctx.logical_id(ctx.graph.get(r.cidr_block_association.kind, r.cidr_block_association.name)))
    return [ec2.Subnet(ctx.logical_id(r), Metadata=ZONAL_METADATA, **props)]


@mapper(RouteTable)
def map_route_table(r: RouteTable, ctx: CfnContext):
    return [ec2.RouteTable(ctx.logical_id(r), VpcId=ctx.ref(r.vpc), **tags(r.tags))]


@mapper(RouteTableAssociation)
def map_route_table_association(r: RouteTableAssociation, ctx: CfnContext):
    return [ec2.SubnetRouteTableAssociation(ctx.logical_id(r), RouteTableId=ctx.ref(r.route_table),
                                            SubnetId=ctx.ref(r.subnet))]


_ROUTE_TARGETS = {"internet_gateway": "GatewayId", "egress_only_internet_gateway": "EgressOnlyInternetGatewayId",
                  "nat_gateway": "NatGatewayId", "transit_gateway": "TransitGatewayId",
                  "vpc_peering_connection": "VpcPeeringConnectionId", "instance": "InstanceId"}


@mapper(Route)
def map_route(r: Route, ctx: CfnContext):
    props: dict = {"RouteTableId": ctx.ref(r.route_table)}
    if r.destination_cidr_block:
        props["DestinationCidrBlock"] = r.destination_cidr_block
    if r.destination_ipv6_cidr_block:
        props["DestinationIpv6CidrBlock"] = r.destination_ipv6_cidr_block
    for field, prop in _ROUTE_TARGETS.items():
        target = getattr(r, field)
        if target is not None:
            props[prop] = ctx.ref(target)
    return [ec2.Route(ctx.logical_id(r), **props)]


@mapper(ElasticIp, attributes={"id": get_att("AllocationId"), "public_ip": lambda ctx, r: Ref(ctx.logical_id(r))})
def map_elastic_ip(r: ElasticIp, ctx: CfnContext):
    return [ec2.EIP(ctx.logical_id(r), Domain="vpc", **tags(r.tags))]


def _shared_eip_allocation(ctx: CfnContext, r: SharedElasticIp):
    # Terraform finds the allocation by the address at plan time; a template takes it as a parameter
    return ctx.parameter(ctx.logical_id(r), Type="String", AllowedPattern=r"^eipalloc-[0-9a-f]+$",
                         Description=f"The allocation ID of the existing Elastic IP {r.public_ip}.")


@mapper(SharedElasticIp, id_prefix="SharedEipAllocation",
        attributes={"id": _shared_eip_allocation, "public_ip": lambda ctx, r: r.public_ip})
def map_shared_elastic_ip(r: SharedElasticIp, ctx: CfnContext):
    return []


@mapper(NatGateway)
def map_nat_gateway(r: NatGateway, ctx: CfnContext):
    return [ec2.NatGateway(ctx.logical_id(r), AllocationId=ctx.ref(r.allocation), SubnetId=ctx.ref(r.subnet),
                           **tags(r.tags))]


@mapper(FlowLog)
def map_flow_log(r: FlowLog, ctx: CfnContext):
    props: dict = {"ResourceId": ctx.ref(r.vpc), "ResourceType": "VPC", "TrafficType": r.traffic_type,
                   "LogDestinationType": r.destination_type, "MaxAggregationInterval": r.max_aggregation_interval,
                   **tags(r.tags)}
    if isinstance(r.destination, IrRef) and r.destination.kind is LogGroup:
        # a group CloudFormation creates is named exactly (its GetAtt Arn ends in `:*`)
        props["LogGroupName"] = ctx.ref(IrRef(LogGroup, r.destination.name, "name"))
    else:
        props["LogDestination"] = ctx.ref(r.destination)
    if r.role is not None:
        props["DeliverLogsPermissionArn"] = ctx.ref(r.role)
    return [ec2.FlowLog(ctx.logical_id(r), **props)]
