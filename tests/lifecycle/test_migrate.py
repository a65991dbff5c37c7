"""`kopsgen migrate` offline, on kops's reference cases: kopsgen's Terraform for each case's spec compared with
kops's own `kubernetes.tf` for it (python-hcl2 reads kops's HCL). What the real `terraform plan` says about the
same comparison, on moto, is tests/lifecycle/test_migrate_moto.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.lifecycle import migrate as migrating
from kopsgen.lifecycle.replacement import REPLACED_WHEN_CHANGED
from kopsgen.render.terraform import attributes as tf_attributes
from kopsgen.render.terraform import reading
from tests.support.paths import EXAMPLES, REFERENCE, case_input, reference_cases
from tests.support.sessions import session

# Replacements and deletions kopsgen makes on purpose, by address pattern, each with its reason; none may be
# data-bearing. tests/lifecycle/test_migrate_moto.py holds the real plan to the same list.
DELIBERATE = {
    r"aws_security_group_rule\.icmpv6-pmtu-.*": "replace: the load balancers' ICMPv6 rule admits only \"packet "
    "too big\" (type 2), where kops admits every ICMPv6 type; a rule cannot be changed in place",
    r"aws_security_group_rule\.from-nodes-.*-ingress-all-0to0-masters-.*": "delete: with the Amazon VPC CNI kops "
    "lets nodes reach every port of the control plane; kopsgen's rules, created in its place, leave out etcd's "
    "client ports (4001, 4002), so a compromised node cannot read or write the cluster's etcd",
}


def deliberate(address: str) -> str | None:
    return next((reason for pattern, reason in DELIBERATE.items() if re.fullmatch(pattern, address)), None)


def _report(case: str) -> migrating.Report:
    return migrating.migrate(session(pipeline.load_spec([case_input(case)])), kops_dir=REFERENCE / case)


@pytest.mark.parametrize("case", reference_cases())
def test_no_data_bearing_resource_of_a_kops_case_is_replaced_or_deleted(case: str):
    report = _report(case)
    assert report.exit_code == 0, [(c.address, c.action, c.forced_by) for c in report.data_loss]
    unexpected = [(c.address, c.action, c.forced_by) for c in report.changes
                  if c.action in ("replace", "delete") and not deliberate(c.address)]
    assert not unexpected, unexpected
    # every address of kops's output is accounted for, once
    kops_addresses = set(reading.parse_configuration(reading.read_folder(REFERENCE / case), case))
    assert kops_addresses <= {c.address for c in report.changes}
    assert sum(report.count(a) for a in migrating.ACTIONS) == len(report.changes)


def _all_rendered_blocks() -> dict[type, set[str]]:
    """IR kind -> every Terraform attribute its mapper writes, over the reference cases and the examples."""
    from kopsgen.render.terraform import MAPPERS
    from kopsgen.render.terraform.registry import TfContext

    seen: dict[type, set[str]] = {}
    sources = [case_input(c) for c in reference_cases()] + sorted(EXAMPLES.glob("*.yaml"))
    for source in sources:
        spec = pipeline.load_spec([source])
        graph = pipeline.build_graph(session(spec))
        blocks = reading.parse_configuration(pipeline.render_graph(graph, spec, "terraform", "json"), str(source))
        ctx = TfContext(graph)
        for resource in graph:
            if type(resource) in MAPPERS and not MAPPERS[type(resource)].data_source:
                seen.setdefault(type(resource), set()).update(blocks[ctx.address(type(resource), resource.name)].body)
    return seen


# Forcing fields no reference case or example sets (optional attributes): checked by name against the mapper.
NOT_EXERCISED = {("SecurityGroupRule", "prefix_list_ids"), ("FlowLog", "iam_role_arn"), ("EbsVolume", "kms_key_id")}


def test_every_replacement_forcing_field_names_an_attribute_the_terraform_mapper_writes():
    """render/terraform/attributes.py translates lifecycle/replacement.py's table: a wrong name there would make
    migrate blind to a replacement, so each name must be one the mapper really writes."""
    import inspect

    from kopsgen.render.terraform import MAPPERS

    seen = _all_rendered_blocks()
    missing = []
    for kind in REPLACED_WHEN_CHANGED:
        for attribute in tf_attributes.forcing_attributes(kind):
            if kind in seen and (kind.__name__, attribute) not in NOT_EXERCISED:
                found = attribute in seen[kind]
            else:   # a kind or attribute no input here renders: the mapper must at least spell it
                found = f'"{attribute}"' in inspect.getsource(MAPPERS[kind].fn) or f"{attribute}=" in \
                    inspect.getsource(MAPPERS[kind].fn)
            if not found:
                missing.append(f"{kind.__name__}.{attribute}")
    assert not missing, f"forcing attributes the Terraform mapper does not write: {missing}"


def _ha_with(tmp_path: Path, edit) -> Path:
    docs = [d for d in yaml.safe_load_all(case_input("ha").read_text()) if d]
    edit(docs)
    dest = tmp_path / "ha.yaml"
    dest.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    shutil.copy(REFERENCE / "ha" / "id_rsa.pub", tmp_path / "id_rsa.pub")
    return dest


def _run(*args) -> "CliRunner.Result":
    return CliRunner().invoke(cli, ["migrate", *[str(a) for a in args]])


def test_encrypting_etcd_volumes_is_reported_as_data_loss_with_exit_code_3(tmp_path: Path):
    def encrypt(docs):
        for etcd in docs[0]["spec"]["etcdClusters"]:
            for member in etcd["etcdMembers"]:
                member["encryptedVolume"] = True

    result = _run("-f", _ha_with(tmp_path, encrypt), "--kops-dir", REFERENCE / "ha", "--state", tmp_path / "state")
    assert result.exit_code == migrating.DATA_LOSS_EXIT_CODE == 3, result.output
    volumes = [line for line in result.output.splitlines() if line.startswith("-/+ aws_ebs_volume.")]
    assert len(volumes) == 6, result.output
    assert all("encrypted forces replacement" in line and "DATA-BEARING: etcd member volume" in line
               for line in volumes), volumes
    assert "6 data-bearing resource(s) would be replaced or deleted (exit code 3)" in result.output


def test_json_output_counts_every_address_and_names_the_forcing_attribute(tmp_path: Path):
    def move_subnet(docs):
        docs[0]["spec"]["subnets"][0]["cidr"] = "172.20.0.0/20"

    result = _run("-f", _ha_with(tmp_path, move_subnet), "--kops-dir", REFERENCE / "ha", "-o", "json",
                  "--state", tmp_path / "state")
    assert result.exit_code == 3, result.output
    doc = json.loads(result.output)
    assert sum(doc["summary"].values()) == len(doc["resources"]) and doc["exitCode"] == 3
    subnet = next(r for r in doc["resources"] if r["address"] == "aws_subnet.us-test-1a-ha-example-com")
    assert subnet["action"] == "replace" and subnet["forcedBy"] == ["cidr_block forces replacement"]
    assert subnet["dataBearing"]
    # what refers to the subnet in a field that forces a replacement goes with it, as terraform plans it
    association = next(r for r in doc["resources"]
                       if r["address"] == "aws_route_table_association.us-test-1a-ha-example-com")
    assert association["action"] == "replace" and "subnet: refers to replaced" in association["forcedBy"][0]
    assert "aws_subnet.us-test-1a-ha-example-com" in doc["dataBearingReplacedOrDeleted"]


def test_a_new_launch_template_version_is_explained_for_running_machines(tmp_path: Path):
    def bigger_nodes(docs):
        next(d for d in docs if d["metadata"]["name"] == "nodes")["spec"]["machineType"] = "m5.large"

    report = migrating.migrate(session(pipeline.load_spec([_ha_with(tmp_path, bigger_nodes)])), kops_dir=REFERENCE / "ha")
    assert next(c for c in report.changes if c.address == "aws_launch_template.nodes-ha-example-com").action == "update"
    assert any("running instances keep theirs" in m for m in report.machines), report.machines
    assert any("No instance is replaced by the apply itself" in m for m in report.machines), report.machines


@pytest.mark.parametrize("args,message", [
    ([], "give --kops-dir"),
    (["--kops-dir", "{tmp}/nowhere"], "not a folder"),
    (["--kops-dir", "{tmp}"], "no *.tf or *.tf.json file"),
    (["--kops-dir", "{tmp}/bad"], "bad/kubernetes.tf: cannot be parsed as Terraform"),
    (["--live-state", "{tmp}/notjson.json"], "notjson.json: not JSON"),
    (["--live-state", "{tmp}/other.json"], "other.json: neither `terraform show -json` output nor a terraform.tfstate"),
    (["--live-state", "{tmp}/missing.json"], "missing.json"),
])
def test_bad_input_exits_2_naming_the_file(tmp_path: Path, args: list[str], message: str):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "kubernetes.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n')
    (tmp_path / "notjson.json").write_text("not json")
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    args = [a.format(tmp=tmp_path) for a in args]
    result = _run("-f", case_input("minimal-dns-none"), *args)
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in result.output and "Traceback" not in result.output


def test_a_terraform_state_file_reads_like_show_json(tmp_path: Path):
    """Both state forms give the same resources: a terraform.tfstate and `terraform show -json` of it."""
    state = {"version": 4, "resources": [
        {"mode": "managed", "type": "aws_vpc", "name": "x", "instances": [{"attributes": {"id": "vpc-1",
                                                                                         "cidr_block": "10.0.0.0/16"}}]},
        {"mode": "data", "type": "aws_ami", "name": "y", "instances": [{"attributes": {"id": "ami-1"}}]}]}
    show = {"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "aws_vpc.x", "mode": "managed", "type": "aws_vpc", "name": "x",
         "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
        {"address": "data.aws_ami.y", "mode": "data", "type": "aws_ami", "name": "y", "values": {"id": "ami-1"}}]}}}
    (tmp_path / "a.tfstate").write_text(json.dumps(state))
    (tmp_path / "b.json").write_text(json.dumps(show))
    assert reading.read_state(tmp_path / "a.tfstate") == reading.read_state(tmp_path / "b.json")
    assert set(reading.read_state(tmp_path / "b.json")) == {"aws_vpc.x", "data.aws_ami.y"}


def test_policies_compare_as_the_provider_compares_them():
    a = {"policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:B", "ec2:A"], "Resource": ["*"]}]})}
    b = {"policy": json.dumps({"Statement": {"Resource": "*", "Action": ["ec2:A", "ec2:B"], "Effect": "Allow"},
                               "Version": "2012-10-17"})}
    c = {"policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:A", "Resource": "*"}]})}
    assert reading.canonical_documents(a) == reading.canonical_documents(b) != reading.canonical_documents(c)
