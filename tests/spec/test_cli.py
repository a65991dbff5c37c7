"""The command line on specs: the real `kopsgen` process, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.spec.documents import load_documents
from tests.support.paths import ROOT, case_input
from tests.support.spec_base import BASE, edit, line_of
from tests.spec.test_errors import SCHEMA_AND_SEMANTIC

LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<path>\S+): (?P<message>.+)$")


def kopsgen(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kopsgen", *args], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=120)


BAD = edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.32.0/20")(
    edit("  - 203.0.113.0/24", "  - 203.0.113.0/33")(edit("  minSize: 2", "  minSize: two")(BASE)))
SEMANTIC = edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.32.0/20")(edit("  minSize: 2\n  maxSize: 4", "  minSize: 5\n  maxSize: 4")(BASE))


@pytest.mark.parametrize("command", [["get", "cluster", "--full"], ["get", "cluster"], ["render", "--target", "terraform"]])
def test_bad_spec_exits_2_with_one_line_per_problem(tmp_path, command):
    spec = tmp_path / "cluster.yaml"
    spec.write_text(BAD)
    out = tmp_path / "out"
    result = kopsgen(*command, "-f", str(spec), *(["-o", str(out)] if command[0] == "render" else []))
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert result.stdout == b""
    problems = [LINE.match(line) for line in stderr.splitlines()[:-1]]
    assert all(problems), stderr
    # the schema's problems, and (where the spec is completed, not just printed) the overlapping
    # subnets, which only a cross-field check finds
    completed = command != ["get", "cluster"]
    assert [(m["file"], int(m["line"]), m["path"]) for m in problems] == [
        (str(spec), line_of(BAD, "203.0.113.0/33"), "spec.sshAccess[0]"),
        *([(str(spec), line_of(BAD, "10.10.32.0/20"), "spec.subnets[1].cidr")] if completed else []),
        (str(spec), line_of(BAD, "minSize: two"), "spec.minSize"),
    ]
    assert stderr.splitlines()[-1] == f"{3 if completed else 2} problems found; nothing was written."
    assert not out.exists()


def test_schema_and_semantic_problems_exit_2_in_one_run(tmp_path):
    spec = tmp_path / "cluster.yaml"
    spec.write_text(SCHEMA_AND_SEMANTIC)
    result = kopsgen("render", "--target", "terraform", "-f", str(spec), "-o", str(tmp_path / "out"))
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in stderr
    assert stderr.splitlines() == [
        f"{spec}:{line_of(SCHEMA_AND_SEMANTIC, 'sshAcess:')}:3: spec.sshAcess: unknown field (did you mean "
        f'"sshAccess"?)',
        f"{spec}:{line_of(SCHEMA_AND_SEMANTIC, '10.10.32.0/20')}:5: spec.subnets[1].cidr: "
        f'subnet 10.10.32.0/20 overlaps subnet "us-east-1a" (10.10.32.0/19)',
        f"{spec}:{line_of(SCHEMA_AND_SEMANTIC, 'maxSize: 4')}:3: spec.maxSize: maxSize 4 is below minSize 5",
        "3 problems found; nothing was written.",
    ]
    assert not (tmp_path / "out").exists()


def test_semantic_problems_exit_2(tmp_path):
    spec = tmp_path / "cluster.yaml"
    spec.write_text(SEMANTIC)
    result = kopsgen("get", "cluster", "--full", "-f", str(spec))
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr.decode()
    assert lines[:2] == [
        f"{spec}:{line_of(SEMANTIC, '10.10.32.0/20')}:5: spec.subnets[1].cidr: "
        f'subnet 10.10.32.0/20 overlaps subnet "us-east-1a" (10.10.32.0/19)',
        f"{spec}:{line_of(SEMANTIC, 'maxSize: 4')}:3: spec.maxSize: maxSize 4 is below minSize 5",
    ]


def test_garbage_input_exits_2_without_traceback(tmp_path):
    files = []
    for i, content in enumerate([b"\xff\xfe not yaml", b"kind: [", b"", b"- a\n- b\n"]):
        files += ["-f", str(tmp_path / f"{i}.yaml")]
        (tmp_path / f"{i}.yaml").write_bytes(content)
    result = kopsgen("get", "cluster", "--full", *files)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in stderr
    problems = [LINE.match(line) for line in stderr.splitlines()[:-1]]
    assert all(problems), stderr
    assert [(m["file"].rsplit("/", 1)[-1], m["message"]) for m in problems] == [
        ("0.yaml", "not UTF-8 text"),
        ("1.yaml", "YAML syntax: expected the node content, but found '<stream end>'"),
        ("3.yaml", "expected a mapping with apiVersion, kind, metadata and spec"),
    ]


def test_missing_file(tmp_path):
    result = kopsgen("get", "cluster", "-f", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"{tmp_path / 'nope.yaml'}:1:1: <file>: cannot read:")


def test_spec_from_stdin():
    result = kopsgen("get", "cluster", "--full", "-f", "-", stdin=BASE.encode())
    assert result.returncode == 0, result.stderr.decode()
    assert [d["kind"] for d in yaml.safe_load_all(result.stdout)] == ["Cluster", "InstanceGroup", "InstanceGroup",
                                                                      "InstanceGroup"]


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_get_cluster_full_prints_the_completed_spec(output):
    path = case_input("privatecalico")
    result = kopsgen("get", "cluster", "--full", "-f", str(path), "-o", output)
    assert result.returncode == 0, result.stderr.decode()
    printed = json.loads(result.stdout) if output == "json" else list(yaml.safe_load_all(result.stdout))
    expected = [d.data for d in pipeline.complete_documents(load_documents([path])).all()]
    assert printed == expected
    cluster = printed[0]["spec"]
    assert cluster["kubernetesVersion"] == "1.32.0" and cluster["podCIDR"] == "100.96.0.0/11"


def test_get_cluster_without_full_prints_the_input():
    path = case_input("minimal-1.36")
    result = kopsgen("get", "cluster", "-f", str(path))
    assert result.returncode == 0
    assert list(yaml.safe_load_all(result.stdout)) == [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_schema_command_prints_the_schema():
    for kind, file in (("cluster", "cluster.schema.json"), ("instancegroup", "instancegroup.schema.json")):
        result = kopsgen("schema", kind)
        assert result.returncode == 0
        assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / file).read_text())
