"""The s3://BUCKET/PREFIX state store, through boto3.

Credentials, region and endpoint come from the standard AWS configuration (environment, profile,
instance role). `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` point it at an S3-compatible server
(tests use a moto server on 127.0.0.1); with an endpoint override, requests use path-style
addressing, which such servers expect.

Concurrent writers are detected with S3's conditional writes: a create sends `If-None-Match: *`,
an update sends `If-Match: <ETag read>`, and S3 answers 412 (or 409 when two conditional writes
race) instead of overwriting. S3 has honoured both headers on PutObject since 2024; moto 5.2 honours
them too (measured: see tests/state/test_s3.py). An S3-compatible server that ignores them would
make the check a no-op, and nothing here can notice that: use AWS S3 or a server that supports
conditional writes for a store shared by several people.

Deletes send `If-Match` as well. Where a server refuses conditional deletes (501 NotImplemented),
the version is compared just before an unconditional delete instead: a writer that slips into
that gap is not detected.

Every object is written with server-side encryption (AES256), as kops does.
"""

from __future__ import annotations

import os

from kopsgen.errors import StateStoreError, UsageError
from kopsgen.state.store import ABSENT, ConcurrentWriteError, StateStore, Version, check_key

SSE = "AES256"
_ENDPOINT_ENV = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
_CONFLICT_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


class S3StateStore(StateStore):
    def __init__(self, url: str, client=None):
        self.url = url.rstrip("/")
        rest = url[len("s3://"):]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise UsageError(f"state store {url!r} names no bucket: use s3://BUCKET[/PREFIX]")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            overridden = any(os.environ.get(name) for name in _ENDPOINT_ENV)
            config = Config(retries={"max_attempts": 3, "mode": "standard"},
                            s3={"addressing_style": "path" if overridden else "auto"})
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            self._client = boto3.session.Session().client("s3", region_name=region or None, config=config)
        return self._client

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def read(self, key: str) -> tuple[bytes, Version] | None:
        try:
            response = self._call("get_object", key, Bucket=self.bucket, Key=self._key(key))
        except _NotFound:
            return None
        return response["Body"].read(), Version(response["ETag"])

    def version(self, key: str) -> Version | None:
        try:
            response = self._call("head_object", key, Bucket=self.bucket, Key=self._key(key))
        except _NotFound:
            return None
        return Version(response["ETag"])

    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool | None = None) -> Version:
        # `secret` needs nothing more on S3: every object is encrypted at rest and private.
        params = dict(Bucket=self.bucket, Key=self._key(key), Body=data, ServerSideEncryption=SSE)
        if expect == ABSENT:
            params["IfNoneMatch"] = "*"
        elif expect is not None:
            params["IfMatch"] = expect.token
        try:
            response = self._call("put_object", key, **params)
        except ConcurrentWriteError:
            if expect == ABSENT:
                raise ConcurrentWriteError(f"{self.location(key)} already exists (written by another writer); "
                                           "read it again and retry") from None
            raise
        except _NotFound:
            if expect not in (None, ABSENT):
                raise ConcurrentWriteError(f"{self.location(key)} was deleted by another writer; "
                                           "read it again and retry") from None
            raise StateStoreError(f"cannot write {self.location(key)}: bucket {self.bucket} not found") from None
        return Version(response["ETag"])

    def delete(self, key: str, *, expect: Version | None = None) -> None:
        params = dict(Bucket=self.bucket, Key=self._key(key))
        if expect is None:
            self._call("delete_object", key, **params)
            return
        current = self.version(key)
        if current != (expect if expect != ABSENT else None):
            raise ConcurrentWriteError(f"{self.location(key)} was changed by another writer; read it again and retry")
        if current is None:
            return
        try:
            self._call("delete_object", key, IfMatch=expect.token, **params)
        except _NotFound:
            raise ConcurrentWriteError(f"{self.location(key)} was deleted by another writer") from None
        except _NotImplemented:
            self._call("delete_object", key, **params)  # checked just above; see the module note

    def list(self, prefix: str = "") -> list[str]:
        base = self._key(prefix.rstrip("/")) + "/" if prefix else (f"{self.prefix}/" if self.prefix else "")
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=base):
                keys.extend(obj["Key"][strip:] for obj in page.get("Contents", ()))
        except Exception as exc:  # noqa: BLE001  (translated below)
            raise self._translate(exc, prefix or "") from None
        return sorted(keys)

    def _call(self, operation: str, key: str, **params):
        try:
            return getattr(self.client, operation)(**params)
        except Exception as exc:  # noqa: BLE001  (translated below)
            raise self._translate(exc, key) from None

    def _translate(self, exc: Exception, key: str) -> Exception:
        """botocore's exceptions as kopsgen's: not found, conflict, or a clear StateStoreError."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        where = self.location(key)
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket":
                return StateStoreError(f"state store bucket {self.bucket} does not exist ({self.url})")
            if code in ("NoSuchKey", "404", "NotFound"):
                return _NotFound()
            if code in _CONFLICT_CODES or status in (409, 412):
                return ConcurrentWriteError(f"{where} was changed by another writer; read it again and retry")
            if code == "NotImplemented" or status == 501:
                return _NotImplemented()
            if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return StateStoreError(f"access denied to {where} ({code}); check your AWS credentials")
            return StateStoreError(f"{where}: {code or status}: {error.get('Message', exc)}")
        if isinstance(exc, NoCredentialsError):
            return StateStoreError(f"no AWS credentials to reach {self.url}; configure them as for the AWS CLI")
        if isinstance(exc, BotoCoreError):
            return StateStoreError(f"cannot reach {where}: {exc}")
        return exc


def bucket_region(bucket: str, client=None) -> str:
    """The region an S3 bucket lives in, asked of S3: GetBucketLocation, else (where that is denied, or the
    server does not answer it) HeadBucket's `x-amz-bucket-region` header, which S3 sends even with a 301 or
    403. StateStoreError when neither says."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = client or S3StateStore(f"s3://{bucket}").client
    try:
        location = client.get_bucket_location(Bucket=bucket).get("LocationConstraint")
        # S3 reports us-east-1 as no constraint, and eu-west-1 may come back as its old name "EU"
        return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
            raise StateStoreError(f"bucket {bucket} does not exist (reading its region)") from None
        first: Exception = exc
    except BotoCoreError as exc:
        raise StateStoreError(f"cannot read the region of bucket {bucket}: {exc}") from None
    try:
        headers = client.head_bucket(Bucket=bucket)["ResponseMetadata"].get("HTTPHeaders", {})
    except ClientError as exc:
        headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    except BotoCoreError:
        headers = {}
    if headers.get("x-amz-bucket-region"):
        return headers["x-amz-bucket-region"]
    raise StateStoreError(f"cannot read the region of bucket {bucket}: {first}") from None


class _NotFound(Exception):
    pass


class _NotImplemented(Exception):
    pass
