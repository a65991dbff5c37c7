"""What AWS or kops would refuse later is refused when kopsgen reads the spec, at the field, with its line:
a Kubernetes version the kops release does not run, a zone AWS does not have, an image for another CPU
architecture than the machine type. Each case changes the valid base spec (tests/support/spec_base.py)
and lists every error expected as (line of the n-th occurrence of a text, path, message); the whole
pipeline runs, and the CLI's exit code and output are checked for a sample.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.errors import SpecError
from kopsgen.spec import instancetypes, regions, releases
from kopsgen.spec.create import DEFAULT_KUBERNETES_VERSION
from kopsgen.spec.documents import load_documents
from tests.support.spec_base import BASE, edit

DEFAULT = releases.DEFAULT_KOPS_VERSION


def kops(version: str, *extra: str):
    """spec.kopsgen with kopsVersion (and `extra` lines) set."""
    return edit("  cloudProvider: aws", "\n".join(["  cloudProvider: aws", "  kopsgen:", f'    kopsVersion: "{version}"',
                                                  *extra]))


def k8s(version: str):
    return edit("  kubernetesVersion: 1.32.4", f"  kubernetesVersion: {version}")


def both(*edits):
    def apply(text):
        for e in edits:
            text = e(text)
        return text
    return apply


def zones(old: str, new: str):
    """Every subnet zone `old` (and the names built from it) becomes `new`."""
    return lambda text: text.replace(old, new)


def image(name: str, group: str = "nodes"):
    marker = f"  name: {group}\n"
    def apply(text):
        start = text.index(marker)
        at = text.index("  image: ami-0123456789abcdef0", start)
        return text[:at] + f"  image: {name}" + text[at + len("  image: ami-0123456789abcdef0"):]
    return apply


def machine(old: str, new: str):
    return edit(f"  machineType: {old}", f"  machineType: {new}")


NOBLE = "099720109477/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{arch}-server-20260714"
AL2023 = "amazon/al2023-ami-2023.9.20260101.0-kernel-6.1-{arch}"
TOO_NEW = (f"; use a kops release of {{minor}} or later, or set spec.kopsgen.allowTooNewKubernetes: true to run "
           f"it anyway, as kops's KOPS_RUN_TOO_NEW_VERSION does")

# (id, change, [(text, which occurrence, path, message)])
CASES = [
    # --- Kubernetes version against the kops release -------------------------------------------
    ("k8s-beyond-default-release", k8s("1.99.0"),
     [("kubernetesVersion", 1, "spec.kubernetesVersion",
       f"Kubernetes 1.99.0 is not supported by kops {DEFAULT} (the default release; choose another with "
       f"spec.kopsgen.kopsVersion), which runs Kubernetes 1.31 to 1.36" + TOO_NEW.format(minor="1.99"))]),
    ("k8s-next-minor", k8s("v1.37.0"),
     [("kubernetesVersion", 1, "spec.kubernetesVersion",
       f"Kubernetes 1.37.0 is not supported by kops {DEFAULT} (the default release; choose another with "
       f"spec.kopsgen.kopsVersion), which runs Kubernetes 1.31 to 1.36" + TOO_NEW.format(minor="1.37"))]),
    ("k8s-beyond-chosen-release", both(k8s("1.36.3"), kops("1.35.2")),
     [("kubernetesVersion", 1, "spec.kubernetesVersion",
       "Kubernetes 1.36.3 is not supported by kops 1.35.2 (spec.kopsgen.kopsVersion), which runs Kubernetes "
       "1.29 to 1.35" + TOO_NEW.format(minor="1.36"))]),
    ("k8s-beyond-release-not-in-table", both(k8s("1.36.0"), kops("1.35.9")),
     [("kubernetesVersion", 1, "spec.kubernetesVersion",
       "Kubernetes 1.36.0 is not supported by kops 1.35.9 (spec.kopsgen.kopsVersion), which runs Kubernetes "
       "1.29 to 1.35" + TOO_NEW.format(minor="1.36"))]),
    ("k8s-too-old-for-kopsgen", k8s("1.31.9"),
     [("kubernetesVersion", 1, "spec.kubernetesVersion",
       "kopsgen supports Kubernetes 1.32.0 and later, as kops 1.37 does (got 1.31.9)")]),
    ("k8s-too-new-allowed", both(k8s("1.37.1"), kops(DEFAULT, "    allowTooNewKubernetes: true")), []),
    ("k8s-in-range-of-older-release", both(k8s("1.34.10"), kops("1.34.3")), []),
    ("k8s-newest-of-default", k8s("1.36.99"), []),
    # --- zones ---------------------------------------------------------------------------------------
    ("zone-letter-unknown", zones("us-east-1b", "us-east-1g"),
     [("zone: us-east-1g", 1, "spec.subnets[1].zone", "AWS region us-east-1 has no zone us-east-1g (its zones: "
       "us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f)"),
      ("zone: us-east-1g", 2, "spec.subnets[3].zone", "AWS region us-east-1 has no zone us-east-1g (its zones: "
       "us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f)")]),
    ("zone-eu-west-1d", both(zones("us-east-1a", "eu-west-1a"), zones("us-east-1b", "eu-west-1d")),
     [("zone: eu-west-1d", 1, "spec.subnets[1].zone",
       "AWS region eu-west-1 has no zone eu-west-1d (its zones: eu-west-1a, eu-west-1b, eu-west-1c)"),
      ("zone: eu-west-1d", 2, "spec.subnets[3].zone",
       "AWS region eu-west-1 has no zone eu-west-1d (its zones: eu-west-1a, eu-west-1b, eu-west-1c)")]),
    ("region-unknown", both(zones("us-east-1a", "eu-west-9z"), zones("us-east-1b", "eu-west-9y")),
     [("zone: eu-west-9z", n, f"spec.subnets[{i}].zone", "zone eu-west-9z is not in any AWS region kopsgen knows "
       "(eu-west-9 is not one; a zone is a region and a letter, such as eu-west-1a)") for n, i in ((1, 0), (2, 2))] +
     [("zone: eu-west-9y", n, f"spec.subnets[{i}].zone", "zone eu-west-9y is not in any AWS region kopsgen knows "
       "(eu-west-9 is not one; a zone is a region and a letter, such as eu-west-1a)") for n, i in ((1, 1), (2, 3))]),
    ("zone-newer-regions", both(zones("us-east-1a", "ap-southeast-7a"), zones("us-east-1b", "ap-southeast-7c")), []),
    ("zone-mx-central-1", both(zones("us-east-1a", "mx-central-1a"), zones("us-east-1b", "mx-central-1b")), []),
    ("zone-govcloud", both(zones("us-east-1a", "us-gov-west-1a"), zones("us-east-1b", "us-gov-west-1c")), []),
    ("zone-china", both(zones("us-east-1a", "cn-north-1a"), zones("us-east-1b", "cn-northwest-1b")),
     [("zone: cn-northwest-1b", 1, "spec.subnets[1].zone", "zone cn-northwest-1b is in region cn-northwest-1, but "
       "the cluster is in cn-north-1 (from spec.subnets[0].zone); a cluster lives in one region"),
      ("zone: cn-northwest-1b", 2, "spec.subnets[3].zone", "zone cn-northwest-1b is in region cn-northwest-1, but "
       "the cluster is in cn-north-1 (from spec.subnets[0].zone); a cluster lives in one region")]),
    ("zone-local-zone", zones("us-east-1b", "us-east-1-bos-1a"), []),
    ("zone-sovereign-cloud", both(zones("us-east-1a", "eusc-de-east-1a"), zones("us-east-1b", "eusc-de-east-1b")),
     []),
    ("zone-kops-test-region", both(zones("us-east-1a", "us-test-1a"), zones("us-east-1b", "us-test-1c")), []),
    # --- image architecture --------------------------------------------------------------------------
    ("graviton-with-amd64-image", both(machine("t3.large", "c7g.large"), image(NOBLE.format(arch="amd64"))),
     [("image: 099720109477", 1, "spec.image", f"image {NOBLE.format(arch='amd64')} is for amd64, but machine type "
       "c7g.large (spec.machineType) is arm64 (AWS Graviton): choose an arm64 image or amd64 machine types")]),
    ("intel-with-arm64-image", both(machine("m6i.large", "m5.large"), image(NOBLE.format(arch="arm64"),
                                                                              "control-plane-us-east-1a")),
     [("image: 099720109477", 1, "spec.image", f"image {NOBLE.format(arch='arm64')} is for arm64, but machine type "
       "m5.large (spec.machineType) is amd64: choose an amd64 image or arm64 machine types")]),
    ("x86_64-spelling", both(machine("t3.large", "t4g.large"), image(AL2023.format(arch="x86_64"))),
     [("image: amazon/al2023", 1, "spec.image", f"image {AL2023.format(arch='x86_64')} is for amd64, but machine "
       "type t4g.large (spec.machineType) is arm64 (AWS Graviton): choose an arm64 image or amd64 machine types")]),
    ("mixed-instances-arm-type", both(machine("t3.large", "t3.large\n  mixedInstancesPolicy:\n    instances:\n"
                                                          "    - t3.large\n    - m7g.large"),
                                      image(NOBLE.format(arch="amd64"))),
     [("image: 099720109477", 1, "spec.image", f"image {NOBLE.format(arch='amd64')} is for amd64, but machine type "
       "m7g.large (spec.mixedInstancesPolicy.instances[1]) is arm64 (AWS Graviton): choose an arm64 image or "
       "amd64 machine types")]),
    ("mixed-architectures-any-image", machine("t3.large", "t3.large\n  mixedInstancesPolicy:\n    instances:\n"
                                                          "    - t3.large\n    - r8g.large"),
     [("- r8g.large", 1, "spec.mixedInstancesPolicy.instances[1]", "r8g.large is arm64 but t3.large is amd64: a "
       "group runs one image, so all its machine types need the same architecture")]),
    ("graviton-with-arm64-image", both(machine("t3.large", "im4gn.large"), image(AL2023.format(arch="arm64"))), []),
    ("graviton-with-ami-id", machine("t3.large", "x2gd.large"), []),
]


def _errors(tmp_path, text: str) -> list:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    try:
        pipeline.typed_spec(pipeline.complete_documents(load_documents([path])))
    except SpecError as exc:
        return exc.errors
    return []


def _line(text: str, marker: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(marker, at + 1)
    return text[:at].count("\n") + 1


@pytest.mark.parametrize("name,change,expected", CASES, ids=[c[0] for c in CASES])
def test_refused_at_the_field(tmp_path, name, change, expected):
    text = change(BASE)
    got = sorted((e.line, e.path, e.message) for e in _errors(tmp_path, text))
    assert got == sorted((_line(text, marker, n), path, message) for marker, n, path, message in expected)


@pytest.mark.parametrize("change,pattern", [
    (k8s("1.99.0"), r"cluster\.yaml:23:3: spec\.kubernetesVersion: Kubernetes 1\.99\.0 is not supported by kops "),
    (zones("us-east-1b", "us-east-1g"), r"cluster\.yaml:37:5: spec\.subnets\[1\]\.zone: AWS region us-east-1 has no "),
    (both(machine("t3.large", "c7g.large"), image(NOBLE.format(arch="amd64"))),
     r"cluster\.yaml:72:3: spec\.image: image \S+amd64\S+ is for amd64, but machine type c7g\.large"),
], ids=["kubernetes", "zone", "architecture"])
def test_cli_exits_2_with_file_line_and_field(tmp_path, change, pattern):
    path = tmp_path / "cluster.yaml"
    path.write_text(change(BASE))
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert re.search(pattern, result.output), result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the tables themselves


def test_default_release_is_a_stable_release_in_the_table():
    assert DEFAULT in releases.RELEASES
    assert not releases.is_prerelease(DEFAULT)
    stable = [v for v in releases.RELEASES if not releases.is_prerelease(v)]
    assert max(stable, key=lambda v: tuple(map(int, v.split(".")))) == DEFAULT


def test_create_clusters_default_kubernetes_is_in_the_default_release(tmp_path):
    major, minor, _ = map(int, DEFAULT_KUBERNETES_VERSION.split("."))
    assert releases.RELEASES[DEFAULT].supports((major, minor))
    out = tmp_path / "c.yaml"
    created = CliRunner().invoke(cli, ["create", "cluster", "--name", "new.example.com", "--zones", "eu-west-1a",
                                       "--output", str(out)])
    assert created.exit_code == 0, created.output
    assert f"kubernetesVersion: {DEFAULT_KUBERNETES_VERSION}" in out.read_text()
    assert _errors(tmp_path, out.read_text()) == []


def test_every_release_runs_its_own_minor_at_most():
    for version, info in releases.RELEASES.items():
        major, minor = map(int, version.split(".")[:2])
        assert info.newest_kubernetes == (major, minor), version
        assert info.oldest_kubernetes < info.newest_kubernetes, version


@pytest.mark.parametrize("machine_type,arch", [
    ("c7g.large", "arm64"), ("m7g.xlarge", "arm64"), ("r8g.2xlarge", "arm64"), ("t4g.nano", "arm64"),
    ("a1.medium", "arm64"), ("im4gn.large", "arm64"), ("x2gd.metal", "arm64"), ("is4gen.xlarge", "arm64"),
    ("c8gn.large", "arm64"), ("g5g.xlarge", "arm64"), ("hpc7g.4xlarge", "arm64"),
    ("m5.large", "amd64"), ("t3.medium", "amd64"), ("g4dn.xlarge", "amd64"), ("c7i-flex.large", "amd64"),
    ("m7a.large", "amd64"), ("gr6.4xlarge", "amd64"), ("u7i-12tb.224xlarge", "amd64"),
    ("u-6tb1.112xlarge", None),
])
def test_machine_type_architecture(machine_type, arch):
    assert instancetypes.architecture(machine_type) == arch


@pytest.mark.parametrize("name,arch", [
    (NOBLE.format(arch="amd64"), "amd64"), (NOBLE.format(arch="arm64"), "arm64"),
    (AL2023.format(arch="x86_64"), "amd64"), ("RHEL-9.4.0_HVM-20240605-aarch64-82-Hourly2-GP3", "arm64"),
    ("debian-12-amd64-20240717-1811", "amd64"), ("ami-0123456789abcdef0", None),
    ("flatcar-stable-3815.2.5-hvm", None), ("my-arm64-and-amd64-bundle", None), ("farm64-thing", None),
])
def test_image_architecture(name, arch):
    assert instancetypes.image_architecture(name) == arch


def test_zone_table_has_every_partition():
    for region in ("us-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1", "ca-west-1",
                   "il-central-1", "mx-central-1", "ap-southeast-5", "ap-southeast-7", "eu-central-2"):
        assert region in regions.ZONE_LETTERS, region
    assert regions.ZONE_LETTERS["us-east-1"] == "abcdef" and regions.ZONE_LETTERS["eu-west-1"] == "abc"


@pytest.mark.parametrize("zone,message", [
    ("eu-west-1d", "--zones: AWS region eu-west-1 has no zone eu-west-1d (its zones: eu-west-1a, eu-west-1b, "
                   "eu-west-1c)"),
    ("eu-west-9z", "--zones: zone eu-west-9z is not in any AWS region kopsgen knows (eu-west-9 is not one; a zone is "
                   "a region and a letter, such as eu-west-1a)"),
])
def test_create_cluster_refuses_a_zone_aws_does_not_have(tmp_path, zone, message):
    result = CliRunner().invoke(cli, ["create", "cluster", "--name", "new.example.com", "--zones", zone,
                                      "--output", str(tmp_path / "c.yaml")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "c.yaml").exists()
