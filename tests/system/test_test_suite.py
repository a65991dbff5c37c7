"""The test suite's own rules (docs/testing.md): tests/ mirrors the package, every folder is a package (so two
folders may hold test files of the same name), and a missing reference-case location gives one message
saying where it looked and what to set, not collection errors."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import REFERENCE_VARIABLE, ROOT

TESTS = ROOT / "tests"
# folders that mirror kopsgen/<folder>/, and the others: what every command shares, the cross-cutting suites
MIRRORS = ["spec", "model", "bootstrap", "render", "render/terraform", "render/cloudformation", "state", "lifecycle"]
OTHERS = ["cli", "system", "support", "data"]


def test_every_test_file_is_in_a_folder_of_the_layout():
    misplaced = [p.relative_to(TESTS).as_posix() for p in TESTS.rglob("test_*.py")
                 if p.parent.relative_to(TESTS).as_posix() not in MIRRORS + OTHERS]
    assert not misplaced, f"test files outside the layout of docs/testing.md: {misplaced}"


def test_the_folders_mirror_packages():
    astray = [folder for folder in MIRRORS if not (ROOT / "kopsgen" / folder).is_dir()]
    assert not astray, f"tests/<folder>/ mirroring no kopsgen/<folder>/: {astray}"


def test_every_folder_of_python_files_is_a_package():
    folders = {p.parent for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(f.relative_to(ROOT).as_posix() for f in folders if not (f / "__init__.py").is_file())
    assert not missing, f"folders without __init__.py (test files of the same name would clash): {missing}"


def test_a_missing_reference_location_is_one_clear_message(tmp_path):
    nowhere = tmp_path / "nowhere"
    env = {**os.environ, REFERENCE_VARIABLE: str(nowhere)}
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "tests/model/test_etcd.py", "tests/spec/test_units.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "error" not in out.lower().splitlines()[-1], out
    assert "kops reference cases missing" in out and str(nowhere) in out, out
    assert f"Set {REFERENCE_VARIABLE} to" in out and "in-v1alpha2.yaml" in out, out
    assert "tests/spec/test_units.py::" in out, "the tests that do not need the cases are still collected"
