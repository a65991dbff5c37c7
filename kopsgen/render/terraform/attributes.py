"""How Terraform spells the IR's replacement-forcing fields, and the Terraform types kopsgen writes.

lifecycle/replacement.py names the fields that force a replacement in IR words (`Subnet.vpc`); a
comparison of Terraform configurations or state (`kopsgen migrate`) needs the attribute each mapper
writes for them (`aws_subnet.vpc_id`). A field missing from FIELD_ATTRIBUTES is written under its own
name. tests/lifecycle/test_migrate.py checks every entry against what the mappers write.
"""

from __future__ import annotations

from kopsgen.ir.base import Resource
from kopsgen.ir.compute import AutoscalingLifecycleHook
from kopsgen.ir.dns import AliasRecord
from kopsgen.ir.firewall import DefaultSecurityGroup, SecurityGroup, SecurityGroupRule
from kopsgen.ir.loadbalancer import LoadBalancerListener, TargetGroup
from kopsgen.ir.network import (DhcpOptionsAssociation, EgressOnlyInternetGateway, FlowLog, NatGateway, Route,
                                RouteTable, RouteTableAssociation, Subnet, VpcCidrBlock)
from kopsgen.lifecycle.replacement import REPLACED_WHEN_CHANGED
from kopsgen.render.terraform.registry import MAPPERS

FIELD_ATTRIBUTES: dict[type[Resource], dict[str, str]] = {
    VpcCidrBlock: {"vpc": "vpc_id"},
    DhcpOptionsAssociation: {"vpc": "vpc_id"},
    EgressOnlyInternetGateway: {"vpc": "vpc_id"},
    Subnet: {"vpc": "vpc_id"},
    RouteTable: {"vpc": "vpc_id"},
    RouteTableAssociation: {"subnet": "subnet_id"},
    Route: {"route_table": "route_table_id"},
    NatGateway: {"subnet": "subnet_id", "allocation": "allocation_id"},
    FlowLog: {"vpc": "vpc_id", "destination_type": "log_destination_type", "destination": "log_destination",
              "role": "iam_role_arn"},
    SecurityGroup: {"vpc": "vpc_id"},
    SecurityGroupRule: {"group": "security_group_id", "direction": "type", "source_group": "source_security_group_id",
                        "cidr_block": "cidr_blocks", "ipv6_cidr_block": "ipv6_cidr_blocks",
                        "prefix_list_id": "prefix_list_ids"},
    DefaultSecurityGroup: {"vpc": "vpc_id"},
    TargetGroup: {"vpc": "vpc_id"},
    LoadBalancerListener: {"load_balancer": "load_balancer_arn"},
    AliasRecord: {"zone": "zone_id", "record_name": "name"},
    AutoscalingLifecycleHook: {"autoscaling_group": "autoscaling_group_name"},
}


def forcing_attributes(kind: type[Resource] | None) -> tuple[str, ...]:
    """The Terraform attributes whose change replaces a resource of this IR kind."""
    if kind is None:
        return ()
    names = FIELD_ATTRIBUTES.get(kind, {})
    return tuple(names.get(f, f) for f in REPLACED_WHEN_CHANGED.get(kind, ()))


def kind_of_type(tf_type: str) -> type[Resource] | None:
    """The IR kind a managed Terraform resource type is made from (None: not a type kopsgen writes)."""
    return _KIND_OF_TYPE.get(tf_type)


def type_of_kind(kind: type[Resource]) -> str:
    return MAPPERS[kind].tf_type


_KIND_OF_TYPE = {m.tf_type: m.kind for m in MAPPERS.values() if not m.data_source}
