"""Security groups, rules, load balancers, DNS records and the key pair in Terraform, against kops's own output.

For every reference case the Terraform addresses of these resources equal kops's, except for the
deliberate differences listed in DIFFERENCES, and the attributes kops writes agree with ours, except
those in ATTRIBUTE_DIFFERENCES. The output checked is that of these builders and the network they sit
in (tests/support/specs.build), so that the rest of the output (IAM, instances, addons) cannot hide or
break what is checked here; `terraform validate` and `terraform fmt` run on it, and the slow suite
applies it to moto.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from kopsgen import pipeline, render_options
from kopsgen.ir.dns import AliasRecord
from kopsgen.ir.firewall import SecurityGroup, SecurityGroupRule
from kopsgen.ir.loadbalancer import LoadBalancerListener, NetworkLoadBalancer, TargetGroup
from kopsgen.ir.sshkey import KeyPair
from kopsgen.render import terraform as tf_render
from tests.support import hcl, specs, terraform
from tests.support.paths import REFERENCE, case_input, reference_cases
from tests.support.sessions import session

TF_TYPES = ("aws_security_group", "aws_security_group_rule", "aws_lb", "aws_lb_listener", "aws_lb_target_group",
            "aws_route53_record", "aws_key_pair")
OUTPUTS = ("master_security_group_ids", "node_security_group_ids", "bastion_security_group_ids")

# Addresses we deliberately do not share with kops: {case: (only kops's, only ours)}.
DIFFERENCES = {
    # Amazon VPC CNI: kops lets nodes send anything to the control plane, etcd included; we add only what
    # the TCP/UDP ranges (which skip etcd) miss: ICMP and ICMPv6.
    "many-addons": (
        {"aws_security_group_rule.from-nodes-many-addons-example-com-ingress-all-0to0-masters-many-addons-example-com"},
        {"aws_security_group_rule.from-nodes-many-addons-example-com-ingress-icmp--1to-1-masters-many-addons-example-com",
         "aws_security_group_rule.from-nodes-many-addons-example-com-ingress-icmpv6--1to-1-masters-many-addons-example-com"},
    ),
}


def _hosted_zone_lookup(ours: dict, kops: dict) -> bool:
    # kops asked Route53 for the zone while rendering; kopsgen never calls AWS, so Terraform looks it up
    # (spelled as kops spells it, /hostedzone/<id>: the provider would replace a record whose zone_id text changes)
    return kops.startswith("/hostedzone/") and ours == "/hostedzone/${data.aws_route53_zone.example-com.zone_id}"


# (type, attribute) -> how our value may differ from kops's, and why
ATTRIBUTE_DIFFERENCES = {
    ("aws_route53_record", "zone_id"): _hosted_zone_lookup,
    # kops writes the boolean as the string "true"; Terraform converts it to the same bool
    ("aws_lb_target_group", "connection_termination"): lambda ours, kops: str(ours).lower() == str(kops).lower(),
}


# Hardening (issue 7): attributes deliberately set otherwise than kops does, for the resources whose address
# starts with the prefix, to exactly this value of ours, and why.
HARDENED = {
    ("aws_lb.bastion-", "enable_cross_zone_load_balancing"):
        (True, "the bastions may run in one zone: the load balancer's other zones need a target"),
    ("aws_security_group_rule.icmpv6-pmtu-", "from_port"): (2, "only ICMPv6 packet-too-big, not every type"),
    ("aws_security_group_rule.icmpv6-pmtu-", "to_port"): (0, "code 0 of packet-too-big"),
}


def _hardened(address: str, attribute: str):
    return next((value for (prefix, attr), (value, _) in HARDENED.items()
                 if attr == attribute and address.startswith(prefix)), None)


def _render(spec_path, fmt: str = "hcl") -> dict[str, bytes]:
    spec = pipeline.load_spec([spec_path])
    return tf_render.render(specs.build(spec), render_options.terraform(spec, fmt))


@lru_cache(maxsize=None)
def _rendered(case: str) -> tuple[dict[str, bytes], dict]:
    """Our Terraform for a case, and its parsed kubernetes.tf (parsing takes seconds: once a case)."""
    files = _render(case_input(case))
    return files, hcl.parse(files["kubernetes.tf"].decode())


@lru_cache(maxsize=None)
def _kops_parsed(case: str) -> dict:
    return hcl.parse_file(REFERENCE / case / "kubernetes.tf")


def _ours(case: str) -> dict:
    return hcl.resources(_rendered(case)[1])


def _kops(case: str) -> dict:
    return hcl.resources(_kops_parsed(case))


def _mine(resources: dict) -> dict:
    return {a: b for a, b in resources.items() if a.split(".")[0] in TF_TYPES}


def test_addresses_match_kops(case):
    ours, kops = set(_mine(_ours(case))), set(_mine(_kops(case)))
    only_kops, only_ours = DIFFERENCES.get(case, (set(), set()))
    assert kops - ours == only_kops
    assert ours - kops == only_ours


def test_attributes_match_kops(case):
    ours, kops = _mine(_ours(case)), _mine(_kops(case))
    for address in sorted(set(ours) & set(kops)):
        tf_type = address.split(".")[0]
        for attribute, kops_value in kops[address].items():
            hardened = _hardened(address, attribute)
            if hardened is not None:
                assert ours[address].get(attribute) == hardened != kops_value, (address, attribute)
                continue
            same = ATTRIBUTE_DIFFERENCES.get((tf_type, attribute), lambda a, b: a == b)
            assert same(ours[address].get(attribute), kops_value), (address, attribute)
        # what we add: every rule says why it exists, and an internet-facing load balancer waits for the
        # internet gateway (AWS refuses it in a VPC without one attached)
        extra = set(ours[address]) - set(kops[address])
        expected = {"description"} if tf_type == "aws_security_group_rule" else set()
        if tf_type == "aws_lb" and not kops[address].get("internal"):
            expected = {"depends_on"}
        assert extra == expected, address
        if tf_type == "aws_security_group_rule":
            assert ours[address]["description"].strip()


def test_outputs_and_key_file_match_kops(case):
    files, ours = _rendered(case)
    kops = _kops_parsed(case)

    def outputs(parsed: dict) -> dict:
        return {name: body["value"] for entry in parsed.get("output", []) for name, body in entry.items()
                if name in OUTPUTS}

    assert outputs(ours) == outputs(kops)
    key_files = sorted(p for p in (REFERENCE / case / "data").iterdir() if p.name.startswith("aws_key_pair_"))
    assert sorted(p for p in files if p.startswith("data/aws_key_pair_")) == [f"data/{p.name}" for p in key_files]
    for path in key_files:
        assert files[f"data/{path.name}"] == path.read_bytes()


# Each validate loads the AWS provider (seconds): the default run checks the cases that between them hold
# every kind of rule, load balancer and record; `-m slow` checks the rest.
VALIDATE_DEFAULT = ("privatecalico", "complex", "minimal-dns-none", "minimal-ipv6")


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
@pytest.mark.parametrize("case", [c if c in VALIDATE_DEFAULT else pytest.param(c, marks=pytest.mark.slow)
                                  for c in reference_cases()])
def test_terraform_validate_and_fmt(case, tmp_path):
    for path, data in _rendered(case)[0].items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    terraform.init(tmp_path)
    terraform.validate(tmp_path)
    fmt = terraform.fmt_check(tmp_path)
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
@pytest.mark.parametrize("case", ["complex", "privatecalico"])
def test_terraform_json_validates(case, tmp_path):
    files = _render(case_input(case), "json")
    resources = json.loads(files["kubernetes.tf.json"])["resource"]
    assert {f"{t}.{label}" for t in TF_TYPES for label in resources.get(t, {})} == set(_mine(_ours(case)))
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    terraform.init(tmp_path)
    terraform.validate(tmp_path)


# ---------------------------------------------------------------- applied for real (moto)

ETCD_PORTS = (2380, 2381, 4001, 4002)


def _applied_groups(moto, cluster: str) -> tuple[dict, dict, dict]:
    groups = {g["GroupName"]: g for g in moto.client("ec2").describe_security_groups()["SecurityGroups"]}
    return groups, groups[f"masters.{cluster}"], groups[f"nodes.{cluster}"]


@pytest.mark.slow
@pytest.mark.moto
@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
@pytest.mark.parametrize("case", ["privatecalico", "minimal-dns-none"])
def test_applies_plans_clean_and_destroys_on_moto(case, moto, tmp_path):
    """Our resources (and the network they sit in) against moto: apply, read back, plan clean, destroy."""
    from tests.support import tfmoto

    spec_path = tfmoto.realistic_spec(case_input(case), tmp_path / "spec" / "cluster.yaml")
    (spec_path.parent / "id_rsa.pub").write_bytes((REFERENCE / case / "id_rsa.pub").read_bytes())
    spec = pipeline.load_spec([spec_path])
    out = tmp_path / "out"
    for path, data in _render(spec_path).items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    tfmoto.prepare(out, moto)
    terraform.init(out)
    try:
        tfmoto.apply(out)
        cluster = spec.cluster.name
        groups, masters, nodes = _applied_groups(moto, cluster)
        assert f"api-elb.{cluster}" in groups
        from_nodes = [p for p in masters["IpPermissions"]
                      if any(pair["GroupId"] == nodes["GroupId"] for pair in p.get("UserIdGroupPairs", []))]
        assert from_nodes
        for permission in from_nodes:
            for port in ETCD_PORTS:
                assert not (permission["IpProtocol"] in ("-1", "tcp")
                            and permission.get("FromPort", 0) <= port <= permission.get("ToPort", 65535)), port
        descriptions = [pair.get("Description") for p in masters["IpPermissions"]
                        for pair in p.get("UserIdGroupPairs", []) + p.get("IpRanges", [])]
        assert descriptions and all(descriptions), "every applied rule keeps its description"
        balancers = moto.client("elbv2").describe_load_balancers()["LoadBalancers"]
        assert {b["LoadBalancerName"] for b in balancers} == {
            nlb.load_balancer_name for nlb in specs.build(spec).of_kind(NetworkLoadBalancer)}
        assert all(b["Type"] == "network" for b in balancers)
        code, text = tfmoto.plan_exit_code(out)
        assert code == 0, text[-4000:]
    finally:
        tfmoto.destroy(out)
    assert tfmoto.state_addresses(out) == []


def test_the_full_build_makes_the_same_resources(case):
    """What these tests render is what `kopsgen render` builds: the builders are registered, and nothing else
    in the pipeline adds, drops or changes a security group, rule, load balancer, record or key pair."""
    spec = pipeline.load_spec([case_input(case)])
    # (the hosted zone lookup is shared: the IAM policies name the zone too, with or without records)
    kinds = (SecurityGroup, SecurityGroupRule, NetworkLoadBalancer, TargetGroup, LoadBalancerListener, AliasRecord,
             KeyPair)
    full, ours = pipeline.build_graph(session(spec)), specs.build(spec)
    assert [r for r in full if isinstance(r, kinds)] == [r for r in ours if isinstance(r, kinds)]
    assert {k: v for k, v in full.outputs.items() if k in OUTPUTS} == {k: v for k, v in ours.outputs.items()
                                                                       if k in OUTPUTS}
