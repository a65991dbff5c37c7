"""Every command, given a bad path or a bad state-store URL, answers with one line naming what to change and
exit 2 (1 for the commands whose exit codes are CI answers), never a traceback or "a bug in kopsgen", and
writes nothing anywhere.

The commands are found by walking the click tree: every parameter that takes a path or a URL must be
classified in PATH_KINDS, so a new command or flag fails this test until its bad inputs are covered.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kopsgen.cli import cli
from kopsgen.cli.root import DetailedExitCommand
from tools.generate import EXAMPLES

SUMMARY = re.compile(r"1 problem found; nothing was written\.")
CLUSTER = "minimal.example.com"
GROUP = "nodes-eu-west-1a"
SPEC = "c.yaml"

# How each path-taking parameter is used: read a file or folder, write a file or folder (folders, and
# the kubeconfig, are made with their missing parents, as mkdir -p and kubectl do), or a state store.
IN_FILE, IN_DIR, OUT_FILE, OUT_DIR, OUT_FILE_MKDIR, STATE = "in-file", "in-dir", "out-file", "out-dir", \
    "out-file+parents", "state"
PATH_KINDS = {
    ("create", "files"): IN_FILE, ("create", "state"): STATE,
    ("create cluster", "ssh_public_key"): IN_FILE, ("create cluster", "output_file"): OUT_FILE,
    ("create cluster", "state"): STATE,
    ("create instancegroup", "state"): STATE, ("create ig", "state"): STATE,
    ("delete cluster", "state"): STATE, ("delete instancegroup", "state"): STATE, ("delete ig", "state"): STATE,
    ("edit cluster", "state"): STATE, ("edit instancegroup", "state"): STATE, ("edit ig", "state"): STATE,
    ("replace", "files"): IN_FILE, ("replace", "state"): STATE,
    ("export kubeconfig", "kubeconfig"): OUT_FILE_MKDIR, ("export kubeconfig", "state"): STATE,
    ("export kubecfg", "kubeconfig"): OUT_FILE_MKDIR, ("export kubecfg", "state"): STATE,
    ("get cluster", "files"): IN_FILE, ("get cluster", "state"): STATE, ("get clusters", "state"): STATE,
    ("get instancegroups", "state"): STATE, ("get ig", "state"): STATE,
    ("graph", "spec"): IN_FILE, ("graph", "files"): IN_FILE, ("graph", "out_file"): OUT_FILE,
    ("graph", "state"): STATE,
    ("migrate", "spec"): IN_FILE, ("migrate", "files"): IN_FILE, ("migrate", "kops_dir"): IN_DIR,
    ("migrate", "live_state"): IN_FILE, ("migrate", "state"): STATE,
    ("render", "spec"): IN_FILE, ("render", "files"): IN_FILE, ("render", "out_dir"): OUT_DIR,
    ("render", "state"): STATE,
    ("update cluster", "out_dir"): OUT_DIR, ("update cluster", "state"): STATE,
    ("validate cluster", "kubeconfig"): IN_FILE, ("validate cluster", "state"): STATE,
}

# Bad values, by what they get wrong; `{tmp}` is the test's folder, where SPEC is a file.
IN_THE_WAY = "{tmp}/" + SPEC + "/x"          # a file where a folder must be
UNWRITABLE = "/sys/kopsgen-test/x"           # a folder nobody may write in (sysfs refuses even root)
NO_PARENT = "{tmp}/missing/folder/x"         # a folder that does not exist
BAD_PATHS = {
    IN_FILE: [IN_THE_WAY, NO_PARENT],
    IN_DIR: [IN_THE_WAY, NO_PARENT],
    OUT_FILE: [IN_THE_WAY, UNWRITABLE, NO_PARENT],
    OUT_DIR: [IN_THE_WAY, UNWRITABLE],
    OUT_FILE_MKDIR: [IN_THE_WAY, UNWRITABLE],
    STATE: ["s3:/one-slash/x", "s3:one/x", "s3://", "s3:///x", "http://example.com/x", "gs://bucket/x",
            IN_THE_WAY, "file://" + IN_THE_WAY],
}


def _leaves(command=cli, path=()):
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _leaves(command.commands[name], path + (name,))
    if path:
        yield " ".join(path), command


def _path_params(command: click.Command):
    return [p for p in command.params if isinstance(p.type, click.Path) or p.name == "state"]


def _base_args(name: str, command: click.Command, tested: str) -> list[str]:
    """Arguments that take the command past its other checks to the parameter under test."""
    args: list[str] = []
    for param in command.params:
        if param.name == tested or not param.required:
            continue
        if param.name == "instance_group":
            args.append(GROUP)
        elif param.name in ("name", "cluster_name"):
            args += [CLUSTER] if isinstance(param, click.Argument) else ["--name", CLUSTER]
        elif param.name == "files":
            args += ["-f", SPEC]
        elif isinstance(param.type, click.Choice):
            args.append(param.type.choices[0])
    names = {p.name for p in command.params}
    if "files" in names and tested not in ("files", "spec") and not any(
            p.name in ("name",) and p.required for p in command.params):
        args += ["-f", SPEC] if "-f" not in args else []
    if name == "create cluster":
        args += ["--name", CLUSTER, "--zones", "eu-west-1a"] + (["--dry-run"] if tested == "state" else [])
    if name == "migrate" and tested not in ("kops_dir", "live_state"):
        args += ["--live-state", "live.json"]
    if name == "migrate" and tested in ("kops_dir", "live_state"):
        pass
    return args


def _cases():
    for name, command in _leaves():
        for param in _path_params(command):
            kind = PATH_KINDS.get((name, param.name))
            yield pytest.param(name, param.name, kind, id=f"{name} {param.name}")


@pytest.mark.parametrize("name,param,kind", list(_cases()))
def test_every_path_and_url_parameter_is_classified(name, param, kind):
    assert kind is not None, (f"`kopsgen {name}` takes a path or URL in {param!r}: add it to PATH_KINDS so that "
                              f"its bad values are tried")


def _snapshot(folder: Path) -> dict[str, str]:
    found = {}
    for root, dirs, files in os.walk(folder):
        for entry in dirs + files:
            path = Path(root) / entry
            key = str(path.relative_to(folder))
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A folder with the spec and a state store holding its cluster (made once; each test gets a copy)."""
    folder = tmp_path_factory.mktemp("stored")
    shutil.copy(EXAMPLES / "minimal.yaml", folder / SPEC)
    (folder / "live.json").write_text('{"format_version": "1.0", "values": {"root_module": {}}}\n')
    result = CliRunner().invoke(cli, ["create", "-f", str(folder / SPEC), "--state", f"file://{folder}/state"])
    assert result.exit_code == 0, result.output
    return folder


def _bad_inputs():
    for name, command in _leaves():
        for param in _path_params(command):
            kind = PATH_KINDS.get((name, param.name))
            for value in BAD_PATHS.get(kind, []):
                yield pytest.param(name, param.name, value, id=f"{name} {param.name}={value}")


@pytest.mark.parametrize("name,param_name,value", list(_bad_inputs()))
def test_a_bad_path_or_url_is_the_users_to_fix(name, param_name, value, stored, tmp_path, monkeypatch):
    command = dict(_leaves())[name]
    param = next(p for p in command.params if p.name == param_name)
    shutil.copytree(stored, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/state")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    bad = value.format(tmp=tmp_path)
    given = [bad] if isinstance(param, click.Argument) else [param.opts[-1], bad]
    args = [*name.split(), *_base_args(name, command, param_name), *given]
    before = _snapshot(tmp_path)

    result = CliRunner().invoke(cli, args)

    expected = 1 if isinstance(command, DetailedExitCommand) else 2
    said = result.stderr.strip()
    assert result.exit_code == expected, f"kopsgen {' '.join(args)}: exit {result.exit_code}\n{said}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in said and "bug in kopsgen" not in said, said
    # a spec file that cannot be read is reported like every spec problem: FILE:1:1: ..., then the count
    lines = [line for line in said.splitlines() if line.strip() and not SUMMARY.fullmatch(line)]
    errors = [line for line in lines if line.startswith(("error:", "Error:"))] or lines
    assert len(errors) == 1, f"one line naming the mistake, got:\n{said}"
    assert _snapshot(tmp_path) == before, f"kopsgen {' '.join(args)} wrote something"
    assert not Path("/sys/kopsgen-test").exists()


@pytest.mark.parametrize("args", [
    ["create", "-f", SPEC],
    ["render", "-f", SPEC, "-o", "out"],
    ["create", "cluster", "--name", "a.example.com", "--zones", "eu-west-1a"],
], ids=lambda args: " ".join(args[:2]))
def test_a_state_store_that_cannot_be_written_is_the_users_to_fix(args, stored, tmp_path, monkeypatch):
    shutil.copy(stored / SPEC, tmp_path / SPEC)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(cli, [*args, "--state", UNWRITABLE])
    assert result.exit_code == 2, result.output
    assert f"cannot use state store {UNWRITABLE}" in result.stderr and "--state" in result.stderr
    assert "bug in kopsgen" not in result.stderr
    assert _snapshot(tmp_path) == before


def test_render_into_its_own_spec_file_names_the_flag(stored, tmp_path, monkeypatch):
    """The issue's case: `render -f c.yaml -o c.yaml/out` was an internal error (exit 1)."""
    shutil.copy(stored / SPEC, tmp_path / SPEC)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/state")
    result = CliRunner().invoke(cli, ["render", "-f", SPEC, "-o", f"{SPEC}/out"])
    assert result.exit_code == 2
    assert result.stderr == f"error: -o/--out {SPEC}/out: {SPEC} is a file, not a folder; choose another -o/--out\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [SPEC]   # not even the CAs were made
