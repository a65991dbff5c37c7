"""`spec.assets.fileRepository`: a mirror that nodes download every file from instead of the internet.

kops's layout, kept so that a mirror staged for kops (`kops get assets --copy`, or by hand) serves
kopsgen's nodes unchanged: a file's download URL is the repository URL with the path of the file's
canonical URL appended, host dropped. nodeup for kops 1.35.1 on amd64, canonically
`https://artifacts.k8s.io/binaries/kops/1.35.1/linux/amd64/nodeup`, is read from
`<fileRepository>/binaries/kops/1.35.1/linux/amd64/nodeup` (the boot script adds `.xz` and `.sha256`),
kubelet from `<fileRepository>/release/v1.32.0/bin/linux/amd64/kubelet`. As in kops, a remapped file
has that one location and no fallback mirrors (the point of a mirror is that nodes need nothing else),
and its hash is the canonical file's, since the mirror holds the same bytes.

Only http:// and https:// repositories are remapped: kops 1.37 added s3:// repositories read with
the instance's credentials, which the boot script kopsgen writes cannot do, so one is refused rather
than silently ignored.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit, urlunsplit

from kopsgen.bootstrap.releases import KopsRelease
from kopsgen.errors import RenderError

SETTING_PATH = "spec.assets.fileRepository"


def of(repo: str | None) -> str | None:
    """The spec's file repository (`spec.assets.fileRepository`), checked; None when downloads come from
    their canonical places."""
    if not repo:
        return None
    parts = urlsplit(str(repo))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RenderError(f"{SETTING_PATH}: {repo!r}: kopsgen's boot script downloads from http:// or https:// "
                          "file repositories only (an s3:// repository needs kops 1.37's signed downloads)")
    # it ends up inside a shell script: refuse anything that could end a word or a quote
    if any(ch.isspace() or ch in "'\"`$\\;,&|<>(){}" for ch in str(repo)):
        raise RenderError(f"{SETTING_PATH}: {repo!r} has characters that cannot go into the boot script")
    return str(repo)


def remap(url: str, repository: str | None) -> str:
    """`url`'s location under `repository` (kops's path join), or `url` itself without one."""
    if not repository:
        return url
    repo = urlsplit(repository)
    path = "/".join(p for p in (repo.path.strip("/"), urlsplit(url).path.strip("/")) if p)
    return urlunsplit((repo.scheme, repo.netloc, "/" + path, "", ""))


def release(base: KopsRelease, repository: str | None) -> KopsRelease:
    """`base` with each nodeup binary read from the repository only (its first URL is the canonical one)."""
    if not repository:
        return base
    return dataclasses.replace(base, binaries=tuple(
        dataclasses.replace(b, urls=(remap(b.urls[0], repository),)) for b in base.binaries))
