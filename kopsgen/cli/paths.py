"""Paths a command will write, checked before anything is written: a file in the way, a folder that cannot
be written (permissions, a read-only or special file system such as /sys). Each problem is a UsageError
(exit 2) naming the flag and what to change, so a mistake never surfaces half way as an internal error.

The check for write permission creates and removes an empty probe file in the nearest existing folder:
`os.access` says yes to root everywhere, even where the file system refuses.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kopsgen.errors import UsageError


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def _refuse_file_in_the_way(path: Path, flag: str, shown: str) -> Path:
    """The nearest existing folder at or above `path`; refused if a file stands where a folder must be."""
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise UsageError(f"{flag} {shown}: {existing} is a file, not a folder; choose another {flag}")
    return existing


def _refuse_unwritable(folder: Path, flag: str, shown: str) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=".kopsgen-probe-", dir=folder)
    except OSError as exc:
        raise UsageError(f"{flag} {shown}: cannot write in {folder} ({exc.strerror or exc}); "
                         f"choose another {flag}") from None
    os.close(fd)
    os.unlink(probe)


def check_output_folder(path: str | Path, flag: str) -> None:
    """`path` can be made a folder (missing parents are made too) and written into."""
    shown = str(path)
    folder = _refuse_file_in_the_way(Path(path).expanduser(), flag, shown)
    _refuse_unwritable(folder, flag, shown)


def check_output_file(path: str | Path, flag: str, *, make_parents: bool = False) -> None:
    """`path` can be written as a file: not a folder, in a folder that can be written; that folder must
    exist unless the command makes it (`make_parents`)."""
    shown, target = str(path), Path(path).expanduser()
    if target.is_dir():
        raise UsageError(f"{flag} {shown}: it is a folder, not a file; give a file name")
    folder = _refuse_file_in_the_way(target.parent, flag, shown)
    if not make_parents and folder != target.parent:
        raise UsageError(f"{flag} {shown}: the folder {target.parent} does not exist; create it or choose another "
                         f"{flag}")
    _refuse_unwritable(folder, flag, shown)
