"""Progress of slow work (uploads, many files written), reported by the layer doing it.

The code that uploads or writes calls `step("uploaded s3://bucket/key")` once per unit of work. It does
not know whether anyone listens: the CLI listens while it runs a command and decides what to show
(`-v` shows every step). Library callers and tests that do not listen pay nothing.

`notice("...")` is rarer: something the user must be told even without -v (the cluster's CAs were just
made, and where). The CLI listens to notices for the whole command and prints them on stderr.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Listener = Callable[[str], None]

_listener: ContextVar[Listener | None] = ContextVar("kopsgen_progress_listener", default=None)
_notice_listener: ContextVar[Listener | None] = ContextVar("kopsgen_notice_listener", default=None)


def step(message: str) -> None:
    """One unit of slow work is done; `message` says what, in a few words."""
    listener = _listener.get()
    if listener is not None:
        listener(message)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the steps reported inside this block to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def notice(message: str) -> None:
    """Something the user must be told, once, whatever the verbosity (short of --quiet)."""
    listener = _notice_listener.get()
    if listener is not None:
        listener(message)


@contextmanager
def noticing(listener: Listener) -> Iterator[None]:
    """Send the notices given inside this block to `listener`."""
    token = _notice_listener.set(listener)
    try:
        yield
    finally:
        _notice_listener.reset(token)
