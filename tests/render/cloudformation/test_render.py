"""What the CloudFormation target writes: files and formats, user data, update policies, outputs, images and
other lookups as parameters, size notes, uploads, and the command line."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.errors import UsageError
from kopsgen.ir import naming
from kopsgen.publish.cloudformation import upload_templates
from kopsgen.publish.templates import https_url
from kopsgen.render.cloudformation import deploy_guide, images
from kopsgen.render.cloudformation import naming as cfn_naming
from kopsgen.render.cloudformation.layout import MAX_BODY_BYTES
from tests.support import cloudformation as cfn
from tests.support import spec_edit
from tests.support.paths import case_input
from tests.support.sessions import session


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("state")
    with cfn.state_store(folder):
        yield folder


def _spec(case: str = "minimal-1.36", tmp_path=None, edit=None):
    if edit is None:
        return pipeline.load_spec([case_input(case)])
    return spec_edit.edited_spec(case, tmp_path, edit)


def _resources(files, cfn_type):
    return cfn.resources_of_type(cfn.template(files), cfn_type)


# ---------------------------------------------------------------- files and formats


def test_json_and_yaml_hold_the_same_template(state):
    spec = _spec()
    as_json = cfn.render(spec, "json")
    as_yaml = cfn.render(spec, "yaml")
    assert set(as_json) == {"minimal.example.com.json", "DEPLOY.md"}
    assert set(as_yaml) == {"minimal.example.com.yaml", "DEPLOY.md"}
    assert cfn.template(as_yaml) == cfn.template(as_json)
    text = as_yaml["minimal.example.com.yaml"].decode()
    assert "UserData: !Base64 |" in text and "!Ref " in text and "Fn::" not in text   # short forms, literal blocks


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_rerendering_gives_the_same_bytes(fmt, state):
    assert cfn.render(_spec("complex"), fmt) == cfn.render(_spec("complex"), fmt)


# ---------------------------------------------------------------- user data


def _user_data(value) -> bytes:
    return value["Fn::Base64"].encode() if isinstance(value, dict) else base64.b64decode(value)


@pytest.mark.parametrize("case", ["minimal-1.36", "bastionadditional_user-data", "complex"])
def test_user_data_is_the_bytes_terraform_embeds(case, state):
    spec = _spec(case)
    files = cfn.render(spec)
    templates = {r["Properties"]["LaunchTemplateName"]: r["Properties"]["LaunchTemplateData"]
                 for r in _resources(files, "AWS::EC2::LaunchTemplate").values()}
    for ig in spec.instance_groups:
        expected = session(spec).bootstrap.user_data(ig)
        data = templates[naming.launch_template(ig.name, ig.role, spec.cluster.name)]
        assert _user_data(data["UserData"]) == expected if expected else "UserData" not in data


def test_compressed_user_data_is_embedded_as_the_same_bytes(tmp_path, state):
    def compress(docs):
        spec_edit.group_spec(docs, "nodes")["compressUserData"] = True

    spec = _spec("minimal-1.36", tmp_path, compress)
    files = cfn.render(spec)
    node = next(r for r in _resources(files, "AWS::EC2::LaunchTemplate").values()
                if r["Properties"]["LaunchTemplateName"] == "nodes.minimal.example.com")
    assert _user_data(node["Properties"]["LaunchTemplateData"]["UserData"]) == \
        session(spec).bootstrap.user_data(spec.instance_group("nodes"))


# ---------------------------------------------------------------- rolling updates


def test_every_group_rolls_and_control_planes_roll_one_after_another(state):
    files = cfn.render(_spec("ha"))
    groups = _resources(files, "AWS::AutoScaling::AutoScalingGroup")
    for lid, group in groups.items():
        update = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
        assert update["MinInstancesInService"] < int(group["Properties"]["MaxSize"])
        assert "CreationPolicy" not in group and "WaitOnResourceSignals" not in update
    masters = sorted(lid for lid in groups if "Masters" in lid)
    assert len(masters) == 3
    assert all(groups[m]["UpdatePolicy"]["AutoScalingRollingUpdate"]["MaxBatchSize"] == 1 for m in masters)
    assert "DependsOn" not in groups[masters[0]]
    assert groups[masters[1]]["DependsOn"] == [masters[0]]
    assert groups[masters[2]]["DependsOn"] == [masters[1]]


def test_rolling_update_follows_max_unavailable(tmp_path, state):
    def bigger(docs):
        nodes = spec_edit.group_spec(docs, "nodes")
        nodes.update(minSize=5, maxSize=10, rollingUpdate={"maxUnavailable": 2})

    files = cfn.render(_spec("minimal-1.36", tmp_path, bigger))
    update = _resources(files, "AWS::AutoScaling::AutoScalingGroup")["AutoScalingGroupNodes"]["UpdatePolicy"]
    assert update["AutoScalingRollingUpdate"]["MaxBatchSize"] == 2
    assert update["AutoScalingRollingUpdate"]["MinInstancesInService"] == 3


def test_suspended_processes_are_recorded_and_left_alone_by_updates(state):
    files = cfn.render(_spec("complex"))
    nodes = _resources(files, "AWS::AutoScaling::AutoScalingGroup")["AutoScalingGroupNodes"]
    assert nodes["Metadata"]["kopsgen"]["SuspendedProcesses"] == ["AZRebalance"]
    # CloudFormation resumes what an update suspended: the spec's own suspension must not be in that list
    assert "AZRebalance" not in nodes["UpdatePolicy"]["AutoScalingRollingUpdate"]["SuspendProcesses"]
    text = files["DEPLOY.md"].decode()
    assert ("aws autoscaling suspend-processes --auto-scaling-group-name nodes.complex.example.com "
            "--scaling-processes AZRebalance") in text


# ---------------------------------------------------------------- outputs and exports


@pytest.mark.parametrize("case", ["ha", "shared_vpc", "minimal-ipv6"])
def test_outputs_export_what_the_graph_offers(case, state):
    spec = _spec(case)
    graph = pipeline.build_graph(session(spec))
    body = cfn.template(cfn.render(spec))
    expected = {cfn_naming.output_id(name) for name, value in graph.outputs.items() if value != ()}
    if case == "shared_vpc":   # IPv4 only: no output that would only echo an IPv6 block the user must give
        expected -= {"VpcIpv6CidrBlock", "VpcIpv6CidrLength"}
    assert set(body["Outputs"]) == expected
    exports = [o["Export"]["Name"]["Fn::Sub"] for o in body["Outputs"].values()]
    assert all(e.startswith("${AWS::StackName}-") for e in exports)
    assert len(set(exports)) == len(exports)
    assert body["Outputs"]["VpcId"]["Value"] == ({"Ref": "Vpc"} if case != "shared_vpc" else "vpc-12345678")
    if case == "shared_vpc":
        return
    # the prefix length is the text after the slash of the IPv6 block output beside it
    block = body["Outputs"]["VpcIpv6CidrBlock"]["Value"]
    assert body["Outputs"]["VpcIpv6CidrLength"]["Value"] == {"Fn::Select": [1, {"Fn::Split": ["/", block]}]}


# ---------------------------------------------------------------- images and other lookups


def _with_image(image: str):
    def edit(docs):
        for doc in docs:
            if doc["kind"] == "InstanceGroup":
                doc["spec"]["image"] = image
    return edit


def test_an_ami_id_is_used_as_given_and_its_root_device_asked_for(tmp_path, state):
    body = cfn.template(cfn.render(_spec("minimal-1.36", tmp_path, _with_image("ami-0123456789abcdef0"))))
    for lt in cfn.resources_of_type(body, "AWS::EC2::LaunchTemplate").values():
        data = lt["Properties"]["LaunchTemplateData"]
        assert data["ImageId"] == "ami-0123456789abcdef0"
        root = data["BlockDeviceMappings"][0]["DeviceName"]
        assert body["Parameters"][root["Ref"]]["AllowedValues"] == ["/dev/xvda", "/dev/sda1"]
    assert not any("Image::Id" in p["Type"] for p in body["Parameters"].values())


def test_an_image_of_an_unknown_family_is_a_parameter_the_user_fills(tmp_path, state):
    body = cfn.template(cfn.render(_spec("minimal-1.36", tmp_path, _with_image("123456789012/my-golden-image-*"))))
    [image] = [p for p in body["Parameters"].values() if "Image" in p["Type"]]
    assert image["Type"] == "AWS::EC2::Image::Id" and "Default" not in image
    assert "my-golden-image-*" in image["Description"]


def test_an_ssm_image_is_read_from_that_parameter(tmp_path, state):
    path = "/aws/service/debian/release/12/latest/amd64"
    body = cfn.template(cfn.render(_spec("minimal-1.36", tmp_path, _with_image(f"ssm:{path}"))))
    [image] = [p for p in body["Parameters"].values() if "Image" in p["Type"]]
    assert image == {**image, "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": path}
    lt = next(iter(cfn.resources_of_type(body, "AWS::EC2::LaunchTemplate").values()))
    assert lt["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"][0]["DeviceName"] == "/dev/xvda"


@pytest.mark.parametrize("owner,name,parameter,root", [
    (images.CANONICAL, "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101",
     "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id", "/dev/sda1"),
    (images.CANONICAL, "images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20240101",
     "/aws/service/canonical/ubuntu/server/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id", "/dev/sda1"),
    (images.AMAZON, "al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64",
     "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64", "/dev/xvda"),
    (images.AMAZON, "amzn2-ami-kernel-5.10-hvm-2.0.20240101.0-x86_64-gp2",
     "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2", "/dev/xvda"),
    (images.DEBIAN, "debian-12-amd64-20240717-1811", "/aws/service/debian/release/12/latest/amd64", "/dev/xvda"),
    (images.AMAZON, "bottlerocket-aws-k8s-1.30-x86_64-v1.20.0-fcf71a47",
     "/aws/service/bottlerocket/aws-k8s-1.30/x86_64/latest/image_id", "/dev/xvda"),
    ("309956199498", "RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3", None, None),
])
def test_image_families(owner, name, parameter, root):
    assert images.family_of((owner,), name) == images.ImageFamily(parameter, root)


def test_lookups_of_existing_resources_become_parameters(state):
    body = cfn.template(cfn.render(_spec("shared_vpc")))
    params = body["Parameters"]
    assert params["SharedInternetGatewayId"]["AllowedPattern"] == "^igw-[0-9a-f]+$"
    assert "vpc-12345678" in params["SharedInternetGatewayId"]["Description"]
    assert not cfn.resources_of_type(body, "AWS::EC2::VPC")   # the shared VPC is referenced, never created
    routes = cfn.resources_of_type(body, "AWS::EC2::Route").values()
    assert any(r["Properties"].get("GatewayId") == {"Ref": "SharedInternetGatewayId"} for r in routes)


def test_an_existing_elastic_ip_is_found_by_a_parameter(tmp_path, state):
    def with_ip(docs):
        for subnet in spec_edit.cluster_spec(docs)["subnets"]:
            if subnet["type"] == "Private":
                subnet["publicIP"] = "203.0.113.7"

    body = cfn.template(cfn.render(_spec("privatecalico", tmp_path, with_ip)))
    [gateway] = cfn.resources_of_type(body, "AWS::EC2::NatGateway").values()
    parameter = body["Parameters"][gateway["Properties"]["AllocationId"]["Ref"]]
    assert "203.0.113.7" in parameter["Description"] and parameter["AllowedPattern"] == "^eipalloc-[0-9a-f]+$"
    assert not cfn.resources_of_type(body, "AWS::EC2::EIP")


def test_hosted_zone_is_one_parameter_shared_by_records_and_policies(state):
    body = cfn.template(cfn.render(_spec("privatecalico")))
    [zone] = [k for k, p in body["Parameters"].items() if p["Type"] == "AWS::Route53::HostedZone::Id"]
    records = cfn.resources_of_type(body, "AWS::Route53::RecordSet").values()
    assert records and all(r["Properties"]["HostedZoneId"] == {"Ref": zone} for r in records)
    policies = json.dumps(cfn.resources_of_type(body, "AWS::IAM::Policy"))
    assert '{"Ref": "%s"}' % zone in policies


def test_deploy_notes_say_how_to_associate_the_private_zone(tmp_path, state):
    def private(docs):
        docs[0]["spec"].setdefault("topology", {})["dns"] = {"type": "Private"}

    files = cfn.render(_spec("privatecalico", tmp_path, private))
    assert cfn.template(files)["Outputs"]["PrivateHostedZoneId"]["Value"] == {"Ref": "HostedZoneIdExampleCom"}
    text = files["DEPLOY.md"].decode()
    assert ("aws route53 associate-vpc-with-hosted-zone --hosted-zone-id \"$(aws cloudformation describe-stacks "
            "--stack-name privatecalico-example-com --query \"Stacks[0].Outputs[?OutputKey=='PrivateHostedZoneId']"
            ".OutputValue\" --output text)\" \\\n  --vpc VPCRegion=us-test-1,VPCId=") in text
    assert any("associate its VPC with the private hosted zone" in line for line in deploy_guide.notes(files))
    public = cfn.render(_spec("privatecalico"))
    assert "associate-vpc-with-hosted-zone" not in public["DEPLOY.md"].decode()


def test_a_carved_ipv6_block_is_cut_from_the_vpcs_block(tmp_path, state):
    def carved(docs):
        for subnet in docs[0]["spec"]["subnets"]:
            subnet["ipv6CIDR"] = "/64#1f"

    body = cfn.template(cfn.render(_spec("minimal-ipv6", tmp_path, carved)))
    subnets = cfn.resources_of_type(body, "AWS::EC2::Subnet")
    vpc_block = {"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}
    assert {json.dumps(s["Properties"]["Ipv6CidrBlock"]) for s in subnets.values()} == {
        json.dumps({"Fn::Select": [31, {"Fn::Cidr": [vpc_block, 32, 64]}]})}
    assert all("VpcIpv6CidrBlock" in s["DependsOn"] for s in subnets.values())


# ---------------------------------------------------------------- firewall and storage


def test_egress_rules_live_inside_the_groups_we_own(state):
    spec = _spec("privatecalico")
    graph = pipeline.build_graph(session(spec))
    from kopsgen.ir.firewall import EGRESS, SecurityGroupRule

    egress = [r for r in graph.of_kind(SecurityGroupRule) if r.direction == EGRESS]
    body = cfn.template(cfn.render(spec))
    inline = [rule for g in cfn.resources_of_type(body, "AWS::EC2::SecurityGroup").values()
              for rule in g["Properties"].get("SecurityGroupEgress", [])]
    assert egress and len(inline) == len(egress)
    assert not cfn.resources_of_type(body, "AWS::EC2::SecurityGroupEgress")
    # every group we own states its outbound rules, so AWS's default one is replaced, not added to
    assert all(g["Properties"].get("SecurityGroupEgress")
               for g in cfn.resources_of_type(body, "AWS::EC2::SecurityGroup").values())


def test_etcd_volumes_are_snapshotted_before_they_go(state):
    volumes = _resources(cfn.render(_spec("ha")), "AWS::EC2::Volume")
    assert len(volumes) == 6
    assert all(v["DeletionPolicy"] == "Snapshot" and v["UpdateReplacePolicy"] == "Snapshot" for v in volumes.values())


# ---------------------------------------------------------------- sizes, notes, uploads


def test_a_large_template_says_it_must_be_deployed_from_s3(state):
    files = cfn.render(_spec("complex"))
    assert len(files["complex.example.com.json"]) > MAX_BODY_BYTES
    assert "must be read from S3" in files["DEPLOY.md"].decode()
    assert any("over CloudFormation's 51,200-byte limit" in line for line in deploy_guide.notes(files))


def test_a_small_template_is_deployed_inline():
    body = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}},
            "Parameters": {"Zone": {"Type": "AWS::Route53::HostedZone::Id", "Description": "the zone"}}}
    files = {"small.example.com.json": json.dumps(body).encode()}
    text = deploy_guide.deploy_markdown("small.example.com", files)
    assert "--template-body file://small.example.com.json" in text
    assert "ParameterKey=Zone,ParameterValue=..." in text
    assert not any("51,200" in line for line in deploy_guide.notes(files))


@pytest.mark.parametrize("bucket,region,expected", [
    ("state-bucket", "eu-west-1", "https://state-bucket.s3.eu-west-1.amazonaws.com/k/x.json"),
    ("state.example.com", "us-east-1", "https://s3.us-east-1.amazonaws.com/state.example.com/k/x.json"),
])
def test_template_urls(bucket, region, expected):
    assert https_url(bucket, "k/x.json", region) == expected


@pytest.mark.moto
def test_templates_upload_to_the_state_store_bucket(moto, tmp_path, state):
    def on_s3(docs):
        spec_edit.cluster_spec(docs)["configBase"] = "s3://kopsgen-cfn-templates/clusters/minimal.example.com"

    spec = _spec("minimal-1.36", tmp_path, on_s3)
    files = cfn.render(spec)
    s3 = moto.client("s3", "eu-west-1")
    s3.create_bucket(Bucket="kopsgen-cfn-templates", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    urls = upload_templates(spec, files, client=s3)
    key = "clusters/minimal.example.com/cloudformation/minimal.example.com.json"
    # the URL names the bucket's real region, not the cluster's
    assert urls == {"minimal.example.com.json": f"https://kopsgen-cfn-templates.s3.eu-west-1.amazonaws.com/{key}"}
    assert s3.get_object(Bucket="kopsgen-cfn-templates", Key=key)["Body"].read() == files["minimal.example.com.json"]


def test_uploading_needs_an_s3_state_store(state):
    with pytest.raises(UsageError, match="configBase on S3"):
        upload_templates(_spec("minimal-1.36"), {})


# ---------------------------------------------------------------- the command line


def test_cli_renders_cloudformation(tmp_path, state):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", "--target", "cloudformation", "--format", "yaml",
                                      "-f", str(case_input("minimal-1.36")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "minimal.example.com.yaml").exists() and (out / "DEPLOY.md").exists()
    assert "51,200-byte limit" in result.output and "--upload-files" in result.output


@pytest.mark.parametrize("args,message", [
    (["--target", "terraform", "--upload-files"], "go with --target cloudformation"),
    (["--target", "cloudformation", "--upload-templates"], "configBase on S3"),
])
def test_cli_refuses_uploads_it_cannot_do(args, message, tmp_path, state):
    result = CliRunner().invoke(cli, ["render", *args, "-f", str(case_input("minimal-1.36")), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.moto
def test_cli_uploads_templates_and_state_files(moto, tmp_path, state, monkeypatch):
    bucket = "kopsgen-cfn-cli"

    def on_s3(docs):
        spec_edit.cluster_spec(docs)["configBase"] = f"s3://{bucket}/minimal.example.com"

    spec_file = spec_edit.edited_input("minimal-1.36", tmp_path / "cluster.yaml", on_s3)
    moto.client("s3").create_bucket(Bucket=bucket)
    for name, value in (("AWS_ENDPOINT_URL", moto.endpoint), ("AWS_ACCESS_KEY_ID", "test"),
                        ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["render", "--target", "cloudformation", "--upload-templates", "--upload-files",
                                      "-f", str(spec_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    key = "minimal.example.com/cloudformation/minimal.example.com.json"
    assert f"https://{bucket}.s3.us-east-1.amazonaws.com/{key}" in result.output
    stored = {o["Key"] for o in moto.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert key in stored
    expected = {f"minimal.example.com/{k}" for k in session(pipeline.load_spec([spec_file])).bootstrap.state_files()}
    assert expected and expected <= stored
