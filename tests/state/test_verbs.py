"""The spec verbs on a state store, through the real CLI: create -f, replace -f, get, edit ($EDITOR), delete."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kopsgen.render.header import Provenance
import yaml
from click.testing import CliRunner

from kopsgen.cli import cli
from kopsgen.state import verbs
from tests.support.moto_server import aws_environment, subprocess_env

ROOT = Path(__file__).resolve().parents[2]
NAME = "v.example.com"


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def state(tmp_path, monkeypatch) -> str:
    url = f"file://{tmp_path}/state"
    monkeypatch.setenv("KOPSGEN_STATE_STORE", url)
    monkeypatch.delenv("VISUAL", raising=False)  # click prefers VISUAL over EDITOR
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where edits are made (and kept)
    return url


@pytest.fixture
def spec_file(tmp_path) -> Path:
    path = tmp_path / "cluster.yaml"
    result = run("create", "cluster", "--name", NAME, "--zones", "eu-west-1a,eu-west-1b", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path


def editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR: a shell script run on the file to edit."""
    path = tmp_path / "editor.sh"
    path.write_text("#!/bin/sh\nset -e\n" + script)
    path.chmod(0o755)
    return str(path)


def stored_text(state: str, key: str) -> str:
    return verbs.registry(state).store.read(key)[0].decode()


# --- create -f / replace -f ---------------------------------------------------------------------


def test_create_from_a_file_then_refuse_it_again(state, spec_file):
    first = run("create", "-f", str(spec_file))
    assert first.exit_code == 0 and f"created cluster {NAME}" in first.output
    again = run("create", "-f", str(spec_file))
    assert again.exit_code == 1 and "already exists" in again.output


def test_create_of_an_invalid_file_says_where_and_stores_nothing(state, spec_file, tmp_path):
    spec_file.write_text(spec_file.read_text().replace("maxSize: 1", "maxSize: -3", 1))
    result = run("create", "-f", str(spec_file))
    assert result.exit_code == 2
    line = next(i for i, text in enumerate(spec_file.read_text().splitlines(), 1) if "maxSize: -3" in text)
    assert f"{spec_file}:{line}:" in result.output and "maxSize" in result.output
    assert not (tmp_path / "state").exists() or verbs.registry(state).names() == []


def test_replace_an_instance_group_from_a_file(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    group = run("get", "instancegroups", "--name", NAME, "-o", "yaml")
    nodes = [d for d in yaml.safe_load_all(group.output) if d["metadata"]["name"] == "nodes-eu-west-1b"][0]
    nodes["spec"]["maxSize"] = 6
    (tmp_path / "ig.yaml").write_text(yaml.safe_dump(nodes))
    result = run("replace", "-f", str(tmp_path / "ig.yaml"))
    assert result.exit_code == 0, result.output
    table = run("get", "ig", "--name", NAME).stdout
    assert [line.split()[4] for line in table.splitlines() if line.startswith("nodes-eu-west-1b")] == ["6"]
    assert len(table.splitlines()) == 4  # header + the three groups: the file named only one


def test_replace_with_what_is_stored_says_no_change(state, spec_file):
    run("create", "-f", str(spec_file))
    before = verbs.registry(state).get(NAME).versions
    result = run("replace", "-f", str(spec_file))
    assert result.exit_code == 0 and "no change" in result.output and "replaced" not in result.output
    assert verbs.registry(state).get(NAME).versions == before


def test_create_cluster_output_never_overwrites_another_file_without_force(state, spec_file):
    other = spec_file.read_text()
    refused = run("create", "cluster", "--name", "other.example.com", "--zones", "eu-west-1a",
                  "--output", str(spec_file))
    assert refused.exit_code == 2 and "--force" in refused.output and "exists" in refused.output
    assert spec_file.read_text() == other
    forced = run("create", "cluster", "--name", "other.example.com", "--zones", "eu-west-1a",
                 "--output", str(spec_file), "--force")
    assert forced.exit_code == 0, forced.output
    assert "other.example.com" in spec_file.read_text()


def test_replace_of_a_missing_cluster(state, spec_file):
    result = run("replace", "-f", str(spec_file))
    assert result.exit_code == 2 and "not found" in result.output


# --- get ------------------------------------------------------------------------------------------


def test_get_clusters_and_instancegroups(state, spec_file):
    assert run("get", "clusters").stdout == ""  # nothing stored yet; the note goes to stderr
    run("create", "-f", str(spec_file))
    table = run("get", "clusters").stdout.splitlines()
    assert table[0].split() == ["NAME", "CLOUD", "ZONES"]
    assert table[1].split() == [NAME, "aws", "eu-west-1a,eu-west-1b"]
    as_json = json.loads(run("get", "clusters", "-o", "json").stdout)
    assert [c["metadata"]["name"] for c in as_json] == [NAME]
    groups = run("get", "instancegroups", "--name", NAME).stdout.splitlines()
    assert groups[0].split() == ["NAME", "ROLE", "MACHINETYPE", "MIN", "MAX", "ZONES"]
    assert [row.split()[:2] for row in groups[1:]] == [["control-plane-eu-west-1a", "ControlPlane"],
                                                       ["nodes-eu-west-1a", "Node"], ["nodes-eu-west-1b", "Node"]]


def test_get_clusters_lists_the_readable_ones_and_warns_about_the_rest(state, spec_file):
    run("create", "-f", str(spec_file))
    verbs.registry(state).store.write("broken.example.com/config", b"kind: [")
    result = run("get", "clusters")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == [NAME]
    assert "warning: cluster broken.example.com cannot be read" in result.stderr


def test_get_cluster_by_name_and_by_file(state, spec_file):
    run("create", "-f", str(spec_file))
    stored = list(yaml.safe_load_all(run("get", "cluster", NAME).stdout))
    from_file = list(yaml.safe_load_all(run("get", "cluster", "-f", str(spec_file)).stdout))
    assert stored == from_file
    full = list(yaml.safe_load_all(run("get", "cluster", NAME, "--full", "-o", "yaml").stdout))
    assert full == list(yaml.safe_load_all(run("get", "cluster", "-f", str(spec_file), "--full").stdout))
    assert len(yaml.safe_dump_all(full)) > len(yaml.safe_dump_all(stored))  # defaults were filled in
    missing = run("get", "cluster", "nope.example.com")
    assert missing.exit_code == 2 and f"it has: {NAME}" in missing.output
    both = run("get", "cluster", NAME, "-f", str(spec_file))
    assert both.exit_code == 2


# --- edit -----------------------------------------------------------------------------------------


def test_edit_an_instance_group(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    env = {"EDITOR": editor(tmp_path, 'sed -i "s/maxSize: 1/maxSize: 4/" "$1"\n')}
    result = run("edit", "instancegroup", "--name", NAME, "nodes-eu-west-1a", env=env)
    assert result.exit_code == 0, result.output
    assert "maxSize: 4" in stored_text(state, f"{NAME}/instancegroup/nodes-eu-west-1a")
    assert "maxSize: 1" in stored_text(state, f"{NAME}/instancegroup/nodes-eu-west-1b")
    assert not list((tmp_path / "tmp").glob("kopsgen-edit-*"))  # a stored edit leaves no file behind


def test_a_bad_edit_keeps_the_old_version_and_says_where(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    before = stored_text(state, f"{NAME}/config")
    env = {"EDITOR": editor(tmp_path, 'sed -i "s#networkCIDR: 172.20.0.0/16#networkCIDR: 172.20.0.0/99#" "$1"\n')}
    result = run("edit", "cluster", NAME, env=env)
    assert result.exit_code == 2
    assert stored_text(state, f"{NAME}/config") == before
    kept = Path(result.output.split("Your edit is kept in ")[1].split(";")[0])
    line = next(i for i, text in enumerate(kept.read_text().splitlines(), 1) if "172.20.0.0/99" in text)
    assert f"{kept}:{line}:" in result.output and "networkCIDR" in result.output
    # the kept file can be fixed and stored with replace
    kept.write_text(kept.read_text().replace("/99", "/16").replace("cpuRequest: 200m", "cpuRequest: 300m"))
    assert run("replace", "-f", str(kept)).exit_code == 0
    assert "cpuRequest: 300m" in stored_text(state, f"{NAME}/config")


def test_an_edit_that_breaks_the_cluster_as_a_whole_is_refused(state, spec_file, tmp_path):
    """The edited group is valid alone, but its subnet does not exist in the cluster."""
    run("create", "-f", str(spec_file))
    env = {"EDITOR": editor(tmp_path, 'sed -i "s/- eu-west-1a$/- eu-west-1z/" "$1"\n')}
    result = run("edit", "ig", "--name", NAME, "nodes-eu-west-1a", env=env)
    assert result.exit_code == 2, result.output
    assert "eu-west-1z" in result.output
    assert "eu-west-1z" not in stored_text(state, f"{NAME}/instancegroup/nodes-eu-west-1a")


def test_an_unchanged_edit_stores_nothing(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    before = verbs.registry(state).get(NAME).versions
    result = run("edit", "cluster", NAME, env={"EDITOR": "true"})
    assert result.exit_code == 0 and "nothing was stored" in result.output
    assert verbs.registry(state).get(NAME).versions == before


def test_an_edit_racing_another_writer_is_detected(state, spec_file, tmp_path):
    """While the editor is open, someone else replaces the same instance group."""
    run("create", "-f", str(spec_file))
    other = tmp_path / "other.yaml"
    group = [d for d in yaml.safe_load_all(run("get", "ig", "--name", NAME, "-o", "yaml").stdout)
             if d["metadata"]["name"] == "nodes-eu-west-1a"][0]
    group["spec"]["maxSize"] = 9
    other.write_text(yaml.safe_dump(group))
    script = (f'{sys.executable} -m kopsgen replace -f {other} --state {state}\n'
              'sed -i "s/maxSize: 1/maxSize: 3/" "$1"\n')
    result = run("edit", "ig", "--name", NAME, "nodes-eu-west-1a", env={"EDITOR": editor(tmp_path, script),
                                                                         "PYTHONPATH": str(ROOT)})
    assert result.exit_code == 1, result.output
    assert "changed by another writer" in result.output and "Someone else changed the cluster" in result.output
    assert "maxSize: 9" in stored_text(state, f"{NAME}/instancegroup/nodes-eu-west-1a")
    # the advice keeps their change: edit again and re-apply yours (kept as a diff), never replace -f the stale copy
    assert f"run `kopsgen edit ig --name {NAME} nodes-eu-west-1a` again" in result.output
    assert "Do not `replace -f`" in result.output and "store it with `kopsgen replace -f" not in result.output
    diff = Path(result.output.split("Your change is in ")[1].split(" ")[0]).read_text()
    assert "-  maxSize: 1\n" in diff and "+  maxSize: 3\n" in diff


def test_edit_of_a_missing_instance_group(state, spec_file):
    run("create", "-f", str(spec_file))
    result = run("edit", "ig", "--name", NAME, "nope", env={"EDITOR": "true"})
    assert result.exit_code == 2 and "has no instance group 'nope'" in result.output


# --- delete ---------------------------------------------------------------------------------------


def test_delete_needs_yes_without_a_terminal(state, spec_file):
    run("create", "-f", str(spec_file))
    refused = run("delete", "cluster", NAME)
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert verbs.registry(state).exists(NAME)
    done = run("delete", "cluster", NAME, "--yes")
    assert done.exit_code == 0 and not verbs.registry(state).exists(NAME)
    assert run("delete", "cluster", NAME, "--yes").exit_code == 2  # not found


def _on_a_terminal(args: list[str], answer: bytes, env: dict) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stdout, answer its prompt, return (exit code, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kopsgen", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=ROOT, env=env, close_fds=True)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not answered and b"[y/N]" in output:
                os.write(master, answer)
                answered = True
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, output.decode(errors="replace")


@pytest.mark.parametrize("answer,kept", [(b"n\n", True), (b"y\n", False)])
def test_delete_asks_on_a_terminal(state, spec_file, answer, kept):
    run("create", "-f", str(spec_file))
    env = {**os.environ, "KOPSGEN_STATE_STORE": state}
    code, output = _on_a_terminal(["delete", "cluster", NAME], answer, env)
    assert "Delete cluster v.example.com" in output
    assert (code != 0) == kept
    assert verbs.registry(state).exists(NAME) == kept


# --- the same verbs on S3 ---------------------------------------------------------------------------


@pytest.mark.moto
def test_verbs_on_an_s3_store(moto, monkeypatch, spec_file, tmp_path):
    aws_environment(moto, monkeypatch)
    monkeypatch.delenv("VISUAL", raising=False)
    moto.client("s3").create_bucket(Bucket="verbs-state")
    state = "s3://verbs-state/kops"
    assert run("create", "-f", str(spec_file), "--state", state).exit_code == 0
    assert run("get", "clusters", "--state", state).stdout.splitlines()[1].split()[0] == NAME
    env = {"EDITOR": editor(tmp_path, 'sed -i "s/maxSize: 1/maxSize: 2/" "$1"\n')}
    assert run("edit", "ig", "--name", NAME, "nodes-eu-west-1b", "--state", state, env=env).exit_code == 0
    body = moto.client("s3").get_object(Bucket="verbs-state", Key=f"kops/{NAME}/instancegroup/nodes-eu-west-1b")
    assert b"maxSize: 2" in body["Body"].read()
    # a subprocess finds the server the way a user's shell would: through the environment
    proc = subprocess.run([sys.executable, "-m", "kopsgen", "delete", "cluster", NAME, "--yes", "--state", state],
                          cwd=ROOT, env=subprocess_env(moto), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert moto.client("s3").list_objects_v2(Bucket="verbs-state").get("KeyCount") == 0


# --- render and graph a stored cluster (--name) -------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("target", ["terraform", "cloudformation"])
def test_render_a_stored_cluster_by_name(state, spec_file, tmp_path, target):
    """The stored cluster renders as its spec file does, with its CAs made in (then read from) --state; only the
    header's provenance says where the spec came from (and DEPLOY.md's byte counts follow from it)."""
    store = tmp_path / "other-store"
    state_flag = ["--state", f"file://{store}"]
    assert run("create", "-f", str(spec_file), *state_flag).exit_code == 0
    assert not (store / NAME / "pki").exists()
    by_name = run("render", "--target", target, "--name", NAME, *state_flag, "-o", str(tmp_path / "by-name"))
    assert by_name.exit_code == 0, by_name.output
    assert (store / NAME / "pki" / "private" / "kubernetes-ca" / "keyset.yaml").is_file()
    by_file = run("render", "--target", target, "-f", str(spec_file), *state_flag, "-o", str(tmp_path / "by-file"))
    assert by_file.exit_code == 0, by_file.output
    from_store = Provenance(NAME).metadata()["Spec"].encode()
    def same_source(tree: dict[str, bytes]) -> dict[str, bytes]:
        return {path: data.replace(b"from its spec in the state store", f"from spec file {spec_file.name}".encode())
                .replace(b'"' + from_store + b'"', f'"{spec_file.name}"'.encode()).replace(from_store, spec_file.name.encode())
                for path, data in tree.items() if path != "DEPLOY.md"}
    by_name_tree, by_file_tree = _tree(tmp_path / "by-name"), _tree(tmp_path / "by-file")
    assert b"from its spec in the state store" in by_name_tree.get("kubernetes.tf", b"from its spec in the state store")
    assert same_source(by_name_tree) == same_source(by_file_tree)
    assert not Path(state.removeprefix("file://")).exists()   # KOPSGEN_STATE_STORE: --state won


def test_graph_a_stored_cluster_by_name_writes_nothing(state, spec_file, tmp_path):
    assert run("create", "-f", str(spec_file)).exit_code == 0
    before = _tree(Path(state.removeprefix("file://")))
    by_name = run("graph", "--name", NAME)
    assert by_name.exit_code == 0 and by_name.stdout.startswith(f'digraph "{NAME}"')
    assert _tree(Path(state.removeprefix("file://"))) == before
    assert run("graph", "-f", str(spec_file)).stdout == by_name.stdout


@pytest.mark.parametrize("command", ["render", "graph"])
def test_name_and_files_together_is_a_usage_error(state, spec_file, command):
    result = run(command, "--name", NAME, "-f", str(spec_file))
    assert result.exit_code == 2 and "not both" in result.output
    missing = run(command, "--name", "nope.example.com")
    assert missing.exit_code == 2 and "'nope.example.com' not found" in missing.output


# --- create instancegroup / delete instancegroup ----------------------------------------------------------


def stored_groups(state: str) -> dict[str, dict]:
    return {d.name: d.data for d in verbs.registry(state).get(NAME).documents.instance_groups}


def test_create_instancegroup_with_kops_defaults(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    before = stored_groups(state)
    result = run("create", "instancegroup", "--name", NAME, "spot", "--max", "5")
    assert result.exit_code == 0, result.output
    groups = stored_groups(state)
    assert set(groups) - set(before) == {"spot"} and all(groups[k] == v for k, v in before.items())
    spot, node = groups["spot"], before["nodes-eu-west-1a"]
    assert spot["metadata"] == {"name": "spot", "labels": {"kops.k8s.io/cluster": NAME}}
    # kops's defaults for a node group: 2 machines, every non-utility subnet; create cluster's machine type and image
    assert spot["spec"]["role"] == "Node" and spot["spec"]["minSize"] == 2 and spot["spec"]["maxSize"] == 5
    assert spot["spec"]["subnets"] == ["eu-west-1a", "eu-west-1b"]
    for same in ("image", "machineType", "instanceMetadata"):
        assert spot["spec"][same] == node["spec"][same], same
    assert spot["spec"]["nodeLabels"] == {"kops.k8s.io/instancegroup": "spot"}
    # and it renders: its own launch template and auto-scaling group
    rendered = run("render", "--name", NAME, "-o", str(tmp_path / "out"))
    assert rendered.exit_code == 0, rendered.output
    tf = (tmp_path / "out" / "kubernetes.tf").read_text()
    assert f'resource "aws_autoscaling_group" "spot-{NAME.replace(".", "-")}"' in tf
    assert (tmp_path / "out" / "data" / f"aws_launch_template_spot.{NAME}_user_data").is_file()


def test_create_ig_alias_dry_run_prints_and_stores_nothing(state, spec_file):
    run("create", "-f", str(spec_file))
    before = stored_groups(state)
    result = run("create", "ig", "--name", NAME, "arm", "--machine-type", "m6g.large", "--subnet", "eu-west-1b",
                 "--min", "0", "--max", "3", "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.output
    group = json.loads(result.stdout)
    if isinstance(group, list):
        (group,) = group
    assert group["spec"]["machineType"] == "m6g.large" and "-arm64-" in group["spec"]["image"]
    assert group["spec"]["subnets"] == ["eu-west-1b"] and (group["spec"]["minSize"], group["spec"]["maxSize"]) == (0, 3)
    assert stored_groups(state) == before


@pytest.mark.parametrize("args,message", [
    (["nodes-eu-west-1a"], "already has an instance group 'nodes-eu-west-1a'"),
    (["x", "--subnet", "eu-west-9z"], "--subnet eu-west-9z: the cluster has no such subnet"),
    (["x", "--role", "ControlPlane"], "a control-plane group needs --subnet"),
    (["x", "--role", "worker"], "--role 'worker' is not one of"),
    (["x", "--min", "3", "--max", "1"], "need 0 <= min <= max"),
    (["x", "--machine-type", "t3.medium,m6g.large"], "mixes architectures"),
    # the whole cluster is checked: a control-plane group needs its etcd members, which it does not have yet
    (["x", "--role", "control-plane", "--subnet", "eu-west-1b"], 'control-plane group "x" has no member in etcd'),
])
def test_create_instancegroup_refuses_what_would_not_validate(state, spec_file, args, message):
    run("create", "-f", str(spec_file))
    before = stored_groups(state)
    result = run("create", "ig", "--name", NAME, *args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert stored_groups(state) == before


def test_delete_instancegroup(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    refused = run("delete", "ig", "--name", NAME, "nodes-eu-west-1b")
    assert refused.exit_code == 2 and "--yes" in refused.output and "nodes-eu-west-1b" in stored_groups(state)
    done = run("delete", "instancegroup", "--name", NAME, "nodes-eu-west-1b", "--yes")
    assert done.exit_code == 0, done.output
    assert sorted(stored_groups(state)) == ["control-plane-eu-west-1a", "nodes-eu-west-1a"]
    rendered = run("render", "--name", NAME, "-o", str(tmp_path / "out"))
    assert rendered.exit_code == 0 and "nodes-eu-west-1b" not in (tmp_path / "out" / "kubernetes.tf").read_text()
    again = run("delete", "ig", "--name", NAME, "nodes-eu-west-1b", "--yes")
    assert again.exit_code == 2 and "has no instance group 'nodes-eu-west-1b'" in again.output


def test_delete_instancegroup_refuses_the_last_control_plane_and_etcd_hosts(state, spec_file, tmp_path):
    run("create", "-f", str(spec_file))
    only = run("delete", "ig", "--name", NAME, "control-plane-eu-west-1a", "--yes")
    assert only.exit_code == 2 and "the only control-plane group" in only.output
    assert "control-plane-eu-west-1a" in stored_groups(state)
    ha = "ha.v.example.com"
    made = run("create", "cluster", "--name", ha, "--zones", "eu-west-1a,eu-west-1b,eu-west-1c",
               "--control-plane-count", "3", "--state", state)
    assert made.exit_code == 0, made.output
    etcd = run("delete", "ig", "--name", ha, "control-plane-eu-west-1b", "--yes")
    assert etcd.exit_code == 2 and "runs etcd member b of etcd cluster main" in etcd.output
    assert "spec.etcdClusters" in etcd.output
    assert "control-plane-eu-west-1b" in {d.name for d in verbs.registry(state).get(ha).documents.instance_groups}


@pytest.mark.parametrize("answer,kept", [(b"n\n", True), (b"y\n", False)])
def test_delete_instancegroup_asks_on_a_terminal(state, spec_file, answer, kept):
    run("create", "-f", str(spec_file))
    env = {**os.environ, "KOPSGEN_STATE_STORE": state}
    code, output = _on_a_terminal(["delete", "ig", "--name", NAME, "nodes-eu-west-1b"], answer, env)
    assert "Delete instance group nodes-eu-west-1b of cluster v.example.com" in output
    assert (code != 0) == kept
    assert ("nodes-eu-west-1b" in stored_groups(state)) == kept


@pytest.mark.moto
def test_delete_a_cluster_whose_templates_were_uploaded(moto, monkeypatch, tmp_path):
    """`render --target cloudformation --upload-templates` puts templates in <configBase>/cloudformation/, a folder
    of the cluster's own: delete cluster removes them with the rest."""
    aws_environment(moto, monkeypatch)
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="cfn-state")
    state = "s3://cfn-state"
    made = run("create", "cluster", "--name", NAME, "--zones", "eu-west-1a", "--state", state)
    assert made.exit_code == 0, made.output
    rendered = run("render", "--target", "cloudformation", "--name", NAME, "--state", state, "--upload-templates",
                   "-o", str(tmp_path / "cfn"))
    assert rendered.exit_code == 0, rendered.output
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="cfn-state")["Contents"]]
    assert f"{NAME}/cloudformation/{NAME}.json" in keys
    deleted = run("delete", "cluster", NAME, "--yes", "--state", state)
    assert deleted.exit_code == 0, deleted.output
    assert s3.list_objects_v2(Bucket="cfn-state").get("KeyCount") == 0
