"""State store interface and its file:// implementation (s3:// lives in s3.py)."""

from __future__ import annotations

import abc
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kopsgen.errors import StateStoreError

DEFAULT_STATE_STORE_ENV = "KOPSGEN_STATE_STORE"


class ConcurrentWriteError(StateStoreError):
    """Someone else changed the object between our read and our write."""


@dataclass(frozen=True)
class Version:
    """An opaque token for the version of an object that was read (an ETag, a content hash)."""

    token: str


ABSENT = Version("")  # expect the object not to exist yet


class StateStore(abc.ABC):
    url: str

    @abc.abstractmethod
    def read(self, key: str) -> tuple[bytes, Version] | None:
        """The object's bytes and version, or None when it does not exist."""

    @abc.abstractmethod
    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool = False) -> Version:
        """Write atomically. With `expect`, fail with ConcurrentWriteError unless the current version
        is `expect` (ABSENT: the object must not exist). `secret` objects are private (mode 0600,
        server-side encryption)."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove one object (no error if absent)."""

    @abc.abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix`, sorted."""


class FileStateStore(StateStore):
    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents and path != self.root.resolve():
            raise StateStoreError(f"key outside the state store: {key}")
        return path

    @staticmethod
    def _version(data: bytes) -> Version:
        return Version(hashlib.sha256(data).hexdigest())

    def read(self, key: str) -> tuple[bytes, Version] | None:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateStoreError(f"cannot read {self.url}/{key}: {exc.strerror}") from None
        return data, self._version(data)

    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool = False) -> Version:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _FileLock(path.with_name(path.name + ".lock"))
        with lock:
            if expect is not None:
                current = self.read(key)
                current_version = current[1] if current else ABSENT
                if current_version != expect:
                    raise ConcurrentWriteError(f"{self.url}/{key} was changed by another writer; re-read and retry")
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600 if secret else 0o644)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return self._version(data)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix) if prefix else self.root
        if not base.exists():
            return []
        files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        return sorted(p.relative_to(self.root).as_posix() for p in files
                      if not p.name.endswith(".lock") and not p.name.startswith("."))


class _FileLock:
    """An exclusive lock file (O_EXCL), so check-then-write is one step between local processes."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "_FileLock":
        import time

        deadline = time.monotonic() + 10
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
                return self
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise ConcurrentWriteError(f"{self.path} is held by another writer") from None
                time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


def open_store(url: str | None) -> StateStore:
    """`file:///abs/dir`, `file://rel/dir`, a bare path, or `s3://bucket/prefix`."""
    url = url or os.environ.get(DEFAULT_STATE_STORE_ENV) or "file://.kopsgen-state"
    if url.startswith("s3://"):
        from kopsgen.state.s3 import S3StateStore

        return S3StateStore(url)
    path = url[len("file://"):] if url.startswith("file://") else url
    root = Path(path).expanduser()
    return FileStateStore(url, root)
