"""The config base: where a cluster's nodes read their files (`spec.configBase`).

Every path written *into* a file (nodeup config, etcd manifests, the channels manifest) uses
the config base exactly as the spec spells it, as kops does. Where the files themselves go:

- `s3://BUCKET/PREFIX` -> S3 objects `PREFIX/<file>` in BUCKET (Terraform: aws_s3_object);
- `file:///DIR` -> files under DIR (uploaded by `kopsgen render --target files`; there is no
  Terraform resource for them);
- `memfs://PATH` is kops's in-memory store, used only by kops's own tests (all the reference
  cases). kopsgen treats it as `s3://testingBucket/PATH`, the mapping kops's tests use, so a
  reference case renders the same bucket and keys as kops's golden kubernetes.tf.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.errors import RenderError

MEMFS_BUCKET = "testingBucket"


@dataclass(frozen=True)
class ConfigBase:
    url: str                 # as the spec writes it, without a trailing slash
    bucket: str | None       # the S3 bucket holding the files (None: not S3)
    prefix: str              # the key (S3) or directory (file) of the config base

    @staticmethod
    def parse(url: str) -> "ConfigBase":
        url = url.rstrip("/")
        scheme, sep, rest = url.partition("://")
        if not sep or not rest:
            raise RenderError(f"spec.configBase: {url!r} is not a URL like s3://bucket/cluster")
        if scheme == "s3":
            bucket, _, prefix = rest.partition("/")
            return ConfigBase(url, bucket, prefix.strip("/"))
        if scheme == "memfs":
            return ConfigBase(url, MEMFS_BUCKET, rest.strip("/"))
        if scheme == "file":
            return ConfigBase(url, None, rest)
        raise RenderError(f"spec.configBase: kopsgen supports s3://, file:// and memfs:// config bases, not {scheme}://")

    def path(self, relative: str) -> str:
        """A file's location as nodes see it (written into other files)."""
        return f"{self.url}/{relative}"

    def object_key(self, relative: str) -> str:
        """A file's S3 key (only for S3 config bases)."""
        return f"{self.prefix}/{relative}" if self.prefix else relative

    @property
    def is_s3(self) -> bool:
        return self.bucket is not None

    @property
    def readable_by_nodes(self) -> bool:
        """Whether nodes can fetch their files from here. nodeup reads S3 (and kops's test memfs://,
        mapped to S3 above); a file:// folder is on the machine that ran kopsgen, not on the nodes."""
        return self.is_s3

    def unreadable_warning(self) -> str | None:
        """The one statement, on stderr and at the top of the rendered output, that this cluster cannot
        boot; None when nodes can read the config base."""
        if self.readable_by_nodes:
            return None
        return (f"configBase {self.url} is not on S3: nodes cannot read their files there, so this cluster will "
                f"not boot (fine for trying kopsgen out; a real cluster needs an S3 configBase: kopsgen create "
                f"cluster --state s3://BUCKET).")

    @property
    def store_url(self) -> str:
        """The state-store URL to upload the files to (`kopsgen render --target files`)."""
        if self.is_s3:
            return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        return self.url
