"""How closely our Terraform lines up with kops's own `kubernetes.tf`, case by case.

For each reference case we parse kops's output and ours (python-hcl2) and measure
- addresses: the share of kops's resource addresses (`aws_subnet.us-test-1a-minimal-example-com`) we also
  produce, per resource type and overall: a team moving from kops keeps its Terraform state only if they match;
- attributes: for the addresses both produce, the share of key attributes (CIDRs, ports, protocols, sizes,
  instance types, tags, names, references, IAM actions and documents read from the policy files) that agree.

The table is printed and written to outputs/conformance.json (git-ignored) for the README. The test asserts that
every kops address of the network, firewall, IAM, instance-group, etcd-volume and load-balancer types is ours
too, except the deliberate differences listed below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from kopsgen import pipeline
from tests.support import hcl, kops_files
from tests.support.paths import REFERENCE, ROOT, case_input
from tests.support.sessions import session

REPORT = ROOT / "outputs" / "conformance.json"

# resource type -> area; the areas in ASSERTED must carry every kops address
AREAS: dict[str, str] = {
    **dict.fromkeys(("aws_vpc", "data.aws_vpc", "aws_subnet", "aws_route_table", "aws_route_table_association",
                     "aws_route", "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway",
                     "aws_eip", "aws_vpc_dhcp_options", "aws_vpc_dhcp_options_association",
                     "aws_vpc_ipv4_cidr_block_association"), "network"),
    **dict.fromkeys(("aws_security_group", "aws_security_group_rule"), "firewall"),
    **dict.fromkeys(("aws_iam_role", "aws_iam_role_policy", "aws_iam_instance_profile"), "iam"),
    **dict.fromkeys(("aws_launch_template", "aws_autoscaling_group", "aws_key_pair"), "instance-group"),
    "aws_ebs_volume": "etcd-volume",
    **dict.fromkeys(("aws_lb", "aws_lb_listener", "aws_lb_target_group", "aws_elb"), "load-balancer"),
    **dict.fromkeys(("aws_autoscaling_lifecycle_hook", "aws_sqs_queue", "aws_cloudwatch_event_rule",
                     "aws_cloudwatch_event_target"), "node-termination-handler"),
    "aws_route53_record": "dns",
    "aws_s3_object": "state-store",
}
ASSERTED = ("network", "firewall", "iam", "instance-group", "etcd-volume", "load-balancer")

# Deliberate differences: (case or "*", kops address) -> why we do not produce it. Keep this honest and short.
DIFFERENCES: dict[tuple[str, str], str] = {
    ("many-addons", "aws_security_group_rule.from-nodes-many-addons-example-com-ingress-all-0to0-masters-many-addons-"
                    "example-com"):
        "Amazon VPC CNI: kops opens all node-to-control-plane traffic; we keep etcd's ports closed (firewall.py)",
}

# The attributes compared per type (besides `tags`, compared for every type that has them).
KEY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("cidr_block", "enable_dns_hostnames", "enable_dns_support", "assign_generated_ipv6_cidr_block"),
    "data.aws_vpc": ("id",),
    "aws_subnet": ("cidr_block", "ipv6_cidr_block", "availability_zone", "vpc_id", "assign_ipv6_address_on_creation",
                   "enable_dns64", "enable_resource_name_dns_a_record_on_launch",
                   "enable_resource_name_dns_aaaa_record_on_launch", "private_dns_hostname_type_on_launch"),
    "aws_route_table": ("vpc_id",),
    "aws_route_table_association": ("route_table_id", "subnet_id"),
    "aws_route": ("route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "gateway_id",
                  "nat_gateway_id", "egress_only_gateway_id", "transit_gateway_id"),
    "aws_internet_gateway": ("vpc_id",),
    "aws_egress_only_internet_gateway": ("vpc_id",),
    "aws_nat_gateway": ("allocation_id", "subnet_id"),
    "aws_eip": ("domain",),
    "aws_vpc_dhcp_options": ("domain_name", "domain_name_servers"),
    "aws_vpc_dhcp_options_association": ("vpc_id", "dhcp_options_id"),
    "aws_vpc_ipv4_cidr_block_association": ("vpc_id", "cidr_block"),
    "aws_security_group": ("name", "description", "vpc_id"),
    "aws_security_group_rule": ("type", "protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks",
                                "prefix_list_ids", "security_group_id", "source_security_group_id"),
    "aws_iam_role": ("name", "assume_role_policy", "permissions_boundary"),
    "aws_iam_role_policy": ("name", "role", "policy", "policy:actions"),
    "aws_iam_instance_profile": ("name", "role"),
    "aws_launch_template": ("name", "instance_type", "image_id", "key_name", "block_device_mappings",
                            "metadata_options", "network_interfaces", "iam_instance_profile", "monitoring",
                            "tag_specifications", "credit_specification"),
    "aws_autoscaling_group": ("name", "min_size", "max_size", "vpc_zone_identifier", "launch_template",
                              "mixed_instances_policy", "tag", "target_group_arns", "load_balancers",
                              "enabled_metrics", "metrics_granularity", "protect_from_scale_in", "suspended_processes",
                              "max_instance_lifetime"),
    "aws_key_pair": ("key_name", "public_key"),
    "aws_ebs_volume": ("availability_zone", "size", "type", "encrypted", "iops", "throughput", "kms_key_id"),
    "aws_lb": ("name", "internal", "load_balancer_type", "subnet_mapping", "subnets", "security_groups",
               "enable_cross_zone_load_balancing", "access_logs"),
    "aws_lb_listener": ("load_balancer_arn", "port", "protocol", "certificate_arn", "ssl_policy", "default_action"),
    "aws_lb_target_group": ("name", "port", "protocol", "vpc_id", "health_check", "connection_termination",
                            "deregistration_delay"),
    "aws_elb": ("name", "listener", "health_check", "subnets", "security_groups", "cross_zone_load_balancing",
                "idle_timeout"),
    "aws_autoscaling_lifecycle_hook": ("name", "autoscaling_group_name", "default_result", "heartbeat_timeout",
                                       "lifecycle_transition"),
    "aws_sqs_queue": ("name", "message_retention_seconds", "policy"),
    "aws_cloudwatch_event_rule": ("name", "event_pattern"),
    "aws_cloudwatch_event_target": ("rule", "arn"),
    "aws_route53_record": ("name", "type", "alias", "zone_id", "records", "ttl"),
    "aws_s3_object": ("bucket", "key", "server_side_encryption", "provider", "acl"),
}
DEFAULT_ATTRIBUTES = ("name",)

_FILE_REF = re.compile(r'^\$\{(file|filebase64)\("\$\{path\.module\}/([^"]+)"\)\}$')


@dataclass
class Side:
    """One output: its resources by address and a reader for the data files they reference."""

    resources: dict[str, dict]
    read: Callable[[str], bytes | None]

    def value(self, body: dict, attr: str) -> Any:
        if attr == "policy:actions":
            doc = self.value(body, "policy")
            return sorted({a for s in _statements(doc) for a in _as_list(s.get("Action"))}) if doc else None
        value = body.get(attr)
        m = _FILE_REF.match(value) if isinstance(value, str) else None
        if m:  # compare what the file says, not where it is
            data = self.read(m.group(2))
            if data is None:
                return ("missing file", m.group(2))
            try:
                return json.loads(data)
            except ValueError:
                return data
        return value


def normal(value: Any) -> Any:
    """A value as Terraform and IAM read it: `"true"` is `true` and `"10"` is `10` to Terraform; in a policy,
    `"Action": "x"` is `"Action": ["x"]`, and the order of statements and of actions does not matter."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        if "Statement" in value:
            statements = sorted((_normal_statement(s) for s in _statements(value)), key=json.dumps)
            return {**{k: normal(v) for k, v in value.items()}, "Statement": statements}
        return {k: normal(v) for k, v in value.items()}
    return value


_POLICY_LISTS = ("Action", "NotAction", "Resource", "NotResource")


def _normal_statement(statement: dict) -> dict:
    out = {k: normal(v) for k, v in statement.items()}
    for key in _POLICY_LISTS:
        if key in statement:
            out[key] = sorted(_as_list(statement[key]))
    if isinstance(statement.get("Principal"), dict):
        out["Principal"] = {k: sorted(_as_list(v)) for k, v in statement["Principal"].items()}
    return out


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _statements(doc: Any) -> list[dict]:
    return [s for s in _as_list(doc.get("Statement")) if isinstance(s, dict)] if isinstance(doc, dict) else []


def _type(address: str) -> str:
    return address.rsplit(".", 1)[0]


def kops_side(case: str) -> Side:
    parsed = hcl.parse_file(REFERENCE / case / "kubernetes.tf")
    resources = {**hcl.resources(parsed), **hcl.data_sources(parsed)}

    def read(path: str) -> bytes | None:
        file = REFERENCE / case / path
        return file.read_bytes() if file.is_file() else None

    return Side(resources, read)


def our_side(case: str) -> Side:
    files = pipeline.render(session(kops_files.case_spec(case)), "terraform")  # kops's golden release, pinned
    parsed = hcl.parse(files["kubernetes.tf"].decode())
    return Side({**hcl.resources(parsed), **hcl.data_sources(parsed)}, files.get)


@dataclass
class TypeRow:
    kops: int = 0
    ours: int = 0
    common: int = 0
    attributes: int = 0
    agreeing: int = 0
    missing: list[str] = field(default_factory=list)
    disagreeing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kops": self.kops, "ours": self.ours, "common": self.common,
                "address_share": _share(self.common, self.kops),
                "attributes": self.attributes, "agreeing": self.agreeing,
                "attribute_share": _share(self.agreeing, self.attributes),
                "missing": self.missing, "disagreeing": self.disagreeing}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def compare(kops: Side, ours: Side) -> dict[str, TypeRow]:
    rows: dict[str, TypeRow] = {}
    for address in sorted(set(kops.resources) | set(ours.resources)):
        row = rows.setdefault(_type(address), TypeRow())
        row.kops += address in kops.resources
        row.ours += address in ours.resources
        if address not in ours.resources:
            row.missing.append(address)
            continue
        if address not in kops.resources:
            continue
        row.common += 1
        k_body, o_body = kops.resources[address], ours.resources[address]
        for attr in KEY_ATTRIBUTES.get(_type(address), DEFAULT_ATTRIBUTES) + ("tags",):
            if attr not in k_body and attr not in o_body and not attr.startswith("policy:"):
                continue
            row.attributes += 1
            if normal(kops.value(k_body, attr)) == normal(ours.value(o_body, attr)):
                row.agreeing += 1
            else:
                row.disagreeing.append(f"{address}.{attr}")
    return rows


def _table(case: str, rows: dict[str, TypeRow]) -> str:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:5.1f}%"

    lines = [f"{case}", f"  {'type':45} {'kops':>5} {'ours':>5} {'both':>5} {'addr':>7} {'attrs':>7}"]
    for tf_type, row in sorted(rows.items()):
        d = row.as_dict()
        lines.append(f"  {tf_type:45} {row.kops:5} {row.ours:5} {row.common:5} {pct(d['address_share']):>7} "
                     f"{pct(d['attribute_share']):>7}")
    total = _total(rows)
    lines.append(f"  {'overall':45} {total['kops']:5} {total['ours']:5} {total['common']:5} "
                 f"{pct(total['address_share']):>7} {pct(total['attribute_share']):>7}")
    return "\n".join(lines)


def _total(rows: dict[str, TypeRow]) -> dict:
    total = TypeRow()
    for row in rows.values():
        total.kops += row.kops
        total.ours += row.ours
        total.common += row.common
        total.attributes += row.attributes
        total.agreeing += row.agreeing
    d = total.as_dict()
    del d["missing"], d["disagreeing"]
    return d


def _record(case: str, rows: dict[str, TypeRow]) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[case] = {"overall": _total(rows), "by_type": {t: r.as_dict() for t, r in sorted(rows.items())}}
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


def _expected_missing(case: str, address: str) -> bool:
    return (case, address) in DIFFERENCES or ("*", address) in DIFFERENCES


def test_conformance_with_kops(case: str):
    rows = compare(kops_side(case), our_side(case))
    _record(case, rows)
    print("\n" + _table(case, rows))
    missing = [a for t, row in rows.items() if AREAS.get(t) in ASSERTED for a in row.missing
               if not _expected_missing(case, a)]
    assert not missing, f"{len(missing)} kops addresses we do not produce:\n" + "\n".join(missing)


def test_listed_differences_are_real():
    """Every listed difference names a kops address that exists in that case, and we really leave it out."""
    for (case, address), reason in DIFFERENCES.items():
        assert reason.strip(), (case, address)
        cases = [c.parent.name for c in REFERENCE.glob("*/kubernetes.tf")] if case == "*" else [case]
        holders = [c for c in cases if address in kops_side(c).resources]
        assert holders, f"no kops case has {address}"
        for c in holders:
            assert address not in our_side(c).resources, f"{c}: we do produce {address}; drop the listed difference"


@pytest.mark.parametrize("attr,kops_value,our_value,agree", [
    ("cidr_block", "10.0.0.0/16", "10.0.0.0/16", True),
    ("cidr_block", "10.0.0.0/16", "10.1.0.0/16", False),
    ("policy:actions", '{"Statement": [{"Action": ["a:B", "a:C"]}]}', '{"Statement": {"Action": ["a:C", "a:B"]}}',
     True),
    ("policy:actions", '{"Statement": [{"Action": "a:B"}]}', '{"Statement": [{"Action": "a:C"}]}', False),
    ("policy", '{"Statement": [{"Action": "a:B", "Resource": "*"}]}', '{"Statement": [{"Action": ["a:B"], '
     '"Resource": ["*"]}]}', True),
    ("policy", '{"Statement": [{"Action": "a:B", "Resource": "*"}]}', '{"Statement": [{"Action": ["a:B"], '
     '"Resource": ["arn:aws:s3:::b"]}]}', False),
    ("connection_termination", "true", True, True),
    ("port", "443", 443, True),
    ("port", "443", 4443, False),
])
def test_comparison_can_tell_agreement_from_disagreement(attr, kops_value, our_value, agree):
    kind = next(t for t, attrs in KEY_ATTRIBUTES.items() if attr in attrs)

    def side(value: Any) -> Side:
        if attr.startswith("policy"):  # policies are compared by what their file says
            body = {"policy": '${file("${path.module}/data/p")}'}
            return Side({f"{kind}.x": body}, lambda path: value.encode())
        return Side({f"{kind}.x": {attr: value}}, lambda path: None)

    rows = compare(side(kops_value), side(our_value))
    assert rows[kind].attributes >= 1
    assert (f"{kind}.x.{attr}" not in rows[kind].disagreeing) is agree


def test_conformance_pins_kops_golden_release():
    """The cases render with the release kops's reference files were made with, set on the input by the harness
    (tests/support/kops_files.py), not through kopsgen's default: their nodeup lines are kops's own."""
    from kopsgen.spec import releases

    assert kops_files.GOLDEN_KOPS_VERSION != releases.DEFAULT_KOPS_VERSION
    case = "minimal-1.36"   # Kubernetes 1.36 on kops's 1.34 artifacts: needs allowTooNewKubernetes, as kops's harness
    spec = kops_files.case_spec(case)
    assert spec.cluster.raw["spec"]["kopsgen"] == kops_files.GOLDEN_SETTINGS
    ours = our_side(case).read("data/aws_launch_template_nodes.minimal.example.com_user_data").decode()
    theirs = kops_files.reference_user_data(case, "nodes").read_text()
    nodeup = [line for line in theirs.splitlines() if line.startswith("NODEUP_")]
    assert len(nodeup) == 4 and all(line in ours.splitlines() for line in nodeup)
