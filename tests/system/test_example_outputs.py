"""examples/outputs/: what each example renders to, committed for users to browse, is what kopsgen renders now.

The Terraform output is compared here, byte for byte; the CloudFormation output beside it by
tests/system/test_cloudformation_golden.py. Both render against examples/outputs/TEST-ONLY-certificates/, a state
store of fixed CA certificates without private keys. After a deliberate change: `make golden`.
"""

from __future__ import annotations

import pytest
import yaml

from kopsgen.render.header import without_version
from tools.generate import (EXAMPLE_OUTPUTS, PINNED_STATE, example_specs, example_terraform, keysets,
                            pinned_state_store, terraform_folder)

REFRESH = "run `make golden` and review the diff"
EXAMPLES = example_specs()


def _tree(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_committed_terraform_is_what_kopsgen_renders(example):
    with pinned_state_store() as state:
        before = keysets(state)
        rendered = example_terraform(example, state)
        created = keysets(state) - before
    assert not created, f"the pinned store lacks the CAs {sorted(created)} of {example.name}: {REFRESH}"
    committed = _tree(terraform_folder(example))
    assert sorted(rendered) == sorted(committed), f"{example.stem}: other files than the committed ones: {REFRESH}"
    for path in sorted(committed):
        # the header's kopsgen version is left out: a release changes no golden file
        assert without_version(rendered[path]) == without_version(committed[path]), \
            f"{example.stem}/terraform/{path} is out of date: {REFRESH}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_has_outputs_of_both_targets(example):
    folder = EXAMPLE_OUTPUTS / example.stem
    assert (folder / "terraform" / "kubernetes.tf").is_file()
    for fmt in ("json", "yaml"):
        templates = list((folder / "cloudformation" / fmt).glob(f"*.{fmt}"))
        assert templates and (folder / "cloudformation" / fmt / "DEPLOY.md").is_file(), f"{example.stem}/{fmt}"


def test_the_pinned_store_holds_certificates_and_no_private_keys():
    files = sorted(PINNED_STATE.rglob("keyset.yaml"))
    assert len(files) >= 8 * len(EXAMPLES)   # kubernetes-ca, service-account, aggregator, etcd CAs, per cluster
    for path in files:
        keys = yaml.safe_load(path.read_text())["spec"]["keys"]
        assert keys and all(k.get("publicMaterial") for k in keys), path
        assert not any("privateMaterial" in k for k in keys), f"{path} holds a private key"
    assert "TEST-ONLY" in PINNED_STATE.name and "never use" in (PINNED_STATE / "README.md").read_text()


def test_no_committed_output_holds_a_private_key():
    for path in sorted(EXAMPLE_OUTPUTS.rglob("*")):
        if path.is_file():
            text = path.read_bytes()
            assert b"PRIVATE KEY" not in text and b"privateMaterial" not in text, path
