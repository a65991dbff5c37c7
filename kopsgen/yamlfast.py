"""PyYAML's safe loader in C (libyaml) when PyYAML was built with it: the same values, ten times faster.

Every render parses the spec (40,000 lines for a 1000-group cluster), the addon templates and the
CA keysets. The two parsers agree on what they read, node for node, with two exceptions found by
differential testing (tests/system/test_fast_paths.py): libyaml accepts some tabs the pure-Python parser
refuses, and places empty explicit (`?`) keys elsewhere. Text with a tab or a `?` therefore goes
to the pure-Python parser, as does any text libyaml fails on (its error messages are worded
differently): what a caller sees, a value or an error and its message, is yaml.SafeLoader's.
"""

from __future__ import annotations

from typing import Any, Iterable

import yaml

FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _loader(text: str | bytes) -> type:
    marks = (b"\t", b"?") if isinstance(text, bytes) else ("\t", "?")
    return yaml.SafeLoader if any(mark in text for mark in marks) else FastSafeLoader


def safe_load(text: str | bytes) -> Any:
    try:
        return yaml.load(text, Loader=_loader(text))
    except Exception:  # noqa: BLE001 (any failure: the pure-Python loader has the last word)
        return yaml.load(text, Loader=yaml.SafeLoader)


def safe_load_all(text: str | bytes) -> list[Any]:
    try:
        return list(yaml.load_all(text, Loader=_loader(text)))
    except Exception:  # noqa: BLE001 (any failure: the pure-Python loader has the last word)
        return list(yaml.load_all(text, Loader=yaml.SafeLoader))


def compose_all(text: str) -> Iterable[yaml.Node | None]:
    """The node tree of every document (nodes carry their line and column). After a YAML error this is
    the pure-Python loader's lazy stream: the documents before the error, then its error, as always."""
    try:
        return list(yaml.compose_all(text, Loader=_loader(text)))
    except Exception:  # noqa: BLE001 (any failure: the pure-Python loader has the last word)
        return yaml.compose_all(text, Loader=yaml.SafeLoader)
