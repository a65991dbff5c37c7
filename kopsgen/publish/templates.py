"""Where CloudFormation templates live in S3.

A template over 51,200 bytes, and every nested template, must be read by CloudFormation from S3.
kopsgen puts them in the cluster's state-store bucket (the `configBase`), under
`<configBase key>/cloudformation/`, and the parent template's `TemplateBaseUrl` parameter defaults
to that folder's HTTPS URL. A `configBase` that is not on S3 leaves the parameter to the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.spec.api import ClusterSpec
from kopsgen.state.layout import CLOUDFORMATION_TEMPLATE_DIR

FOLDER = CLOUDFORMATION_TEMPLATE_DIR   # the state-store layout knows it, so delete cluster removes it


@dataclass(frozen=True)
class S3Folder:
    bucket: str
    prefix: str        # key prefix, no leading or trailing slash

    def key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path


def template_folder(spec: ClusterSpec) -> S3Folder | None:
    """The S3 folder for this cluster's templates, or None when the state store is not on S3."""
    store = spec.cluster.config_base
    if store.scheme != "s3" or not store.bucket:
        return None
    return S3Folder(store.bucket, "/".join(p for p in (store.key_prefix.strip("/"), FOLDER) if p))


def https_url(bucket: str, key: str, region: str) -> str:
    """The URL CloudFormation reads an S3 object from. A bucket name with dots does not match S3's
    TLS certificate as a host name, so it goes in the path."""
    if "." in bucket:
        return f"https://s3.{region}.amazonaws.com/{bucket}/{key}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def template_base_url(spec: ClusterSpec) -> str | None:
    """Default of the parent template's TemplateBaseUrl: the bucket is in spec.kopsgen.configBaseRegion,
    else assumed in the cluster's region (`--upload-templates` checks, and prints the right URL if not)."""
    folder = template_folder(spec)
    if folder is None:
        return None
    return https_url(folder.bucket, folder.prefix, spec.cluster.config_base_region or spec.cluster.region)
