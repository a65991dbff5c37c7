"""State store interface and its file:// implementation (s3:// lives in s3.py, open_store in backends.py).

Every backend gives the same guarantees:
- a write is atomic: a reader sees the old bytes or the new bytes, never a mix, and a writer that
  dies half way leaves the old bytes in place;
- a write (or delete) can be made conditional on the version read before (`expect=`), and then a
  concurrent writer is detected (ConcurrentWriteError) instead of silently overwritten;
- objects holding private material (see layout.is_secret) are private: mode 0600 on disk,
  server-side encryption on S3.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kopsgen.errors import StateStoreError, UsageError
from kopsgen.state import layout

DEFAULT_STATE_STORE_ENV = "KOPSGEN_STATE_STORE"
# The local default, for trying kopsgen out: one folder per user, whatever folder kopsgen runs in (a folder
# relative to the working directory made a second set of CAs for every folder a spec was rendered from).
DEFAULT_STATE_FOLDER = ("kopsgen", "state-store")   # under $XDG_STATE_HOME, else ~/.local/state
DEFAULT_STATE_STORE_HELP = "$XDG_STATE_HOME/kopsgen/state-store, else ~/.local/state/kopsgen/state-store"


class ConcurrentWriteError(StateStoreError):
    """Someone else changed the object between our read and our write."""


@dataclass(frozen=True)
class Version:
    """An opaque token for the version of an object that was read (an ETag, a content hash)."""

    token: str


ABSENT = Version("")  # expect the object not to exist yet


def check_key(key: str) -> str:
    """Keys are relative, `/`-separated, with no empty, `.`/`..` or hidden (dot-leading) parts:
    hidden names are the file store's own (temporary files, the lock)."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(not p or p.startswith(".") for p in parts):
        raise StateStoreError(f"invalid state store key {key!r}")
    return key


class StateStore(abc.ABC):
    url: str
    persistent = True   # False for a view whose writes are dropped (overlay.py)

    @abc.abstractmethod
    def read(self, key: str) -> tuple[bytes, Version] | None:
        """The object's bytes and version, or None when it does not exist."""

    @abc.abstractmethod
    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool | None = None) -> Version:
        """Write atomically and return the new version. With `expect`, fail with ConcurrentWriteError
        unless the current version is `expect` (ABSENT: the object must not exist yet). `secret`
        defaults to what the layout says about `key`."""

    @abc.abstractmethod
    def delete(self, key: str, *, expect: Version | None = None) -> None:
        """Remove one object (no error if absent). With `expect`, fail with ConcurrentWriteError
        unless the current version is `expect`."""

    @abc.abstractmethod
    def list(self, prefix: str = "") -> list[str]:
        """Keys inside the folder `prefix` (every key when empty), sorted."""

    def version(self, key: str) -> Version | None:
        found = self.read(key)
        return found[1] if found else None

    def location(self, key: str) -> str:
        """A URL for `key`, for messages (`s3://bucket/prefix/key`, `file:///dir/key`)."""
        return f"{self.url.rstrip('/')}/{key}"


class FileStateStore(StateStore):
    """A folder on disk. Writers take one lock per store (`flock`, released by the kernel if the
    writer dies), write a temporary file beside the target, fsync it and rename it into place."""

    LOCK_NAME = ".kopsgen-lock"
    TMP_SUFFIX = ".tmp"

    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def location(self, key: str) -> str:
        """The object's absolute `file://` URL, so that a message names the same place from any folder."""
        return f"file://{os.path.abspath(self.root / check_key(key))}"

    @staticmethod
    def _version(data: bytes) -> Version:
        return Version(hashlib.sha256(data).hexdigest())

    def read(self, key: str) -> tuple[bytes, Version] | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            raise StateStoreError(f"{self.location(key)} is a folder, not an object") from None
        except OSError as exc:
            raise StateStoreError(f"cannot read {self.location(key)}: {exc.strerror}") from None
        return data, self._version(data)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / self.LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            # the user's to fix (a folder that cannot be made or written): exit 2, before anything is written
            raise UsageError(f"cannot use state store {self.url}: {exc.strerror}; choose another --state or fix "
                             f"its permissions") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _check(self, key: str, expect: Version | None) -> None:
        if expect is None:
            return
        current = self.read(key)
        current_version = current[1] if current else ABSENT
        if current_version != expect:
            what = "already exists" if expect == ABSENT else (
                "was deleted" if current is None else "was changed")
            raise ConcurrentWriteError(f"{self.location(key)} {what} by another writer; read it again and retry")

    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool | None = None) -> Version:
        path = self._path(key)
        secret = layout.is_secret(key) if secret is None else secret
        with self._locked():
            self._check(key, expect)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._remove_stale_temporaries(path)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=self.TMP_SUFFIX)
            except OSError as exc:
                raise StateStoreError(f"cannot write {self.location(key)}: {exc.strerror}") from None
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600 if secret else 0o644)
                os.replace(tmp, path)
                _fsync_dir(path.parent)
            except BaseException as exc:
                Path(tmp).unlink(missing_ok=True)
                if isinstance(exc, OSError):
                    raise StateStoreError(f"cannot write {self.location(key)}: {exc.strerror}") from None
                raise
        return self._version(data)

    def _remove_stale_temporaries(self, path: Path) -> None:
        # Temporary files are only made under the lock, which we hold: any left over is from a
        # writer that died before its rename.
        for stale in path.parent.glob(f".{path.name}.*{self.TMP_SUFFIX}"):
            stale.unlink(missing_ok=True)

    def delete(self, key: str, *, expect: Version | None = None) -> None:
        path = self._path(key)
        with self._locked():
            self._check(key, expect)
            try:
                path.unlink(missing_ok=True)
            except IsADirectoryError:
                raise StateStoreError(f"{self.location(key)} is a folder, not an object") from None
            except OSError as exc:
                raise StateStoreError(f"cannot delete {self.location(key)}: {exc.strerror}") from None
            self._remove_empty_parents(path.parent)

    def _remove_empty_parents(self, folder: Path) -> None:
        root = self.root.resolve()
        folder = folder.resolve()
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def list(self, prefix: str = "") -> list[str]:
        base = self._path(prefix.rstrip("/")) if prefix else self.root
        if not base.is_dir():
            return []
        keys = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if not name.startswith("."):
                    keys.append((Path(dirpath) / name).relative_to(self.root).as_posix())
        return sorted(keys)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (the directory entry), not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_state_store() -> str:
    """The local default store, an absolute `file://` URL: $XDG_STATE_HOME/kopsgen/state-store (when
    XDG_STATE_HOME is absolute, as the XDG spec requires), else ~/.local/state/kopsgen/state-store."""
    xdg = os.environ.get("XDG_STATE_HOME", "")
    if xdg and os.path.isabs(xdg):
        base = Path(xdg)
    else:
        try:
            base = Path.home() / ".local" / "state"
        except RuntimeError:  # no HOME and no passwd entry
            raise UsageError(f"no home folder for the default state store: set {DEFAULT_STATE_STORE_ENV} "
                             "(s3://BUCKET/PREFIX, or file:///ABSOLUTE/DIR to try kopsgen out)") from None
    return f"file://{base.joinpath(*DEFAULT_STATE_FOLDER)}"


def state_store_url(url: str | None = None) -> str:
    """The store to use: the given URL (a `--state` flag), else $KOPSGEN_STATE_STORE, else the
    local default."""
    return url or os.environ.get(DEFAULT_STATE_STORE_ENV) or default_state_store()


def absolute_store_url(url: str) -> str:
    """`url` with a folder made absolute (`file://rel`, a bare path, `~`), resolved against the current
    folder; other URLs unchanged. For what is written into a spec (`create cluster`'s configBase), so that
    the spec means the same folder wherever it is rendered from."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme != "file":
        return url
    path = rest if sep else url
    if not path:
        return url
    return f"file://{os.path.abspath(os.path.expanduser(path))}"
