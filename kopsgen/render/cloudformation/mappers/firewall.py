"""CloudFormation for security groups and their rules.

A security group CloudFormation creates without egress rules gets AWS's default "all outbound IPv4"
rule, and adding the same rule as a SecurityGroupEgress resource then fails as a duplicate.
Terraform removes that default and creates the rules it is given. To end up with exactly the
graph's rules, the egress rules of a group the cluster owns are written inside the group
(`SecurityGroupEgress`), which replaces the default; ingress rules, and egress rules of groups
that already exist, are resources of their own.
"""

from __future__ import annotations

from troposphere import GetAtt, ec2

from kopsgen.ir.base import Ref as IrRef
from kopsgen.ir.firewall import ALL_PROTOCOLS, EGRESS, DefaultSecurityGroup, SecurityGroup, SecurityGroupRule
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, tags

_WITH_PORTS = ("tcp", "udp", "icmp", "icmpv6")


def _protocol_and_ports(r: SecurityGroupRule) -> dict:
    if r.protocol == ALL_PROTOCOLS:
        return {"IpProtocol": "-1"}
    if r.protocol not in _WITH_PORTS:
        return {"IpProtocol": r.protocol}   # an IP protocol number: AWS ignores ports (cfn-lint W3687)
    # for ICMP the two numbers are the type and the code, as in Terraform
    return {"IpProtocol": r.protocol, "FromPort": r.from_port, "ToPort": r.to_port}


def _checked(r: SecurityGroupRule) -> bool:
    """troposphere insists on ports for every protocol but "all" and ICMPv6, which CloudFormation does not."""
    return r.protocol in _WITH_PORTS or r.protocol == ALL_PROTOCOLS


def _peer(r: SecurityGroupRule, ctx: CfnContext, egress: bool) -> dict:
    if r.source_group is not None:
        return {("DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"): ctx.ref(r.source_group)}
    if r.cidr_block:
        return {"CidrIp": r.cidr_block}
    if r.ipv6_cidr_block:
        return {"CidrIpv6": r.ipv6_cidr_block}
    return {("DestinationPrefixListId" if egress else "SourcePrefixListId"): r.prefix_list_id}


def _inline_egress(r: SecurityGroupRule) -> bool:
    return r.direction == EGRESS and isinstance(r.group, IrRef) and r.group.kind is SecurityGroup


@mapper(SecurityGroup, attributes={"id": get_att("GroupId")})
def map_security_group(r: SecurityGroup, ctx: CfnContext):
    egress = [rule for rule in ctx.graph.of_kind(SecurityGroupRule)
              if _inline_egress(rule) and rule.group.name == r.name]
    props: dict = {"GroupName": r.name, "GroupDescription": r.description, "VpcId": ctx.ref(r.vpc), **tags(r.tags)}
    if egress:
        props["SecurityGroupEgress"] = [
            ec2.SecurityGroupRule(Description=rule.description, **_protocol_and_ports(rule), **_peer(rule, ctx, True),
                                  validation=_checked(rule))
            for rule in egress]
    return [ec2.SecurityGroup(ctx.logical_id(r), **props)]


@mapper(SecurityGroupRule)
def map_security_group_rule(r: SecurityGroupRule, ctx: CfnContext):
    if _inline_egress(r):
        return []   # written inside its group (see the module's docstring)
    props = {"GroupId": ctx.ref(r.group), "Description": r.description, **_protocol_and_ports(r)}
    if r.direction == EGRESS:
        return [ec2.SecurityGroupEgress(ctx.logical_id(r), **props, **_peer(r, ctx, True), validation=_checked(r))]
    return [ec2.SecurityGroupIngress(ctx.logical_id(r), **props, **_peer(r, ctx, False), validation=_checked(r))]




def _default_group_id(ctx: CfnContext, r: DefaultSecurityGroup):
    return GetAtt(ctx.logical_id(ctx.graph.get(r.vpc.kind, r.vpc.name)), "DefaultSecurityGroup")


@mapper(DefaultSecurityGroup, attributes={"id": _default_group_id})
def map_default_security_group(r: DefaultSecurityGroup, ctx: CfnContext):
    # CloudFormation has no resource that manages a VPC's default group (only a Lambda-backed custom
    # resource could empty it). The group's ID is an output, and DEPLOY.md gives the commands that
    # remove its rules once the stack exists (deploy_guide.py).
    return []
