"""Terraform for the hosted zone lookup and alias records."""

from __future__ import annotations

from kopsgen.ir.dns import AliasRecord, PrivateZoneAssociation, SharedHostedZone
from kopsgen.ir.base import External, Link
from kopsgen.render.terraform.hcl import Blocks, Expr
from kopsgen.render.terraform.registry import TfContext, mapper

ZONE_PREFIX = "/hostedzone/"


@mapper(SharedHostedZone, "aws_route53_zone", data_source=True)
def map_shared_hosted_zone(r: SharedHostedZone, ctx: TfContext) -> dict:
    return {"name": r.zone_name, "private_zone": r.private}


@mapper(AliasRecord, "aws_route53_record")
def map_alias_record(r: AliasRecord, ctx: TfContext) -> dict:
    return {"name": r.record_name, "type": r.record_type, "zone_id": _record_zone(r.zone, ctx),
            "alias": Blocks.of({"name": ctx.ref(r.target_dns_name), "zone_id": ctx.ref(r.target_zone_id),
                                "evaluate_target_health": r.evaluate_target_health})}


@mapper(PrivateZoneAssociation, "aws_route53_zone_association")
def map_private_zone_association(r: PrivateZoneAssociation, ctx: TfContext) -> dict:
    return {"vpc_id": ctx.ref(r.vpc), "zone_id": ctx.ref(r.zone)}


def _record_zone(zone: Link, ctx: TfContext):
    """The record's zone as kops spells it, `/hostedzone/<id>`. The provider compares zone_id as text and a new
    zone_id means a new record, so the bare ID (what the zone lookup gives) would delete and re-create the API's
    DNS records of every cluster moved from kops (measured: tests/lifecycle/test_migrate_moto.py). AWS takes either."""
    if isinstance(zone, External):
        return ZONE_PREFIX + zone.id
    return Expr(f'"{ZONE_PREFIX}${{{ctx.ref(zone).text}}}"')
