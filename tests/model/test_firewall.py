"""Security groups and rules on the graph: which exist, what they admit, and that each says why."""

from __future__ import annotations

import re

import pytest

from kopsgen import pipeline
from kopsgen.ir.base import External, Ref
from kopsgen.ir.firewall import ALL_PROTOCOLS, EGRESS, INGRESS, SecurityGroup, SecurityGroupRule
from kopsgen.model.context import ModelContext
from kopsgen.model.firewall import security_groups_of
from tests.support import specs
from tests.support.paths import case_input, reference_cases
from tests.support.specs import NO_BOOTSTRAP, CLUSTER, instance_group

MASTERS = f"masters.{CLUSTER}"
NODES = f"nodes.{CLUSTER}"
ETCD_PORTS = (2380, 2381, 4001, 4002)  # etcd-main/events peers and clients: never reachable from nodes
# What EC2 accepts in a rule description (AuthorizeSecurityGroupIngress, IpRange.Description).
EC2_DESCRIPTION = re.compile(r"^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$")


def _graph(tmp_path, edit=None):
    return specs.build(specs.load(tmp_path, edit))


def _rules(graph) -> list[SecurityGroupRule]:
    return graph.of_kind(SecurityGroupRule)


def _admits_port(rule: SecurityGroupRule, protocol: str, port: int) -> bool:
    if rule.protocol == ALL_PROTOCOLS:
        return True
    if rule.protocol != protocol:
        return False
    return rule.from_port <= port <= rule.to_port


@pytest.mark.parametrize("case", reference_cases())
def test_every_rule_of_every_reference_case_has_a_description_ec2_accepts(case):
    graph = specs.build(pipeline.load_spec([case_input(case)]))
    rules = _rules(graph)
    assert rules
    for rule in rules:
        assert EC2_DESCRIPTION.match(rule.description), (rule.name, rule.description)


@pytest.mark.parametrize("case", reference_cases())
def test_no_node_reaches_etcd_on_the_control_plane(case):
    graph = specs.build(pipeline.load_spec([case_input(case)]))
    cluster = pipeline.load_spec([case_input(case)]).cluster.name
    masters, nodes = Ref(SecurityGroup, f"masters.{cluster}"), Ref(SecurityGroup, f"nodes.{cluster}")
    from_nodes = [r for r in _rules(graph) if r.group == masters and r.source_group == nodes]
    assert from_nodes, "nodes must reach the control plane (API, kubelet, DNS)"
    for port in ETCD_PORTS:
        assert not [r.name for r in from_nodes if _admits_port(r, "tcp", port)], port
    # and everything else a node needs from the control plane stays open
    for port in (443, 3988, 10250, 2379, 2382, 4003, 65535):
        assert any(_admits_port(r, "tcp", port) for r in from_nodes), port
    assert any(_admits_port(r, "udp", 53) for r in from_nodes)


def test_base_cluster_groups_and_rules(tmp_path):
    graph = _graph(tmp_path)
    groups = {g.name: g for g in graph.of_kind(SecurityGroup)}
    assert sorted(groups) == [MASTERS, NODES]
    assert groups[MASTERS].description == "Security group for masters"
    assert groups[NODES].description == "Security group for nodes"
    for group in groups.values():
        assert group.tags["Name"] == group.name
        assert group.tags[f"kubernetes.io/cluster/{CLUSTER}"] == "owned"
        assert group.tags["KubernetesCluster"] == CLUSTER
    rules = {r.name: r for r in _rules(graph)}
    # egress anywhere, both address families, for both groups
    for group in (MASTERS, NODES):
        v4 = rules[f"from-{group}-egress-all-0to0-0.0.0.0/0"]
        v6 = rules[f"from-{group}-egress-all-0to0-::/0"]
        assert (v4.direction, v4.cidr_block, v6.direction, v6.ipv6_cidr_block) == (EGRESS, "0.0.0.0/0",
                                                                                   EGRESS, "::/0")
    # the control plane talks to everyone; nodes talk to nodes
    assert rules[f"from-{MASTERS}-ingress-all-0to0-{NODES}"].source_group == Ref(SecurityGroup, MASTERS)
    assert rules[f"from-{MASTERS}-ingress-all-0to0-{MASTERS}"].group == Ref(SecurityGroup, MASTERS)
    assert rules[f"from-{NODES}-ingress-all-0to0-{NODES}"].protocol == ALL_PROTOCOLS
    # without a load balancer the API is open on the control plane itself
    https = rules[f"from-0.0.0.0/0-ingress-tcp-443to443-{MASTERS}"]
    assert (https.group, https.from_port, https.to_port, https.cidr_block) == (Ref(SecurityGroup, MASTERS), 443,
                                                                               443, "0.0.0.0/0")
    assert graph.outputs["master_security_group_ids"] == (Ref(SecurityGroup, MASTERS),)
    assert graph.outputs["node_security_group_ids"] == (Ref(SecurityGroup, NODES),)
    assert "bastion_security_group_ids" not in graph.outputs


def test_api_server_groups_have_their_security_group_output(tmp_path):
    """kops (update_cluster/apiservernodes) writes apiserver_security_group_ids: the groups its API server
    instances are in, the control plane's own group."""
    def edit(cluster, groups):
        groups.append(instance_group("apiserver", "APIServer", ["us-east-1a"]))

    graph = _graph(tmp_path, edit)
    assert graph.outputs["apiserver_security_group_ids"] == (Ref(SecurityGroup, MASTERS),)
    (tmp_path / "without").mkdir()
    assert "apiserver_security_group_ids" not in _graph(tmp_path / "without").outputs


def test_node_tcp_ranges_skip_exactly_the_etcd_ports(tmp_path):
    rules = _rules(_graph(tmp_path))
    tcp = sorted((r.from_port, r.to_port) for r in rules
                 if r.group == Ref(SecurityGroup, MASTERS) and r.source_group == Ref(SecurityGroup, NODES)
                 and r.protocol == "tcp")
    assert tcp == [(1, 2379), (2382, 4000), (4003, 65535)]


def test_etcd_leases_and_cilium_etcd_close_their_ports_too(tmp_path):
    def edit(spec, groups):
        spec["etcdClusters"].append({"name": "leases",
                                     "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]})
        spec["etcdClusters"].append({"name": "cilium",
                                     "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]})
        spec["networking"] = {"cilium": {"etcdManaged": True}}

    rules = _rules(_graph(tmp_path, edit))
    tcp = sorted((r.from_port, r.to_port) for r in rules if r.source_group == Ref(SecurityGroup, NODES)
                 and r.group == Ref(SecurityGroup, MASTERS) and r.protocol == "tcp")
    # 2382 cilium etcd peer, 2383/4004 leases peer/client
    assert tcp == [(1, 2379), (2384, 4000), (4003, 4003), (4005, 65535)]


@pytest.mark.parametrize("networking,protocols", [
    ({"cni": {}}, set()),
    ({"calico": {}}, {"4"}),
    ({"kuberouter": {}}, {"4"}),
    ({"amazonvpc": {}}, {"icmp", "icmpv6"}),
])
def test_cni_specific_rules_from_nodes_to_control_plane(tmp_path, networking, protocols):
    def edit(spec, groups):
        spec["networking"] = networking
        if "kuberouter" in networking:
            spec["kubeProxy"] = {"enabled": False}  # kube-router replaces it

    rules = _rules(_graph(tmp_path, edit))
    extra = {r.protocol for r in rules if r.source_group == Ref(SecurityGroup, NODES)
             and r.group == Ref(SecurityGroup, MASTERS)} - {"tcp", "udp"}
    assert extra == protocols
    if "4" in protocols:
        ipip = next(r for r in rules if r.protocol == "4")
        assert ipip.name == f"from-{NODES}-ingress-4-0to0-{MASTERS}"
        assert (ipip.from_port, ipip.to_port) == (None, None)


def test_access_lists_by_address_family_and_prefix_list(tmp_path):
    def edit(spec, groups):
        spec["sshAccess"] = ["10.0.0.0/8", "2001:db8::/32", "pl-12345678"]
        spec["nodePortAccess"] = ["192.0.2.0/24"]
        spec["kubeAPIServer"] = {"serviceNodePortRange": "28000-32767"}

    rules = {r.name: r for r in _rules(_graph(tmp_path, edit))}
    v4 = rules[f"from-10.0.0.0/8-ingress-tcp-22to22-{NODES}"]
    v6 = rules[f"from-2001:db8::/32-ingress-tcp-22to22-{NODES}"]
    # kops writes a prefix list as 0.0.0.0/0 in the rule name
    pl = rules[f"from-0.0.0.0/0-ingress-tcp-22to22-{MASTERS}"]
    assert (v4.cidr_block, v4.ipv6_cidr_block, v4.prefix_list_id) == ("10.0.0.0/8", None, None)
    assert (v6.cidr_block, v6.ipv6_cidr_block, v6.prefix_list_id) == (None, "2001:db8::/32", None)
    assert (pl.cidr_block, pl.ipv6_cidr_block, pl.prefix_list_id) == (None, None, "pl-12345678")
    for protocol in ("tcp", "udp"):
        nodeport = rules[f"nodeport-{protocol}-external-to-node-192.0.2.0/24"]
        assert (nodeport.group, nodeport.protocol, nodeport.from_port, nodeport.to_port) == (
            Ref(SecurityGroup, NODES), protocol, 28000, 32767)


def test_prefix_list_beside_anywhere_keeps_rule_names_apart(tmp_path):
    """kops would give both rules the name from-0.0.0.0/0-…; we name the prefix list by its ID instead."""
    def edit(spec, groups):
        spec["sshAccess"] = ["0.0.0.0/0", "pl-12345678", "pl-87654321"]

    rules = {r.name: r for r in _rules(_graph(tmp_path, edit))}
    assert rules[f"from-0.0.0.0/0-ingress-tcp-22to22-{NODES}"].cidr_block == "0.0.0.0/0"
    assert rules[f"from-pl-12345678-ingress-tcp-22to22-{NODES}"].prefix_list_id == "pl-12345678"
    assert rules[f"from-pl-87654321-ingress-tcp-22to22-{NODES}"].prefix_list_id == "pl-87654321"


def test_security_group_override_is_referenced_not_created(tmp_path):
    def edit(spec, groups):
        groups[1]["spec"]["securityGroupOverride"] = "sg-0123456789abcdef0"
        groups[1]["spec"]["additionalSecurityGroups"] = ["sg-extra"]

    graph = _graph(tmp_path, edit)
    assert [g.name for g in graph.of_kind(SecurityGroup)] == [MASTERS]
    override = External("sg-0123456789abcdef0")
    rules = {r.name: r for r in _rules(graph)}
    # kops names the override group <id>-<role> in generated rule names
    node_to_node = rules["from-sg-0123456789abcdef0-Node-ingress-all-0to0-sg-0123456789abcdef0-Node"]
    assert (node_to_node.group, node_to_node.source_group) == (override, override)
    ssh = rules["from-0.0.0.0/0-ingress-tcp-22to22-sg-0123456789abcdef0-Node"]
    assert ssh.group == override
    assert all(r.group != Ref(SecurityGroup, NODES) and r.source_group != Ref(SecurityGroup, NODES)
               for r in rules.values())
    assert graph.outputs["node_security_group_ids"] == (External("sg-0123456789abcdef0"), External("sg-extra"))


def test_instance_groups_security_groups_for_launch_templates(tmp_path):
    def edit(spec, groups):
        spec["api"] = {"loadBalancer": {"type": "Public", "class": "Network", "additionalSecurityGroups": ["sg-lb"]}}
        groups[0]["spec"]["additionalSecurityGroups"] = ["sg-cp"]
        groups[1]["spec"]["additionalSecurityGroups"] = ["sg-n1", "sg-n2"]

    spec = specs.load(tmp_path, edit)
    ctx = ModelContext(spec, NO_BOOTSTRAP)
    control_plane, nodes = spec.instance_group("control-plane-us-east-1a"), spec.instance_group("nodes")
    # the API load balancer's extra groups go to the instances behind it too, as kops does
    assert security_groups_of(ctx, control_plane) == (Ref(SecurityGroup, MASTERS), External("sg-lb"),
                                                      External("sg-cp"))
    assert security_groups_of(ctx, nodes) == (Ref(SecurityGroup, NODES), External("sg-n1"), External("sg-n2"))
    graph = specs.build(spec)
    assert graph.outputs["master_security_group_ids"] == (External("sg-cp"), External("sg-lb"),
                                                          Ref(SecurityGroup, MASTERS))


def test_rule_refuses_to_be_built_without_a_description():
    with pytest.raises(ValueError, match="no description"):
        SecurityGroupRule(name="x", group=External("sg-1"), direction=INGRESS, protocol="tcp", description="",
                          from_port=1, to_port=1, cidr_block="10.0.0.0/8")
    with pytest.raises(ValueError, match="exactly one peer"):
        SecurityGroupRule(name="x", group=External("sg-1"), direction=INGRESS, protocol="tcp", description="d",
                          cidr_block="10.0.0.0/8", prefix_list_id="pl-1")


def test_bastion_takes_over_ssh(tmp_path):
    def edit(spec, groups):
        spec["subnets"].append({"name": "utility-us-east-1a", "zone": "us-east-1a", "type": "Utility",
                                "cidr": "172.20.4.0/22"})
        groups.append(instance_group("bastions", "Bastion", ["utility-us-east-1a"]))

    graph = _graph(tmp_path, edit)
    rules = {r.name: r for r in _rules(graph)}
    bastion = Ref(SecurityGroup, f"bastion.{CLUSTER}")
    # no SSH from outside to instances any more; only from the bastion
    ssh_in = [r for r in rules.values() if r.group in (Ref(SecurityGroup, MASTERS), Ref(SecurityGroup, NODES))
              and r.protocol == "tcp" and r.from_port == 22]
    assert sorted(r.name for r in ssh_in) == [f"from-bastion.{CLUSTER}-ingress-tcp-22to22-{MASTERS}",
                                              f"from-bastion.{CLUSTER}-ingress-tcp-22to22-{NODES}"]
    assert all(r.source_group == bastion for r in ssh_in)
    # the outside reaches the bastion's load balancer: sshAccess and the public and utility subnets
    elb = Ref(SecurityGroup, f"bastion-elb.{CLUSTER}")
    assert {r.cidr_block for r in rules.values() if r.group == elb and r.from_port == 22} == {
        "0.0.0.0/0", "172.20.4.0/22", "172.20.32.0/19"}
    assert rules[f"from-bastion-elb.{CLUSTER}-ingress-tcp-22to22-bastion.{CLUSTER}"].source_group == elb
    assert graph.outputs["bastion_security_group_ids"] == (bastion,)
