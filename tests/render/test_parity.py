"""Both targets describe the same infrastructure: for every reference case and example, each kind of
Terraform resource has its CloudFormation counterpart, in the same number, with the same key properties.

Each resource is reduced on both sides to a tuple of the properties that matter (CIDRs, zones, ports,
sizes, instance types, names, tags, user data bytes, policy documents), with references replaced by the
name of what they point at, and the two multisets are compared type by type. Where CloudFormation spells
one Terraform resource differently, the reduction follows it: an egress rule of a group we own lives inside
the group, a managed-policy attachment inside its role, an EventBridge target inside its rule.

Deliberate differences, asserted here rather than hidden: state-store files (`aws_s3_object`) are not in a
template (kopsgen uploads them), the VPC's default security group is emptied by Terraform only (no
CloudFormation resource manages it; DEPLOY.md gives the commands), and an instance profile carries no
tags (CloudFormation has no property).
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter

import pytest

from kopsgen import pipeline
from tests.support import cloudformation as cfn
from tests.support import hcl
from tests.support.paths import EXAMPLES, case_input, reference_cases
from tests.support.sessions import session

NOT_IN_TEMPLATES = {
    "aws_s3_object",                   # uploaded by kopsgen, not part of the stack
    "aws_default_security_group",      # no CloudFormation resource manages it: DEPLOY.md says how to empty it
    "aws_route53_zone_association",    # only for zones a stack creates: DEPLOY.md gives the command
}
LOOKUP = "<looked up>"                 # a data source in Terraform, a parameter in CloudFormation

_TF_REF = re.compile(r"^\$\{(data\.)?(aws_[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$")
_PORTED = ("tcp", "udp", "icmp", "icmpv6", "6", "17", "1", "58")


def _inputs() -> list:
    examples = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.exists() else []
    return [*reference_cases(), *(f"example-{p.stem}" for p in examples)]


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    with cfn.state_store(tmp_path_factory.mktemp("state")):
        yield


def _spec(name: str):
    if name.startswith("example-"):
        return pipeline.load_spec([EXAMPLES / f"{name.removeprefix('example-')}.yaml"])
    return pipeline.load_spec([case_input(name)])


# ---------------------------------------------------------------- Terraform side


class _Tf:
    def __init__(self, files: dict[str, bytes]):
        self.files = files
        parsed = hcl.parse(files["kubernetes.tf"].decode())
        self.resources = hcl.resources(parsed)
        self.data = hcl.data_sources(parsed)

    def identity(self, value):
        if not isinstance(value, str):
            return value
        match = _TF_REF.match(value)
        if not match:
            return value   # a literal ID of something that exists already
        data, rtype, label, _ = match.groups()
        if data:
            return LOOKUP
        body = self.resources[f"{rtype}.{label}"]
        return (body.get("name") or body.get("key_name") or (body.get("tags") or {}).get("Name")
                or f"{rtype}.{label}")

    def file(self, expression: str) -> bytes:
        path = re.search(r'data/[^"]+', expression).group(0)
        return self.files[path]

    def document(self, expression: str):
        """A policy document; values filled in at apply time become the name of what they read."""
        text = self.file(expression).decode()
        if "templatefile(" in expression:
            variables = dict(re.findall(r"([a-z_]+) = ([^,}]+)", expression.split(", {", 1)[1]))
            text = re.sub(r"(?<!\$)\$\{([a-z_]+)\}", lambda m: self.identity("${" + variables[m.group(1)] + "}"), text)
            text = text.replace("$${", "${").replace("%%{", "%{")
        return json.loads(text)

    def facts(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for address, body in self.resources.items():
            rtype = address.split(".")[0]
            if rtype in NOT_IN_TEMPLATES:
                continue
            reduce = TF_REDUCERS.get(rtype)
            assert reduce is not None, f"no parity rule for Terraform type {rtype}: add one (and a mapper)"
            for fact in reduce(self, body):
                out.setdefault(rtype, Counter())[_freeze(fact)] += 1
        return out


def _tags(body: dict) -> dict:
    return dict(body.get("tags") or {})


def _ports(protocol: str, from_port, to_port):
    if protocol == "-1":
        return ("-1", None, None)
    if protocol not in _PORTED:
        return (protocol, None, None)   # AWS ignores ports for other IP protocols
    return (protocol, from_port, to_port)


def _tf_rule(tf: _Tf, b: dict):
    peers = ([("group", tf.identity(b["source_security_group_id"]))] if "source_security_group_id" in b else []) \
        + [("cidr", c) for c in b.get("cidr_blocks", [])] + [("ipv6", c) for c in b.get("ipv6_cidr_blocks", [])] \
        + [("prefix", c) for c in b.get("prefix_list_ids", [])]
    for peer in peers:
        yield (b["type"], tf.identity(b["security_group_id"]), *_ports(b["protocol"], b["from_port"], b["to_port"]),
               peer, b["description"])


def _tf_launch_template(tf: _Tf, b: dict):
    devices = tuple(sorted((d["ebs"][0]["volume_size"], d["ebs"][0]["volume_type"], d["ebs"][0].get("iops"),
                            d["ebs"][0].get("throughput"), d["ebs"][0]["encrypted"])
                           for d in b["block_device_mappings"] if "ebs" in d))
    ephemeral = tuple(sorted((d["device_name"], d["virtual_name"]) for d in b["block_device_mappings"]
                             if "virtual_name" in d))
    metadata = b["metadata_options"][0]
    nic = b["network_interfaces"][0]
    user_data = tf.file(b["user_data"]) if "user_data" in b else b""
    yield (b["name"], b.get("instance_type"), devices, ephemeral, metadata["http_tokens"],
           metadata["http_put_response_hop_limit"], nic["associate_public_ip_address"], nic["ipv6_address_count"],
           tuple(sorted(map(tf.identity, nic["security_groups"]))), user_data, _tags(b))


def _tf_asg(tf: _Tf, b: dict):
    tags = {t["key"]: t["value"] for t in b.get("tag", [])}
    subnets = tuple(sorted(map(tf.identity, b["vpc_zone_identifier"])))
    groups = tuple(sorted(map(tf.identity, b.get("target_group_arns", []))))
    yield (b["name"], int(b["min_size"]), int(b["max_size"]), subnets, groups,
           tuple(sorted(b.get("load_balancers", []))), tags)


TF_REDUCERS = {
    "aws_vpc": lambda tf, b: [(b["cidr_block"], b["enable_dns_hostnames"], b["enable_dns_support"], _tags(b))],
    "aws_vpc_ipv4_cidr_block_association": lambda tf, b: [(b["cidr_block"],)],
    "aws_vpc_dhcp_options": lambda tf, b: [(b["domain_name"], tuple(b["domain_name_servers"]), _tags(b))],
    "aws_vpc_dhcp_options_association": lambda tf, b: [()],
    "aws_internet_gateway": lambda tf, b: [(_tags(b),)],
    "aws_egress_only_internet_gateway": lambda tf, b: [(_tags(b),)],
    "aws_subnet": lambda tf, b: [(b["availability_zone"], b.get("cidr_block"), b.get("ipv6_cidr_block"), _tags(b))],
    "aws_route_table": lambda tf, b: [(_tags(b),)],
    "aws_route_table_association": lambda tf, b: [(tf.identity(b["subnet_id"]), tf.identity(b["route_table_id"]))],
    "aws_route": lambda tf, b: [(tf.identity(b["route_table_id"]), b.get("destination_cidr_block"),
                                 b.get("destination_ipv6_cidr_block"),
                                 tuple(sorted((k, tf.identity(v)) for k, v in b.items()
                                              if k.endswith("_id") and k != "route_table_id")))],
    "aws_eip": lambda tf, b: [(_tags(b),)],
    "aws_nat_gateway": lambda tf, b: [(tf.identity(b["subnet_id"]), _tags(b))],
    "aws_security_group": lambda tf, b: [(b["name"], b["description"], _tags(b))],
    "aws_security_group_rule": _tf_rule,
    "aws_lb": lambda tf, b: [(b["name"], b["internal"], b["load_balancer_type"], _tags(b))],
    "aws_lb_target_group": lambda tf, b: [(b["name"], b["port"], b["protocol"], _tags(b))],
    "aws_lb_listener": lambda tf, b: [(tf.identity(b["load_balancer_arn"]), b["port"], b["protocol"],
                                       tf.identity(b["default_action"][0]["target_group_arn"]),
                                       b.get("certificate_arn"))],
    "aws_route53_record": lambda tf, b: [(b["name"], b["type"])],
    "aws_key_pair": lambda tf, b: [(b["key_name"], tf.file(b["public_key"]).decode().strip(), _tags(b))],
    "aws_ebs_volume": lambda tf, b: [(b["availability_zone"], b["size"], b["type"], b["encrypted"], b.get("iops"),
                                      b.get("throughput"), _tags(b))],
    "aws_launch_template": _tf_launch_template,
    "aws_autoscaling_group": _tf_asg,
    "aws_autoscaling_lifecycle_hook": lambda tf, b: [(b["name"], tf.identity(b["autoscaling_group_name"]),
                                                      b["lifecycle_transition"], b["default_result"],
                                                      b["heartbeat_timeout"])],
    "aws_iam_role": lambda tf, b: [(b["name"], tf.document(b["assume_role_policy"]), _tags(b))],
    "aws_iam_role_policy": lambda tf, b: [(b["name"], tf.identity(b["role"]), tf.document(b["policy"]))],
    "aws_iam_role_policy_attachment": lambda tf, b: [(tf.identity(b["role"]), b["policy_arn"])],
    "aws_iam_instance_profile": lambda tf, b: [(b["name"], tf.identity(b["role"]))],
    "aws_iam_openid_connect_provider": lambda tf, b: [(b["url"], tuple(b["client_id_list"]), _tags(b))],
    "aws_sqs_queue": lambda tf, b: [(b["name"], b["message_retention_seconds"], _tags(b))],
    "aws_cloudwatch_event_rule": lambda tf, b: [(b["name"], json.loads(tf.file(b["event_pattern"])), _tags(b))],
    "aws_cloudwatch_event_target": lambda tf, b: [(tf.identity(b["rule"]), tf.identity(b["arn"]))],
    "aws_flow_log": lambda tf, b: [(tf.identity(b["vpc_id"]), b["traffic_type"], b["log_destination_type"],
                                    tf.identity(b["log_destination"]), tf.identity(b.get("iam_role_arn")),
                                    b["max_aggregation_interval"], _tags(b))],
    "aws_cloudwatch_log_group": lambda tf, b: [(b["name"], b["retention_in_days"], tf.identity(b.get("kms_key_id")),
                                                _tags(b))],
    "aws_kms_key": lambda tf, b: [(b["description"], b["enable_key_rotation"], b["deletion_window_in_days"],
                                   tf.document(b["policy"]), _tags(b))],
}


# ---------------------------------------------------------------- CloudFormation side

_NAME_PROPERTIES = ("GroupName", "RoleName", "LaunchTemplateName", "AutoScalingGroupName", "QueueName", "Name",
                    "KeyName", "InstanceProfileName", "PolicyName")


class _Cfn:
    def __init__(self, files: dict[str, bytes], partition: str = "aws"):
        self.body = cfn.template(files)
        self.resources = self.body["Resources"]
        self.partition = partition

    def identity(self, value):
        if isinstance(value, dict) and ("Ref" in value or "Fn::GetAtt" in value):
            target = value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]
            if target not in self.resources:
                return LOOKUP
            props = self.resources[target].get("Properties", {})
            for key in _NAME_PROPERTIES:
                if isinstance(props.get(key), str):
                    return props[key]
            return _cfn_tags(props).get("Name", target)
        return value

    def of_type(self, cfn_type: str) -> list[dict]:
        return [r.get("Properties", {}) for r in self.resources.values() if r["Type"] == cfn_type]

    def document(self, document):
        """A policy document; values filled in at deploy time become the name of what they read."""
        if isinstance(document, list):
            return [self.document(v) for v in document]
        if not isinstance(document, dict):
            return document
        if set(document) == {"Fn::Sub"}:
            text, variables = document["Fn::Sub"]
            text = re.sub(r"\$\{(Value\d+)\}", lambda m: self.identity(variables[m.group(1)]), text)
            return text.replace("${AWS::Partition}", self.partition).replace("${!", "${")
        if set(document) in ({"Ref"}, {"Fn::GetAtt"}):
            return self.identity(document)
        return {k: self.document(v) for k, v in document.items()}

    def facts(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for rtype, reduce in CFN_REDUCERS.items():
            facts = list(reduce(self))
            if facts:
                out[rtype] = Counter(_freeze(f) for f in facts)
        return out


def _cfn_tags(props: dict) -> dict:
    return {t["Key"]: t["Value"] for t in props.get("Tags", [])}


def _cfn_rules(c: _Cfn):
    for kind, cfn_type in (("ingress", "AWS::EC2::SecurityGroupIngress"), ("egress", "AWS::EC2::SecurityGroupEgress")):
        for p in c.of_type(cfn_type):
            yield (kind, c.identity(p["GroupId"]), *_ports(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")),
                   _cfn_peer(c, p), p["Description"])
    for p in c.of_type("AWS::EC2::SecurityGroup"):
        for rule in p.get("SecurityGroupEgress", []):
            yield ("egress", p["GroupName"], *_ports(rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort")),
                   _cfn_peer(c, rule), rule["Description"])


def _cfn_peer(c: _Cfn, p: dict):
    for key, kind in (("SourceSecurityGroupId", "group"), ("DestinationSecurityGroupId", "group"), ("CidrIp", "cidr"),
                      ("CidrIpv6", "ipv6"), ("SourcePrefixListId", "prefix"), ("DestinationPrefixListId", "prefix")):
        if key in p:
            return (kind, c.identity(p[key]))
    raise AssertionError(f"rule without a peer: {p}")


def _user_data(value) -> bytes:
    if isinstance(value, dict):
        return value["Fn::Base64"].encode()
    return base64.b64decode(value)


def _cfn_launch_templates(c: _Cfn):
    for p in c.of_type("AWS::EC2::LaunchTemplate"):
        d = p["LaunchTemplateData"]
        devices = tuple(sorted((m["Ebs"]["VolumeSize"], m["Ebs"]["VolumeType"], m["Ebs"].get("Iops"),
                                m["Ebs"].get("Throughput"), m["Ebs"]["Encrypted"])
                               for m in d["BlockDeviceMappings"] if "Ebs" in m))
        ephemeral = tuple(sorted((m["DeviceName"], m["VirtualName"]) for m in d["BlockDeviceMappings"]
                                 if "VirtualName" in m))
        nic = d["NetworkInterfaces"][0]
        tags = {t["Key"]: t["Value"] for t in p.get("TagSpecifications", [{}])[0].get("Tags", [])}
        yield (p["LaunchTemplateName"], d.get("InstanceType"), devices, ephemeral, d["MetadataOptions"]["HttpTokens"],
               d["MetadataOptions"]["HttpPutResponseHopLimit"], nic["AssociatePublicIpAddress"],
               nic["Ipv6AddressCount"], tuple(sorted(map(c.identity, nic["Groups"]))),
               _user_data(d["UserData"]) if "UserData" in d else b"", tags)


def _cfn_asgs(c: _Cfn):
    for p in c.of_type("AWS::AutoScaling::AutoScalingGroup"):
        yield (p["AutoScalingGroupName"], int(p["MinSize"]), int(p["MaxSize"]),
               tuple(sorted(map(c.identity, p["VPCZoneIdentifier"]))),
               tuple(sorted(map(c.identity, p.get("TargetGroupARNs", [])))),
               tuple(sorted(p.get("LoadBalancerNames", []))),
               {t["Key"]: t["Value"] for t in p["Tags"]})


def _cfn_routes(c: _Cfn):
    targets = {"GatewayId": "gateway_id", "EgressOnlyInternetGatewayId": "egress_only_gateway_id",
               "NatGatewayId": "nat_gateway_id", "TransitGatewayId": "transit_gateway_id",
               "VpcPeeringConnectionId": "vpc_peering_connection_id", "InstanceId": "network_interface_id"}
    for p in c.of_type("AWS::EC2::Route"):
        yield (c.identity(p["RouteTableId"]), p.get("DestinationCidrBlock"), p.get("DestinationIpv6CidrBlock"),
               tuple(sorted((targets[k], c.identity(v)) for k, v in p.items() if k in targets)))


def _event_targets(c: _Cfn):
    for p in c.of_type("AWS::Events::Rule"):
        for target in p.get("Targets", []):
            yield (p["Name"], c.identity(target["Arn"]))


CFN_REDUCERS = {
    "aws_vpc": lambda c: [(p["CidrBlock"], p["EnableDnsHostnames"], p["EnableDnsSupport"], _cfn_tags(p))
                          for p in c.of_type("AWS::EC2::VPC")],
    "aws_vpc_ipv4_cidr_block_association": lambda c: [(p["CidrBlock"],) for p in c.of_type("AWS::EC2::VPCCidrBlock")
                                                      if "CidrBlock" in p],
    "aws_vpc_dhcp_options": lambda c: [(p["DomainName"], tuple(p["DomainNameServers"]), _cfn_tags(p))
                                       for p in c.of_type("AWS::EC2::DHCPOptions")],
    "aws_vpc_dhcp_options_association": lambda c: [() for _ in c.of_type("AWS::EC2::VPCDHCPOptionsAssociation")],
    "aws_internet_gateway": lambda c: [(_cfn_tags(p),) for p in c.of_type("AWS::EC2::InternetGateway")],
    "aws_egress_only_internet_gateway": lambda c: [(_cfn_tags(p),)
                                                   for p in c.of_type("AWS::EC2::EgressOnlyInternetGateway")],
    "aws_subnet": lambda c: [(p["AvailabilityZone"], p.get("CidrBlock"), p.get("Ipv6CidrBlock"), _cfn_tags(p))
                             for p in c.of_type("AWS::EC2::Subnet")],
    "aws_route_table": lambda c: [(_cfn_tags(p),) for p in c.of_type("AWS::EC2::RouteTable")],
    "aws_route_table_association": lambda c: [(c.identity(p["SubnetId"]), c.identity(p["RouteTableId"]))
                                              for p in c.of_type("AWS::EC2::SubnetRouteTableAssociation")],
    "aws_route": _cfn_routes,
    "aws_eip": lambda c: [(_cfn_tags(p),) for p in c.of_type("AWS::EC2::EIP")],
    "aws_nat_gateway": lambda c: [(c.identity(p["SubnetId"]), _cfn_tags(p)) for p in c.of_type("AWS::EC2::NatGateway")],
    "aws_security_group": lambda c: [(p["GroupName"], p["GroupDescription"], _cfn_tags(p))
                                     for p in c.of_type("AWS::EC2::SecurityGroup")],
    "aws_security_group_rule": _cfn_rules,
    "aws_lb": lambda c: [(p["Name"], p["Scheme"] == "internal", p["Type"], _cfn_tags(p))
                         for p in c.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer")],
    "aws_lb_target_group": lambda c: [(p["Name"], p["Port"], p["Protocol"], _cfn_tags(p))
                                      for p in c.of_type("AWS::ElasticLoadBalancingV2::TargetGroup")],
    "aws_lb_listener": lambda c: [(c.identity(p["LoadBalancerArn"]), p["Port"], p["Protocol"],
                                   c.identity(p["DefaultActions"][0]["TargetGroupArn"]),
                                   p["Certificates"][0]["CertificateArn"] if "Certificates" in p else None)
                                  for p in c.of_type("AWS::ElasticLoadBalancingV2::Listener")],
    "aws_route53_record": lambda c: [(p["Name"], p["Type"]) for p in c.of_type("AWS::Route53::RecordSet")],
    "aws_key_pair": lambda c: [(p["KeyName"], p["PublicKeyMaterial"].strip(), _cfn_tags(p))
                               for p in c.of_type("AWS::EC2::KeyPair")],
    "aws_ebs_volume": lambda c: [(p["AvailabilityZone"], p["Size"], p["VolumeType"], p["Encrypted"], p.get("Iops"),
                                  p.get("Throughput"), _cfn_tags(p)) for p in c.of_type("AWS::EC2::Volume")],
    "aws_launch_template": _cfn_launch_templates,
    "aws_autoscaling_group": _cfn_asgs,
    "aws_autoscaling_lifecycle_hook": lambda c: [(p["LifecycleHookName"], c.identity(p["AutoScalingGroupName"]),
                                                  p["LifecycleTransition"], p["DefaultResult"], p["HeartbeatTimeout"])
                                                 for p in c.of_type("AWS::AutoScaling::LifecycleHook")],
    "aws_iam_role": lambda c: [(p["RoleName"], c.document(p["AssumeRolePolicyDocument"]), _cfn_tags(p))
                               for p in c.of_type("AWS::IAM::Role")],
    "aws_iam_role_policy": lambda c: [(p["PolicyName"], c.identity(p["Roles"][0]), c.document(p["PolicyDocument"]))
                                      for p in c.of_type("AWS::IAM::Policy")],
    "aws_iam_role_policy_attachment": lambda c: [(p["RoleName"], arn) for p in c.of_type("AWS::IAM::Role")
                                                 for arn in p.get("ManagedPolicyArns", [])],
    "aws_iam_instance_profile": lambda c: [(p["InstanceProfileName"], c.identity(p["Roles"][0]))
                                           for p in c.of_type("AWS::IAM::InstanceProfile")],
    "aws_iam_openid_connect_provider": lambda c: [(p["Url"], tuple(p["ClientIdList"]), _cfn_tags(p))
                                                  for p in c.of_type("AWS::IAM::OIDCProvider")],
    "aws_sqs_queue": lambda c: [(p["QueueName"], p["MessageRetentionPeriod"], _cfn_tags(p))
                                for p in c.of_type("AWS::SQS::Queue")],
    "aws_cloudwatch_event_rule": lambda c: [(p["Name"], p["EventPattern"], _cfn_tags(p))
                                            for p in c.of_type("AWS::Events::Rule")],
    "aws_cloudwatch_event_target": _event_targets,
    "aws_flow_log": lambda c: [(c.identity(p["ResourceId"]), p["TrafficType"], p["LogDestinationType"],
                                c.identity(p.get("LogGroupName") or p.get("LogDestination")),
                                c.identity(p.get("DeliverLogsPermissionArn")), p["MaxAggregationInterval"],
                                _cfn_tags(p)) for p in c.of_type("AWS::EC2::FlowLog")],
    "aws_cloudwatch_log_group": lambda c: [(p["LogGroupName"], p["RetentionInDays"], c.identity(p.get("KmsKeyId")),
                                            _cfn_tags(p)) for p in c.of_type("AWS::Logs::LogGroup")],
    "aws_kms_key": lambda c: [(p["Description"], p["EnableKeyRotation"], p["PendingWindowInDays"],
                               c.document(p["KeyPolicy"]), _cfn_tags(p)) for p in c.of_type("AWS::KMS::Key")],
}


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("name", _inputs())
def test_both_targets_hold_the_same_resources(name, state):
    spec = _spec(name)
    tf = _Tf(pipeline.render(session(spec), "terraform", "hcl")).facts()
    cf = _Cfn(pipeline.render(session(spec), "cloudformation", "json")).facts()
    assert sorted(tf) == sorted(cf), "resource kinds differ"
    for rtype in sorted(tf):
        missing = tf[rtype] - cf[rtype]
        extra = cf[rtype] - tf[rtype]
        assert not missing and not extra, (
            f"{rtype}: {sum(tf[rtype].values())} in Terraform, {sum(cf[rtype].values())} in CloudFormation;\n"
            f"only in Terraform: {list(missing)[:3]}\nonly in CloudFormation: {list(extra)[:3]}")


# What Terraform looks up with a data source at plan time, and how the template gets it instead.
DATA_SOURCE_COUNTERPARTS = {
    "aws_ami": lambda body: any(p["Type"].endswith("AWS::EC2::Image::Id>") or p["Type"] == "AWS::EC2::Image::Id"
                                for p in body.get("Parameters", {}).values()) or "ami-" in json.dumps(body),
    "aws_ssm_parameter": lambda body: any(p["Type"].startswith("AWS::SSM::Parameter::Value")
                                          for p in body.get("Parameters", {}).values()),
    "aws_route53_zone": lambda body: any(p["Type"] == "AWS::Route53::HostedZone::Id"
                                         for p in body.get("Parameters", {}).values()),
    "aws_vpc": lambda body: any(pid.startswith("SharedVpc") for pid in body.get("Parameters", {})),
    "aws_internet_gateway": lambda body: any(pid.startswith("SharedInternetGatewayId")
                                             for pid in body.get("Parameters", {})),
    "aws_eip": lambda body: any(pid.startswith("SharedEipAllocation") for pid in body.get("Parameters", {})),
    "aws_caller_identity": lambda body: "AWS::AccountId" in json.dumps(body),
}


@pytest.mark.parametrize("name", _inputs())
def test_every_terraform_data_source_has_a_counterpart(name, state):
    """What Terraform looks up at plan time, the template takes as a parameter (or knows already)."""
    spec = _spec(name)
    tf = _Tf(pipeline.render(session(spec), "terraform", "hcl"))
    body = _Cfn(pipeline.render(session(spec), "cloudformation", "json")).body
    for kind in sorted({address.split(".")[1] for address in tf.data}):
        assert kind in DATA_SOURCE_COUNTERPARTS, f"no rule for the data source {kind}"
        assert DATA_SOURCE_COUNTERPARTS[kind](body), f"{kind} has no counterpart in the template"


def test_a_mismatch_is_caught(state):
    """The comparison fails when one side differs (so a pass above means the targets agree)."""
    spec = _spec("minimal-1.36")
    tf = _Tf(pipeline.render(session(spec), "terraform", "hcl")).facts()
    files = pipeline.render(session(spec), "cloudformation", "json")
    body = json.loads(files["minimal.example.com.json"])
    subnet = next(r for r in body["Resources"].values() if r["Type"] == "AWS::EC2::Subnet")
    subnet["Properties"]["CidrBlock"] = "10.99.0.0/24"
    cf = _Cfn({"minimal.example.com.json": json.dumps(body).encode()}).facts()
    assert tf["aws_subnet"] != cf["aws_subnet"]


def test_instance_profiles_are_the_one_tag_difference(state):
    files = pipeline.render(session(_spec("minimal-1.36")), "terraform", "hcl")
    profiles = [b for a, b in _Tf(files).resources.items() if a.startswith("aws_iam_instance_profile.")]
    assert profiles and all(b.get("tags") for b in profiles)   # Terraform tags them; a template cannot
    body = cfn.template(pipeline.render(session(_spec("minimal-1.36")), "cloudformation", "json"))
    assert all("Tags" not in p.get("Properties", {}) for p in body["Resources"].values()
               if p["Type"] == "AWS::IAM::InstanceProfile")

