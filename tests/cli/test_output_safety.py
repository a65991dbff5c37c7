"""The output folder is never left half old, half new, and files kopsgen did not write are never touched.

Crashes are real: the write runs in a child process that kills itself (SIGKILL, no cleanup) at a hook point
(while staging, between staging and commit, in the middle of the commit), then the folder is inspected and the
next run's recovery is checked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.output import COMMIT_MARKER, MANIFEST, STAGING, OutputError, recover, write_output
from tests.support.paths import ROOT, case_input
from tests.support.sessions import session, shared_store

OLD = ("minimal-dns-none", "hcl")
NEW = ("privatecalico", "json")  # another cluster and format: every file name differs from OLD's

# Files a user (or terraform) keeps in the output folder; kopsgen must never touch them.
USER_FILES = {
    "terraform.tfstate": b'{"version": 4}\n',
    ".terraform/providers/marker": b"provider\n",
    ".terraform.lock.hcl": b"# lock\n",
    "extra.tf": b'output "mine" {\n  value = 1\n}\n',
    "data/my-notes.txt": b"a user's file inside kopsgen's data folder\n",
}

# Child process: render a case and write it, SIGKILLing itself at a hook point.
#   argv: case fmt out hook n   (hook: none | staging | commit | replace | mapper)
_CHILD = r"""
import dataclasses, os, signal, sys
from kopsgen import output, pipeline
from kopsgen.state import open_store
from tests.support.paths import case_input
from tests.support.sessions import session

case, fmt, out, hook, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def after(n, fn):
    calls = [0]
    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] > n:
            die()
        return fn(*args, **kwargs)
    return wrapper

if hook == "staging":       # die before the n+1-th staged file is written
    output._fsync_write = after(n, output._fsync_write)
elif hook == "commit":      # everything staged and the COMMIT marker written; die before the first rename
    output._commit = after(0, output._commit)
elif hook == "replace":     # die after n files have been renamed into place
    output.os.replace = after(n, os.replace)
elif hook == "mapper":      # a renderer that raises on a valid spec, run through the real CLI
    from kopsgen.render.terraform.registry import MAPPERS
    from kopsgen.ir.network import Subnet
    def boom(resource, ctx):
        raise RuntimeError("mapper failed on purpose")
    MAPPERS[Subnet] = dataclasses.replace(MAPPERS[Subnet], fn=boom)
    from kopsgen.cli import main
    sys.argv = ["kopsgen", "render", "--format", fmt, "-f", str(case_input(case)), "-o", out]
    main()

store = open_store(os.environ["KOPSGEN_STATE_STORE"])   # the parent's (CLI renders read it too)
output.write_output(out, pipeline.render(session(pipeline.load_spec([case_input(case)]), store), "terraform", fmt))
"""


def _run_child(case_fmt: tuple[str, str], out: Path, hook: str, n: int = 0) -> subprocess.CompletedProcess:
    case, fmt = case_fmt
    return subprocess.run([sys.executable, "-c", _CHILD, case, fmt, str(out), hook, str(n)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=_child_env())


def _child_env() -> dict[str, str]:
    """The environment of a child render: the test run's shared state store, named."""
    return {**os.environ, "KOPSGEN_STATE_STORE": shared_store().url}


def _render(case_fmt: tuple[str, str]) -> dict[str, bytes]:
    case, fmt = case_fmt
    return pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform", fmt)


def _snapshot(folder: Path, skip_staging: bool = True) -> dict[str, bytes]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not (skip_staging and rel.split("/")[0] == STAGING):
            out[rel] = path.read_bytes()
    return out


def _expected(files: dict[str, bytes]) -> dict[str, bytes]:
    """The folder after a complete write of `files`, with the user's files beside them."""
    manifest = (json.dumps({"files": sorted(files)}, indent=2) + "\n").encode()
    return {**files, MANIFEST: manifest, **USER_FILES}


@pytest.fixture
def old_output(tmp_path: Path) -> Path:
    """A folder holding a finished render of OLD plus the user's own files."""
    out = tmp_path / "out"
    write_output(out, _render(OLD))
    for rel, data in USER_FILES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    assert _snapshot(out) == _expected(_render(OLD))
    return out


def test_rerender_replaces_stale_files_and_keeps_the_users(old_output: Path):
    new = _render(NEW)
    write_output(old_output, new)
    assert _snapshot(old_output) == _expected(new)
    assert not (old_output / "kubernetes.tf").exists()  # HCL and JSON side by side would declare everything twice
    assert not (old_output / STAGING).exists()


def test_writing_the_same_render_twice_changes_nothing(old_output: Path):
    before = _snapshot(old_output)
    write_output(old_output, _render(OLD))
    assert _snapshot(old_output) == before


@pytest.mark.parametrize("in_the_way,says", [
    # a file of the user's with the name of one kopsgen writes
    (lambda out: (out / "kubernetes.tf.json").write_text("{}\n"), "kubernetes.tf.json was not written by kopsgen"),
    # a folder where a file goes
    (lambda out: (out / "kubernetes.tf.json").mkdir(), "kubernetes.tf.json is a folder"),
    # a file where a folder goes (kopsgen writes data/...)
    (lambda out: (out / "data").write_text("mine\n"), "data is a file"),
])
def test_what_is_in_the_way_stops_the_render_before_anything_is_written(tmp_path: Path, in_the_way, says):
    out = tmp_path / "out"
    out.mkdir()
    in_the_way(out)
    before = _snapshot(out, skip_staging=False)
    with pytest.raises(OutputError) as error:
        write_output(out, _render(NEW))
    assert f"nothing was written to {out}: {out}/{says}" in str(error.value)
    assert str(error.value).count(str(out / "data")) <= 1   # named once, not once per file under it
    assert _snapshot(out, skip_staging=False) == before and not (out / STAGING).exists()


def test_the_spec_is_never_overwritten_by_its_own_render(tmp_path: Path):
    """The CloudFormation template of minimal.example.com is minimal.example.com.yaml: the spec's own name."""
    spec = tmp_path / "minimal.example.com.yaml"
    spec.write_bytes(case_input("minimal-1.36").read_bytes())
    before = spec.read_bytes()
    result = CliRunner().invoke(cli, ["render", "-f", str(spec), "--target", "cloudformation", "--format", "yaml",
                                      "-o", str(tmp_path)], env={"KOPSGEN_STATE_STORE": f"file://{tmp_path}/s"})
    assert result.exit_code == 1 and "was not written by kopsgen" in result.output
    assert "Traceback" not in result.output and spec.read_bytes() == before


def test_a_file_kopsgen_wrote_and_the_user_replaced_by_a_folder_is_in_the_way_too(old_output: Path):
    (old_output / "kubernetes.tf").unlink()
    (old_output / "kubernetes.tf").mkdir()
    before = _snapshot(old_output, skip_staging=False)
    with pytest.raises(OutputError, match="kubernetes.tf is a folder"):
        write_output(old_output, {**_render(OLD), "kubernetes.tf": b"changed\n"})
    assert _snapshot(old_output, skip_staging=False) == before


def test_a_renderer_failure_leaves_the_previous_output_untouched(old_output: Path):
    before = _snapshot(old_output, skip_staging=False)
    proc = _run_child(NEW, old_output, "mapper")
    assert proc.returncode == 1, proc.stderr
    assert "internal error: RuntimeError: mapper failed on purpose" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _snapshot(old_output, skip_staging=False) == before


def test_an_invalid_spec_leaves_the_previous_output_untouched(old_output: Path, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(case_input("minimal-dns-none").read_text().replace("cidr: 172.20.32.0/19", "cidr: 172.20.32.0/33"))
    before = _snapshot(old_output, skip_staging=False)
    result = CliRunner().invoke(cli, ["render", "-f", str(bad), "-o", str(old_output)])
    assert result.exit_code == 2, result.output
    assert _snapshot(old_output, skip_staging=False) == before


@pytest.mark.parametrize("staged", [0, 3])
def test_a_crash_while_staging_leaves_the_old_output_and_is_discarded(old_output: Path, staged: int):
    before = _snapshot(old_output)
    proc = _run_child(NEW, old_output, "staging", staged)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (old_output / STAGING).is_dir() and not (old_output / STAGING / COMMIT_MARKER).exists()
    assert _snapshot(old_output) == before
    recover(old_output)  # what the next run does first
    assert not (old_output / STAGING).exists()
    assert _snapshot(old_output) == before


def test_a_crash_between_staging_and_commit_is_committed_by_the_next_run(old_output: Path):
    before = _snapshot(old_output)
    proc = _run_child(NEW, old_output, "commit")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (old_output / STAGING / COMMIT_MARKER).exists()
    assert _snapshot(old_output) == before  # nothing moved yet
    recover(old_output)
    assert _snapshot(old_output, skip_staging=False) == _expected(_render(NEW))


@pytest.mark.parametrize("renamed", [1, 5])
def test_a_crash_in_the_middle_of_the_commit_is_finished_by_the_next_run(old_output: Path, renamed: int):
    proc = _run_child(NEW, old_output, "replace", renamed)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    half = _snapshot(old_output)
    new = _render(NEW)
    assert any(half.get(p) == new[p] for p in new) and (old_output / "kubernetes.tf").exists(), \
        "the crash should leave a half-committed folder"
    # the next render (of anything) first finishes the interrupted one, then writes its own files
    write_output(old_output, _render(OLD))
    assert _snapshot(old_output, skip_staging=False) == _expected(_render(OLD))


def test_recovery_after_a_mid_commit_crash_leaves_exactly_the_new_render(old_output: Path):
    proc = _run_child(NEW, old_output, "replace", 2)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    recover(old_output)
    assert _snapshot(old_output, skip_staging=False) == _expected(_render(NEW))


def test_a_child_without_a_hook_writes_the_render(tmp_path: Path):
    """The child used above writes exactly what an in-process write does (so the hooks are what differ)."""
    proc = _run_child(NEW, tmp_path / "out", "none")
    assert proc.returncode == 0, proc.stderr
    files = _render(NEW)
    assert _snapshot(tmp_path / "out") == {**files, MANIFEST: _expected(files)[MANIFEST]}


def test_secret_files_are_private(tmp_path: Path):
    write_output(tmp_path, {"kubernetes.tf": b"# x\n", "data/key": b"secret"}, secret_files=frozenset({"data/key"}))
    assert (tmp_path / "data/key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "kubernetes.tf").stat().st_mode & 0o777 == 0o644


# Child process: render a case once, say it is ready, wait for the start signal, then write it `n` times.
_WRITER = r"""
import os, sys, time
from kopsgen import output, pipeline
from kopsgen.state import open_store
from tests.support.paths import case_input
from tests.support.sessions import session

case, fmt, out, signal_file, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
store = open_store(os.environ["KOPSGEN_STATE_STORE"])
files = pipeline.render(session(pipeline.load_spec([case_input(case)]), store), "terraform", fmt)
open(f"{signal_file}.{case}", "w").close()
while not os.path.exists(signal_file):
    time.sleep(0.005)
for _ in range(n):
    output.write_output(out, files)
"""


def test_two_writers_into_one_folder_take_turns(old_output: Path, tmp_path: Path):
    """Two renders written into the same folder at the same time both succeed, one after the other, and
    the folder ends as one of them, complete, with the user's files (without the folder lock each
    discarded the other's staging folder and failed half way)."""
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, case, fmt, str(old_output), str(go), "12"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_child_env())
               for case, fmt in (OLD, NEW)]
    deadline = time.monotonic() + 240
    while not all((tmp_path / f"go.{case}").exists() for case, _ in (OLD, NEW)):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers), "a writer did not start"
        time.sleep(0.05)
    go.touch()
    for writer in writers:
        _, stderr = writer.communicate(timeout=300)
        assert writer.returncode == 0, stderr
    final = _snapshot(old_output, skip_staging=False)
    assert final in (_expected(_render(OLD)), _expected(_render(NEW)))
