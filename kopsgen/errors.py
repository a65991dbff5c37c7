"""Errors are data: every problem with a spec is a FieldError, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FieldError:
    """One problem with one field of one input file.

    `path` is the dotted spec path as a user would write it (`spec.subnets[1].cidr`);
    `file`, `line` and `column` point at the field (or its nearest written ancestor
    when the field was filled in by defaults). Lines and columns count from 1.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


class KopsgenError(Exception):
    """Base for errors the CLI reports without a traceback."""

    exit_code = 1


class SpecError(KopsgenError):
    """The input spec is wrong; carries every problem found."""

    exit_code = 2

    def __init__(self, errors: list[FieldError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class UsageError(KopsgenError):
    """The command line or its environment is wrong (missing file, bad flag value)."""

    exit_code = 2


class WriteRefused(UsageError):
    """A write that needs the user's explicit word (a flag), refused before anything is written: exit 2, as
    `update cluster` exits for changes left unwritten."""


class RenderError(KopsgenError):
    """A valid spec that cannot be rendered for the chosen target (e.g. user data over 16 KB)."""

    exit_code = 2


class StateStoreError(KopsgenError):
    """The state store cannot be read or written, or a concurrent writer was detected."""

    exit_code = 1
