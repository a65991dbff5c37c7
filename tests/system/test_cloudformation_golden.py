"""Golden files: the CloudFormation output of every example, as JSON and YAML, is exactly what is committed
under examples/outputs/<example>/cloudformation/<format>/ (beside the Terraform output, for users to browse).

The user data carries the cluster's CA certificates, so the examples render against a committed state
store of test-only CA certificates (examples/outputs/TEST-ONLY-certificates/, no private keys), copied to a
temporary folder first so that the test never writes into the repository.

After a deliberate change, refresh the files with `make golden` (tools/generate.py, which writes every
generated file) and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kopsgen.render.header import without_version
from tests.support import cloudformation as cfn
from tests.support.paths import EXAMPLES
from tools.generate import PINNED_STATE, cloudformation_folder, example_cloudformation

GOLDEN_STATE = PINNED_STATE
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.exists() else []
REFRESH = "run `make golden` and review the diff"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("golden-state") / "state"
    if GOLDEN_STATE.exists():
        shutil.copytree(GOLDEN_STATE, folder)
    folder.mkdir(exist_ok=True)
    with cfn.state_store(folder):
        yield folder


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_output_matches_the_golden_files(example, fmt, state):
    keysets_before = set(_tree(state))
    rendered = example_cloudformation(example, fmt, state)
    golden = cloudformation_folder(example, fmt)
    new_keysets = sorted(set(_tree(state)) - keysets_before - {".kopsgen-lock"})
    assert not new_keysets, f"the golden state store lacks keysets {new_keysets}: {REFRESH}"
    assert golden.exists(), f"no golden files for {example.name} ({fmt}): {REFRESH}"
    expected = _tree(golden)
    assert sorted(rendered) == sorted(expected), f"other files than the golden ones: {REFRESH}"
    for path in sorted(expected):
        # the header's kopsgen version is left out: a release changes no golden file
        assert without_version(rendered[path]) == without_version(expected[path]), f"{example.stem}/{fmt}/{path} differs from its golden file: {REFRESH}"
