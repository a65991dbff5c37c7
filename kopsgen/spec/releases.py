"""The kops releases kopsgen knows: which Kubernetes versions each supports, and its nodeup hashes.

One table, RELEASES. The facts come from kops's repository (github.com/kubernetes/kops):
- the release tags (v1.34.0-beta.1 ... v1.36.2, the newest release that is not a pre-release, and
  v1.37.0-alpha.1);
- the newest Kubernetes a release runs: its own minor. kops refuses a newer one ("upgrading kops is
  required", bypassed by KOPS_RUN_TOO_NEW_VERSION) in upup/pkg/fi/cloudup/apply_cluster.go
  (validateKubernetesVersion), and docs/welcome/releases.md says the same;
- the oldest: `OldestSupportedKubernetesVersion` in upup/pkg/fi/cloudup/apply_cluster.go at each tag
  (1.29.0 up to 1.35.x, 1.31.0 from 1.36.0 to 1.37.0-alpha.1);
- the nodeup SHA-256 hashes: only 1.34.0-beta.1's are known, from kops's own golden test data
  (tests/integration/update_cluster/*/data/*_user_data). kops publishes no hash of its stable
  releases in its repository or docs, so for those the boot script reads the `.sha256` file
  published next to the binary (bootstrap/script.py says so in the user data).

The default is the newest stable release. kops's `channels/stable` pairs each kops minor with the
Kubernetes version it recommends (1.36.3 for kops 1.36) but its `recommendedVersion` for kops 1.36
still names a pre-release (1.36.0-beta.1), so the default follows the release tags instead.

This module is a leaf (no kopsgen imports) so that validation can read it without loading the bootstrap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Release:
    oldest_kubernetes: tuple[int, int]      # (1, 31): Kubernetes 1.31.0 and later
    newest_kubernetes: tuple[int, int]      # (1, 36): up to every 1.36 patch
    nodeup_sha256: dict[str, str] = field(default_factory=dict)   # architecture -> hash; empty: read at boot

    def supports(self, kubernetes: tuple[int, int]) -> bool:
        return self.oldest_kubernetes <= kubernetes <= self.newest_kubernetes

    @property
    def kubernetes_range(self) -> str:
        return f"{_minor(self.oldest_kubernetes)} to {_minor(self.newest_kubernetes)}"


RELEASES: dict[str, Release] = {
    # The pre-release kops's own golden test cases pin: their user data carries these hashes. Only for
    # comparing with those cases (tests/support/kops_files.py pins it); never the default.
    "1.34.0-beta.1": Release((1, 29), (1, 34), {
        "amd64": "c86e072f622b91546b7b3f3cb1a0f8a131e48b966ad018a0ac1520ceedf37725",
        "arm64": "64a9a9510538a449e85d05e13e3cd98b80377d68a673447c26821d40f00f0075",
    }),
    "1.34.3": Release((1, 29), (1, 34)),
    "1.35.1": Release((1, 29), (1, 35)),    # what channels/stable recommends for kops 1.30 to 1.35
    "1.35.2": Release((1, 29), (1, 35)),
    "1.36.0": Release((1, 31), (1, 36)),
    "1.36.1": Release((1, 31), (1, 36)),
    "1.36.2": Release((1, 31), (1, 36)),
    # The next minor's first pre-release, for trying Kubernetes 1.37; never the default.
    "1.37.0-alpha.1": Release((1, 31), (1, 37)),
}

# The newest stable kops release: nodes run its nodeup, the cluster its kops images.
DEFAULT_KOPS_VERSION = "1.36.2"

SETTING_PATH = "spec.kopsgen.kopsVersion"
TOO_NEW_SETTING_PATH = "spec.kopsgen.allowTooNewKubernetes"

_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.]+)?$")


def _minor(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def parse(setting: object) -> str | None:
    """The release a `spec.kopsgen.kopsVersion` value names (`v` dropped), or None when it is not a
    plain version (the schema refuses it; it ends up in a shell script and in URLs)."""
    version = str(setting).removeprefix("v")
    return version if _VERSION.match(version) else None


def is_prerelease(version: str) -> bool:
    return "-" in version


def release_info(version: str) -> Release:
    """The table's entry; for a release not in it, what kops's rules say: Kubernetes up to the
    release's own minor, from the oldest version the newest listed release of an older or the same
    minor supports (a later kops never supports older Kubernetes than an earlier one)."""
    if version in RELEASES:
        return RELEASES[version]
    m = _VERSION.match(version)
    own = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    known = sorted((_key(v), r) for v, r in RELEASES.items())
    earlier = [r for k, r in known if k[:2] <= own]
    oldest = earlier[-1].oldest_kubernetes if earlier else known[0][1].oldest_kubernetes
    return Release(oldest, own)


def _key(version: str) -> tuple[int, int, int]:
    m = _VERSION.match(version)
    assert m, version
    return int(m.group(1)), int(m.group(2)), int(m.group(3))
