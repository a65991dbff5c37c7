"""The header of every generated Terraform and CloudFormation file: kopsgen and its version, the cluster, the
spec file's name (never a path), and that edits belong in the spec; and nothing in the output that depends on
the machine: the same spec rendered from two folders, through two working directories, is byte for byte the
same."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen import __version__
from kopsgen.cli import cli
from kopsgen.render.header import EDITS, Provenance, without_version
from tests.support.paths import EXAMPLES

MINIMAL = EXAMPLES / "minimal.yaml"
CLUSTER = "minimal.example.com"


def _render(cwd: Path, spec: str, out: Path, state: Path, *flags: str) -> dict[str, bytes]:
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["render", "-f", spec, "-o", str(out), "--state", f"file://{state}", *flags],
                                    catch_exceptions=False)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".kopsgen")}


@pytest.mark.parametrize("flags", [
    ["--backend", "s3://tf-state/minimal/terraform.tfstate"],
    ["--format", "json"],
    ["--target", "cloudformation"],
], ids=["terraform-hcl", "terraform-json", "cloudformation"])
def test_two_folders_and_two_working_directories_render_the_same_bytes(tmp_path, flags):
    state = tmp_path / "state"   # one state store: the same CAs, so the same user data
    first, second = tmp_path / "alice" / "specs", tmp_path / "bob" / "deep" / "elsewhere"
    for folder in (first, second):
        folder.mkdir(parents=True)
        shutil.copy(MINIMAL, folder / MINIMAL.name)
    a = _render(first, MINIMAL.name, tmp_path / "out-a", state, *flags)               # a relative path
    b = _render(tmp_path, str(second / MINIMAL.name), second / "out", state, *flags)   # an absolute one
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], f"{name} depends on where the spec or the output is"
    # as folders (a trailing slash): a home of /root is also the start of a pod's /rootfs mount
    machine = [f"{path.rstrip('/')}/".encode() for path in (str(tmp_path), os.path.expanduser("~"), os.getcwd())]
    for name, data in a.items():
        assert not [m for m in machine if m in data], f"{name} holds a path of this machine"


def test_terraform_files_start_with_the_header(tmp_path):
    files = _render(tmp_path, str(MINIMAL), tmp_path / "out", tmp_path / "state",
                    "--backend", "s3://tf-state/minimal/terraform.tfstate")
    for name in ("kubernetes.tf", "backend.tf"):
        head = files[name].decode().split("\n\n")[0].splitlines()
        assert head == [f"# Written by kopsgen {__version__} for the cluster {CLUSTER}, from spec file minimal.yaml.",
                        f"# {EDITS}"], name


def test_cloudformation_templates_carry_the_header_as_metadata(tmp_path):
    files = _render(tmp_path, str(MINIMAL), tmp_path / "out", tmp_path / "state", "--target", "cloudformation")
    template = json.loads(files[f"{CLUSTER}.json"])
    assert template["Metadata"] == {"kopsgen": {"GeneratedBy": f"kopsgen {__version__}", "Cluster": CLUSTER,
                                                "Spec": "minimal.yaml", "Edits": EDITS}}


def test_nested_templates_carry_it_too(tmp_path):
    spec = tmp_path / "nested.yaml"
    docs = list(yaml.safe_load_all(MINIMAL.read_text()))
    docs[0]["spec"].setdefault("kopsgen", {})["nestedStacks"] = True
    spec.write_text(yaml.safe_dump_all(docs))
    files = _render(tmp_path, str(spec), tmp_path / "out", tmp_path / "state", "--target", "cloudformation")
    templates = [name for name in files if name.endswith(".json")]
    assert len(templates) > 2
    for name in templates:
        assert json.loads(files[name])["Metadata"]["kopsgen"]["Spec"] == "nested.yaml", name


def test_a_spec_from_the_state_store_says_so():
    assert Provenance(CLUSTER).lines()[0] == (f"Written by kopsgen {__version__} for the cluster {CLUSTER}, "
                                              f"from its spec in the state store.")
    assert Provenance(CLUSTER).metadata()["Spec"] == "stored in the state store"
    assert "spec files a.yaml, b.yaml." in Provenance(CLUSTER, ("a.yaml", "b.yaml")).lines()[0]


def test_golden_comparisons_leave_the_version_out():
    old = "\n".join(Provenance(CLUSTER, version="0.1.0").lines()).encode()
    new = "\n".join(Provenance(CLUSTER, version="1.12.0rc1").lines()).encode()
    assert old != new and without_version(old) == without_version(new)
