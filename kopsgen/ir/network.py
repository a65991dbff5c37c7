"""Network resources: VPC, DHCP options, gateways, subnets, route tables, routes and flow logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import External, Ipv6BlockOf, Link, Ref, Resource


class _Network(Resource):
    category: ClassVar[str] = "network"


@dataclass(frozen=True, kw_only=True)
class Vpc(_Network):
    cidr_block: str
    assign_generated_ipv6_cidr_block: bool = False
    enable_dns_hostnames: bool = True
    enable_dns_support: bool = True


@dataclass(frozen=True, kw_only=True)
class SharedVpc(_Network):
    """A VPC the cluster uses but does not own: read (for its CIDRs), never modified or tagged."""

    vpc_id: str
    # its primary IPv4 CIDR as the spec gives it (networkCIDR, which kops requires to match), for a target
    # that cannot read the VPC while it is applied (a CloudFormation parameter's default)
    expected_cidr_block: str | None = None


@dataclass(frozen=True, kw_only=True)
class VpcCidrBlock(_Network):
    """An additional IPv4 CIDR associated with the VPC (`additionalNetworkCIDRs`)."""

    vpc: Link
    cidr_block: str


@dataclass(frozen=True, kw_only=True)
class DhcpOptions(_Network):
    domain_name: str
    domain_name_servers: tuple[str, ...] = ("AmazonProvidedDNS",)


@dataclass(frozen=True, kw_only=True)
class DhcpOptionsAssociation(_Network):
    vpc: Link
    dhcp_options: Ref


@dataclass(frozen=True, kw_only=True)
class InternetGateway(_Network):
    vpc: Link


@dataclass(frozen=True, kw_only=True)
class SharedInternetGateway(_Network):
    """The internet gateway already attached to a shared VPC, found by the VPC at apply time."""

    vpc: External


@dataclass(frozen=True, kw_only=True)
class EgressOnlyInternetGateway(_Network):
    vpc: Link


@dataclass(frozen=True, kw_only=True)
class Subnet(_Network):
    vpc: Link
    availability_zone: str
    cidr_block: str | None = None
    ipv6_cidr_block: str | Ipv6BlockOf | None = None
    ipv6_native: bool = False
    assign_ipv6_address_on_creation: bool = False
    enable_dns64: bool = False
    enable_resource_name_dns_a_record_on_launch: bool = False
    enable_resource_name_dns_aaaa_record_on_launch: bool = False
    private_dns_hostname_type_on_launch: str = "resource-name"
    # an additional VPC CIDR this subnet lives in: the subnet must wait for its association
    cidr_block_association: Ref | None = None


@dataclass(frozen=True, kw_only=True)
class RouteTable(_Network):
    vpc: Link


@dataclass(frozen=True, kw_only=True)
class RouteTableAssociation(_Network):
    route_table: Ref
    subnet: Link


@dataclass(frozen=True, kw_only=True)
class Route(_Network):
    """One route. Exactly one destination and exactly one target are set."""

    route_table: Ref
    destination_cidr_block: str | None = None
    destination_ipv6_cidr_block: str | None = None
    internet_gateway: Link | None = None
    egress_only_internet_gateway: Link | None = None
    nat_gateway: Link | None = None
    transit_gateway: Link | None = None
    vpc_peering_connection: Link | None = None
    instance: Link | None = None


@dataclass(frozen=True, kw_only=True)
class ElasticIp(_Network):
    pass


@dataclass(frozen=True, kw_only=True)
class SharedElasticIp(_Network):
    """An existing Elastic IP, found by its public address (`subnets[].publicIP`)."""

    public_ip: str


@dataclass(frozen=True, kw_only=True)
class NatGateway(_Network):
    subnet: Link
    allocation: Link       # the EIP (a Ref) or an existing allocation (External eipalloc-…)


FLOW_LOGS_TO_CLOUDWATCH = "cloud-watch-logs"
FLOW_LOGS_TO_S3 = "s3"


@dataclass(frozen=True, kw_only=True)
class FlowLog(_Network):
    """A VPC flow log: the VPC's traffic (`ALL`, `ACCEPT` or `REJECT`) recorded to a CloudWatch Logs
    group, delivered with `role`, or to an S3 bucket, by its ARN (an existing bucket: `External`)."""

    vpc: Link
    traffic_type: str
    destination_type: str                 # FLOW_LOGS_TO_CLOUDWATCH | FLOW_LOGS_TO_S3
    destination: Link                     # the log group's ARN (a Ref) or the bucket's ARN
    role: Link | None = None              # the role the service delivers to CloudWatch Logs with
    max_aggregation_interval: int = 600   # seconds; 60 or 600
