"""Shell completion of values (kopsgen/cli/complete.py), through click's env-var protocol in a subprocess, as
the script `kopsgen completion bash` installs calls it; and kops's habits: `get ig --name C GROUP`,
`schema ig`, the `--master-*` aliases of `create cluster`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from kopsgen.cli import cli

KOPSGEN = [sys.executable, "-m", "kopsgen"]


def _complete(words: str, env: dict[str, str] | None = None, *, in_process: bool = True) -> list[str]:
    """The candidates kopsgen offers for the last word of `words`, through click's env-var protocol
    (bash_complete: `type,value` lines), as the script of `kopsgen completion bash` calls it: in a subprocess,
    or in-process through the same entry point (the same protocol, without a Python start per case)."""
    parts = words.split(" ")
    protocol = {"_KOPSGEN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    if in_process:
        result = CliRunner().invoke(cli, [], prog_name="kopsgen", env={**protocol, **(env or {})})
        assert result.exit_code == 0, result.output
        out, err = result.stdout, result.stderr
    else:
        done = subprocess.run(KOPSGEN, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **protocol, **(env or {})})
        assert done.returncode == 0, done.stderr
        out, err = done.stdout, done.stderr
    assert err == ""
    return [line.split(",", 1)[1] for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A state store with two clusters: a.example.com (two zones) and b.example.com."""
    url = f"file://{tmp_path_factory.mktemp('completion') / 'state'}"
    runner = CliRunner()
    for name, zones in (("a.example.com", "eu-west-1a,eu-west-1b"), ("b.example.com", "eu-west-1a")):
        result = runner.invoke(cli, ["create", "cluster", "--name", name, "--zones", zones, "--state", url])
        assert result.exit_code == 0, result.output
    return url


@pytest.mark.parametrize("line,expected", [
    ("kopsgen update cluster ", ["a.example.com", "b.example.com"]),
    ("kopsgen update cluster b", ["b.example.com"]),
    ("kopsgen validate cluster ", ["a.example.com", "b.example.com"]),
    ("kopsgen get cluster a", ["a.example.com"]),
    ("kopsgen delete cluster ", ["a.example.com", "b.example.com"]),
    ("kopsgen edit cluster ", ["a.example.com", "b.example.com"]),
    ("kopsgen export kubeconfig ", ["a.example.com", "b.example.com"]),
    ("kopsgen render --name ", ["a.example.com", "b.example.com"]),
    ("kopsgen get ig --name ", ["a.example.com", "b.example.com"]),
    ("kopsgen create ig --name ", ["a.example.com", "b.example.com"]),
    ("kopsgen edit ig --name a.example.com ",
     ["control-plane-eu-west-1a", "nodes-eu-west-1a", "nodes-eu-west-1b"]),
    ("kopsgen delete ig --name b.example.com n", ["nodes-eu-west-1a"]),
    ("kopsgen get ig --name a.example.com nodes-eu-west-1", ["nodes-eu-west-1a", "nodes-eu-west-1b"]),
    ("kopsgen edit ig ", []),   # no cluster named yet: no guess
])
def test_names_come_from_the_state_store_of_the_environment(store, line, expected):
    assert _complete(line, {"KOPSGEN_STATE_STORE": store}) == expected


def test_a_shell_gets_names_from_a_subprocess(store):
    """The whole path a shell takes: a new kopsgen process, the state store from the environment."""
    env = {"KOPSGEN_STATE_STORE": store}
    assert _complete("kopsgen update cluster ", env, in_process=False) == ["a.example.com", "b.example.com"]
    assert _complete("kopsgen edit ig --name b.example.com ", env, in_process=False) == [
        "control-plane-eu-west-1a", "nodes-eu-west-1a"]
    assert _complete("kopsgen create cluster --networking cil", in_process=False) == [
        "cilium", "cilium-eni", "cilium-etcd"]


def test_the_state_flag_on_the_line_wins_over_the_environment(store, tmp_path):
    empty = f"file://{tmp_path / 'empty'}"
    assert _complete(f"kopsgen update cluster --state {store} ", {"KOPSGEN_STATE_STORE": empty}) == [
        "a.example.com", "b.example.com"]
    assert _complete(f"kopsgen update cluster --state {empty} ", {"KOPSGEN_STATE_STORE": store}) == []
    assert not (tmp_path / "empty").exists()   # completing never creates a store


@pytest.mark.parametrize("state", ["s3:/one-slash", "gs://other-cloud", "file:///dev/null/not-a-folder"])
def test_an_unreadable_store_offers_nothing_and_prints_nothing(state):
    assert _complete("kopsgen update cluster ", {"KOPSGEN_STATE_STORE": state}) == []


@pytest.mark.parametrize("line,expected", [
    ("kopsgen create cluster --networking cal", ["calico"]),
    ("kopsgen create cluster --networking kube", ["kube-router", "kubenet"]),
    ("kopsgen create ig --role ", ["Bastion", "ControlPlane", "Master", "Node"]),
    ("kopsgen create ig --role no", ["node"]),
    ("kopsgen schema ", ["cluster", "instancegroup", "instancegroups", "ig"]),
    ("kopsgen create cluster --master-c", ["--master-count"]),
    ("kopsgen create cluster --ipv6 --networking ", ["cilium", "cilium-etcd", "cni", "kindnet"]),
    ("kopsgen create cluster --utility-", ["--utility-subnets"]),
])
def test_choice_values(line, expected):
    assert _complete(line) == expected


def test_every_networking_choice_is_accepted_by_create_cluster():
    from kopsgen.spec.create import NETWORKING_CHOICES

    offered = _complete("kopsgen create cluster --networking ")
    assert offered == sorted(NETWORKING_CHOICES) and "cilium" in offered


# --- kops's habits --------------------------------------------------------------------------------


def test_get_ig_takes_group_names_like_kops(store):
    runner = CliRunner()
    result = runner.invoke(cli, ["get", "ig", "--name", "a.example.com", "nodes-eu-west-1b", "-o", "yaml",
                                 "--state", store])
    assert result.exit_code == 0, result.output
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(result.output)] == ["nodes-eu-west-1b"]
    result = runner.invoke(cli, ["get", "ig", "--name", "a.example.com", "nodes-eu-west-1c", "--state", store])
    assert result.exit_code == 2
    assert "no instance group nodes-eu-west-1c" in result.output and "nodes-eu-west-1b" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["ig", "instancegroups", "instancegroup"])
def test_schema_takes_kops_short_names(kind):
    result = CliRunner().invoke(cli, ["schema", kind])
    assert result.exit_code == 0, result.output
    assert result.output == CliRunner().invoke(cli, ["schema", "instancegroup"]).output
    assert "instancegroup.schema.json" in result.output


def test_master_flags_are_the_control_plane_flags():
    def spec(*flags: str) -> str:
        result = CliRunner().invoke(cli, ["create", "cluster", "--name", "c.example.com", "--dry-run",
                                          "--zones", "eu-west-1a,eu-west-1b,eu-west-1c", *flags])
        assert result.exit_code == 0, result.output
        return result.stdout

    kops = spec("--master-count", "3", "--master-size", "m5.large",
                "--master-zones", "eu-west-1a,eu-west-1b,eu-west-1c")
    ours = spec("--control-plane-count", "3", "--control-plane-size", "m5.large",
                "--control-plane-zones", "eu-west-1a,eu-west-1b,eu-west-1c")
    assert kops == ours and "m5.large" in kops and "control-plane-eu-west-1c" in kops
