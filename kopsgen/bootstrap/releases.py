"""Which kops release a cluster's nodes bootstrap with: the nodeup binary and the kops images.

The release is a setting (`spec.kopsgen.kopsVersion`) with a pinned default. nodeup is
fetched by the user data from kops's two publishing places (artifacts.k8s.io, then the
GitHub release as a mirror) and checked against a SHA-256 before it runs. The hashes we
know are in RELEASES, the one table of them; for any other release the boot script reads
the `.sha256` file published next to the binary instead (and says so in a comment).

The same version names the kops images the cluster runs (kops-controller, dns-controller,
kube-apiserver-healthcheck, channels) and is written to `kops-version.txt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kopsgen.errors import RenderError

ARCHITECTURES = ("amd64", "arm64")

# kops release -> {architecture: SHA-256 of the uncompressed linux nodeup binary}.
RELEASES: dict[str, dict[str, str]] = {
    # The release kops's own golden test cases pin (the reference user data carries these hashes).
    "1.34.0-beta.1": {
        "amd64": "c86e072f622b91546b7b3f3cb1a0f8a131e48b966ad018a0ac1520ceedf37725",
        "arm64": "64a9a9510538a449e85d05e13e3cd98b80377d68a673447c26821d40f00f0075",
    },
    # Today's stable kops (the recommended version in kops's stable channel). Its hashes are
    # not in the kops repository or docs, so nodes read the published .sha256 at boot.
    "1.35.1": {},
}

# The default is the only release whose nodeup hashes we can pin here, which is also the one
# kops's reference cases were made with, so a spec without the setting renders like kops.
DEFAULT_KOPS_VERSION = "1.34.0-beta.1"

SETTING_PATH = "spec.kopsgen.kopsVersion"

_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$")

_PRIMARY = "https://artifacts.k8s.io/binaries/kops/{version}/linux/{arch}/nodeup"
_MIRROR = "https://github.com/kubernetes/kops/releases/download/v{version}/nodeup-linux-{arch}"


@dataclass(frozen=True)
class NodeupBinary:
    arch: str
    urls: tuple[str, ...]     # tried in order
    sha256: str | None        # None: read `<url>.sha256` at boot

    @property
    def url_list(self) -> str:
        return ",".join(self.urls)


@dataclass(frozen=True)
class KopsRelease:
    version: str
    binaries: tuple[NodeupBinary, ...]

    @property
    def hashes_known(self) -> bool:
        return all(b.sha256 for b in self.binaries)

    def binary(self, arch: str) -> NodeupBinary:
        return next(b for b in self.binaries if b.arch == arch)


def kops_version(cluster_raw: dict) -> str:
    """The release chosen by the spec (or the default); refuses anything that is not a plain version."""
    setting = ((cluster_raw.get("spec") or {}).get("kopsgen") or {}).get("kopsVersion")
    if setting is None:
        return DEFAULT_KOPS_VERSION
    version = str(setting).removeprefix("v")
    if not _VERSION.match(version):
        # it ends up inside a shell script and in URLs: only a plain version is safe
        raise RenderError(f"{SETTING_PATH}: {setting!r} is not a kops release version like 1.34.0")
    return version


def release(version: str) -> KopsRelease:
    hashes = RELEASES.get(version, {})
    return KopsRelease(version, tuple(
        NodeupBinary(arch, (_PRIMARY.format(version=version, arch=arch), _MIRROR.format(version=version, arch=arch)),
                     hashes.get(arch))
        for arch in ARCHITECTURES))
