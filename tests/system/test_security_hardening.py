"""The hardened defaults of issue 7, the spec settings that switch them, and their rendering in both targets.

Defaults: VPC flow logs to a KMS-encrypted CloudWatch Logs group through a least-privilege role, the VPC's
default security group emptied, IMDSv2 with a hop limit of 1, SSH closed without `sshAccess`, the termination
handler's queue calls scoped to its queue. Options that reach both renderers: flow logs off, to S3, other
traffic and retention; the default group left alone; load balancer deletion protection and access logs;
customer KMS keys for etcd and root volumes. The real tools check what is written: `terraform validate`,
and the AWS CLI commands DEPLOY.md gives for the default group, run against moto.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.ir.firewall import DefaultSecurityGroup, SecurityGroupRule
from kopsgen.ir.iam import IamRole, IamRolePolicy
from kopsgen.ir.kms import KmsKey
from kopsgen.ir.logs import LogGroup
from kopsgen.ir.network import FLOW_LOGS_TO_CLOUDWATCH, FLOW_LOGS_TO_S3, FlowLog
from kopsgen.output import write_output
from kopsgen.render.cloudformation.deploy_guide import deploy_markdown
from tests.support import hcl, specs, terraform
from tests.support.moto import ACCESS_KEY, SECRET_KEY
from tests.support.paths import case_input
from tests.support.spec_edit import edited_spec
from tests.support.sessions import session

CLUSTER = specs.CLUSTER
FLOW_LOGS = f"flow-logs.{CLUSTER}"
LABEL = FLOW_LOGS.replace(".", "-")


def _load(folder, edit=None):
    folder.mkdir(parents=True, exist_ok=True)
    return specs.load(folder, edit)


def _graph(tmp_path, edit=None):
    return pipeline.build_graph(session(_load(tmp_path, edit)))


def _kopsgen(edit):
    def apply(cluster, groups):
        edit(cluster.setdefault("kopsgen", {}))
    return apply


def _render(tmp_path, target, edit=None, fmt=None):
    return pipeline.render(session(_load(tmp_path, edit)), target, fmt)


def _tf(tmp_path, edit=None) -> tuple[dict, dict[str, bytes]]:
    files = _render(tmp_path, "terraform", edit)
    return hcl.resources(hcl.parse(files["kubernetes.tf"].decode())), files


def _cfn(tmp_path, edit=None) -> dict:
    files = _render(tmp_path, "cloudformation", edit)
    return json.loads(next(data for path, data in files.items() if path.endswith(".json") and "/" not in path))


def _of_type(template: dict, cfn_type: str) -> dict[str, dict]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == cfn_type}


def _statements(document_json: str) -> list[dict]:
    return json.loads(document_json)["Statement"]


# ---------------------------------------------------------------- VPC flow logs


def test_flow_logs_by_default_to_an_encrypted_group_through_a_narrow_role(tmp_path):
    graph = _graph(tmp_path)
    (flow,) = graph.of_kind(FlowLog)
    group, key, role = graph.get(LogGroup, FLOW_LOGS), graph.get(KmsKey, FLOW_LOGS), graph.get(IamRole, FLOW_LOGS)
    assert (flow.traffic_type, flow.destination_type) == ("ALL", FLOW_LOGS_TO_CLOUDWATCH)
    assert flow.destination == group.ref("arn") and flow.role == role.ref("arn")
    assert group.retention_days == 365 and group.kms_key == key.ref("arn")
    assert key.rotation is True

    group_arn = f"arn:aws:logs:us-east-1:{{{{link:account_id}}}}:log-group:{FLOW_LOGS}"
    admin, logs_service = _statements(key.policy.json)
    assert admin["Principal"] == {"AWS": "arn:aws:iam::{{link:account_id}}:root"}
    assert logs_service["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    # CloudWatch Logs may use the key for this one group only
    assert logs_service["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group_arn}}

    (trust,) = _statements(role.assume_role_policy.json)
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "{{link:account_id}}"}
    assert trust["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:ec2:us-east-1:{{link:account_id}}:vpc-flow-log/*"}

    delivery = _statements(graph.get(IamRolePolicy, FLOW_LOGS).policy.json)
    writes = next(s for s in delivery if "logs:PutLogEvents" in s["Action"])
    assert writes["Resource"] == [group_arn, f"{group_arn}:*"]
    assert all("*" not in s["Resource"] and not any(a.endswith("*") for a in s["Action"]) for s in delivery)


@pytest.mark.parametrize("settings,expected", [
    ({"enabled": False}, None),
    ({"trafficType": "REJECT", "retentionInDays": 90}, ("REJECT", FLOW_LOGS_TO_CLOUDWATCH, 90)),
    ({"destination": "S3", "s3BucketARN": "arn:aws:s3:::audit-logs/vpc"}, ("ALL", FLOW_LOGS_TO_S3, None)),
])
def test_flow_log_settings(tmp_path, settings, expected):
    graph = _graph(tmp_path, _kopsgen(lambda k: k.update(flowLogs=settings)))
    flows = graph.of_kind(FlowLog)
    if expected is None:
        assert not flows and not graph.of_kind(LogGroup) and not graph.of_kind(KmsKey)
        assert FLOW_LOGS not in {r.name for r in graph.of_kind(IamRole)}
        return
    (flow,) = flows
    assert (flow.traffic_type, flow.destination_type) == expected[:2]
    if flow.destination_type == FLOW_LOGS_TO_S3:
        # an existing bucket: no group, key or role to create
        assert flow.destination.id == "arn:aws:s3:::audit-logs/vpc" and flow.role is None
        assert not graph.of_kind(LogGroup) and not graph.of_kind(KmsKey)
    else:
        assert graph.get(LogGroup, FLOW_LOGS).retention_days == expected[2]


def test_s3_flow_logs_need_a_bucket(tmp_path):
    path = specs.write_spec(tmp_path, _kopsgen(lambda k: k.update(flowLogs={"destination": "S3"})))
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "spec.kopsgen.flowLogs" in result.output and "s3BucketARN" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_both_targets_write_the_flow_log(tmp_path):
    tf, files = _tf(tmp_path)
    flow = tf[f"aws_flow_log.{LABEL}"]
    assert flow["log_destination"] == f"${{aws_cloudwatch_log_group.{LABEL}.arn}}"
    assert flow["iam_role_arn"] == f"${{aws_iam_role.{LABEL}.arn}}"
    assert (flow["traffic_type"], flow["log_destination_type"]) == ("ALL", "cloud-watch-logs")
    group = tf[f"aws_cloudwatch_log_group.{LABEL}"]
    assert group["kms_key_id"] == f"${{aws_kms_key.{LABEL}.arn}}" and group["retention_in_days"] == 365
    assert tf[f"aws_kms_key.{LABEL}"]["enable_key_rotation"] is True
    assert "templatefile(" in tf[f"aws_kms_key.{LABEL}"]["policy"]   # the account ID, filled in at apply time

    template = _cfn(tmp_path)
    (flow,) = _of_type(template, "AWS::EC2::FlowLog").values()
    (group_id, group), = _of_type(template, "AWS::Logs::LogGroup").items()
    (key_id, _), = _of_type(template, "AWS::KMS::Key").items()
    assert flow["Properties"]["LogGroupName"] == {"Ref": group_id}
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["Properties"]["RetentionInDays"] == 365


def test_china_regions_name_their_partition_and_service(tmp_path):
    graph = _graph(tmp_path, lambda c, g: _move_to_region(c, g, "cn-north-1a"))
    key = graph.get(KmsKey, FLOW_LOGS)
    admin, logs_service = _statements(key.policy.json)
    assert admin["Principal"]["AWS"].startswith("arn:aws-cn:iam::")
    assert logs_service["Principal"] == {"Service": "logs.cn-north-1.amazonaws.com.cn"}


def _move_to_region(cluster, groups, zone):
    cluster["subnets"][0]["zone"] = zone
    cluster["subnets"][0]["name"] = zone
    for group in groups:
        group["spec"]["subnets"] = [zone]


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
def test_terraform_validates_both_flow_log_destinations(tmp_path):
    for name, settings in (("cloudwatch", {}), ("s3", {"destination": "S3", "s3BucketARN": "arn:aws:s3:::audit"})):
        out = tmp_path / name
        write_output(out, _render(tmp_path / f"{name}-spec", "terraform", _kopsgen(lambda k: k.update(flowLogs=settings))))
        terraform.init(out)
        assert "The configuration is valid" in terraform.validate(out).stdout


def test_a_shared_vpc_is_not_ours_to_record_or_restrict(tmp_path):
    graph = pipeline.build_graph(session(pipeline.load_spec([case_input("shared_vpc")])))
    assert not graph.of_kind(FlowLog) and not graph.of_kind(DefaultSecurityGroup)


# ---------------------------------------------------------------- the VPC's default security group


def test_the_default_security_group_is_emptied_by_default(tmp_path):
    tf, _ = _tf(tmp_path)
    (address,) = [a for a in tf if a.startswith("aws_default_security_group.")]
    body = tf[address]
    assert "ingress" not in body and "egress" not in body   # Terraform removes every rule the group has
    assert body["vpc_id"] == "${aws_vpc.unit-example-com.id}"

    template = _cfn(tmp_path)   # no resource can manage it: an output, and a step in DEPLOY.md
    assert template["Outputs"]["DefaultSecurityGroupId"]["Value"] == {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}
    assert not [r for r in template["Resources"].values() if "DefaultSecurityGroup" in json.dumps(r)]


def test_restrict_default_security_group_false_leaves_it_alone(tmp_path):
    edit = _kopsgen(lambda k: k.update(restrictDefaultSecurityGroup=False))
    assert not _graph(tmp_path, edit).of_kind(DefaultSecurityGroup)
    files = _render(tmp_path / "cfn", "cloudformation", edit)
    assert "default security group" not in files["DEPLOY.md"].decode()


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_deploy_md_commands_empty_the_default_group(tmp_path, moto):
    """The commands DEPLOY.md gives, run by bash with the real AWS CLI against a stack moto created from
    our template's VPC and its output."""
    files = _render(tmp_path, "cloudformation")
    template = json.loads(files["unit.example.com.json"])
    stack = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Vpc": template["Resources"]["Vpc"]},
             "Outputs": {"DefaultSecurityGroupId": template["Outputs"]["DefaultSecurityGroupId"]}}
    cfn = moto.client("cloudformation")
    cfn.create_stack(StackName="unit-example-com", TemplateBody=json.dumps(stack))
    group = next(o["OutputValue"] for o in cfn.describe_stacks(StackName="unit-example-com")["Stacks"][0]["Outputs"])
    ec2 = moto.client("ec2")

    def rules():
        described = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
        return described["IpPermissions"] + described["IpPermissionsEgress"]

    assert rules(), "a new VPC's default group admits its members and lets everything out"
    markdown = deploy_markdown("unit.example.com", files)
    block = re.search(r"default security group.*?```\n(.*?)```", markdown, re.S).group(1)
    env = {**os.environ, "AWS_ENDPOINT_URL": moto.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": moto.region}
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert rules() == []


# ---------------------------------------------------------------- instances


def test_imds_v2_with_hop_limit_1_unless_the_group_says_otherwise(tmp_path):
    def edit(cluster, groups):
        groups[1]["spec"]["instanceMetadata"] = {"httpPutResponseHopLimit": 3, "httpTokens": "required"}

    tf, _ = _tf(tmp_path, edit)
    limits = {a: b["metadata_options"][0] for a, b in tf.items() if a.startswith("aws_launch_template.")}
    assert {a: (m["http_tokens"], m["http_put_response_hop_limit"]) for a, m in limits.items()} == {
        "aws_launch_template.control-plane-us-east-1a-masters-unit-example-com": ("required", 1),
        "aws_launch_template.nodes-unit-example-com": ("required", 3)}
    template = _cfn(tmp_path / "cfn", edit)
    cfn_limits = sorted((r["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"],
                         r["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpPutResponseHopLimit"])
                        for r in _of_type(template, "AWS::EC2::LaunchTemplate").values())
    assert cfn_limits == [("required", 1), ("required", 3)]


def test_no_ssh_rule_without_ssh_access(tmp_path):
    graph = _graph(tmp_path, lambda cluster, groups: cluster.pop("sshAccess"))
    ssh = [r for r in graph.of_kind(SecurityGroupRule) if r.protocol == "tcp" and r.from_port <= 22 <= r.to_port
           and (r.cidr_block or r.ipv6_cidr_block or r.prefix_list_id)]
    assert ssh == []
    with_access = _graph(tmp_path / "with", lambda cluster, groups: cluster.update(sshAccess=["198.51.100.0/24"]))
    assert {r.cidr_block for r in with_access.of_kind(SecurityGroupRule) if r.from_port == 22} == {"198.51.100.0/24"}


def test_customer_kms_keys_for_etcd_and_root_volumes_reach_both_targets(tmp_path):
    etcd_key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    root_key = "arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000"

    def edit(cluster, groups):
        for etcd in cluster["etcdClusters"]:
            etcd["etcdMembers"][0]["kmsKeyId"] = etcd_key
        groups[1]["spec"].update(rootVolumeEncryption=True, rootVolumeEncryptionKey=root_key)

    tf, _ = _tf(tmp_path, edit)
    volumes = [b for a, b in tf.items() if a.startswith("aws_ebs_volume.")]
    assert volumes and all(v["kms_key_id"] == etcd_key and v["encrypted"] is True for v in volumes)
    nodes = tf["aws_launch_template.nodes-unit-example-com"]["block_device_mappings"][0]["ebs"][0]
    assert (nodes["encrypted"], nodes["kms_key_id"]) == (True, root_key)

    template = _cfn(tmp_path / "cfn", edit)
    cfn_volumes = _of_type(template, "AWS::EC2::Volume").values()
    assert cfn_volumes and all(v["Properties"]["KmsKeyId"] == etcd_key for v in cfn_volumes)
    lt = next(r for r in _of_type(template, "AWS::EC2::LaunchTemplate").values()
              if r["Properties"]["LaunchTemplateName"] == f"nodes.{CLUSTER}")
    ebs = lt["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]
    assert (ebs["Encrypted"], ebs["KmsKeyId"]) == (True, root_key)


# ---------------------------------------------------------------- load balancers


def test_deletion_protection_and_access_logs_reach_both_targets(tmp_path):
    def edit(cluster, groups):
        cluster["api"] = {"loadBalancer": {"type": "Public", "class": "Network", "deletionProtection": True,
                                           "accessLog": {"bucket": "lb-logs", "bucketPrefix": "api"}}}

    tf, _ = _tf(tmp_path, edit)
    lb = tf["aws_lb.api-unit-example-com"]
    assert lb["enable_deletion_protection"] is True
    assert lb["access_logs"] == [{"bucket": "lb-logs", "enabled": True, "prefix": "api"}]
    (nlb,) = _of_type(_cfn(tmp_path / "cfn", edit), "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    attributes = {a["Key"]: a["Value"] for a in nlb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["deletion_protection.enabled"] == "true"
    assert (attributes["access_logs.s3.enabled"], attributes["access_logs.s3.bucket"],
            attributes["access_logs.s3.prefix"]) == ("true", "lb-logs", "api")


# ---------------------------------------------------------------- IAM


def test_termination_handler_reads_and_deletes_only_its_own_queue(tmp_path):
    spec = edited_spec("minimal-1.36", tmp_path)
    graph = pipeline.build_graph(session(spec))
    from kopsgen.ir.events import SqsQueue

    (queue,) = graph.of_kind(SqsQueue)
    statements = _statements(graph.get(IamRolePolicy, f"masters.{spec.cluster.name}").policy.json)
    sqs = [s for s in statements if any(a.startswith("sqs:") for a in s["Action"])]
    assert sqs == [{"Action": ["sqs:DeleteMessage", "sqs:ReceiveMessage"], "Effect": "Allow",
                    "Resource": [f"arn:aws:sqs:{spec.cluster.region}:*:{queue.name}"]}]

