"""The real cfn-lint finds no error and no warning in the CloudFormation output of every kops reference
case and every example, as JSON and as YAML.

Informational findings are not failures: the only one left is I3100 ("previous generation instance
type"), which is the spec's choice of m3.medium, not ours. Each case's findings are printed
(`pytest -s`) so that they can be quoted.

Besides the reference cases and examples, a few variants of reference cases cover what none of them
uses: warm pools, compressed user data, an AMI ID, spot mixed instances, an image of an unknown family,
an existing Elastic IP for a NAT gateway.

cfn-lint takes seconds a template, so templates are linted in two batches of one cfn-lint run each:
the default run lints the examples, two variants and the `complex` case (the reference case with the
most resource kinds) as JSON, and one example as YAML; `make test-slow` lints every other case and
everything again as YAML.
"""

from __future__ import annotations

import functools

import pytest

from tests.support import cloudformation as cfn
from tests.support.paths import EXAMPLES, reference_cases

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.exists() else []
EXAMPLES_NAMES = [f"example-{p.stem}" for p in EXAMPLE_FILES]


def _nodes(edit):
    def apply(docs: list[dict]) -> None:
        for doc in docs:
            if doc["kind"] == "InstanceGroup" and doc["metadata"]["name"] == "nodes":
                edit(doc["spec"])
    return apply


def _all_groups(edit):
    def apply(docs: list[dict]) -> None:
        for doc in docs:
            if doc["kind"] == "InstanceGroup":
                edit(doc["spec"])
    return apply


def _existing_eip(docs: list[dict]) -> None:
    for subnet in docs[0]["spec"]["subnets"]:
        if subnet["type"] == "Private":
            subnet["publicIP"] = "203.0.113.7"


def _private_dns(docs: list[dict]) -> None:
    docs[0]["spec"].setdefault("topology", {})["dns"] = {"type": "Private"}


def _carved_ipv6(docs: list[dict]) -> None:
    for i, subnet in enumerate(docs[0]["spec"]["subnets"]):
        subnet["ipv6CIDR"] = f"/64#{i:x}"


# Features no reference case or example uses, on top of a reference case: (case, edits).
VARIANTS = {
    "variant-warm-pool-ami-compressed": ("minimal-1.36", [
        _nodes(lambda s: s.update(warmPool={"minSize": 1, "maxSize": 2, "enableLifecycleHook": True},
                                  compressUserData=True)),
        _all_groups(lambda s: s.update(image="ami-0123456789abcdef0"))]),
    "variant-mixed-spot-own-image": ("minimal-1.36", [
        _nodes(lambda s: s.update(mixedInstancesPolicy={"instances": ["t3.medium", "t3a.medium"], "onDemandBase": 0,
                                                        "onDemandAboveBase": 20,
                                                        "spotAllocationStrategy": "capacity-optimized"},
                                  maxPrice="0.05")),
        _all_groups(lambda s: s.update(image="123456789012/my-golden-image-*"))]),
    "variant-existing-eip": ("privatecalico", [_existing_eip]),
    "variant-private-dns": ("privatecalico", [_private_dns]),
    "variant-carved-ipv6": ("minimal-ipv6", [_carved_ipv6]),
}
NAMES = [*reference_cases(), *EXAMPLES_NAMES, *VARIANTS]


def _default_tier(name: str, fmt: str) -> bool:
    if fmt == "json":
        return name == "complex" or name.startswith("example-") or name in list(VARIANTS)[:2]
    return name == (EXAMPLES_NAMES[0] if EXAMPLES_NAMES else "complex")


ITEMS = [(n, f) for f in ("json", "yaml") for n in NAMES]


def _input(name: str) -> str:
    if name.startswith("example-"):
        return (EXAMPLES / f"{name.removeprefix('example-')}.yaml").read_text()
    if name in VARIANTS:
        case, edits = VARIANTS[name]
        text = cfn.real_looking_ids(cfn.case_text(case))
        for edit in edits:
            text = cfn.edit_documents(text, edit)
        return text
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
