"""The CloudFormation stack is created by a real CloudFormation API (moto's, on 127.0.0.1), and what it
creates matches the spec: VPC, subnets, security-group rules, launch templates, auto-scaling groups.

The template travels the way a user's does: uploaded to the state-store bucket with
`upload_templates` and created from its URL. Its image parameters resolve through SSM at create time.

What the moto run changes, and why (moto's limits, not the template's):
- the region is a real one (kops's fixtures use `us-test-1`, which moto refuses);
- images are Amazon Linux 2023 names, whose public SSM parameter moto carries (moto has no Ubuntu ones and
  refuses to create `/aws/...` parameters itself);
- `m3.medium` becomes `t3.medium`: moto's RunInstances crashes on an instance-store mapping (MOTO.md);
- outputs reading `VPC.Ipv6CidrBlocks` are left out: moto does not implement that attribute;
- rules for an IP protocol number (Calico's IP-in-IP, protocol 4) get ports: moto requires them, where AWS
  ignores them and cfn-lint warns about them;
- KMS keys lose their tags: moto's CloudFormation KMS key reads tags as `TagKey`/`TagValue` and fails on
  CloudFormation's `Key`/`Value`;
- cases with load balancers are not created: moto's CloudFormation makes every NLB an ALB;
- moto's SecurityGroupIngress resource drops `CidrIpv6`, so IPv6 sources are not read back, and moto
  ignores a group's `SecurityGroupEgress` property, so outbound rules are checked on the template
  (test_render.py), not here.
moto "creates" types it does not implement (DHCP options, lifecycle hooks, VPCCidrBlock, queue policies)
without creating anything, so those are not read back. The server is reset before each test.
"""

from __future__ import annotations

import base64
import json

import pytest

from kopsgen.ir import naming
from kopsgen.publish.cloudformation import upload_templates
from tests.support import cloudformation as cfn
from tests.support.paths import EXAMPLES
from tests.support.sessions import session

pytestmark = pytest.mark.moto

BUCKET = "kopsgen-cfn-state"
MOTO_IMAGE = "amazon/al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64"
MOTO_IMAGE_SSM = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"
ZONE = "example.com"
# Types moto's CloudFormation accepts without creating anything (moto/cloudformation/parsing.py).
MOTO_UNIMPLEMENTED = {"AWS::EC2::DHCPOptions", "AWS::EC2::VPCDHCPOptionsAssociation", "AWS::EC2::VPCCidrBlock",
                      "AWS::AutoScaling::LifecycleHook", "AWS::SQS::QueuePolicy", "AWS::EC2::KeyPair"}


def _for_moto(text: str) -> str:
    def edit(docs: list[dict]) -> None:
        for doc in docs:
            spec = doc["spec"]
            if doc["kind"] == "Cluster":
                spec["configBase"] = f"s3://{BUCKET}/{doc['metadata']['name']}"
            else:
                spec["image"] = MOTO_IMAGE
                if spec.get("machineType") == "m3.medium":
                    spec["machineType"] = "t3.medium"

    return cfn.edit_documents(cfn.with_region(text, "us-east-1"), edit)


def _private_without_load_balancers(text: str) -> str:
    """The HA private example, with the API published in DNS instead of behind an NLB, and no bastion
    (whose NLB moto cannot make either): private subnets, NAT gateways, three control-plane groups."""
    def edit(docs: list[dict]) -> None:
        cluster = docs[0]["spec"]
        cluster["api"] = {"dns": {}}
        cluster["topology"] = {"dns": {"type": "Public"}}
        cluster["dnsZone"] = ZONE
        docs[:] = [d for d in docs if d["kind"] == "Cluster" or d["spec"]["role"] != "Bastion"]

    return cfn.edit_documents(text, edit)


CASES = {
    "minimal-1.36": lambda: _for_moto(cfn.case_text("minimal-1.36")),
    "example-public-dns": lambda: _for_moto((EXAMPLES / "public-dns.yaml").read_text()),
    "example-ha-private-without-lb": lambda: _for_moto(
        _private_without_load_balancers((EXAMPLES / "ha-private-bastion.yaml").read_text())),
}


_PORTED = ("-1", "tcp", "udp", "icmp", "icmpv6")


def _moto_files(files: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(files)
    for path in [p for p in files if p.endswith(".json")]:
        body = json.loads(files[path])
        body["Outputs"] = {k: v for k, v in body.get("Outputs", {}).items() if "Ipv6CidrBlocks" not in json.dumps(v)}
        for resource in body["Resources"].values():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::KMS::Key":
                props.pop("Tags", None)   # moto's KMS key reads tags as TagKey/TagValue, not CloudFormation's Key/Value
            rules = [props] if resource["Type"].startswith("AWS::EC2::SecurityGroupIngress") else []
            rules += props.get("SecurityGroupEgress", []) if resource["Type"] == "AWS::EC2::SecurityGroup" else []
            for rule in rules:
                if rule["IpProtocol"] not in _PORTED:
                    rule.setdefault("FromPort", 0)
                    rule.setdefault("ToPort", 65535)
        out[path] = json.dumps(body).encode()
    return out


@pytest.fixture
def deployed(moto, tmp_path, request):
    """Render a case, create its stack in moto, and hand back what the checks need."""
    name = request.param
    region = "eu-west-1" if "ha-private" in name else "us-east-1"
    with cfn.state_store(tmp_path / "state"):
        spec = cfn.spec_from_text(CASES[name](), tmp_path / "in")
        files = cfn.render(spec)
        user_data = {ig.name: session(spec).bootstrap.user_data(ig) for ig in spec.instance_groups}
    assert spec.cluster.region == region
    s3 = moto.client("s3", region)
    s3.create_bucket(Bucket=BUCKET, **({"CreateBucketConfiguration": {"LocationConstraint": region}}
                                        if region != "us-east-1" else {}))
    urls = upload_templates(spec, _moto_files(files), client=s3)
    zone_id = moto.client("route53", region).create_hosted_zone(
        Name=ZONE, CallerReference="kopsgen-test")["HostedZone"]["Id"].split("/")[-1]

    body = cfn.template(files)
    parameters = [{"ParameterKey": pid, "ParameterValue": zone_id}
                  for pid, p in body.get("Parameters", {}).items() if p["Type"] == "AWS::Route53::HostedZone::Id"]
    cloudformation = moto.client("cloudformation", region)
    stack_name = "kopsgen-" + name.replace(".", "-")
    main = next(url for path, url in urls.items() if "/" not in path)
    cloudformation.create_stack(StackName=stack_name, TemplateURL=main, Parameters=parameters,
                                Capabilities=["CAPABILITY_NAMED_IAM"])
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {"spec": spec, "stack": stack, "region": region, "moto": moto, "user_data": user_data, "body": body,
            "cloudformation": cloudformation}


def _ec2(d):
    return d["moto"].client("ec2", d["region"])


def _cluster_filter(d) -> list[dict]:
    return [{"Name": "tag:KubernetesCluster", "Values": [d["spec"].cluster.name]}]


def _tags(items) -> dict:
    return {t["Key"]: t["Value"] for t in items or []}


@pytest.mark.parametrize("deployed", sorted(CASES), indirect=True)
def test_stack_reaches_create_complete(deployed):
    stack = deployed["stack"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    resources = deployed["cloudformation"].list_stack_resources(StackName=stack["StackName"])["StackResourceSummaries"]
    assert all(r["ResourceStatus"] == "CREATE_COMPLETE" for r in resources)
    body = deployed["body"]["Resources"]
    # moto lists the types it does not implement without a logical ID; everything else is there by name
    implemented = {lid for lid, r in body.items() if r["Type"] not in MOTO_UNIMPLEMENTED}
    assert {r["LogicalResourceId"] for r in resources} - {""} == implemented
    assert len(resources) == len(body)


@pytest.mark.parametrize("deployed", sorted(CASES), indirect=True)
def test_vpc_and_subnets_match_the_spec(deployed):
    spec, ec2 = deployed["spec"], _ec2(deployed)
    vpcs = ec2.describe_vpcs(Filters=_cluster_filter(deployed))["Vpcs"]
    assert [v["CidrBlock"] for v in vpcs] == [spec.cluster.network_cidr]
    tags = _tags(vpcs[0]["Tags"])
    assert tags["Name"] == spec.cluster.name and tags[f"kubernetes.io/cluster/{spec.cluster.name}"] == "owned"

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"]
    assert sorted((s["CidrBlock"], s["AvailabilityZone"], _tags(s["Tags"])["SubnetType"]) for s in subnets) == \
        sorted((s.cidr, s.zone, s.type) for s in spec.cluster.subnets)

    outputs = {o["OutputKey"]: o["OutputValue"] for o in deployed["stack"]["Outputs"]}
    assert outputs["VpcId"] == vpcs[0]["VpcId"]
    assert outputs["VpcCidrBlock"] == spec.cluster.network_cidr


def _permissions(group: dict, key: str) -> set[tuple]:
    found = set()
    for p in group[key]:
        ports = (p.get("FromPort"), p.get("ToPort")) if p["IpProtocol"] != "-1" else (None, None)
        for r in p.get("IpRanges", []):
            found.add((p["IpProtocol"], *ports, r["CidrIp"]))
        for r in p.get("Ipv6Ranges", []):
            found.add((p["IpProtocol"], *ports, r["CidrIpv6"]))
        for r in p.get("UserIdGroupPairs", []):
            found.add((p["IpProtocol"], *ports, r["GroupId"]))
    return found


@pytest.mark.parametrize("deployed", sorted(CASES), indirect=True)
def test_security_group_rules_match_the_spec(deployed):
    spec, ec2 = deployed["spec"], _ec2(deployed)
    found = ec2.describe_security_groups(Filters=_cluster_filter(deployed))["SecurityGroups"]
    groups = {g["GroupName"]: g for g in found}
    masters = groups[f"masters.{spec.cluster.name}"]
    nodes = groups[f"nodes.{spec.cluster.name}"]
    master_in = _permissions(masters, "IpPermissions")
    # (moto's SecurityGroupIngress resource drops CidrIpv6, so only IPv4 sources can be read back)
    for cidr in [c for c in spec.cluster.ssh_access if ":" not in c]:
        assert ("tcp", 22, 22, cidr) in master_in
        assert ("tcp", 22, 22, cidr) in _permissions(nodes, "IpPermissions")
    for cidr in [c for c in spec.cluster.kubernetes_api_access if ":" not in c]:
        assert ("tcp", 443, 443, cidr) in master_in
    if not spec.cluster.ssh_access:   # SSH closed (create cluster's default): no rule admits port 22 at all
        assert not [p for p in master_in | _permissions(nodes, "IpPermissions") if p[:3] == ("tcp", 22, 22)]
    # nodes reach the control plane, the control plane reaches everything
    assert ("-1", None, None, masters["GroupId"]) in _permissions(nodes, "IpPermissions")
    assert ("tcp", 1, 2379, nodes["GroupId"]) in master_in


@pytest.mark.parametrize("deployed", sorted(CASES), indirect=True)
def test_launch_templates_match_the_spec(deployed):
    spec, ec2, region = deployed["spec"], _ec2(deployed), deployed["region"]
    image = deployed["moto"].client("ssm", region).get_parameter(Name=MOTO_IMAGE_SSM)["Parameter"]["Value"]
    for ig in spec.instance_groups:
        name = naming.launch_template(ig.name, ig.role, spec.cluster.name)
        version = ec2.describe_launch_template_versions(LaunchTemplateName=name, Versions=["$Latest"])[
            "LaunchTemplateVersions"][0]["LaunchTemplateData"]
        assert version["InstanceType"] == ig.machine_type
        assert version["ImageId"] == image   # resolved through SSM when the stack was created
        assert version["MetadataOptions"]["HttpTokens"] == ig.http_tokens
        assert version["MetadataOptions"]["HttpPutResponseHopLimit"] == ig.http_put_response_hop_limit
        root = version["BlockDeviceMappings"][0]
        assert root["DeviceName"] == "/dev/xvda"   # Amazon Linux's, known without reading the image
        assert root["Ebs"]["VolumeSize"] == ig.root_volume.size and root["Ebs"]["VolumeType"] == ig.root_volume.type
        assert base64.b64decode(version["UserData"]) == deployed["user_data"][ig.name]


@pytest.mark.parametrize("deployed", sorted(CASES), indirect=True)
def test_autoscaling_groups_match_the_spec(deployed):
    spec, region, ec2 = deployed["spec"], deployed["region"], _ec2(deployed)
    autoscaling = deployed["moto"].client("autoscaling", region)
    groups = {g["AutoScalingGroupName"]: g for g in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]}
    subnet_ids = {_tags(s["Tags"])["Name"]: s["SubnetId"]
                  for s in ec2.describe_subnets(Filters=_cluster_filter(deployed))["Subnets"]}
    assert len(groups) == len(spec.instance_groups)
    for ig in spec.instance_groups:
        group = groups[naming.autoscaling_group(ig.name, ig.role, spec.cluster.name)]
        assert (group["MinSize"], group["MaxSize"]) == (ig.min_size, ig.max_size)
        wanted = {subnet_ids[f"{s}.{spec.cluster.name}"] for s in ig.subnets}
        assert set(group["VPCZoneIdentifier"].split(",")) == wanted
        assert group["LaunchTemplate"]["LaunchTemplateName"] == naming.launch_template(ig.name, ig.role,
                                                                                         spec.cluster.name)
        tags = {t["Key"]: t["Value"] for t in group["Tags"]}
        assert tags["kops.k8s.io/instancegroup"] == ig.name
        assert all(t["PropagateAtLaunch"] for t in group["Tags"])
    # the instances exist, launched from the templates, in the spec's numbers
    running = [i for r in ec2.describe_instances(Filters=_cluster_filter(deployed))["Reservations"]
               for i in r["Instances"]]
    assert len(running) == sum(ig.min_size for ig in spec.instance_groups)


@pytest.mark.parametrize("deployed", ["example-ha-private-without-lb"], indirect=True)
def test_private_zones_leave_through_their_own_nat_gateway(deployed):
    spec, ec2 = deployed["spec"], _ec2(deployed)
    gateways = ec2.describe_nat_gateways()["NatGateways"]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(Filters=_cluster_filter(deployed))["Subnets"]}
    utility = sorted(s.zone for s in spec.cluster.subnets if s.type == "Utility")
    assert sorted(subnets[g["SubnetId"]]["AvailabilityZone"] for g in gateways) == utility
    tables = ec2.describe_route_tables(Filters=_cluster_filter(deployed))["RouteTables"]
    for table in tables:
        role = _tags(table["Tags"]).get("kubernetes.io/kops/role", "")
        if role.startswith("private-"):
            zone = role.removeprefix("private-")
            default = next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
            gateway = next(g for g in gateways if g["NatGatewayId"] == default["NatGatewayId"])
            assert subnets[gateway["SubnetId"]]["AvailabilityZone"] == zone
