"""Write a rendered output folder without ever leaving it half old, half new, or losing a user's files.

Everything is rendered in memory first, so a failing render never touches the disk. Then:
1. the new files are written into `OUT/.kopsgen-staging/` and a `COMMIT` marker is written last;
2. each staged file replaces its old version with an atomic rename, files kopsgen wrote last
   time but not this time are removed, and the manifest (`.kopsgen-manifest.json`) is written;
3. the staging folder is removed.
A crash in step 1 leaves the old output as it was (the next run discards the staging folder);
a crash in step 2 is finished by the next run, which finds the COMMIT marker. Files that
kopsgen did not write (terraform state, `.terraform/`, the user's own `*.tf`) are never touched:
a render that would replace one, or that finds a folder (or a file) where it writes a file (or a
folder), stops before step 1 and says what is in the way.
Writers take turns: each holds an exclusive lock on the folder while it writes.

A file whose bytes and mode are already in place is not staged again (each staged file costs an
fsync, and re-rendering an unchanged cluster is the common case): it keeps its modification time,
and a render that changes nothing writes nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from kopsgen.errors import KopsgenError

MANIFEST = ".kopsgen-manifest.json"
STAGING = ".kopsgen-staging"
COMMIT_MARKER = "COMMIT"


class OutputError(KopsgenError):
    exit_code = 1


def _safe_relative(path: str) -> str:
    p = Path(path)
    if p.is_absolute() or ".." in p.parts or path in (MANIFEST, STAGING) or p.parts[0] == STAGING:
        raise OutputError(f"refusing to write outside the output folder: {path}")
    return p.as_posix()


def _fsync_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def read_manifest(out_dir: Path) -> list[str]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text())
        files = data.get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []


def recover(out_dir: Path) -> None:
    """Finish or discard what an interrupted write left behind."""
    staging = out_dir / STAGING
    if not staging.exists():
        return
    if (staging / COMMIT_MARKER).exists():
        _commit(out_dir, staging)
    shutil.rmtree(staging, ignore_errors=True)


def write_output(out_dir: str | Path, files: dict[str, bytes], *, secret_files: frozenset[str] = frozenset()) -> None:
    """Replace kopsgen's files in `out_dir` with `files` (relative path -> bytes)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with _one_writer(out):
        _write_locked(out, files, secret_files)


@contextmanager
def _one_writer(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself while writing: a second render into the same folder
    waits for the first to finish (otherwise each would discard the other's staging folder half way,
    and one or both would fail with the folder half written). The lock goes with the process."""
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_locked(out: Path, files: dict[str, bytes], secret_files: frozenset[str]) -> None:
    recover(out)
    names = sorted(_safe_relative(p) for p in files)
    modes = {name: 0o600 if name in secret_files else 0o644 for name in names}
    manifest = (json.dumps({"files": names}, indent=2) + "\n").encode()
    changed = [name for name in names if not _in_place(out / name, files[name], modes[name])]
    if not changed and _in_place(out / MANIFEST, manifest, 0o644):
        return  # the folder holds exactly this render already (the manifest says nothing is stale)
    in_the_way = _in_the_way(out, changed)
    if in_the_way:
        raise OutputError(f"nothing was written to {out}: " + "; ".join(in_the_way))
    staging = out / STAGING
    staging.mkdir()
    try:
        for name in changed:
            _fsync_write(staging / name, files[name], modes[name])
        _fsync_write(staging / MANIFEST, manifest)
        _fsync_write(staging / COMMIT_MARKER, b"")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _commit(out, staging)
    shutil.rmtree(staging, ignore_errors=True)


def _in_the_way(out: Path, names: list[str]) -> list[str]:
    """What in `out` stops `names` from being written there, each named once: a file kopsgen did not
    write (the user's, perhaps the very spec being rendered), a folder where a file goes, or a file
    where a folder goes."""
    ours = set(read_manifest(out))
    found: dict[Path, str] = {}
    for name in names:
        target = out / name
        parents = [out / folder for folder in reversed(Path(name).parents[:-1])]  # data, then data/sub, ...
        blocking = next((p for p in parents if (p.exists() or p.is_symlink()) and not p.is_dir()), None)
        if blocking is not None:
            found[blocking] = f"{blocking} is a file, and kopsgen writes files in a folder of that name"
        elif target.is_dir():
            found[target] = f"{target} is a folder, and kopsgen writes a file of that name"
        elif (target.exists() or target.is_symlink()) and name not in ours:
            found[target] = f"{target} was not written by kopsgen, which would replace it (move it away first)"
    return [found[path] for path in sorted(found)]


def _in_place(path: Path, data: bytes, mode: int) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `data` with permissions `mode`."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode or info.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _commit(out: Path, staging: Path) -> None:
    new_manifest = json.loads((staging / MANIFEST).read_text())["files"] if (staging / MANIFEST).exists() \
        else read_manifest(out)
    old = set(read_manifest(out))
    for name in new_manifest:
        staged = staging / name
        if staged.exists():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, out / name)
    for stale in sorted(old - set(new_manifest)):
        target = out / stale
        if target.is_file():
            target.unlink()
            _prune_empty_dirs(out, target.parent)
    if (staging / MANIFEST).exists():
        os.replace(staging / MANIFEST, out / MANIFEST)


def _prune_empty_dirs(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
