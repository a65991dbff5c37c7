"""backend.tf (or backend.tf.json): where Terraform keeps the cluster's state, an `s3` backend.

`backend_files` is the one place that writes it: the flat output calls it beside kubernetes.tf, and a root
configuration that calls the cluster as a module can call it the same way."""

from __future__ import annotations

import re

from kopsgen.errors import UsageError
from kopsgen.render.header import Provenance
from kopsgen.render.options import S3Backend
from kopsgen.render.terraform.hcl import Labelled, TopLevel, to_hcl, to_json

# S3 lock files (`use_lockfile`) came in Terraform 1.10
REQUIRED_TERRAFORM_LOCKFILE = ">= 1.10.0"


def backend_files(backend: S3Backend, fmt: str = "hcl", provenance: Provenance | None = None) -> dict[str, bytes]:
    """{"backend.tf": ...} (fmt "hcl") or {"backend.tf.json": ...} ("json"): a `terraform` block with the
    `s3` backend, its state encrypted at rest, locked by an S3 lock file unless `backend.lock_table` names a
    DynamoDB table; with the lock file it also requires the Terraform that has it."""
    settings: dict = {"bucket": backend.bucket, "key": backend.key, "region": backend.region, "encrypt": True}
    if backend.lock_table:
        settings["dynamodb_table"] = backend.lock_table
    else:
        settings["use_lockfile"] = True
    body: dict = {"backend": Labelled("s3", settings)}
    if not backend.lock_table:
        body["required_version"] = REQUIRED_TERRAFORM_LOCKFILE
    blocks = [TopLevel("terraform", (), body)]
    header = provenance.lines() if provenance else []
    if fmt == "json":
        return {"backend.tf.json": to_json(blocks, header=header).encode()}
    return {"backend.tf": to_hcl(blocks, header=header).encode()}


# S3's rules for a bucket name (general purpose buckets)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_BUCKET_RULES = ("3 to 63 characters: lowercase letters, digits, dots and hyphens, beginning and ending with a "
                 "letter or digit, no two dots in a row, not an IP address")


def parse_url(url: str, flag: str = "--backend") -> tuple[str, str]:
    """(bucket, key) of `s3://BUCKET/KEY`; UsageError naming `flag` for anything else."""
    scheme, sep, rest = url.partition("://")
    if scheme != "s3" or not sep:
        raise UsageError(f"{flag} {url!r}: give the state object as s3://BUCKET/KEY (only the s3 backend is written)")
    bucket, _, key = rest.partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket or _IP_ADDRESS.match(bucket):
        raise UsageError(f"{flag} {url!r}: {bucket!r} is not an S3 bucket name ({_BUCKET_RULES})")
    if not key:
        raise UsageError(f"{flag} {url!r}: the key of the state object is missing, e.g. "
                         f"s3://{bucket}/clusters/c.example.com/terraform.tfstate")
    if key.endswith("/") or key.startswith("/") or "//" in key:
        parts = "/".join(part for part in key.split("/") if part)
        raise UsageError(f"{flag} {url!r}: the key {key!r} names a folder or has an empty part; name the state "
                         f"object itself, e.g. s3://{bucket}/{parts + '/' if parts else ''}terraform.tfstate")
    return bucket, key


def s3_backend(url: str, region: str, lock_table: str | None, config_base: str,
               flag: str = "--backend") -> S3Backend:
    """The backend of `url`, refused (UsageError naming `flag`) inside the cluster's configBase `config_base`:
    nodes read that prefix at boot and the cluster's IAM roles may read all of it, and Terraform's state holds
    every secret of the cluster in clear text."""
    bucket, key = parse_url(url, flag)
    if lock_table is not None and not _LOCK_TABLE.match(lock_table):
        raise UsageError(f"--backend-lock-table {lock_table!r}: a DynamoDB table name is 3 to 255 letters, digits, "
                         f"'_', '-' and '.'")
    scheme, _, rest = config_base.partition("://")
    base_bucket, _, base_prefix = rest.partition("/")
    base_prefix = base_prefix.strip("/")
    if scheme == "s3" and bucket == base_bucket and (not base_prefix or key == base_prefix
                                                     or key.startswith(base_prefix + "/")):
        raise UsageError(
            f"{flag} {url!r} is inside the cluster's configBase {config_base}: its nodes read that prefix at boot "
            f"and the cluster's roles can read it, and Terraform state holds the cluster's secrets in clear "
            f"text. Keep the state outside it, e.g. s3://{bucket}/terraform/{key.rsplit('/', 1)[-1]} or another bucket")
    return S3Backend(bucket=bucket, key=key, region=region, lock_table=lock_table)


_LOCK_TABLE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
