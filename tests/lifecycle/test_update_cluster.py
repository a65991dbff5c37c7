"""`kopsgen update cluster`: a dry-run preview against the last written render, --yes to write, exit codes.

The scenario tests walk one cluster through the CLI on a file:// state store in tmp_path: create, update --yes,
then one change at a time, each preview compared line for line with what the change must touch (names follow
kops's Terraform labels: the object's name with dots as dashes). Writing a file:// config base needs the node
termination handler's queue URL, which holds the AWS account: the moto server answers that STS call.

The slow test at the end applies the output to moto with the real terraform and holds the preview to
`terraform plan`: the same resources created, updated, replaced and deleted.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen.cli import cli
from kopsgen.errors import StateStoreError
from kopsgen.ir import resource_kinds
from kopsgen.lifecycle import plan as plans
from kopsgen.lifecycle import replacement, update
from kopsgen.lifecycle.snapshot import Snapshot
from kopsgen.output import read_manifest
from kopsgen.state import layout, verbs
from kopsgen.state.store import ConcurrentWriteError
from tests.support.moto_server import aws_environment, subprocess_env

ROOT = Path(__file__).resolve().parents[2]
NAME = "upd.example.com"
ZONE = "us-east-1a"
NODES_GROUP = f"nodes-{ZONE}.{NAME}"                   # kops's names of the two auto-scaling groups
MASTERS_GROUP = f"control-plane-{ZONE}.masters.{NAME}"


def label(name: str) -> str:
    """kops's Terraform label: the name with dots as dashes."""
    return name.replace(".", "-")


LABEL, NODES, MASTERS, SUBNET = label(NAME), label(NODES_GROUP), label(MASTERS_GROUP), label(f"{ZONE}.{NAME}")


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def state(tmp_path, moto, monkeypatch) -> str:
    aws_environment(moto, monkeypatch)
    monkeypatch.delenv("NO_COLOR", raising=False)
    url = f"file://{tmp_path}/state"
    created = run("create", "cluster", "--name", NAME, "--zones", ZONE, "--networking", "calico",
                  "--kubernetes-version", "1.36.2", "--state", url)
    assert created.exit_code == 0, created.output
    return url


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "out"


def preview(state: str, *extra: str):
    return run("update", "cluster", NAME, "--state", state, *extra)


def write(state: str, out: Path, *extra: str):
    # the scenarios' config base is a local folder (file://): writing it must be asked for
    result = run("update", "cluster", NAME, "--state", state, "--out", out, "--yes", "--allow-unreadable-config-base",
                 *extra)
    assert result.exit_code == 0, result.output
    return result


def change(state: str, tmp_path: Path, edit) -> None:
    """Change the stored cluster the way a user would: get it, edit the documents, `kopsgen replace -f`."""
    docs = [copy.deepcopy(d.data) for d in verbs.registry(state).get(NAME).documents.all()]
    edit(docs)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    replaced = run("replace", "-f", path, "--state", state)
    assert replaced.exit_code == 0, replaced.output


def cluster_spec(docs: list[dict]) -> dict:
    return next(d for d in docs if d["kind"] == "Cluster")["spec"]


def group(docs: list[dict], name: str) -> dict:
    return next(d for d in docs if d["kind"] == "InstanceGroup" and d["metadata"]["name"] == name)


def resource_lines(output: str) -> list[str]:
    """The preview's resource lines (up to the first blank line)."""
    return output.split("\n\n", 1)[0].splitlines()


def section(output: str, title: str) -> list[str]:
    for block in output.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith(title):
            return [line.strip() for line in lines[1:]]
    return []


def data_hash(out: Path, name: str) -> str:
    """How the preview shows a data file: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256((out / "data" / name).read_bytes()).hexdigest()[:12]


def output_files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in read_manifest(out)}


# --- the first preview and the first write ---------------------------------------------------------------------------


def test_first_preview_lists_everything_and_writes_nothing(state, tmp_path, out):
    store_before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "state").rglob("*") if p.is_file())
    result = preview(state, "--out", out)
    assert result.exit_code == 2, result.output
    lines = resource_lines(result.output)
    assert f"+ aws_vpc.{LABEL}" in lines and f"+ aws_autoscaling_group.{NODES}" in lines
    assert all(line.startswith(("+ ", "<= ")) for line in lines), lines
    files = section(result.output, "State-store files")
    assert "+ pki/private/kubernetes-ca/keyset.yaml" in files and "+ cluster-completed.spec" in files
    assert f"+ igconfig/node/nodes-{ZONE}/nodeupconfig.yaml" in files
    assert "Nothing was written" in result.output
    # not a byte: no CA, no state-store file, no record, no output folder
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "state").rglob("*") if p.is_file()) == store_before
    assert not out.exists()


def test_yes_writes_then_a_second_run_has_no_changes(state, tmp_path, out):
    written = write(state, out)
    assert f"+ aws_vpc.{LABEL}" in written.output
    assert (out / "kubernetes.tf").exists()
    folder = tmp_path / "state" / NAME
    assert (folder / "pki/private/kubernetes-ca/keyset.yaml").exists()
    assert (folder / f"igconfig/node/nodes-{ZONE}/nodeupconfig.yaml").exists()
    record = json.loads((folder / "kopsgen/last-render/terraform.json").read_text())
    assert record["kind"] == "LastRender" and record["cluster"] == NAME and record["target"] == "terraform"
    first = output_files(out)

    again = preview(state, "--out", out)
    assert again.exit_code == 0, again.output
    assert again.output.startswith("No changes")
    rewritten = write(state, out)
    assert rewritten.output.startswith("No changes") and "0 written, 0 deleted" in rewritten.output
    assert output_files(out) == first


# --- one change at a time: the exact preview -------------------------------------------------------------------------


def test_node_count_changes_only_the_group(state, tmp_path, out):
    write(state, out)
    change(state, tmp_path, lambda docs: group(docs, f"nodes-{ZONE}")["spec"].update(maxSize=3))
    result = preview(state)
    assert result.exit_code == 2
    assert resource_lines(result.output) == [f"~ aws_autoscaling_group.{NODES}: max_size 1 -> 3"]
    assert section(result.output, "State-store files") == []
    assert "Resources: 0 to create, 1 to update, 0 to replace, 0 to delete." in result.output


def test_kubernetes_upgrade_changes_launch_templates_and_nodeup_files_never_the_network(state, tmp_path, out):
    write(state, out)
    user_data = {MASTERS: f"aws_launch_template_{MASTERS_GROUP}_user_data",
                 NODES: f"aws_launch_template_{NODES_GROUP}_user_data"}
    old = {g: data_hash(out, path) for g, path in user_data.items()}
    change(state, tmp_path, lambda docs: cluster_spec(docs).update(kubernetesVersion="1.36.3"))
    result = preview(state)
    assert result.exit_code == 2
    write(state, out)  # what --yes then writes is what the preview announced
    new = {g: data_hash(out, path) for g, path in user_data.items()}
    assert resource_lines(result.output) == [
        f"~ aws_autoscaling_group.{MASTERS} (launch_template: follows updated aws_launch_template.{MASTERS})",
        f"~ aws_autoscaling_group.{NODES} (launch_template: follows updated aws_launch_template.{NODES})",
        f'~ aws_launch_template.{MASTERS}: user_data "filebase64(sha256:{old[MASTERS]})" -> '
        f'"filebase64(sha256:{new[MASTERS]})"',
        "      user_data: 1 line added, 1 line removed",     # the nodeup configuration's hash in it
        f'~ aws_launch_template.{NODES}: user_data "filebase64(sha256:{old[NODES]})" -> '
        f'"filebase64(sha256:{new[NODES]})"',
        "      user_data: 1 line added, 1 line removed",
    ]
    files = section(result.output, "State-store files")
    assert [line.split(":")[0] for line in files] == [
        "~ cluster-completed.spec",
        f"~ igconfig/control-plane/control-plane-{ZONE}/nodeupconfig.yaml",
        f"~ igconfig/node/nodes-{ZONE}/nodeupconfig.yaml",
    ]
    assert all(re.search(r": \d+ lines? added, \d+ lines? removed$", line) for line in files), files
    assert preview(state).exit_code == 0


def test_machine_type_and_image_change_only_the_groups_launch_template(state, tmp_path, out):
    write(state, out)

    def edit(docs):
        spec = group(docs, f"nodes-{ZONE}")["spec"]
        spec["machineType"] = "t3.large"
        spec["image"] = "099720109477/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20990101"

    change(state, tmp_path, edit)
    result = preview(state)
    lines = resource_lines(result.output)
    new_image = "data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20990101"
    assert lines[0] == f"~ aws_autoscaling_group.{NODES} (launch_template: follows updated aws_launch_template.{NODES})"
    assert lines[1] == f"~ aws_launch_template.{NODES}"
    assert [line.split(" ", 1)[0] for line in lines[2:5]] == ["", "", ""]  # its three attributes, indented
    assert [line.split()[0] for line in lines[2:5]] == ["block_device_mappings.device_name", "image_id",
                                                        "instance_type"]
    assert lines[4].strip() == 'instance_type "t3.medium" -> "t3.large"'
    assert lines[3].strip().endswith(f'-> "${{{new_image}.id}}"')
    assert lines[5:] == [f"<= {new_image}"]
    assert section(result.output, "State-store files") == []   # the control plane's files are untouched too
    assert "Resources: 0 to create, 2 to update, 0 to replace, 0 to delete." in result.output


def test_instance_refresh_lets_terraform_roll_the_group(state, tmp_path, out):
    """`instanceRefresh: {enabled: true}` (the instance-group builder's extension) adds an instance_refresh block:
    after an upgrade, `terraform apply` replaces the group's instances in rolling batches."""
    write(state, out)
    change(state, tmp_path, lambda docs: group(docs, f"nodes-{ZONE}")["spec"].update(instanceRefresh={"enabled": True}))
    result = preview(state)
    assert resource_lines(result.output) == [
        f"~ aws_autoscaling_group.{NODES}",
        "    instance_refresh.preferences.min_healthy_percentage (none) -> 90",
        '    instance_refresh.strategy (none) -> "Rolling"',
    ]


def test_a_new_instance_group_adds_its_resources_and_files(state, tmp_path, out):
    write(state, out)

    def edit(docs):
        spot = copy.deepcopy(group(docs, f"nodes-{ZONE}"))
        spot["metadata"]["name"] = "spot"
        spot["spec"]["nodeLabels"] = {"kops.k8s.io/instancegroup": "spot"}
        docs.append(spot)

    change(state, tmp_path, edit)
    result = preview(state)
    ids = (f'["${{aws_autoscaling_group.{NODES}.id}}"] -> '
           f'["${{aws_autoscaling_group.{NODES}.id}}", "${{aws_autoscaling_group.spot-{LABEL}.id}}"]')
    assert resource_lines(result.output) == [
        f"+ aws_autoscaling_group.spot-{LABEL}",
        "+ aws_autoscaling_lifecycle_hook.spot-NTHLifecycleHook",
        f"+ aws_launch_template.spot-{LABEL}",
        f"~ output.node_autoscaling_group_ids: value {ids}",
    ]
    assert section(result.output, "State-store files") == ["+ igconfig/node/spot/nodeupconfig.yaml"]
    assert "Resources: 3 to create, 0 to update, 0 to replace, 0 to delete." in result.output


def test_a_subnet_cidr_change_replaces_the_subnet_and_what_cannot_follow_it(state, tmp_path, out):
    write(state, out)
    change(state, tmp_path, lambda docs: cluster_spec(docs)["subnets"][0].update(cidr="172.20.32.0/19"))
    result = preview(state)
    subnet = f"aws_subnet.{SUBNET}"
    assert resource_lines(result.output) == [
        # a group moves to the new subnet in place
        f"~ aws_autoscaling_group.{MASTERS} (subnets: refers to replaced {subnet})",
        f"~ aws_autoscaling_group.{NODES} (subnets: refers to replaced {subnet})",
        # so does the API load balancer (terraform plans it so; the slow test below holds us to terraform)
        f"~ aws_lb.api-{LABEL} (subnet_mappings: refers to replaced {subnet})",
        # an association cannot change its subnet
        f"-/+ aws_route_table_association.{SUBNET} (subnet: refers to replaced {subnet})",
        f'-/+ {subnet} (cidr_block forces replacement): cidr_block "172.20.0.0/16" -> "172.20.32.0/19"',
    ]
    assert "Resources: 0 to create, 3 to update, 2 to replace, 0 to delete." in result.output


def test_removing_an_instance_group_deletes_its_resources_and_nodeup_file(state, tmp_path, out):
    def add_spot(docs):
        spot = copy.deepcopy(group(docs, f"nodes-{ZONE}"))
        spot["metadata"]["name"] = "spot"
        spot["spec"]["nodeLabels"] = {"kops.k8s.io/instancegroup": "spot"}
        docs.append(spot)

    change(state, tmp_path, add_spot)
    write(state, out)
    assert (tmp_path / "state" / NAME / "igconfig/node/spot/nodeupconfig.yaml").exists()
    # kopsgen has no `delete instancegroup` yet: remove the stored object, as `kops delete ig` does
    verbs.registry(state).store.delete(layout.instance_group_key(NAME, "spot"))
    result = preview(state)
    assert resource_lines(result.output)[:3] == [
        f"- aws_autoscaling_group.spot-{LABEL}",
        "- aws_autoscaling_lifecycle_hook.spot-NTHLifecycleHook",
        f"- aws_launch_template.spot-{LABEL}",
    ]
    assert section(result.output, "State-store files") == ["- igconfig/node/spot/nodeupconfig.yaml"]
    assert "Resources: 0 to create, 0 to update, 0 to replace, 3 to delete." in result.output
    write(state, out)
    assert not (tmp_path / "state" / NAME / "igconfig/node/spot").exists()
    assert not (out / f"data/aws_launch_template_spot.{NAME}_user_data").exists()


# --- what changed inside files: counts, and the diff with -v -------------------------------------------------------


def config_base_files(tmp_path: Path) -> dict[str, bytes]:
    """The config base's files, but the render record (kopsgen's own bookkeeping, not a state-store file)."""
    folder = tmp_path / "state" / NAME
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".") and "kopsgen/last-render" not in str(p)}


def announced(output: str) -> dict[str, int]:
    found = re.search(r"State-store files: (\d+) to create, (\d+) to update, (\d+) to delete\.", output)
    return dict(zip(("create", "update", "delete"), map(int, found.groups()))) if found else {}


def test_the_preview_counts_the_state_store_files_yes_then_writes(state, tmp_path, out):
    """First write (every file, the new CAs included) and a change: what the preview counts is what changes."""
    def upgrade(docs):
        cluster_spec(docs).update(kubernetesVersion="1.36.3")
        group(docs, f"nodes-{ZONE}")["spec"]["nodeLabels"] = {"team": "a"}

    for edit in (None, upgrade):
        if edit:
            change(state, tmp_path, edit)
        before = config_base_files(tmp_path)
        counts = announced(preview(state).output)
        result = write(state, out)
        after = config_base_files(tmp_path)
        created = [k for k in after if k not in before]
        updated = [k for k in after if k in before and after[k] != before[k]]
        deleted = [k for k in before if k not in after]
        assert counts == {"create": len(created), "update": len(updated), "delete": len(deleted)}, (counts, created)
        assert sum(counts.values()) > 0
        written = re.search(r"state-store files: (\d+) written, (\d+) deleted", result.output)
        assert (int(written[1]), int(written[2])) == (counts["create"] + counts["update"], counts["delete"])


def test_verbose_preview_shows_the_diff_of_user_data_and_each_state_store_file(state, tmp_path, out):
    write(state, out)
    change(state, tmp_path, lambda docs: cluster_spec(docs).update(kubernetesVersion="1.36.3"))
    short = preview(state)
    assert "--- " not in short.output and "-v shows the changed lines" in short.output
    result = preview(state, "-v")
    assert result.exit_code == 2
    assert "-v shows" not in result.output
    nodeup = f"igconfig/node/nodes-{ZONE}/nodeupconfig.yaml"
    # each line as `-text`/`+text`/`text`, without the indentation of the preview or of the YAML
    lines = [(line[0] + line[1:].strip()) if line[:1] in ("+", "-") else line
             for line in (raw.strip() for raw in result.output.splitlines())]
    # the user data: its nodeup configuration hash, decoded, as the one changed line
    assert "--- user_data (last written)" in lines and "+++ user_data (this render)" in lines
    assert sum(1 for line in lines if line.startswith("-NodeupConfigHash: ")) == 2
    # each state-store file: the lines that changed, with the version in them
    assert f"--- {nodeup} (last written)" in lines and f"+++ {nodeup} (this render)" in lines
    assert "-kubernetesVersion: 1.36.2" in lines and "+kubernetesVersion: 1.36.3" in lines
    assert "-image: registry.k8s.io/kube-apiserver:v1.36.2" in lines
    # the diff matches the files --yes then writes
    old_nodeup = (tmp_path / "state" / NAME / nodeup).read_text()
    write(state, out)
    new_nodeup = (tmp_path / "state" / NAME / nodeup).read_text()
    removed = {line[1:] for line in lines if line.startswith("-") and not line.startswith("---")}
    added = {line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")}
    gone = set(old_nodeup.splitlines()) - set(new_nodeup.splitlines())
    new = set(new_nodeup.splitlines()) - set(old_nodeup.splitlines())
    assert {x.strip() for x in gone} <= removed and {x.strip() for x in new} <= added


def test_cloudformation_preview_diffs_the_inline_user_data(state, tmp_path, out):
    write(state, out, "--target", "cloudformation")
    change(state, tmp_path, lambda docs: group(docs, f"nodes-{ZONE}")["spec"].update(
        additionalUserData=[{"name": "hello.sh", "type": "text/x-shellscript", "content": "echo hello-there"}]))
    result = preview(state, "--target", "cloudformation", "-v")
    assert result.exit_code == 2, result.output
    assert re.search(r"LaunchTemplateData\.UserData\.Fn::Base64: \d+ lines added, \d+ lines? removed", result.output)
    assert any(line.strip() == "+echo hello-there" for line in result.output.splitlines())


def test_a_record_without_contents_says_the_diff_is_unavailable(state, tmp_path, out):
    write(state, out)
    key = layout.last_render_key(NAME, "terraform")
    store = verbs.registry(state).store
    record = json.loads(store.read(key)[0])
    del record["contents"]            # as a record written before contents were kept
    store.write(key, json.dumps(record).encode())
    change(state, tmp_path, lambda docs: cluster_spec(docs).update(kubernetesVersion="1.36.3"))
    result = preview(state, "-v")
    assert result.exit_code == 2
    assert "cluster-completed.spec: the previous text is not in the render record" in result.output


# --- exit codes, errors, concurrency ----------------------------------------------------------------------------------


def test_errors_exit_1_so_that_2_always_means_changes(state, tmp_path, out):
    assert preview(state, "--format", "yaml").exit_code == 1                  # a format terraform does not write
    assert run("update", "cluster", NAME, "--state", state, "--bogus").exit_code == 1   # a bad flag
    missing = run("update", "cluster", "nope.example.com", "--state", state)
    assert missing.exit_code == 1 and "not found" in missing.output
    # a stored spec that no longer validates: file, line and field, exit 1
    store = verbs.registry(state).store
    key = layout.config_key(NAME)
    store.write(key, store.read(key)[0].replace(b"networkCIDR: 172.20.0.0/16", b"networkCIDR: 172.20.0.0/33"))
    bad = preview(state)
    assert bad.exit_code == 1 and "networkCIDR" in bad.output and f"{NAME}/config:" in bad.output


def test_backend_writes_backend_tf_and_is_refused_for_cloudformation(state, tmp_path, out):
    write(state, out, "--backend", "s3://tf-state/upd/terraform.tfstate", "--backend-lock-table", "locks")
    backend = (out / "backend.tf").read_text()
    assert 'dynamodb_table = "locks"' in backend and 'region         = "us-east-1"' in backend
    assert "from its spec in the state store." in backend.splitlines()[0]
    refused = run("update", "cluster", NAME, "--state", state, "--target", "cloudformation", "--backend",
                  "s3://tf-state/upd/terraform.tfstate")
    assert refused.exit_code == 1 and "--backend goes with --target terraform" in refused.output
    write(state, out)            # without the flag, the next write takes backend.tf away again
    assert not (out / "backend.tf").exists()


def test_help_documents_the_exit_codes():
    text = run("update", "cluster", "--help").output
    assert "0  no changes" in text and "2  changes to write" in text and "1  any error" in text


def test_an_unreadable_record_is_reported_not_trusted(state, out):
    write(state, out)
    store = verbs.registry(state).store
    store.write(layout.last_render_key(NAME, "terraform"), b"{not json")
    result = preview(state)
    assert result.exit_code == 1 and "not a readable render record" in result.output


def test_a_concurrent_update_is_detected(state, out):
    registry = verbs.registry(state)
    first = update.prepare(registry, NAME, "terraform", None, out, dry_run=False, allow_unreadable_config_base=True)
    second = update.prepare(registry, NAME, "terraform", None, out, dry_run=False, allow_unreadable_config_base=True)
    update.write(first)
    with pytest.raises(ConcurrentWriteError):
        update.write(second)


def test_delete_cluster_removes_the_record_too(state, tmp_path, out):
    write(state, out)
    deleted = run("delete", "cluster", NAME, "--state", state, "--yes")
    assert deleted.exit_code == 0, deleted.output
    # (a hidden lock file of the config base's own store may stay: stores never list or serve hidden names)
    assert [p for p in (tmp_path / "state").rglob("*") if p.is_file() and not p.name.startswith(".")] == []


# --- the record ---------------------------------------------------------------------------------------------------------


def test_the_record_is_canonical_and_round_trips(state, tmp_path, out):
    write(state, out)
    data = (tmp_path / "state" / NAME / "kopsgen/last-render/terraform.json").read_bytes()
    snapshot = Snapshot.from_json(data, "record")
    assert snapshot.to_json() == data                       # sorted, stable: a re-write changes no byte
    subnet = snapshot.resources[f"aws_subnet.{SUBNET}"]
    assert subnet.source == f"Subnet:{ZONE}.{NAME}" and subnet.role == "resource"
    assert subnet.attributes["cidr_block"] == "172.20.0.0/16"
    assert subnet.replaced_when_changed == {"availability_zone": ZONE, "cidr_block": "172.20.0.0/16",
                                            "vpc": f"Vpc:{NAME}"}
    group_entry = snapshot.resources[f"aws_autoscaling_group.{NODES}"]
    assert group_entry.attributes["tag[kops.k8s.io/instancegroup].value"] == f"nodes-{ZONE}"
    assert ("launch_template", f"LaunchTemplate:nodes-{ZONE}.{NAME}") in group_entry.references
    keyset = (tmp_path / "state" / NAME / "pki/private/kubernetes-ca/keyset.yaml").read_bytes()
    assert snapshot.state_files["pki/private/kubernetes-ca/keyset.yaml"] == \
        "sha256:" + hashlib.sha256(keyset).hexdigest()
    # the texts behind the hashes, for the next preview's diffs; never a CA's private key
    secrets = {h for key, h in snapshot.state_files.items() if key.startswith(layout.SECRET_FOLDERS)}
    assert snapshot.state_files["pki/private/kubernetes-ca/keyset.yaml"] in secrets
    assert not secrets & set(snapshot.contents)
    spec = (tmp_path / "state" / NAME / "cluster-completed.spec").read_text()
    assert snapshot.contents[snapshot.state_files["cluster-completed.spec"]] == spec
    user_data = (out / "data" / f"aws_launch_template_{NODES_GROUP}_user_data").read_text()
    assert snapshot.contents["sha256:" + data_hash(out, f"aws_launch_template_{NODES_GROUP}_user_data")] == user_data
    with pytest.raises(StateStoreError):
        Snapshot.from_json(data.replace(b"LastRender", b"Something"), "record")


def test_every_replacement_field_exists_on_its_kind():
    kinds = {k.__name__: k for k in resource_kinds()}
    for table in (replacement.REPLACED_WHEN_CHANGED, replacement.FOLLOWS_UPDATES):
        for kind, fields in table.items():
            assert kinds[kind.__name__] is kind
            names = {f.name for f in kind.__dataclass_fields__.values()}
            assert set(fields) <= names, (kind.__name__, set(fields) - names)


# --- CloudFormation ------------------------------------------------------------------------------------------------------


def test_cloudformation_previews_with_logical_ids(state, tmp_path, out):
    first = preview(state, "--target", "cloudformation")
    assert first.exit_code == 2 and "+ SubnetUsEast1a (AWS::EC2::Subnet)" in resource_lines(first.output)
    write(state, out, "--target", "cloudformation", "--format", "yaml")
    assert (out / f"{NAME}.yaml").exists()
    assert preview(state, "--target", "cloudformation", "--format", "yaml").exit_code == 0
    change(state, tmp_path, lambda docs: cluster_spec(docs)["subnets"][0].update(cidr="172.20.32.0/19"))
    lines = resource_lines(preview(state, "--target", "cloudformation", "--format", "yaml").output)
    assert ('-/+ SubnetUsEast1a (AWS::EC2::Subnet) (cidr_block forces replacement): '
            'CidrBlock "172.20.0.0/16" -> "172.20.32.0/19"') in lines
    assert ("~ NetworkLoadBalancerApi (AWS::ElasticLoadBalancingV2::LoadBalancer) "
            "(subnet_mappings: refers to replaced SubnetUsEast1a)") in lines
    assert ("-/+ RouteTableAssociationUsEast1a (AWS::EC2::SubnetRouteTableAssociation) "
            "(subnet: refers to replaced SubnetUsEast1a)") in lines
    # the Terraform record is its own: nothing was written for terraform yet
    assert preview(state).exit_code == 2


def test_the_dry_run_hint_is_the_command_to_run_with_every_flag_that_matters(state, tmp_path, out, monkeypatch):
    """The hint is run as printed (from the folder the preview ran in): it writes what the preview showed."""
    monkeypatch.chdir(tmp_path)
    flags = ["--target", "cloudformation", "--format", "yaml", "--out", "cfn out", "--allow-unreadable-config-base"]
    dry = preview(state, *flags)
    assert dry.exit_code == 2, dry.output
    hint = dry.stderr.strip().splitlines()[-1].split("the render record: ", 1)[1]
    words = shlex.split(hint)
    assert words[:4] == ["kopsgen", "update", "cluster", NAME] and "--yes" in words
    assert {"--target", "cloudformation", "--format", "yaml", "--out", "cfn out", "--state", state} <= set(words)
    done = run(*words[1:])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "cfn out" / f"{NAME}.yaml").is_file() and not (tmp_path / "outputs").exists()
    assert preview(state, *flags).exit_code == 0   # nothing left to write
    # -q leaves only the data: the preview, no hint
    quiet = preview(state, "-q", "--target", "terraform", "--out", str(out), "--allow-unreadable-config-base")
    assert quiet.exit_code == 2 and "Nothing was written" not in quiet.stderr


# --- colour ------------------------------------------------------------------------------------------------------------------


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """The CLI with a pseudo-terminal as its stdout (click only colours for terminals)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kopsgen", *args], stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_colour_on_a_terminal_unless_no_color(state, moto, tmp_path, out):
    write(state, out)
    change(state, tmp_path, lambda docs: group(docs, f"nodes-{ZONE}")["spec"].update(maxSize=3))
    env = subprocess_env(moto)
    env.pop("NO_COLOR", None)
    args = ["update", "cluster", NAME, "--state", state]
    coloured = _run_in_terminal(args, env)
    assert "\x1b[33m~\x1b[0m aws_autoscaling_group" in coloured
    plain = _run_in_terminal(args, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain and f"~ aws_autoscaling_group.{NODES}: max_size 1 -> 3" in plain
    piped = subprocess.run([sys.executable, "-m", "kopsgen", *args], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert piped.returncode == 2 and "\x1b[" not in piped.stdout


def test_each_action_has_its_colour():
    changes = [plans.ResourceChange(action, f"a.{action}", f"a.{action}") for action in
               (plans.CREATE, plans.UPDATE, plans.REPLACE, plans.DELETE)]
    text = plans.preview(plans.Plan(changes, [], [], "file:///x"), colour=True)
    for symbol, code in (("+", "32"), ("~", "33"), ("-/+", "35"), ("-", "31")):
        assert f"\x1b[{code}m{symbol}" in text or f"\x1b[{code}m\x1b[1m{symbol}" in text, (symbol, text)


# --- an S3 state store --------------------------------------------------------------------------------------------------


def test_the_account_can_be_given_instead_of_asked(state, out, tmp_path, monkeypatch):
    """KOPSGEN_AWS_ACCOUNT_ID names the account in the state files kopsgen writes itself, with no AWS call:
    the endpoint points nowhere, so an STS call would fail the run."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("KOPSGEN_AWS_ACCOUNT_ID", "210987654321")
    write(state, out)
    texts = [p.read_text() for p in (tmp_path / "state" / NAME / "addons").rglob("*.yaml")]
    urls = {u for t in texts for u in re.findall(r"https://sqs\.[^\s\"']+", t)}
    assert urls == {f"https://sqs.us-east-1.amazonaws.com/210987654321/{label(NAME)}-nth"}
    monkeypatch.setenv("KOPSGEN_AWS_ACCOUNT_ID", "not-an-account")
    refused = run("update", "cluster", NAME, "--state", state, "--out", out, "--yes", "--target", "cloudformation",
                  "--allow-unreadable-config-base")
    assert refused.exit_code == 1
    assert "KOPSGEN_AWS_ACCOUNT_ID='not-an-account' is not an AWS account ID (12 digits)" in refused.output


def test_on_an_s3_state_store(moto, monkeypatch, tmp_path):
    aws_environment(moto, monkeypatch)
    moto.client("s3").create_bucket(Bucket="upd-state")
    state = "s3://upd-state/kops"
    created = run("create", "cluster", "--name", NAME, "--zones", ZONE, "--networking", "calico",
                  "--kubernetes-version", "1.36.2", "--state", state)
    assert created.exit_code == 0, created.output
    out = tmp_path / "out"
    first = preview(state, "--out", out)
    assert first.exit_code == 2
    # an S3 config base: Terraform carries the state-store files as aws_s3_object; kopsgen writes only the CAs
    files = section(first.output, "State-store files")
    assert files and all(f.startswith("+ pki/private/") for f in files), files
    assert f"+ aws_s3_object.nodeupconfig-nodes-{ZONE}" in resource_lines(first.output)
    write(state, out)
    keys = {o["Key"] for o in moto.client("s3").list_objects_v2(Bucket="upd-state")["Contents"]}
    assert f"kops/{NAME}/kopsgen/last-render/terraform.json" in keys
    assert f"kops/{NAME}/pki/private/kubernetes-ca/keyset.yaml" in keys
    assert preview(state, "--out", out).exit_code == 0
    change(state, tmp_path, lambda docs: cluster_spec(docs).update(kubernetesVersion="1.36.3"))
    lines = resource_lines(preview(state).output)
    assert f"~ aws_s3_object.nodeupconfig-nodes-{ZONE}" in [line.split(":")[0] for line in lines]
    assert not any("aws_subnet" in line or "aws_vpc" in line for line in lines)


# --- the preview against terraform's own plan, on moto (slow) ------------------------------------------------------


def _our_actions(state: str, out: Path) -> dict[str, str]:
    prepared = update.prepare(verbs.registry(state), NAME, "terraform", None, out, dry_run=True)
    return {c.address: c.action for c in prepared.plan.resources if c.role == "resource"}


def _terraform_actions(workdir: Path) -> dict[str, str]:
    """`terraform plan` of the folder, as {address: create | update | replace | delete} of managed resources."""
    from tests.support import terraform

    terraform.run(workdir, "plan", "-out=kopsgen-test.tfplan", "-input=false", "-no-color", "-lock=false")
    shown = json.loads(terraform.run(workdir, "show", "-json", "kopsgen-test.tfplan").stdout)
    names = {("create",): "create", ("update",): "update", ("delete", "create"): "replace",
             ("create", "delete"): "replace", ("delete",): "delete"}
    return {rc["address"]: names[tuple(rc["change"]["actions"])] for rc in shown.get("resource_changes", [])
            if rc["mode"] == "managed" and tuple(rc["change"]["actions"]) not in (("no-op",), ("read",))}


@pytest.mark.slow
@pytest.mark.moto
def test_the_preview_agrees_with_terraform_plan_after_apply_on_moto(state, tmp_path, moto):
    """Apply the first render to moto, then hold each preview to `terraform plan` of what --yes writes: the
    same resources created, updated, replaced and deleted. Between changes the spec goes back to what is
    applied, so that the last written render and terraform's state describe the same thing."""
    from tests.support import terraform, tfmoto

    if not terraform.terraform_available():
        pytest.skip("terraform not on PATH")
    out = tmp_path / "out"
    write(state, out)
    applied = [copy.deepcopy(d.data) for d in verbs.registry(state).get(NAME).documents.all()]
    tfmoto.prepare(out, moto)
    terraform.init(out)
    timings = tfmoto.Timings()
    try:
        timings.run("apply", tfmoto.apply, out)
        code, text = tfmoto.plan_exit_code(out)
        assert code == 0, f"plan after apply wants changes:\n{text[-4000:]}"
        assert write(state, out).output.startswith("No changes")
        code, text = tfmoto.plan_exit_code(out)
        assert code == 0, f"plan after a second update --yes wants changes:\n{text[-4000:]}"

        def upgrade_and_grow(docs):
            cluster_spec(docs)["kubernetesVersion"] = "1.36.3"
            group(docs, f"nodes-{ZONE}")["spec"]["maxSize"] = 3
            spot = copy.deepcopy(group(docs, f"nodes-{ZONE}"))
            spot["metadata"]["name"] = "spot"
            spot["spec"]["nodeLabels"] = {"kops.k8s.io/instancegroup": "spot"}
            docs.append(spot)

        def new_subnet_cidr(docs):
            cluster_spec(docs)["subnets"][0]["cidr"] = "172.20.32.0/19"

        for step, edit in (("upgrade", upgrade_and_grow), ("subnet", new_subnet_cidr)):
            change(state, tmp_path, lambda docs: (docs.clear(), docs.extend(copy.deepcopy(applied)), edit(docs)))
            ours = _our_actions(state, out)
            write(state, out)
            theirs = timings.run(f"plan {step}", _terraform_actions, out)
            assert ours == theirs, (step, sorted(set(ours.items()) ^ set(theirs.items())))
            # back to what is applied: the written output then matches terraform's state again
            change(state, tmp_path, lambda docs: (docs.clear(), docs.extend(copy.deepcopy(applied))))
            store = verbs.registry(state).store
            for key in store.list(layout.instance_group_folder(NAME)):   # replace -f keeps unmentioned groups
                if key.rsplit("/", 1)[1] not in {d["metadata"]["name"] for d in applied}:
                    store.delete(key)
            write(state, out)
            code, text = tfmoto.plan_exit_code(out)
            assert code == 0, f"{step}: plan after going back wants changes:\n{text[-4000:]}"
    finally:
        timings.run("destroy", tfmoto.destroy, out, check=False)
        print(f"timings: {timings.seconds}")
