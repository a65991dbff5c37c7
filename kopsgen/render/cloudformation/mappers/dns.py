"""CloudFormation for the hosted zone and alias records.

Terraform finds a hosted zone by name at plan time; a template takes its ID as a parameter (typed,
so CloudFormation checks that the zone exists), and every record and policy reads that one value.
"""

from __future__ import annotations

from troposphere import route53

from kopsgen.ir.dns import AliasRecord, PrivateZoneAssociation, SharedHostedZone
from kopsgen.render.cloudformation.registry import CfnContext, mapper


def _zone_id(ctx: CfnContext, r: SharedHostedZone):
    kind = "private" if r.private else "public"
    return ctx.parameter(ctx.logical_id(r), Type="AWS::Route53::HostedZone::Id",
                         Description=f"The ID of the {kind} Route53 hosted zone {r.zone_name}.")


@mapper(SharedHostedZone, id_prefix="HostedZoneId", attributes={"id": _zone_id, "zone_id": _zone_id})
def map_shared_hosted_zone(r: SharedHostedZone, ctx: CfnContext):
    return []


@mapper(AliasRecord, id_prefix="Record")
def map_alias_record(r: AliasRecord, ctx: CfnContext):
    return [route53.RecordSetType(
        ctx.logical_id(r), HostedZoneId=ctx.ref(r.zone), Name=r.record_name, Type=r.record_type,
        AliasTarget=route53.AliasTarget(DNSName=ctx.ref(r.target_dns_name), HostedZoneId=ctx.ref(r.target_zone_id),
                                        EvaluateTargetHealth=r.evaluate_target_health))]


@mapper(PrivateZoneAssociation)
def map_private_zone_association(r: PrivateZoneAssociation, ctx: CfnContext):
    # CloudFormation can only associate VPCs with a zone it creates itself. The zone's ID is an output,
    # and DEPLOY.md gives the command that associates the stack's VPC (deploy_guide.py).
    return []
