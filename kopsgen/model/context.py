"""What every builder shares: the completed spec, its bootstrap, the graph being built, and links to common
resources."""

from __future__ import annotations

from dataclasses import dataclass, field

from kopsgen.bootstrap import ClusterBootstrap
from kopsgen.ir import naming
from kopsgen.ir.base import External, Graph, Ipv6BlockOf, Link, Ref
from kopsgen.ir.dns import SharedHostedZone
from kopsgen.ir.network import SharedVpc, Subnet, Vpc
from kopsgen.spec.api import DNS_NONE, DNS_PRIVATE, Cluster, ClusterSpec
from kopsgen.spec.api.network import aws_partition


@dataclass
class ModelContext:
    spec: ClusterSpec
    bootstrap: ClusterBootstrap   # the render session's: each group's user data, the state-store files
    graph: Graph = field(default_factory=Graph)

    @property
    def cluster(self) -> Cluster:
        return self.spec.cluster

    @property
    def name(self) -> str:
        return self.spec.cluster.name

    def tags(self, name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Tags of a resource the cluster owns (cloudLabels + kops's tags + extra)."""
        return naming.owned_tags(self.name, name, self.cluster.cloud_labels, extra)

    def vpc(self) -> Link:
        if self.cluster.network_id:
            return External(self.cluster.network_id)
        return Ref(Vpc, naming.vpc(self.name))

    def vpc_attribute(self, attr: str) -> Ref:
        """An attribute of the VPC (cidr_block, ipv6_cidr_block) that works for owned and shared VPCs."""
        if self.cluster.network_id:
            return Ref(SharedVpc, naming.vpc(self.name), attr)
        return Ref(Vpc, naming.vpc(self.name), attr)

    def subnet_ipv6_block(self, ipv6_cidr: str | None) -> str | Ipv6BlockOf | None:
        """A subnet's `ipv6CIDR`: a CIDR as given, or kops's `/SIZE#N` (hexadecimal N) as the N-th block
        of that size in the VPC's IPv6 range, which AWS assigns when the VPC is created."""
        if not ipv6_cidr or not ipv6_cidr.startswith("/"):
            return ipv6_cidr
        size, netnum = ipv6_cidr[1:].split("#")
        return Ipv6BlockOf(self.vpc_attribute("ipv6_cidr_block"), int(size), int(netnum, 16))

    def subnet(self, subnet_name: str) -> Link:
        spec = self.cluster.subnet(subnet_name)
        if spec.id:
            return External(spec.id)
        return Ref(Subnet, naming.subnet(subnet_name, self.name))

    @property
    def partition(self) -> str:
        return aws_partition(self.cluster.region)

    def dns_zone(self) -> str:
        """`dnsZone` as given (a zone name or ID), or the cluster name's parent domain."""
        cluster = self.cluster
        return cluster.dns_zone or cluster.name.partition(".")[2] or cluster.name

    def hosted_zone(self) -> Link | None:
        """The Route53 zone the cluster publishes its names into; None for `topology.dns.type: None`.

        `dnsZone` without a dot is a zone ID (kops's rule) and is used as is (External). A zone name
        (or, when `dnsZone` is unset, the cluster name's parent domain) is looked up when the
        configuration is applied: the SharedHostedZone lookup is added on first use, so every builder
        that needs the zone (DNS records, IAM policies) shares one lookup.
        """
        if self.cluster.dns_type == DNS_NONE:
            return None
        zone = self.dns_zone()
        if "." not in zone:
            return External(zone.removeprefix("/").removeprefix("hostedzone/"))
        zone = zone.rstrip(".")
        name = naming.hosted_zone(zone)
        if self.graph.find(SharedHostedZone, name) is None:
            self.graph.add(SharedHostedZone(name=name, zone_name=zone, private=self.cluster.dns_type == DNS_PRIVATE))
        return Ref(SharedHostedZone, name, "zone_id")
