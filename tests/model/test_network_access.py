"""Issue 15: a way in that works, the creation order AWS requires, and shared VPCs that need nothing they do not use.

- Creation order: Elastic IPs, NAT gateways and internet-facing load balancers carry an IR `depends_on` on the
  internet gateway kopsgen makes; Terraform writes `depends_on = [aws_internet_gateway.X]`, CloudFormation a
  `DependsOn` on the gateway's VPCGatewayAttachment. A shared VPC's gateway exists already: no dependency.
- Shared VPC: the internet gateway is looked up only when a route of ours goes through it; CloudFormation asks
  for the VPC's IPv6 block only when something of the cluster reads it.
- SSM: `spec.kopsgen.ssmAccess` (on by default without sshAccess) gives every role kopsgen creates a scoped
  Session Manager policy; `create cluster` says how the machines are reached, and warns when they cannot be.
The real tools check the output: `terraform validate` and cfn-lint; tests/render/terraform/test_moto.py applies a
cluster on existing subnets and NAT gateways.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen import pipeline, render_options
from kopsgen.cli import cli
from kopsgen.ir import naming
from kopsgen.ir.base import Ref
from kopsgen.ir.iam import IamRole, IamRolePolicy
from kopsgen.ir.loadbalancer import NetworkLoadBalancer
from kopsgen.ir.network import ElasticIp, InternetGateway, NatGateway, SharedInternetGateway
from kopsgen.output import write_output
from tests.support import cloudformation as cfn
from tests.support import hcl, spec_edit, terraform
from tests.support.paths import case_input
from tests.support.sessions import session

DATA = Path(__file__).parents[1] / "data"
SHARED_SUBNETS = DATA / "shared-subnets.yaml"
HA_PRIVATE = DATA / "ha-private-bastion.yaml"
SSM_ACTIONS = ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
               "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]


@pytest.fixture(scope="module", autouse=True)
def state(tmp_path_factory):
    with cfn.state_store(tmp_path_factory.mktemp("state")):
        yield


def _spec(path: Path, tmp_path: Path | None = None, edit=None):
    if edit is None:
        return pipeline.load_spec([path])
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    edit(docs)
    out = tmp_path / path.name
    out.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return pipeline.load_spec([out])


# ---------------------------------------------------------------- creation order, in the graph


def test_eips_nat_gateways_and_public_load_balancers_wait_for_the_internet_gateway():
    spec = _spec(HA_PRIVATE)
    graph = pipeline.build_graph(session(spec))
    igw = Ref(InternetGateway, naming.internet_gateway(spec.cluster.name))
    waiting = [*graph.of_kind(ElasticIp), *graph.of_kind(NatGateway)]
    assert len(waiting) == 6   # an EIP and a NAT gateway in each of three zones
    assert all(r.depends_on == (igw,) for r in waiting)
    lbs = {lb.name: lb for lb in graph.of_kind(NetworkLoadBalancer)}
    assert set(lbs) == {f"api.{spec.cluster.name}", f"bastion.{spec.cluster.name}"}
    assert all(not lb.internal and lb.depends_on == (igw,) for lb in lbs.values())
    graph.check()   # the dependency points at a resource of the graph


def test_an_internal_load_balancer_waits_for_nothing(tmp_path):
    def internal(docs):
        spec_edit.cluster_spec(docs)["api"]["loadBalancer"]["type"] = "Internal"

    graph = pipeline.build_graph(session(_spec(HA_PRIVATE, tmp_path, internal)))
    api = graph.get(NetworkLoadBalancer, "api.haprivate.example.com")
    assert api.internal and api.depends_on == ()


def test_in_a_shared_vpc_nothing_waits_for_a_gateway_we_do_not_make(tmp_path):
    def private_shared_vpc(docs):
        spec = spec_edit.cluster_spec(docs)
        spec["networkID"] = "vpc-12345678"
    graph = pipeline.build_graph(session(_spec(HA_PRIVATE, tmp_path, private_shared_vpc)))
    assert not graph.of_kind(InternetGateway) and graph.of_kind(SharedInternetGateway)
    assert len(graph.of_kind(NatGateway)) == 3
    assert not [r for r in graph if r.depends_on]


# ---------------------------------------------------------------- creation order, rendered


def _tf_resources(spec) -> dict:
    return hcl.resources(hcl.parse(pipeline.render(session(spec), "terraform")["kubernetes.tf"].decode()))


def test_terraform_writes_depends_on_the_internet_gateway():
    resources = _tf_resources(_spec(HA_PRIVATE))
    expected = ["${aws_internet_gateway.haprivate-example-com}"]
    waiting = {a: b.get("depends_on") for a, b in resources.items()
               if a.split(".")[0] in ("aws_eip", "aws_nat_gateway", "aws_lb")}
    assert len(waiting) == 8
    assert all(d == expected for d in waiting.values()), waiting
    # and nothing else gained a dependency
    assert not [a for a, b in resources.items() if "depends_on" in b and a not in waiting]


def test_update_preview_sees_no_change_in_the_dependency():
    """terraform plan shows no change when only depends_on changes, so `update cluster`'s preview (which compares
    described bodies) must not either: the same graph without the dependencies describes the same."""
    import dataclasses

    from kopsgen.ir.base import Graph
    from kopsgen.render.terraform.describe import describe

    spec = _spec(HA_PRIVATE)
    graph = pipeline.build_graph(session(spec))
    without = Graph()
    for resource in graph:
        without.add(dataclasses.replace(resource, depends_on=()) if resource.depends_on else resource)
    without.outputs, without.warnings = graph.outputs, graph.warnings
    assert any(r.depends_on for r in graph)
    options = render_options.terraform(spec)
    assert [(d.address, d.body) for d in describe(graph, options)] == [(d.address, d.body) for d in describe(without, options)]


def test_cloudformation_waits_for_the_gateway_attachment():
    body = cfn.template(cfn.render(_spec(HA_PRIVATE)))
    [attachment] = cfn.resources_of_type(body, "AWS::EC2::VPCGatewayAttachment")
    waiting = {**cfn.resources_of_type(body, "AWS::EC2::EIP"), **cfn.resources_of_type(body, "AWS::EC2::NatGateway"),
               **cfn.resources_of_type(body, "AWS::ElasticLoadBalancingV2::LoadBalancer")}
    assert len(waiting) == 8
    for logical_id, resource in waiting.items():
        assert attachment in resource.get("DependsOn", []), logical_id


def test_shared_subnets_render_no_network_resource_and_no_gateway_lookup():
    """Every subnet shared: nothing routes through the VPC's internet gateway, so none is looked up (a VPC whose
    egress is a transit gateway has none), in either target; the rest is read, never created."""
    spec = _spec(SHARED_SUBNETS)
    tf = hcl.parse(pipeline.render(session(spec), "terraform")["kubernetes.tf"].decode())
    data_sources = set(hcl.data_sources(tf))
    assert not [a for a in data_sources if "aws_internet_gateway" in a]
    assert "data.aws_vpc.sharedsubnets-example-com" in data_sources
    created = {a.split(".")[0] for a in hcl.resources(tf)}
    assert not created & {"aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association",
                          "aws_internet_gateway", "aws_nat_gateway", "aws_eip"}
    body = cfn.template(cfn.render(spec))
    assert "SharedVpcCidr" in body["Parameters"]
    assert not {"SharedInternetGatewayId", "SharedVpcIpv6Cidr"} & set(body["Parameters"])
    assert not cfn.resources_of_type(body, "AWS::EC2::Subnet") and not cfn.resources_of_type(body, "AWS::EC2::EIP")


def test_a_shared_vpc_with_a_subnet_of_ours_still_looks_the_gateway_up():
    graph = pipeline.build_graph(session(pipeline.load_spec([_shared_vpc_case()])))
    assert graph.of_kind(SharedInternetGateway)


def _shared_vpc_case() -> Path:
    return case_input("shared_vpc")


# ---------------------------------------------------------------- shared VPC parameters in CloudFormation


def test_an_ipv4_only_shared_vpc_asks_for_no_ipv6_block():
    body = cfn.template(cfn.render(pipeline.load_spec([_shared_vpc_case()])))
    assert "SharedVpcIpv6Cidr" not in body["Parameters"]
    assert "SharedVpcCidr" in body["Parameters"] and "VpcCidrBlock" in body["Outputs"]
    assert not {"VpcIpv6CidrBlock", "VpcIpv6CidrLength"} & set(body["Outputs"])


def test_a_shared_vpc_whose_subnets_use_its_ipv6_block_asks_for_it(tmp_path):
    def ipv6_subnet(docs):
        spec_edit.cluster_spec(docs)["subnets"][0]["ipv6CIDR"] = "/64#1"

    spec = spec_edit.edited_spec("shared_vpc", tmp_path, ipv6_subnet)
    body = cfn.template(cfn.render(spec))
    assert "Default" not in body["Parameters"]["SharedVpcIpv6Cidr"]
    assert body["Outputs"]["VpcIpv6CidrBlock"]["Value"] == {"Ref": "SharedVpcIpv6Cidr"}


# ---------------------------------------------------------------- the real tools


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
def test_shared_subnets_and_private_terraform_validate(tmp_path):
    for path in (SHARED_SUBNETS, HA_PRIVATE):
        out = tmp_path / path.stem
        write_output(out, pipeline.render(session(_spec(path)), "terraform"))
        terraform.init(out)
        result = json.loads(terraform.run(out, "validate", "-json", "-no-color", check=False).stdout)
        assert result["valid"] and not result["diagnostics"], (path.name, result["diagnostics"])


def test_cfn_lint_is_clean_on_the_new_dependencies_and_ssm_policies(tmp_path):
    paths = []
    for path in (SHARED_SUBNETS, HA_PRIVATE):
        # a real region for cfn-lint; no SSH, so that every role gets the SSM policy
        text = cfn.edit_documents(cfn.with_region(path.read_text(), "us-east-1"),
                                  lambda docs: spec_edit.cluster_spec(docs).pop("sshAccess", None))
        spec = cfn.spec_from_text(text, tmp_path / path.stem)
        assert spec.cluster.ssm_access
        paths += cfn.write(cfn.render(spec), tmp_path / f"cfn-{path.stem}")
    findings = cfn.lint(paths)
    assert cfn.errors_and_warnings(findings) == [], findings


# ---------------------------------------------------------------- SSM


def _roles_with_ssm(graph) -> set[str]:
    return {p.name.removeprefix("ssm.") for p in graph.of_kind(IamRolePolicy) if p.name.startswith("ssm.")}


@pytest.mark.parametrize("ssh,setting,on", [
    (None, None, True),              # no SSH: SSM is the way in
    (["10.0.0.0/8"], None, False),   # SSH configured: off unless asked for
    (["10.0.0.0/8"], True, True),
    (None, False, False),
])
def test_ssm_default_follows_ssh_access(tmp_path, ssh, setting, on):
    def edit(docs):
        spec = spec_edit.cluster_spec(docs)
        spec.pop("sshAccess", None)
        if ssh:
            spec["sshAccess"] = ssh
        if setting is not None:
            spec["kopsgen"] = {"ssmAccess": setting}

    spec = _spec(HA_PRIVATE, tmp_path, edit)
    assert spec.cluster.ssm_access is on
    graph = pipeline.build_graph(session(spec))
    # masters, nodes and the bastion: every role an instance group launches with (not the flow logs' role)
    roles = {f"{w}.haprivate.example.com" for w in ("masters", "nodes", "bastions")}
    assert roles < {r.name for r in graph.of_kind(IamRole)}
    assert _roles_with_ssm(graph) == (roles if on else set())


def test_the_ssm_policy_grants_sessions_only(tmp_path):
    spec = _spec(HA_PRIVATE, tmp_path, lambda docs: spec_edit.cluster_spec(docs).pop("sshAccess"))
    files = pipeline.render(session(spec), "terraform")
    resources = hcl.resources(hcl.parse(files["kubernetes.tf"].decode()))
    policy = resources["aws_iam_role_policy.ssm-nodes-haprivate-example-com"]
    assert policy["name"] == "ssm.nodes.haprivate.example.com"
    assert policy["role"] == "${aws_iam_role.nodes-haprivate-example-com.name}"
    [statement] = json.loads(files["data/aws_iam_role_policy_ssm.nodes.haprivate.example.com_policy"])["Statement"]
    assert statement == {"Action": SSM_ACTIONS, "Effect": "Allow", "Resource": ["*"],
                         "Condition": {"StringEquals": {"aws:RequestedRegion": "us-test-1"}}}
    # kops's own inline policy of the role is unchanged: SSM is a policy of its own
    assert "ssm" not in files["data/aws_iam_role_policy_nodes.haprivate.example.com_policy"].decode()


def test_an_existing_instance_profile_gets_no_ssm_policy(tmp_path):
    def existing_profile(docs):
        spec_edit.cluster_spec(docs).pop("sshAccess")
        spec_edit.group_spec(docs, "bastions")["iam"] = {"profile": "arn:aws:iam::123456789012:instance-profile/b"}

    graph = pipeline.build_graph(session(_spec(HA_PRIVATE, tmp_path, existing_profile)))
    assert _roles_with_ssm(graph) == {"masters.haprivate.example.com", "nodes.haprivate.example.com"}


def test_ssm_access_must_be_a_boolean(tmp_path):
    path = tmp_path / "c.yaml"
    docs = [d for d in yaml.safe_load_all(HA_PRIVATE.read_text()) if d]
    spec_edit.cluster_spec(docs)["kopsgen"] = {"ssmAccess": "yes"}
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "spec.kopsgen.ssmAccess" in result.output and "Traceback" not in result.output
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "ssmAccess" in text)
    assert f"c.yaml:{line}:" in result.output


# ---------------------------------------------------------------- create cluster: how to get in


def _create(*flags: str):
    result = CliRunner().invoke(cli, ["create", "cluster", "--name", "c.example.com", "--zones", "eu-west-1a",
                                      "--state", "s3://example-state", "--dry-run", *flags])
    assert result.exit_code == 0, result.output
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    return docs, result.stderr


def test_create_cluster_says_to_use_ssm_without_ssh():
    docs, stderr = _create("--topology", "private")
    assert "aws ssm start-session --region eu-west-1 --target" in stderr
    assert "Name=tag:KubernetesCluster,Values=c.example.com" in stderr
    assert "warning" not in stderr
    assert "kopsgen" not in docs[0]["spec"]   # the default, not written out


def test_create_cluster_warns_of_a_bastion_nobody_can_reach_over_ssh():
    _, stderr = _create("--topology", "private", "--bastion")
    assert "warning: --bastion without --ssh-access" in stderr and "aws ssm start-session" in stderr


def test_create_cluster_warns_when_there_is_no_way_in():
    docs, stderr = _create("--topology", "private", "--bastion", "--no-ssm")
    assert docs[0]["spec"]["kopsgen"] == {"ssmAccess": False}
    assert "warning: no way in" in stderr and "the bastion included" in stderr
    assert "start-session" not in stderr


def test_create_cluster_names_the_ssh_sources():
    docs, stderr = _create("--topology", "private", "--bastion", "--ssh-access", "192.0.2.0/24")
    assert "SSH is open from 192.0.2.0/24 (spec.sshAccess) to the bastion's load balancer" in stderr
    assert "warning" not in stderr and "start-session" not in stderr
    docs, stderr = _create("--ssh-access", "192.0.2.0/24", "--ssm")
    assert docs[0]["spec"]["kopsgen"] == {"ssmAccess": True} and "start-session" in stderr

