"""Route53 alias records for the load balancers, where kops publishes them.

kops writes `api.<cluster>` (A and AAAA) pointing at the API load balancer, `api.internal.<cluster>`
when the load balancer also serves the cluster's own API traffic (`useForInternalApi`), and the
bastion's public name when one is set. Nothing is published with `topology.dns.type: None`, and
without a load balancer the records are dns-controller's business, not the infrastructure's.

The hosted zone must exist already (kops refuses to create one for Terraform too); ModelContext
.hosted_zone() decides which zone it is, for these records and for the IAM policies alike.
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.base import Ref
from kopsgen.ir.dns import AliasRecord, PrivateZoneAssociation
from kopsgen.ir.loadbalancer import NetworkLoadBalancer
from kopsgen.model.context import ModelContext
from kopsgen.model.loadbalancer import API, BASTION
from kopsgen.spec import api

RECORD_TYPES = ("A", "AAAA")


def published_names(ctx: ModelContext) -> list[tuple[str, str]]:
    """(DNS name, load balancer prefix) of every alias record, in kops's order, without duplicates."""
    cluster = ctx.cluster
    if cluster.dns_type == api.DNS_NONE:
        return []
    names: list[tuple[str, str]] = []
    if cluster.api_load_balancer is not None:
        names.append((cluster.master_public_name, API))
        if cluster.api_load_balancer.use_for_internal_api:
            names.append((naming.api_internal_dns_name(ctx.name), API))
    if ctx.spec.bastion_groups and cluster.bastion_public_name:
        names.append((cluster.bastion_public_name, BASTION))
    return list(dict.fromkeys(names))


def build_dns(ctx: ModelContext) -> None:
    _associate_private_zone(ctx)
    records = published_names(ctx)
    if not records:
        return
    zone = ctx.hosted_zone()
    assert zone is not None  # published_names is empty without DNS
    for record_name, lb_prefix in records:
        nlb = naming.load_balancer(lb_prefix, ctx.name)
        for record_type in RECORD_TYPES:
            ctx.graph.add(AliasRecord(
                name=naming.dns_record(record_name, record_type), zone=zone, record_name=record_name,
                record_type=record_type, target_dns_name=Ref(NetworkLoadBalancer, nlb, "dns_name"),
                target_zone_id=Ref(NetworkLoadBalancer, nlb, "zone_id")))


def _associate_private_zone(ctx: ModelContext) -> None:
    """A private zone answers only inside the VPCs associated with it: without this, nodes could not
    resolve the API's internal name that dns-controller publishes there."""
    cluster = ctx.cluster
    if cluster.dns_type != api.DNS_PRIVATE or cluster.network_id:
        return
    zone = ctx.hosted_zone()
    assert zone is not None
    name = naming.zone_association(ctx.dns_zone().rstrip("."))
    ctx.graph.add(PrivateZoneAssociation(name=name, zone=zone, vpc=ctx.vpc()))
    ctx.graph.output("private_hosted_zone_id", zone)
