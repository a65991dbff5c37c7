"""examples/: each loads, validates, renders to Terraform that `terraform validate` accepts, and is still
what the `kopsgen create cluster` command in its header writes."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.output import write_output
from kopsgen.spec.documents import load_documents
from tests.support import hcl, terraform
from tests.support.paths import EXAMPLES
from tests.support.sessions import session

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def test_the_promised_examples_exist():
    assert {"minimal.yaml", "ha-private-bastion.yaml"} <= set(EXAMPLE_FILES)
    readme = (EXAMPLES / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in EXAMPLE_FILES)


def _header_command(path: Path) -> tuple[dict[str, str], list[str]]:
    """The environment and arguments of the `kopsgen create cluster` line in the file's header."""
    lines = [line[1:].strip() for line in path.read_text().splitlines() if line.startswith("#")]
    command = next(line for line in lines if "kopsgen create cluster" in line)
    words = shlex.split(command)
    env = dict(w.split("=", 1) for w in words[:words.index("kopsgen")])
    return env, words[words.index("kopsgen") + 1:]


def _body(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#")).lstrip("\n")


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_example_is_what_its_command_writes(example):
    env, args = _header_command(EXAMPLES / example)
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == _body((EXAMPLES / example).read_text()), \
        f"{example} is out of date: re-run the command in its header"


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_example_validates_and_renders_terraform(example, tmp_path, monkeypatch):
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/state")  # where render keeps the CAs
    docs = load_documents([EXAMPLES / example])
    pipeline.complete_documents(docs)  # schema, defaults, semantic validation: raises on any problem
    spec = pipeline.load_spec([EXAMPLES / example])
    out = tmp_path / "terraform"
    write_output(out, pipeline.render(session(spec), "terraform"))
    terraform.init(out)
    assert "The configuration is valid" in terraform.validate(out).stdout
    assert terraform.fmt_check(out).returncode == 0


def _resource_counts(tmp_path: Path, example: str, monkeypatch) -> dict[str, int]:
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/state")
    rendered = pipeline.render(session(pipeline.load_spec([EXAMPLES / example])), "terraform")
    counts: dict[str, int] = {}
    for key in hcl.resources(hcl.parse(rendered["kubernetes.tf"].decode())):
        kind = key.split(".")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_minimal_is_one_zone_with_an_api_load_balancer(tmp_path, monkeypatch):
    spec = pipeline.load_spec([EXAMPLES / "minimal.yaml"])
    assert spec.cluster.region == "eu-west-1" and spec.cluster.zones == ("eu-west-1a",)
    assert spec.cluster.dns_type == "None" and spec.cluster.api_load_balancer.lb_class == "Network"
    assert [g.role for g in spec.instance_groups] == ["ControlPlane", "Node"]
    counts = _resource_counts(tmp_path, "minimal.yaml", monkeypatch)
    assert counts["aws_lb"] == 1 and counts["aws_subnet"] == 1 and "aws_nat_gateway" not in counts


def test_ha_private_bastion_has_what_its_name_says(tmp_path, monkeypatch):
    spec = pipeline.load_spec([EXAMPLES / "ha-private-bastion.yaml"])
    zones = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    assert spec.cluster.zones == zones
    assert sorted((s.type, s.zone) for s in spec.cluster.subnets) == sorted(
        [("Private", z) for z in zones] + [("Utility", z) for z in zones])
    control_planes = spec.control_plane_groups
    assert len(control_planes) == 3 and {spec.cluster.subnet(g.subnets[0]).zone for g in control_planes} == set(zones)
    assert all(len(e.members) == 3 for e in spec.cluster.etcd_clusters)
    assert [g.name for g in spec.bastion_groups] == ["bastions"]
    assert spec.cluster.networking.kind == "calico"
    counts = _resource_counts(tmp_path, "ha-private-bastion.yaml", monkeypatch)
    assert counts["aws_nat_gateway"] == 3 and counts["aws_subnet"] == 6
    assert counts["aws_autoscaling_group"] == 7  # 3 control planes, 3 node groups, 1 bastion group
