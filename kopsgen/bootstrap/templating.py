"""Our templates (kopsgen/bootstrap/templates/) and the one way they are filled.

Two placeholder forms, nothing else (no logic in templates: decisions live in Python):
- `{{ name }}` anywhere in a line: replaced by the value, verbatim;
- `{{? name }}` alone on a line: replaced by the value, or the whole line (with its newline)
  removed when the value is empty, for optional blocks.
Every placeholder must get a value and every value must be used, so a typo fails loudly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_OPTIONAL_LINE = re.compile(r"^\{\{\? ([a-z0-9_]+) \}\}\n", re.MULTILINE)
_INLINE = re.compile(r"\{\{ ([a-z0-9_]+) \}\}")


@lru_cache(maxsize=None)
def template(name: str) -> str:
    return resources.files("kopsgen.bootstrap").joinpath("templates", name).read_text(encoding="utf-8")


def fill(text: str, values: dict[str, str]) -> str:
    used: set[str] = set()

    def value(name: str) -> str:
        if name not in values:
            raise KeyError(f"template placeholder {name!r} has no value")
        used.add(name)
        return values[name]

    text = _OPTIONAL_LINE.sub(lambda m: value(m.group(1)), text)
    text = _INLINE.sub(lambda m: value(m.group(1)), text)
    unused = set(values) - used
    if unused:
        raise KeyError(f"values without a placeholder: {sorted(unused)}")
    return text


def render(name: str, values: dict[str, str]) -> str:
    return fill(template(name), values)
