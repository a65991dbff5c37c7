"""Progress of slow work (uploads, many files written), reported by the layer doing it.

The code that uploads or writes calls `step("uploaded s3://bucket/key")` once per unit of work. It does
not know whether anyone listens: the CLI listens while it runs a command and decides what to show
(`-v` shows every step). Library callers and tests that do not listen pay nothing.

`notice("...")` is rarer: something the user must be told even without -v (the cluster's CAs were just
made, and where). The CLI listens to notices for the whole command and prints them on stderr.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Listener = Callable[[str], None]

_listener: ContextVar[Listener | None] = ContextVar("kopsgen_progress_listener", default=None)
_notice_listener: ContextVar[Listener | None] = ContextVar("kopsgen_notice_listener", default=None)


def _send(channel: ContextVar[Listener | None], message: str) -> None:
    listener = channel.get()
    if listener is not None:
        listener(message)


@contextmanager
def _listen(channel: ContextVar[Listener | None], listener: Listener) -> Iterator[None]:
    token = channel.set(listener)
    try:
        yield
    finally:
        channel.reset(token)


def step(message: str) -> None:
    """One unit of slow work is done; `message` says what, in a few words."""
    _send(_listener, message)


def listening(listener: Listener) -> "AbstractContextManager[None]":
    """Send the steps reported inside this block to `listener`."""
    return _listen(_listener, listener)


def notice(message: str) -> None:
    """Something the user must be told, once, whatever the verbosity (short of --quiet)."""
    _send(_notice_listener, message)


def noticing(listener: Listener) -> "AbstractContextManager[None]":
    """Send the notices given inside this block to `listener`."""
    return _listen(_notice_listener, listener)
