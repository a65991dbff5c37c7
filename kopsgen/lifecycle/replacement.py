"""Which changes AWS cannot make in place: the one table of replacement-forcing fields, by IR kind.

A field listed here names something AWS fixes when it creates the resource (a subnet's CIDR and zone,
a security group's VPC); changing it means a new resource and the deletion of the old one, in
Terraform (`-/+ ... forces replacement`) and in CloudFormation ("Update requires: Replacement")
alike. The table speaks IR field names, so it serves both targets; the facts come from the AWS APIs
(what their Modify calls cannot change) as the Terraform AWS provider records them (ForceNew).

A resource's name is not listed: every target derives the resource's address from it, so a new name
is a new address, shown as a deletion and a creation anyway.

Two kinds of knock-on change follow from references between resources:
- a replaced resource gets a new ID, so a field that holds a reference to it changes too, and if that
  field is in this table the referring resource is replaced as well (a route-table association of a
  replaced subnet);
- a field in FOLLOWS_UPDATES tracks the *latest version* of what it refers to (an auto-scaling group
  launches its launch template's latest version), so it changes whenever that resource changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kopsgen.ir.base import External, Ref, Resource, iter_refs
from kopsgen.ir.compute import AutoscalingGroup, AutoscalingLifecycleHook
from kopsgen.ir.dns import AliasRecord
from kopsgen.ir.events import EventTarget
from kopsgen.ir.files import StateFile
from kopsgen.ir.firewall import DefaultSecurityGroup, SecurityGroup, SecurityGroupRule
from kopsgen.ir.iam import IamOidcProvider, IamRolePolicy, IamRolePolicyAttachment
from kopsgen.ir.loadbalancer import LoadBalancerListener, NetworkLoadBalancer, TargetGroup
from kopsgen.ir.network import (DhcpOptions, DhcpOptionsAssociation, EgressOnlyInternetGateway, FlowLog, NatGateway,
                                Route, RouteTable, RouteTableAssociation, Subnet, Vpc, VpcCidrBlock)
from kopsgen.ir.sshkey import KeyPair
from kopsgen.ir.storage import EbsVolume

REPLACED_WHEN_CHANGED: dict[type[Resource], tuple[str, ...]] = {
    # network
    Vpc: ("cidr_block",),
    VpcCidrBlock: ("vpc", "cidr_block"),
    DhcpOptions: ("domain_name", "domain_name_servers"),
    DhcpOptionsAssociation: ("vpc",),
    EgressOnlyInternetGateway: ("vpc",),
    Subnet: ("vpc", "availability_zone", "cidr_block"),
    RouteTable: ("vpc",),
    RouteTableAssociation: ("subnet",),
    Route: ("route_table", "destination_cidr_block", "destination_ipv6_cidr_block"),
    NatGateway: ("subnet", "allocation"),
    # a flow log has no update call (only its tags change); a log group's retention and key, and a KMS key's
    # policy, rotation and description, are changed in place
    FlowLog: ("vpc", "traffic_type", "destination_type", "destination", "role", "max_aggregation_interval"),
    # firewall: a rule has no update call at all, only its description can change
    SecurityGroup: ("vpc", "description"),
    SecurityGroupRule: ("group", "direction", "protocol", "from_port", "to_port", "source_group", "cidr_block",
                        "ipv6_cidr_block", "prefix_list_id"),
    DefaultSecurityGroup: ("vpc",),
    # load balancing: the scheme is fixed. Subnets are not: the provider (5.x) plans moving a Network load
    # balancer to a replaced subnet as an update, and CloudFormation updates SubnetMappings in place
    NetworkLoadBalancer: ("internal",),
    TargetGroup: ("vpc", "port", "protocol"),
    LoadBalancerListener: ("load_balancer",),
    # storage: size, type, IOPS and throughput are modified in place (ModifyVolume); not the zone or encryption
    EbsVolume: ("availability_zone", "encrypted", "kms_key_id"),
    # IAM, events, DNS, keys, files
    IamRolePolicy: ("role",),
    IamRolePolicyAttachment: ("role", "policy_arn"),
    IamOidcProvider: ("url",),
    EventTarget: ("rule",),
    AliasRecord: ("zone", "record_name"),
    KeyPair: ("public_key",),
    AutoscalingLifecycleHook: ("autoscaling_group",),
    StateFile: ("bucket", "key"),
}

FOLLOWS_UPDATES: dict[type[Resource], tuple[str, ...]] = {
    AutoscalingGroup: ("launch_template",),
}


def identity(resource: Resource) -> dict[str, Any]:
    """The resource's replacement-forcing fields, as plain JSON values (recorded with each render)."""
    return {name: plain(getattr(resource, name)) for name in REPLACED_WHEN_CHANGED.get(type(resource), ())}


def references(resource: Resource) -> list[tuple[str, str]]:
    """(top-level field, referenced resource's key) for every reference the resource holds."""
    found = set()
    for path, ref in iter_refs(resource):
        found.add((path.split(".", 1)[0].split("[", 1)[0], resource_key(ref.kind, ref.name)))
    return sorted(found)


def forces_replacement(kind_name: str | None, field: str) -> bool:
    return field in _BY_NAME.get(kind_name or "", ())


def follows_updates(kind_name: str | None, field: str) -> bool:
    return field in _FOLLOWS_BY_NAME.get(kind_name or "", ())


def resource_key(kind: type[Resource], name: str) -> str:
    """How a record names an IR resource: `Subnet:eu-west-1a.c.example.com`."""
    return f"{kind.__name__}:{name}"


def plain(value: Any) -> Any:
    """An IR value as plain JSON: a Ref as `Kind:name[.attr]`, an External as its ID, bytes by hash."""
    if isinstance(value, Ref):
        return resource_key(value.kind, value.name) + ("" if value.attr == "id" else f".{value.attr}")
    if isinstance(value, External):
        return value.id
    if isinstance(value, bytes):
        import hashlib

        return "sha256:" + hashlib.sha256(value).hexdigest()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items())}
    return value


_BY_NAME = {kind.__name__: fields for kind, fields in REPLACED_WHEN_CHANGED.items()}
_FOLLOWS_BY_NAME = {kind.__name__: fields for kind, fields in FOLLOWS_UPDATES.items()}
