"""How the CLI speaks to its user: verbosity, colour, progress lines and tables, one helper each.

Every command goes through these, so they all honour the same conventions:

- `--quiet` leaves only the command's data (what you would pipe) and errors; `-v` adds detail, such as
  each file uploaded. Every command and group takes these flags (GlobalFlags), before or after the
  subcommand; their values are merged once per run and kept in the click context.
- Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
- Work that may take a while (building the graph, uploads, writing many files) runs inside `task(...)`: its
  line appears only if the work takes over a second and stderr is a terminal, so fast runs and logs stay
  quiet and slow ones never look stuck (-v shows it always, with each step).
- Status lines go where the command has always written them; data goes to stdout.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Iterator

import click

from kopsgen import progress

QUIET, NORMAL, VERBOSE = -1, 0, 1
# Work that takes longer than this gets a progress line (at once with -v).
SLOW_SECONDS = 1.0

_META_KEY = "kopsgen.console"

# What a styled piece of text means, and how it looks on a terminal.
STYLES = {
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow"},
    "ok": {"fg": "green"},
    "heading": {"bold": True},
    "dim": {"dim": True},
}


def colour_enabled(stream: IO | None = None) -> bool:
    """Colour for a terminal, unless NO_COLOR is set to anything but the empty string."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def style(text: str, role: str, stream: IO | None = None) -> str:
    """`text` dressed for its role (see STYLES) when `stream` shows colour, else unchanged."""
    return click.style(text, **STYLES[role]) if colour_enabled(stream) else text


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun agreeing with it: "1 file", "2 files", "0 files"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns, the first row a header, two spaces apart; no trailing blanks."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines[0] = style(lines[0], "heading")
    return "".join(line + "\n" for line in lines)


@dataclass
class Console:
    """The user's choice of verbosity for one command run, and the ways to speak that honour it."""

    verbosity: int = NORMAL

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    def status(self, message: str, *, err: bool = False) -> None:
        """A line about what was done ("wrote 12 files to out/"): hidden by --quiet."""
        if not self.quiet:
            click.echo(message, err=err)

    def detail(self, message: str) -> None:
        """A line only -v shows, on stderr."""
        if self.verbosity >= VERBOSE:
            click.echo(style(f"  {message}", "dim", sys.stderr), err=True)

    def warning(self, message: str) -> None:
        """Always shown, on stderr: something the user should know even with --quiet."""
        click.echo(f"{style('warning:', 'warning', sys.stderr)} {message}", err=True)

    def error(self, message: str) -> None:
        click.echo(f"{style('error:', 'error', sys.stderr)} {message}", err=True)

    @contextmanager
    def task(self, label: str) -> Iterator[None]:
        """Run slow work: `label` is shown on stderr once the work has taken SLOW_SECONDS (at once with
        -v, never with --quiet), then how long it took; with -v each progress.step inside is shown too."""
        shown = threading.Event()

        def show() -> None:
            shown.set()
            click.echo(f"{label} ...", err=True)

        timer = None
        if self.verbosity >= VERBOSE:
            show()
        elif not self.quiet and stderr_is_terminal():   # a log or a pipe gets no progress lines
            timer = threading.Timer(SLOW_SECONDS, show)
            timer.daemon = True
            timer.start()
        started = time.monotonic()
        try:
            with progress.listening(self.detail):
                yield
        finally:
            if timer is not None:
                timer.cancel()
                timer.join()
        if shown.is_set():
            click.echo(f"{label}: done in {time.monotonic() - started:.1f}s", err=True)


def stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def set_console(ctx: click.Context, console: Console) -> None:
    ctx.meta[_META_KEY] = console


# --- the global flags: -v/--verbose, -q/--quiet, --debug, before or after the subcommand -----------------------

_FLAGS_KEY = "kopsgen.flags"
GLOBAL_FLAGS = ("verbose", "quiet", "debug")


def _global_options() -> list[click.Option]:
    """Fresh Option objects (click keeps per-parameter state) for one command."""
    return [
        click.Option(["-v", "--verbose"], count=True,
                     help="Say more, e.g. every file uploaded; -vv is the same for now."),
        click.Option(["-q", "--quiet"], is_flag=True, help="Print only the command's data and errors."),
        click.Option(["--debug"], is_flag=True, envvar="KOPSGEN_DEBUG", show_envvar=True,
                     help="Show tracebacks for unexpected errors."),
    ]


class GlobalFlags:
    """Gives a click command the global flags, so that `kopsgen -q render` and `kopsgen render -q` (and
    `kopsgen get -q clusters`) mean the same. Each level's values are merged into one setting for the
    whole run (kept in ctx.meta, which every context of a run shares): -v counts add up, -q and --debug
    hold if given anywhere. The flags are taken out of ctx.params, so callbacks never see them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.extend(_global_options())

    def invoke(self, ctx: click.Context):
        merged = ctx.meta.setdefault(_FLAGS_KEY, {"verbose": 0, "quiet": False, "debug": False})
        given = {name: ctx.params.pop(name, None) for name in GLOBAL_FLAGS}
        merged["verbose"] += given["verbose"] or 0
        merged["quiet"] = merged["quiet"] or bool(given["quiet"])
        merged["debug"] = merged["debug"] or bool(given["debug"])
        if merged["verbose"] and merged["quiet"]:
            raise click.UsageError("-v/--verbose and -q/--quiet contradict each other: choose one", ctx)
        set_console(ctx, Console(QUIET if merged["quiet"] else NORMAL + merged["verbose"]))
        if ctx.params.get("state"):
            # a malformed --state (or KOPSGEN_STATE_STORE) is refused even where this run would not use it
            from kopsgen.state import open_store

            open_store(ctx.params["state"])
        return super().invoke(ctx)


def debug_enabled(ctx: click.Context | None) -> bool:
    """Whether --debug (or KOPSGEN_DEBUG) was given at any level of the run."""
    return bool(ctx is not None and ctx.meta.get(_FLAGS_KEY, {}).get("debug"))


class Command(GlobalFlags, click.Command):
    """Every kopsgen command: the global flags wherever the user types them."""


class Group(GlobalFlags, click.Group):
    """Every kopsgen group: the global flags, and subcommands and subgroups made of these classes."""

    command_class = Command


Group.group_class = Group


def console() -> Console:
    """The current command's Console (a default one outside a command, e.g. in library use)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_META_KEY) if ctx is not None else None
    return found if found is not None else Console()
