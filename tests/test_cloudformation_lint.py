"""The real cfn-lint finds no error and no warning in the CloudFormation output of every kops reference
case and every example, as JSON and as YAML.

Informational findings are not failures: the only one left is I3100 ("previous generation instance
type"), which is the spec's choice of m3.medium, not ours. Each case's findings are printed
(`pytest -s`) so that they can be quoted.

cfn-lint takes seconds a template, so templates are linted in two batches of one cfn-lint run each:
the default run lints the examples and the `complex` case (the reference case with the most
resource kinds) as JSON, and one example as YAML; `make test-slow` lints every other reference case
and everything again as YAML.
"""

from __future__ import annotations

import functools

import pytest

from tests.support import cloudformation as cfn
from tests.support.paths import EXAMPLES, reference_cases

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.exists() else []
EXAMPLES_NAMES = [f"example-{p.stem}" for p in EXAMPLE_FILES]
NAMES = [*reference_cases(), *EXAMPLES_NAMES]


def _default_tier(name: str, fmt: str) -> bool:
    if fmt == "json":
        return name == "complex" or name.startswith("example-")
    return name == (EXAMPLES_NAMES[0] if EXAMPLES_NAMES else "complex")


ITEMS = [(n, f) for f in ("json", "yaml") for n in NAMES]


def _input(name: str) -> str:
    if name.startswith("example-"):
        return (EXAMPLES / f"{name.removeprefix('example-')}.yaml").read_text()
    return cfn.real_looking_ids(cfn.case_text(name))


@functools.cache
def _batch(default: bool, root: str) -> dict[tuple[str, str], list[str]]:
    """Render every item of a tier and lint them all in one cfn-lint run; findings by item."""
    from pathlib import Path

    base = Path(root)
    paths: dict[tuple[str, str], list] = {}
    failed: dict[tuple[str, str], Exception] = {}
    with cfn.state_store(base / "state"):
        for name, fmt in ITEMS:
            if _default_tier(name, fmt) == default:
                try:
                    spec = cfn.spec_from_text(_input(name), base / "in" / name)
                    paths[(name, fmt)] = cfn.write(cfn.render(spec, fmt), base / "out" / fmt / name)
                except Exception as exc:   # reported by that item's test; the others are still linted
                    failed[(name, fmt)] = exc
    findings = cfn.lint([p for group in paths.values() for p in group]) if paths else []
    result: dict = {item: [f for f in findings if f.startswith(str(base / "out" / item[1] / item[0]) + "/")]
                    for item in paths}
    assert sum(map(len, result.values())) == len(findings)
    return {**result, **failed}


@pytest.fixture(scope="module")
def lint_root(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("lint"))


@pytest.mark.parametrize("name,fmt", [pytest.param(n, f, marks=() if _default_tier(n, f) else pytest.mark.slow)
                                      for n, f in ITEMS])
def test_output_has_no_lint_errors_or_warnings(name, fmt, lint_root):
    findings = _batch(_default_tier(name, fmt), lint_root)[(name, fmt)]
    if isinstance(findings, Exception):
        raise findings
    print(f"\ncfn-lint {name} ({fmt}): {len(findings)} findings", *findings, sep="\n  ")
    assert cfn.errors_and_warnings(findings) == []


def test_lint_catches_a_broken_template(tmp_path):
    """The lint helper really fails on a bad template (so a clean result above means something)."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": 42, '
                   '"AvailabilityZone": "us-east-1a"}}}}')
    assert any(":E" in f for f in cfn.errors_and_warnings(cfn.lint([bad])))
