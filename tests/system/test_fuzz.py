"""Whatever the spec, `kopsgen render` writes a complete render or stops with a clean error: never a
traceback, a hang, or a half-written output folder.

The mutated specs are those of the spec layer's property test (tests/spec/test_properties.py: wrong
types, missing keys, huge numbers, unicode, deep nesting, YAML anchors and bombs, binary junk), taken
further here: through the real command line (`kopsgen render`, the click entry point in-process, and a
handful as subprocesses), for both targets, into an output folder that already holds a previous render
and a file of the user's. For every example:
- exit code 0 and the folder is exactly the new render (its manifest, nothing staged, the user's file
  kept), or exit code 2 with a message naming the file and the folder exactly as it was before;
- no traceback, no "internal error" (exit 1 is a bug here), and an answer within HANG_SECONDS.

The default run tries 800 specs (about 35 s here; some 8% of them render, the rest are clean errors);
`make fuzz` runs KOPSGEN_FUZZ_EXAMPLES (5000) of them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.output import MANIFEST, STAGING, write_output
from tests.support.paths import ROOT
from tests.support.spec_base import BASE
from tests.spec.test_properties import RAW_JUNK, mutated_documents
from tests.support.sessions import session, shared_store

EXAMPLES = int(os.environ.get("KOPSGEN_FUZZ_EXAMPLES", "800"))
SUBPROCESS_EXAMPLES = 5
HANG_SECONDS = 60
TARGETS = ("terraform", "cloudformation")
USER_FILE = ("notes/mine.txt", b"a file of the user's, which kopsgen must never touch\n")


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` on the way can swallow it."""


@contextmanager
def _deadline(seconds: int):
    def ring(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> dict[str, Path]:
    """Per target, a folder holding a finished render of the base spec and the user's own file: the state
    every example starts from."""
    root = tmp_path_factory.mktemp("previous")
    spec_path = root / "base.yaml"
    spec_path.write_text(BASE)
    spec = pipeline.load_spec([spec_path])
    folders = {}
    for target in TARGETS:
        folder = root / target
        write_output(folder, pipeline.render(session(spec), target))
        (folder / USER_FILE[0]).parent.mkdir(parents=True, exist_ok=True)
        (folder / USER_FILE[0]).write_bytes(USER_FILE[1])
        folders[target] = folder
    return folders


def _spec_bytes(data) -> bytes:
    """A mutated spec as the bytes of a file, sometimes with YAML junk or binary bytes spliced in."""
    docs = data.draw(mutated_documents())
    text = yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False)
    if data.draw(st.integers(min_value=0, max_value=4)) == 0:
        where = data.draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:where] + data.draw(st.sampled_from(RAW_JUNK)) + text[where:]
    raw = text.encode("utf-8", "surrogatepass")
    if data.draw(st.integers(min_value=0, max_value=9)) == 0:
        at = data.draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    return raw


def _check_outcome(code: int, output: str, before: dict[str, bytes], out: Path, spec_path: Path) -> None:
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert code in (0, 2), f"exit code {code}: {output}"
    if currently_in_test_context():   # the share of clean errors and renders, in --hypothesis-show-statistics
        event(f"exit code {code}")
    after = _snapshot(out)
    if code == 2:
        assert output.strip(), "a clean error says what is wrong"
        if "nothing was written" in output:   # problems with the spec: each names the file, line and field
            problems = [line for line in output.splitlines() if line.startswith(str(spec_path))]
            assert problems, output
        assert after == before, "a failed render changed the output folder"
        return
    # a complete render: exactly the manifest's files, nothing staged, the user's file untouched
    manifest = json.loads(after[MANIFEST])["files"]
    assert not (out / STAGING).exists()
    assert set(after) == {*manifest, MANIFEST, USER_FILE[0]}, sorted(set(after) ^ {*manifest, MANIFEST})
    assert after[USER_FILE[0]] == USER_FILE[1]


def _run_in_process(previous: dict[str, Path], spec: bytes, target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "cluster.yaml"
        spec_path.write_bytes(spec)
        out = Path(tmp) / "out"
        shutil.copytree(previous[target], out)
        before = _snapshot(out)
        with _deadline(HANG_SECONDS):
            result = CliRunner().invoke(cli, ["render", "--target", target, "-f", str(spec_path), "-o", str(out),
                                              "--state", shared_store().url])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}") \
                from result.exception
        _check_outcome(result.exit_code, result.output, before, out, spec_path)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_render_gives_a_complete_output_or_a_clean_error(previous, data):
    _run_in_process(previous, _spec_bytes(data), data.draw(st.sampled_from(TARGETS)))


@settings(max_examples=SUBPROCESS_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_installed_command_behaves_the_same(previous, data):
    """A handful through `python -m kopsgen` as a separate process: the real entry point, exit code and
    stderr, killed if it hangs. A render that succeeds is compared with one made in this process."""
    spec, target = _spec_bytes(data), data.draw(st.sampled_from(TARGETS))
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "cluster.yaml"
        spec_path.write_bytes(spec)
        out = Path(tmp) / "out"
        shutil.copytree(previous[target], out)
        before = _snapshot(out)
        proc = subprocess.run([sys.executable, "-m", "kopsgen", "render", "--target", target, "-f", str(spec_path),
                               "-o", str(out), "--state", shared_store().url], cwd=ROOT, capture_output=True, text=True,
                              timeout=HANG_SECONDS,
                              env={k: v for k, v in os.environ.items() if k != "KOPSGEN_DEBUG"})
        _check_outcome(proc.returncode, proc.stdout + proc.stderr, before, out, spec_path)
        if proc.returncode == 0:
            expected = pipeline.render(session(pipeline.load_spec([spec_path])), target)
            after = _snapshot(out)
            assert {k: v for k, v in after.items() if k in expected} == expected


@pytest.mark.parametrize("target", TARGETS)
def test_the_base_spec_renders_through_the_cli(previous, target):
    """The examples above start from specs that render (so a mutation is what breaks them)."""
    _run_in_process(previous, BASE.encode(), target)
