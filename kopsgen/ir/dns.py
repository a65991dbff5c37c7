"""DNS resources: the hosted zone the cluster publishes into, and its alias records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Link, Ref, Resource


class _Dns(Resource):
    category: ClassVar[str] = "dns"


@dataclass(frozen=True, kw_only=True)
class SharedHostedZone(_Dns):
    """An existing Route53 hosted zone, found by its domain name when the configuration is applied
    (kopsgen never calls AWS while rendering). A zone given by ID needs no lookup: it is an External."""

    zone_name: str
    private: bool = False


@dataclass(frozen=True, kw_only=True)
class AliasRecord(_Dns):
    """An A or AAAA record that aliases a load balancer."""

    zone: Link
    record_name: str
    record_type: str               # A | AAAA
    target_dns_name: Ref
    target_zone_id: Ref
    evaluate_target_health: bool = False


@dataclass(frozen=True, kw_only=True)
class PrivateZoneAssociation(_Dns):
    """The cluster's new VPC joined to the private hosted zone, so that its instances resolve the names
    the cluster publishes there. A VPC the cluster shares (`networkID`) is the user's to associate."""

    zone: Link
    vpc: Link
