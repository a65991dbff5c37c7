"""The same spec gives byte-identical output: twice in one process, and in fresh interpreters whose string
hashing (PYTHONHASHSEED) differs, so no set or dict iteration order leaks into a file. Outputs live in git and
are reviewed as diffs; a reordered line is noise a reviewer has to read."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from kopsgen import pipeline
from tests.support.paths import ROOT, case_input, reference_cases
from tests.support.sessions import session, shared_store

FORMATS = (("terraform", "hcl"), ("terraform", "json"), ("cloudformation", "json"), ("cloudformation", "yaml"))

# Run in a fresh interpreter: render every case in every format, print {case/target/format/path: sha256}.
_RENDER_ALL = """
import hashlib, json, sys
from kopsgen import pipeline
from kopsgen.state import open_store
from tests.support.paths import case_input
from tests.support.sessions import session
store = open_store(sys.argv[1])   # the parent's store: the same CAs, so the same user data
out = {}
for case in sys.argv[3:]:
    spec = pipeline.load_spec([case_input(case)])
    for target, fmt in json.loads(sys.argv[2]):
        for path, data in pipeline.render(session(spec, store), target, fmt).items():
            out[f"{case}/{target}/{fmt}/{path}"] = hashlib.sha256(data).hexdigest()
print(json.dumps(out, sort_keys=True))
"""


def _digests_here(cases: list[str]) -> dict[str, str]:
    out = {}
    for case in cases:
        spec = pipeline.load_spec([case_input(case)])
        for target, fmt in FORMATS:
            for path, data in pipeline.render(session(spec), target, fmt).items():
                out[f"{case}/{target}/{fmt}/{path}"] = hashlib.sha256(data).hexdigest()
    return out


def _digests_in_subprocess(cases: list[str], hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    proc = subprocess.run([sys.executable, "-c", _RENDER_ALL, shared_store().url, json.dumps(FORMATS), *cases],
                          cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("target,fmt", FORMATS)
def test_rendering_twice_gives_identical_bytes(case: str, target: str, fmt: str):
    spec = pipeline.load_spec([case_input(case)])
    first = pipeline.render(session(spec), target, fmt)
    second = pipeline.render(session(pipeline.load_spec([case_input(case)])), target, fmt)
    assert list(first) == list(second)  # same files, in the same order
    changed = [path for path in first if first[path] != second[path]]
    assert not changed, f"differ between two renders: {changed}"


def test_output_does_not_depend_on_hash_seed():
    cases = reference_cases()
    here = _digests_here(cases)
    # this process hashes with a random seed (or the one it was given), the child with another fixed one
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    there = _digests_in_subprocess(cases, seed)
    assert there.keys() == here.keys(), f"PYTHONHASHSEED={seed}: {sorted(there.keys() ^ here.keys())[:10]}"
    changed = sorted(k for k in here if here[k] != there[k])
    assert not changed, f"PYTHONHASHSEED={seed} changes {len(changed)} files, e.g. {changed[:5]}"
