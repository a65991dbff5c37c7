"""A cluster moved from kops keeps its resources: where the spec is silent, kopsgen's defaults are kops's on every
attribute whose change makes AWS replace the resource.

For every kops reference case, kopsgen renders the same input and the two `kubernetes.tf` are compared, address by
address, on the attributes the Terraform AWS provider marks as forcing a new resource (ForceNew) for each type both
produce: names, IAM paths, a security group's description and VPC, a rule's ports and peers, a subnet's CIDR and
zone, a load balancer's scheme and type, an EBS volume's zone, encryption and key... A difference there would show
as `-/+ ... forces replacement` in the first `terraform plan` after the switch. The deliberate differences are
listed with their reason; none of them holds data.
"""

from __future__ import annotations

import functools

import pytest

from kopsgen import pipeline
from tests.support import hcl
from tests.support.paths import REFERENCE, case_input, reference_cases
from tests.system.test_conformance import normal
from tests.support.sessions import session

# Terraform type -> the attributes whose change forces a new resource (AWS provider 5.x, ForceNew).
FORCE_NEW: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("cidr_block",),
    "aws_vpc_ipv4_cidr_block_association": ("vpc_id", "cidr_block"),
    "aws_vpc_dhcp_options_association": ("vpc_id",),
    "aws_internet_gateway": (),
    "aws_vpc_dhcp_options": ("domain_name", "domain_name_servers", "ntp_servers", "netbios_name_servers"),
    "aws_egress_only_internet_gateway": ("vpc_id",),
    "aws_subnet": ("vpc_id", "cidr_block", "availability_zone", "ipv6_native"),
    "aws_route_table": ("vpc_id",),
    "aws_route_table_association": ("subnet_id",),
    "aws_route": ("route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block"),
    "aws_eip": ("domain",),
    "aws_nat_gateway": ("allocation_id", "subnet_id", "connectivity_type"),
    "aws_security_group": ("name", "description", "vpc_id"),
    "aws_security_group_rule": ("type", "protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks",
                                "prefix_list_ids", "security_group_id", "source_security_group_id", "self"),
    "aws_iam_role": ("name", "path"),
    "aws_iam_instance_profile": ("name", "path"),
    "aws_iam_role_policy": ("name", "role"),
    "aws_launch_template": ("name",),
    "aws_autoscaling_group": ("name",),
    "aws_autoscaling_lifecycle_hook": ("name", "autoscaling_group_name"),
    "aws_key_pair": ("key_name", "public_key"),
    "aws_ebs_volume": ("availability_zone", "encrypted", "kms_key_id", "snapshot_id"),
    "aws_lb": ("name", "internal", "load_balancer_type"),
    "aws_lb_target_group": ("name", "port", "protocol", "vpc_id", "target_type"),
    "aws_lb_listener": ("load_balancer_arn",),
    "aws_elb": ("name", "internal"),
    "aws_sqs_queue": ("name", "fifo_queue"),
    "aws_cloudwatch_event_rule": ("name",),
    "aws_cloudwatch_event_target": ("rule", "target_id"),
    "aws_route53_record": ("name", "type"),
    "aws_s3_object": ("bucket", "key"),
    "aws_iam_openid_connect_provider": ("url",),
}

# (type, attribute) -> why kopsgen differs there on purpose. Each must still differ somewhere (checked below).
DELIBERATE: dict[tuple[str, str], str] = {
    ("aws_security_group_rule", "from_port"):
        "ICMPv6 next to the API load balancer: only packet-too-big (type 2), where kops admits every ICMPv6 type; "
        "one rule replaced, no data, a few seconds without path-MTU messages (model/firewall.py)",
    ("aws_security_group_rule", "to_port"): "the same ICMPv6 rule (code 0 where kops writes -1)",
}


@functools.lru_cache(maxsize=None)
def _sides(case: str) -> tuple[dict, dict]:
    files = pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform")
    return (hcl.resources(hcl.parse(files["kubernetes.tf"].decode())),
            hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf")))


def _differences(case: str) -> list[tuple[str, str, object, object]]:
    ours, kops = _sides(case)
    found = []
    for address in sorted(set(ours) & set(kops)):
        tf_type = address.split(".", 1)[0]
        for attr in FORCE_NEW.get(tf_type, ()):
            if normal(ours[address].get(attr)) != normal(kops[address].get(attr)):
                found.append((address, attr, kops[address].get(attr), ours[address].get(attr)))
    return found


@pytest.mark.parametrize("case", reference_cases())
def test_no_replacement_forcing_attribute_differs_from_kops(case):
    unexplained = [d for d in _differences(case) if (d[0].split(".", 1)[0], d[1]) not in DELIBERATE]
    assert unexplained == [], "\n".join(f"{a}.{attr}: kops {k!r}, kopsgen {o!r}" for a, attr, k, o in unexplained)


@pytest.mark.parametrize("case", reference_cases())
def test_every_type_kops_writes_is_in_the_table(case):
    """A type missing from FORCE_NEW would not be checked at all."""
    _, kops = _sides(case)
    assert sorted({a.split(".", 1)[0] for a in kops} - set(FORCE_NEW)) == []


def test_the_deliberate_differences_are_real_and_narrow():
    seen = {(d[0].split(".", 1)[0], d[1]) for case in reference_cases() for d in _differences(case)}
    assert set(DELIBERATE) <= seen
    for case in reference_cases():   # only the ICMPv6 path-MTU rules, nothing else of that type
        assert all("icmpv6-pmtu" in a for a, attr, _, _ in _differences(case)), case
