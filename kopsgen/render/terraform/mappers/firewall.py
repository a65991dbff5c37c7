"""Terraform for security groups and their rules."""

from __future__ import annotations

from kopsgen.ir.firewall import ALL_PROTOCOLS, DefaultSecurityGroup, SecurityGroup, SecurityGroupRule
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body

ANY_PORT_LOW, ANY_PORT_HIGH = 0, 65535


@mapper(SecurityGroup, "aws_security_group")
def map_security_group(r: SecurityGroup, ctx: TfContext) -> dict:
    return {"name": r.name, "vpc_id": ctx.ref(r.vpc), "description": r.description, **tags_body(r.tags)}


@mapper(SecurityGroupRule, "aws_security_group_rule")
def map_security_group_rule(r: SecurityGroupRule, ctx: TfContext) -> dict:
    body: dict = {"type": r.direction, "security_group_id": ctx.ref(r.group), "description": r.description}
    if r.protocol == ALL_PROTOCOLS:
        body.update(protocol="-1", from_port=0, to_port=0)
    else:
        # the provider requires both ports; a protocol without ports takes the whole range, as kops writes it
        body.update(protocol=r.protocol,
                    from_port=ANY_PORT_LOW if r.from_port is None else r.from_port,
                    to_port=ANY_PORT_HIGH if r.to_port is None else r.to_port)
    if r.source_group is not None:
        body["source_security_group_id"] = ctx.ref(r.source_group)
    if r.cidr_block:
        body["cidr_blocks"] = [r.cidr_block]
    if r.ipv6_cidr_block:
        body["ipv6_cidr_blocks"] = [r.ipv6_cidr_block]
    if r.prefix_list_id:
        body["prefix_list_ids"] = [r.prefix_list_id]
    return body


@mapper(DefaultSecurityGroup, "aws_default_security_group")
def map_default_security_group(r: DefaultSecurityGroup, ctx: TfContext) -> dict:
    # no ingress or egress blocks: Terraform removes every rule the group has (on destroy, it only
    # forgets the group, which goes with its VPC)
    return {"vpc_id": ctx.ref(r.vpc), **tags_body(r.tags)}
