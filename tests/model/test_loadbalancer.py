"""API and bastion load balancers, DNS records and the SSH key pair, on the graph."""

from __future__ import annotations

import pytest

from kopsgen.errors import SpecError
from kopsgen.ir import naming
from kopsgen.ir.base import External, Ref
from kopsgen.ir.dns import AliasRecord, PrivateZoneAssociation, SharedHostedZone
from kopsgen.ir.firewall import SecurityGroup, SecurityGroupRule
from kopsgen.ir.loadbalancer import LoadBalancerListener, NetworkLoadBalancer, SubnetMapping, TargetGroup
from kopsgen.ir.network import Subnet, Vpc
from kopsgen.ir.sshkey import KeyPair
from kopsgen.model.context import ModelContext
from kopsgen.model.loadbalancer import target_groups_of
from kopsgen.model.sshkey import key_pair_of
from kopsgen.spec import sshkey
from tests.support import specs
from tests.support.paths import REFERENCE
from tests.support.specs import NO_BOOTSTRAP, CLUSTER, instance_group

API_ELB = Ref(SecurityGroup, f"api-elb.{CLUSTER}")
MASTERS = Ref(SecurityGroup, f"masters.{CLUSTER}")
NODES = Ref(SecurityGroup, f"nodes.{CLUSTER}")


def _lb(spec: dict, **load_balancer) -> None:
    spec["api"] = {"loadBalancer": {"type": "Public", "class": "Network", **load_balancer}}


def _graph(tmp_path, edit):
    return specs.build(specs.load(tmp_path, edit))


def _rules_on(graph, group) -> dict[str, SecurityGroupRule]:
    return {r.name: r for r in graph.of_kind(SecurityGroupRule) if r.group == group}


@pytest.mark.parametrize("prefix,cluster,expected", [
    # names from kops's own kubernetes.tf for its reference clusters
    ("api", "privatecalico.example.com", "api-privatecalico-example-0uch4k"),
    ("tcp", "minimal-ipv6.example.com", "tcp-minimal-ipv6-example--bne5ih"),
    ("kops-controller", "minimal.example.com", "kops-controller-minimal-e-uvauf3"),
    ("tls", "complex.example.com", "tls-complex-example-com-5nursn"),
    ("bastion", "bastionuserdata.example.com", "bastion-bastionuserdata-e-4grhsv"),
])
def test_aws_names_truncate_and_hash_like_kops(prefix, cluster, expected):
    assert naming.aws_name32(prefix, cluster) == expected
    assert len(naming.aws_name32(prefix, "a" * 200 + ".example.com")) == 32


def test_no_load_balancer_without_spec(tmp_path):
    graph = _graph(tmp_path, None)
    assert graph.of_kind(NetworkLoadBalancer) == graph.of_kind(TargetGroup) == []
    assert graph.of_kind(LoadBalancerListener) == graph.of_kind(AliasRecord) == []
    assert f"api-elb.{CLUSTER}" not in [g.name for g in graph.of_kind(SecurityGroup)]


def test_public_api_load_balancer(tmp_path):
    graph = _graph(tmp_path, lambda spec, groups: _lb(spec))
    [nlb] = graph.of_kind(NetworkLoadBalancer)
    assert nlb.name == f"api.{CLUSTER}"
    assert nlb.load_balancer_name == naming.aws_name32("api", CLUSTER)
    assert (nlb.internal, nlb.cross_zone, nlb.dualstack, nlb.access_log) == (False, False, False, None)
    assert nlb.subnet_mappings == (SubnetMapping(Ref(Subnet, f"us-east-1a.{CLUSTER}")),)
    assert nlb.security_groups == (API_ELB,)
    assert nlb.tags["Name"] == f"api.{CLUSTER}"
    [tcp] = graph.of_kind(TargetGroup)
    assert (tcp.name, tcp.port, tcp.protocol, tcp.health_check.protocol) == (naming.aws_name32("tcp", CLUSTER),
                                                                             443, "TCP", "TCP")
    [listener] = graph.of_kind(LoadBalancerListener)
    assert (listener.name, listener.port, listener.protocol, listener.target_group) == (
        f"api.{CLUSTER}-443", 443, "TCP", tcp.ref())
    # 443 reaches the load balancer from kubernetesApiAccess, and the control plane only through it
    lb_rules = _rules_on(graph, API_ELB)
    assert lb_rules[f"from-0.0.0.0/0-ingress-tcp-443to443-api-elb.{CLUSTER}"].cidr_block == "0.0.0.0/0"
    assert lb_rules["icmp-pmtu-api-elb-0.0.0.0/0"].protocol == "icmp"
    assert "icmpv6-pmtu-api-elb-0.0.0.0/0" not in lb_rules  # an IPv4 CIDR needs no ICMPv6 rule
    cp_rules = _rules_on(graph, MASTERS)
    assert cp_rules["https-elb-to-master"].source_group == API_ELB
    assert not [r for r in cp_rules.values() if r.cidr_block and r.from_port == 443]
    # the records point at it
    records = {r.name: r for r in graph.of_kind(AliasRecord)}
    assert sorted(records) == [f"api.{CLUSTER}", f"api.{CLUSTER}-AAAA"]
    assert records[f"api.{CLUSTER}"].target_dns_name == Ref(NetworkLoadBalancer, f"api.{CLUSTER}", "dns_name")
    assert records[f"api.{CLUSTER}"].zone == Ref(SharedHostedZone, "example.com", "zone_id")


def test_tls_certificate_adds_tls_target_group_and_secondary_listener(tmp_path):
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    graph = _graph(tmp_path, lambda spec, groups: _lb(spec, sslCertificate=cert))
    groups = {g.name.split("-")[0]: g for g in graph.of_kind(TargetGroup)}
    assert sorted(groups) == ["tcp", "tls"]
    assert groups["tls"].protocol == "TLS" and groups["tls"].port == 443
    listeners = {listener.port: listener for listener in graph.of_kind(LoadBalancerListener)}
    assert (listeners[443].protocol, listeners[443].certificate_arn, listeners[443].ssl_policy,
            listeners[443].target_group) == ("TLS", cert, "ELBSecurityPolicy-2016-08", groups["tls"].ref())
    assert (listeners[8443].protocol, listeners[8443].certificate_arn, listeners[8443].target_group) == (
        "TCP", None, groups["tcp"].ref())
    assert _rules_on(graph, MASTERS)["tcp-api-cp"].from_port == 8443
    assert f"from-0.0.0.0/0-ingress-tcp-8443to8443-api-elb.{CLUSTER}" in _rules_on(graph, API_ELB)


@pytest.mark.parametrize("dns,network_id,associated", [
    ("Private", None, True),               # the new VPC must see the zone the API's internal name is in
    ("Private", "vpc-0123456789", False),  # a shared VPC is the user's (it may be associated already)
    ("Public", None, False),
])
def test_a_private_zone_is_associated_with_the_vpc_the_cluster_creates(tmp_path, dns, network_id, associated):
    def edit(spec, groups):
        _lb(spec)
        spec["topology"] = {"dns": {"type": dns}}
        spec["dnsZone"] = "internal.example.com"
        if network_id:
            spec["networkID"] = network_id

    graph = _graph(tmp_path, edit)
    zone = Ref(SharedHostedZone, "internal.example.com", "zone_id")
    assert graph.get(SharedHostedZone, "internal.example.com").private == (dns == "Private")
    expected = [PrivateZoneAssociation(name="internal-example-com", zone=zone, vpc=Ref(Vpc, CLUSTER))]
    assert graph.of_kind(PrivateZoneAssociation) == (expected if associated else [])
    assert graph.outputs.get("private_hosted_zone_id") == (zone if associated else None)


def test_no_dns_sends_kops_controller_through_the_load_balancer(tmp_path):
    def edit(spec, groups):
        _lb(spec)
        spec["topology"] = {"dns": {"type": "None"}}

    spec = specs.load(tmp_path, edit)
    graph = specs.build(spec)
    assert graph.of_kind(AliasRecord) == [] and graph.of_kind(SharedHostedZone) == []
    [nlb] = graph.of_kind(NetworkLoadBalancer)
    assert nlb.cross_zone
    kc = next(g for g in graph.of_kind(TargetGroup) if g.port == 3988)
    assert (kc.health_check.protocol, kc.health_check.path) == ("HTTPS", "/healthz")
    assert {listener.port for listener in graph.of_kind(LoadBalancerListener)} == {443, 3988}
    assert _rules_on(graph, API_ELB)["node-to-elb"].source_group == NODES
    assert _rules_on(graph, MASTERS)["kops-controller-elb-to-cp"].from_port == 3988
    ctx = ModelContext(spec, NO_BOOTSTRAP)
    assert target_groups_of(ctx, spec.instance_group("control-plane-us-east-1a")) == tuple(sorted(
        (Ref(TargetGroup, naming.aws_name32("tcp", CLUSTER)),
         Ref(TargetGroup, naming.aws_name32("kops-controller", CLUSTER))), key=lambda r: r.name))
    assert target_groups_of(ctx, spec.instance_group("nodes")) == ()


def test_internal_load_balancer_prefers_private_subnets_of_the_control_plane(tmp_path):
    def edit(spec, groups):
        _lb(spec, type="Internal")
        spec["subnets"] = [
            {"name": "a-private", "zone": "us-east-1a", "type": "Private", "cidr": "172.20.32.0/19"},
            {"name": "a-other", "zone": "us-east-1a", "type": "Private", "cidr": "172.20.64.0/19"},
            {"name": "b-private", "zone": "us-east-1b", "type": "Private", "cidr": "172.20.96.0/19"},
            {"name": "utility-a", "zone": "us-east-1a", "type": "Utility", "cidr": "172.20.0.0/22"},
            {"name": "utility-b", "zone": "us-east-1b", "type": "Utility", "cidr": "172.20.4.0/22"},
        ]
        groups[0]["spec"]["subnets"] = ["a-other"]
        groups[1]["spec"]["subnets"] = ["a-private", "b-private"]

    graph = _graph(tmp_path, edit)
    [nlb] = graph.of_kind(NetworkLoadBalancer)
    assert nlb.internal
    # one subnet per zone; a-other wins in us-east-1a because the control plane runs there
    assert [m.subnet.name for m in nlb.subnet_mappings] == [f"a-other.{CLUSTER}", f"b-private.{CLUSTER}"]
    assert {r.name for r in graph.of_kind(AliasRecord)} == {f"api.{CLUSTER}", f"api.{CLUSTER}-AAAA"}


def test_load_balancer_for_internal_api_publishes_the_internal_name(tmp_path):
    graph = _graph(tmp_path, lambda spec, groups: _lb(spec, useForInternalApi=True))
    records = {r.name: r for r in graph.of_kind(AliasRecord)}
    assert set(records) == {f"api.{CLUSTER}", f"api.{CLUSTER}-AAAA", f"api.internal.{CLUSTER}",
                            f"api.internal.{CLUSTER}-AAAA"}
    assert records[f"api.internal.{CLUSTER}-AAAA"].record_type == "AAAA"
    assert records[f"api.internal.{CLUSTER}"].target_zone_id == Ref(NetworkLoadBalancer, f"api.{CLUSTER}", "zone_id")


def test_explicit_subnets_access_log_extra_groups_and_override(tmp_path):
    def edit(spec, groups):
        _lb(spec, subnets=[{"name": "us-east-1a", "allocationId": "eipalloc-0123"}],
            accessLog={"bucket": "logs", "bucketPrefix": "api"}, crossZoneLoadBalancing=True,
            securityGroupOverride="sg-mine", additionalSecurityGroups=["sg-more"])

    graph = _graph(tmp_path, edit)
    [nlb] = graph.of_kind(NetworkLoadBalancer)
    assert nlb.subnet_mappings == (SubnetMapping(Ref(Subnet, f"us-east-1a.{CLUSTER}"), "eipalloc-0123"),)
    assert (nlb.access_log.bucket, nlb.access_log.prefix, nlb.cross_zone) == ("logs", "api", True)
    assert nlb.security_groups == (External("sg-mine"), External("sg-more"))
    # the override group is the user's: not created, but kops's rules still go on it
    assert f"api-elb.{CLUSTER}" not in [g.name for g in graph.of_kind(SecurityGroup)]
    assert _rules_on(graph, External("sg-mine"))[f"from-0.0.0.0/0-ingress-tcp-443to443-api-elb.{CLUSTER}"]
    assert _rules_on(graph, MASTERS)["https-elb-to-master"].source_group == External("sg-mine")


def test_internal_load_balancer_with_fixed_private_address(tmp_path):
    def edit(spec, groups):
        _lb(spec, type="Internal", subnets=[{"name": "private-a", "privateIPv4Address": "172.20.64.10"}])
        spec["subnets"] = [{"name": "private-a", "zone": "us-east-1a", "type": "Private", "cidr": "172.20.64.0/19"},
                           {"name": "utility-a", "zone": "us-east-1a", "type": "Utility", "cidr": "172.20.0.0/22"}]
        for group in groups:
            group["spec"]["subnets"] = ["private-a"]

    [nlb] = _graph(tmp_path, edit).of_kind(NetworkLoadBalancer)
    assert nlb.internal
    assert nlb.subnet_mappings == (SubnetMapping(Ref(Subnet, f"private-a.{CLUSTER}"), None, "172.20.64.10"),)


def test_dualstack_only_when_every_subnet_has_ipv6(tmp_path):
    def edit(spec, groups):
        _lb(spec)
        spec["subnets"][0]["ipv6CIDR"] = "2001:db8:0:111::/64"

    [nlb] = _graph(tmp_path, edit).of_kind(NetworkLoadBalancer)
    assert nlb.dualstack


def test_bastion_load_balancer_and_dns_name(tmp_path):
    def edit(spec, groups):
        spec["subnets"].append({"name": "utility-us-east-1a", "zone": "us-east-1a", "type": "Utility",
                                "cidr": "172.20.4.0/22"})
        spec["topology"] = {"bastion": {"bastionPublicName": f"bastion.{CLUSTER}",
                                        "loadBalancer": {"additionalSecurityGroups": ["sg-b"]}}}
        spec["dnsZone"] = "Z0123456789ABC"
        groups.append(instance_group("bastions", "Bastion", ["utility-us-east-1a"]))

    spec = specs.load(tmp_path, edit)
    graph = specs.build(spec)
    [nlb] = graph.of_kind(NetworkLoadBalancer)
    assert (nlb.name, nlb.internal) == (f"bastion.{CLUSTER}", False)
    # utility beats public in the same zone
    assert [m.subnet.name for m in nlb.subnet_mappings] == [f"utility-us-east-1a.{CLUSTER}"]
    assert nlb.security_groups == (Ref(SecurityGroup, f"bastion-elb.{CLUSTER}"), External("sg-b"))
    [tg] = graph.of_kind(TargetGroup)
    [listener] = graph.of_kind(LoadBalancerListener)
    assert (tg.port, listener.port, listener.target_group) == (22, 22, tg.ref())
    assert target_groups_of(ModelContext(spec, NO_BOOTSTRAP), spec.instance_group("bastions")) == (tg.ref(),)
    records = {r.name: r for r in graph.of_kind(AliasRecord)}
    assert sorted(records) == [f"bastion.{CLUSTER}", f"bastion.{CLUSTER}-AAAA"]
    # a zone ID is used as it is: no lookup
    assert records[f"bastion.{CLUSTER}"].zone == External("Z0123456789ABC")
    assert graph.of_kind(SharedHostedZone) == []


# ---------------------------------------------------------------- SSH key

REFERENCE_KEY = (REFERENCE / "privatecalico" / "id_rsa.pub").read_text()


def test_fingerprint_matches_kops_key_pair_name():
    # kops named this key kubernetes.<cluster>-c4:a6:… in its reference kubernetes.tf
    assert sshkey.fingerprint(REFERENCE_KEY) == "c4:a6:ed:9a:a8:89:b9:e2:c3:9c:d6:63:eb:9c:71:57"


def test_key_from_the_file_beside_the_spec(tmp_path):
    (tmp_path / "id_rsa.pub").write_text(REFERENCE_KEY)
    spec = specs.load(tmp_path)
    graph = specs.build(spec)
    [key] = graph.of_kind(KeyPair)
    assert key.name == f"kubernetes.{CLUSTER}-c4:a6:ed:9a:a8:89:b9:e2:c3:9c:d6:63:eb:9c:71:57"
    assert key.public_key == REFERENCE_KEY.strip()
    assert key.tags["Name"] == CLUSTER
    assert key_pair_of(ModelContext(spec, NO_BOOTSTRAP)) == key.ref()


def test_key_from_the_spec_field(tmp_path):
    spec = specs.load(tmp_path, lambda s, g: s.update(sshPublicKey=REFERENCE_KEY.strip() + " me@example.com"))
    [key] = specs.build(spec).of_kind(KeyPair)
    assert key.name.endswith("-c4:a6:ed:9a:a8:89:b9:e2:c3:9c:d6:63:eb:9c:71:57")


@pytest.mark.parametrize("key_name,expected", [("", None), ("my-existing-key", External("my-existing-key"))])
def test_ssh_key_name_wins_over_a_key_file(tmp_path, key_name, expected):
    (tmp_path / "id_rsa.pub").write_text(REFERENCE_KEY)
    spec = specs.load(tmp_path, lambda s, g: s.update(sshKeyName=key_name))
    assert specs.build(spec).of_kind(KeyPair) == []
    assert key_pair_of(ModelContext(spec, NO_BOOTSTRAP)) == expected


def test_no_key_at_all(tmp_path):
    spec = specs.load(tmp_path)
    assert specs.build(spec).of_kind(KeyPair) == []
    assert key_pair_of(ModelContext(spec, NO_BOOTSTRAP)) is None


def test_bad_key_file_is_a_clear_error(tmp_path):
    (tmp_path / "id_rsa.pub").write_text("ssh-rsa bm90IGFuIHJzYSBrZXk= me\n")
    with pytest.raises(SpecError) as raised:
        specs.load(tmp_path)
    [error] = raised.value.errors
    assert (error.file, error.line, error.path) == (str(tmp_path / "id_rsa.pub"), 1, "id_rsa.pub")
    assert "does not match its type" in error.message


def test_unsupported_key_type_in_the_spec_names_the_field(tmp_path):
    ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg="
    with pytest.raises(SpecError) as raised:
        specs.load(tmp_path, lambda s, g: s.update(sshPublicKey=ecdsa))
    assert any(e.path == "spec.sshPublicKey" and e.line > 1 for e in raised.value.errors)
