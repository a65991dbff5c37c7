"""Terraform for network resources."""

from __future__ import annotations

from kopsgen.ir.network import (
    DhcpOptions, DhcpOptionsAssociation, EgressOnlyInternetGateway, ElasticIp, FlowLog, InternetGateway, NatGateway, Route,
    RouteTable, RouteTableAssociation, SharedElasticIp, SharedInternetGateway, SharedVpc, Subnet, Vpc, VpcCidrBlock,
)
from kopsgen.render.terraform import naming
from kopsgen.render.terraform.hcl import Blocks, Static
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(Vpc, "aws_vpc")
def map_vpc(r: Vpc, ctx: TfContext) -> dict:
    return {"cidr_block": r.cidr_block, "assign_generated_ipv6_cidr_block": r.assign_generated_ipv6_cidr_block,
            "enable_dns_hostnames": r.enable_dns_hostnames, "enable_dns_support": r.enable_dns_support,
            **tags_body(r.tags)}


@mapper(SharedVpc, "aws_vpc", data_source=True)
def map_shared_vpc(r: SharedVpc, ctx: TfContext) -> dict:
    return {"id": r.vpc_id}


@mapper(VpcCidrBlock, "aws_vpc_ipv4_cidr_block_association", label=lambda r: naming.vpc_cidr_block_label(r.name))
def map_vpc_cidr_block(r: VpcCidrBlock, ctx: TfContext) -> dict:
    return {"cidr_block": r.cidr_block, "vpc_id": ctx.ref(r.vpc)}


@mapper(DhcpOptions, "aws_vpc_dhcp_options")
def map_dhcp_options(r: DhcpOptions, ctx: TfContext) -> dict:
    return {"domain_name": r.domain_name, "domain_name_servers": list(r.domain_name_servers), **tags_body(r.tags)}


@mapper(DhcpOptionsAssociation, "aws_vpc_dhcp_options_association")
def map_dhcp_options_association(r: DhcpOptionsAssociation, ctx: TfContext) -> dict:
    return {"dhcp_options_id": ctx.ref(r.dhcp_options), "vpc_id": ctx.ref(r.vpc)}


@mapper(InternetGateway, "aws_internet_gateway")
def map_internet_gateway(r: InternetGateway, ctx: TfContext) -> dict:
    return {"vpc_id": ctx.ref(r.vpc), **tags_body(r.tags)}


@mapper(SharedInternetGateway, "aws_internet_gateway", data_source=True)
def map_shared_internet_gateway(r: SharedInternetGateway, ctx: TfContext) -> dict:
    # found at plan time by the VPC it is attached to; kopsgen never calls AWS while rendering
    return {"filter": Blocks.of({"name": "attachment.vpc-id", "values": [r.vpc.id]})}


@mapper(EgressOnlyInternetGateway, "aws_egress_only_internet_gateway")
def map_egress_only_internet_gateway(r: EgressOnlyInternetGateway, ctx: TfContext) -> dict:
    return {"vpc_id": ctx.ref(r.vpc), **tags_body(r.tags)}


@mapper(Subnet, "aws_subnet")
def map_subnet(r: Subnet, ctx: TfContext) -> dict:
    body: dict = {"vpc_id": ctx.ref(r.vpc), "availability_zone": r.availability_zone,
                  "private_dns_hostname_type_on_launch": r.private_dns_hostname_type_on_launch, **tags_body(r.tags)}
    if r.cidr_block:
        body["cidr_block"] = r.cidr_block
    if r.ipv6_cidr_block:
        body["ipv6_cidr_block"] = ctx.ref(r.ipv6_cidr_block)
    for flag in ("ipv6_native", "assign_ipv6_address_on_creation", "enable_dns64",
                 "enable_resource_name_dns_a_record_on_launch", "enable_resource_name_dns_aaaa_record_on_launch"):
        if getattr(r, flag):
            body[flag] = True
    if r.cidr_block_association:
        body["depends_on"] = [Static(ctx.address(r.cidr_block_association.kind, r.cidr_block_association.name))]
    return body


@mapper(RouteTable, "aws_route_table")
def map_route_table(r: RouteTable, ctx: TfContext) -> dict:
    return {"vpc_id": ctx.ref(r.vpc), **tags_body(r.tags)}


@mapper(RouteTableAssociation, "aws_route_table_association")
def map_route_table_association(r: RouteTableAssociation, ctx: TfContext) -> dict:
    return {"route_table_id": ctx.ref(r.route_table), "subnet_id": ctx.ref(r.subnet)}


_ROUTE_TARGETS = {"internet_gateway": "gateway_id", "egress_only_internet_gateway": "egress_only_gateway_id",
                  "nat_gateway": "nat_gateway_id", "transit_gateway": "transit_gateway_id",
                  "vpc_peering_connection": "vpc_peering_connection_id", "instance": "network_interface_id"}


@mapper(Route, "aws_route")
def map_route(r: Route, ctx: TfContext) -> dict:
    body: dict = {"route_table_id": ctx.ref(r.route_table)}
    if r.destination_cidr_block:
        body["destination_cidr_block"] = r.destination_cidr_block
    if r.destination_ipv6_cidr_block:
        body["destination_ipv6_cidr_block"] = r.destination_ipv6_cidr_block
    for field, attribute in _ROUTE_TARGETS.items():
        target = getattr(r, field)
        if target is not None:
            body[attribute] = ctx.ref(target)
    return body


@mapper(ElasticIp, "aws_eip")
def map_elastic_ip(r: ElasticIp, ctx: TfContext) -> dict:
    return {"domain": "vpc", **tags_body(r.tags)}


@mapper(SharedElasticIp, "aws_eip", data_source=True)
def map_shared_elastic_ip(r: SharedElasticIp, ctx: TfContext) -> dict:
    return {"public_ip": r.public_ip}


@mapper(NatGateway, "aws_nat_gateway")
def map_nat_gateway(r: NatGateway, ctx: TfContext) -> dict:
    return {"allocation_id": ctx.ref(r.allocation), "subnet_id": ctx.ref(r.subnet), **tags_body(r.tags)}


@mapper(FlowLog, "aws_flow_log")
def map_flow_log(r: FlowLog, ctx: TfContext) -> dict:
    body: dict = {"vpc_id": ctx.ref(r.vpc), "traffic_type": r.traffic_type, "log_destination_type": r.destination_type,
                  "log_destination": ctx.ref(r.destination), "max_aggregation_interval": r.max_aggregation_interval,
                  **tags_body(r.tags)}
    if r.role is not None:
        body["iam_role_arn"] = ctx.ref(r.role)
    return body
