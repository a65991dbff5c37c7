"""Golden files: the CloudFormation output of every example, as JSON and YAML, is exactly what is committed
under examples/outputs/<example>/cloudformation/<format>/ (beside the Terraform output, for users to browse).

The user data carries the cluster's CA certificates, so the examples render against a committed state
store of test-only CA certificates (examples/outputs/TEST-ONLY-certificates/, no private keys), copied to a
temporary folder first so that the test never writes into the repository.

After a deliberate change, refresh the files with `make golden-cloudformation` (which runs this test with
KOPSGEN_UPDATE_GOLDEN=1) and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kopsgen import pipeline
from tests.support import cloudformation as cfn
from tests.support.paths import EXAMPLES
from tools.generate import EXAMPLE_OUTPUTS, PINNED_STATE, certificates_only

GOLDEN = EXAMPLE_OUTPUTS
GOLDEN_STATE = PINNED_STATE
UPDATE = os.environ.get("KOPSGEN_UPDATE_GOLDEN") == "1"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.exists() else []
REFRESH = "run `make golden-cloudformation` and review the diff"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("golden-state") / "state"
    if GOLDEN_STATE.exists():
        shutil.copytree(GOLDEN_STATE, folder)
    folder.mkdir(exist_ok=True)
    before = {k for k in _tree(folder) if not k.endswith(".lock")}
    with cfn.state_store(folder):
        yield folder
    created = {k for k in _tree(folder) if not k.endswith(".lock") and "kopsgen-lock" not in k} - before
    if UPDATE and created:
        for key in created:
            (GOLDEN_STATE / key).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN_STATE / key).write_bytes(certificates_only((folder / key).read_bytes()))  # no private keys


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_output_matches_the_golden_files(example, fmt, state):
    keysets_before = set(_tree(state))
    rendered = pipeline.render(pipeline.load_spec([example]), "cloudformation", fmt)
    golden = GOLDEN / example.stem / "cloudformation" / fmt
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        cfn.write(rendered, golden)
        for path, data in rendered.items():   # DEPLOY.md too (cfn.write returns templates only)
            (golden / path).parent.mkdir(parents=True, exist_ok=True)
            (golden / path).write_bytes(data)
        return
    new_keysets = sorted(set(_tree(state)) - keysets_before - {".kopsgen-lock"})
    assert not new_keysets, f"the golden state store lacks keysets {new_keysets}: {REFRESH}"
    assert golden.exists(), f"no golden files for {example.name} ({fmt}): {REFRESH}"
    expected = _tree(golden)
    assert sorted(rendered) == sorted(expected), f"other files than the golden ones: {REFRESH}"
    for path in sorted(expected):
        assert rendered[path] == expected[path], f"{example.stem}/{fmt}/{path} differs from its golden file: {REFRESH}"
