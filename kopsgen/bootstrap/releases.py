"""Which kops release a cluster's nodes bootstrap with: the nodeup binary and the kops images.

The release is a setting (`spec.kopsgen.kopsVersion`) with a default, the newest stable kops
release; the table of releases (the Kubernetes versions each supports, the nodeup hashes known)
is kopsgen/spec/releases.py. nodeup is fetched by the user data from kops's two publishing
places (artifacts.k8s.io, then the GitHub release as a mirror) and checked against a SHA-256
before it runs: the pinned one when the table has it, else the `.sha256` file published next to
the binary, read at boot (the user data says so in a comment).

The same version names the kops images the cluster runs (kops-controller, dns-controller,
kube-apiserver-healthcheck, channels) and is written to `kops-version.txt`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.errors import RenderError
from kopsgen.spec.releases import DEFAULT_KOPS_VERSION, RELEASES, SETTING_PATH, parse

__all__ = ["ARCHITECTURES", "DEFAULT_KOPS_VERSION", "RELEASES", "KopsRelease", "NodeupBinary", "kops_version",
           "release"]

ARCHITECTURES = ("amd64", "arm64")

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


def kops_version(setting: object) -> str:
    """The release chosen by the spec (`spec.kopsgen.kopsVersion`, or the default); refuses anything that
    is not a plain version."""
    if setting is None:
        return DEFAULT_KOPS_VERSION
    version = parse(setting)
    if version is None:
        # it ends up inside a shell script and in URLs: only a plain version is safe
        raise RenderError(f"{SETTING_PATH}: {setting!r} is not a kops release version like 1.34.0")
    return version


def release(version: str) -> KopsRelease:
    hashes = RELEASES[version].nodeup_sha256 if version in RELEASES else {}
    return KopsRelease(version, tuple(
        NodeupBinary(arch, (_PRIMARY.format(version=version, arch=arch), _MIRROR.format(version=version, arch=arch)),
                     hashes.get(arch))
        for arch in ARCHITECTURES))
