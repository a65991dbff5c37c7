"""Terraform for the hosted zone lookup and alias records."""

from __future__ import annotations

from kopsgen.ir.dns import AliasRecord, PrivateZoneAssociation, SharedHostedZone
from kopsgen.render.terraform.hcl import Blocks
from kopsgen.render.terraform.registry import TfContext, mapper


@mapper(SharedHostedZone, "aws_route53_zone", data_source=True)
def _(r: SharedHostedZone, ctx: TfContext) -> dict:
    return {"name": r.zone_name, "private_zone": r.private}


@mapper(AliasRecord, "aws_route53_record")
def _(r: AliasRecord, ctx: TfContext) -> dict:
    return {"name": r.record_name, "type": r.record_type, "zone_id": ctx.ref(r.zone),
            "alias": Blocks.of({"name": ctx.ref(r.target_dns_name), "zone_id": ctx.ref(r.target_zone_id),
                                "evaluate_target_health": r.evaluate_target_health})}


@mapper(PrivateZoneAssociation, "aws_route53_zone_association")
def _(r: PrivateZoneAssociation, ctx: TfContext) -> dict:
    return {"vpc_id": ctx.ref(r.vpc), "zone_id": ctx.ref(r.zone)}
