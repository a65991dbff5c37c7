"""A small canonical writer for Terraform configuration, as HCL2 or as Terraform JSON.

The document model is plain Python: a body is a dict whose values are scalars, lists,
dicts (HCL object values, e.g. `tags = {...}`), `Expr` (a raw expression such as
`aws_vpc.x.id`) or `Blocks` (repeated nested blocks, e.g. `tag { ... }`). Keys are
written sorted, as kops writes them, so output is deterministic and diffs stay small.
Tests hold this writer to `terraform fmt -check` and to a python-hcl2 round trip.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Iterable

from kopsgen import jsontext


@dataclass(frozen=True)
class Expr:
    """A Terraform expression written as-is (HCL) or as `${...}` (JSON)."""

    text: str


@dataclass(frozen=True)
class Static:
    """A static reference Terraform reads as a name, not a value: `provider = aws.files`,
    `ignore_changes = [desired_capacity]`. Bare in HCL, a plain string in JSON."""

    text: str


@dataclass(frozen=True)
class Blocks:
    """One or more nested blocks of the same type, each a body dict."""

    bodies: tuple[dict, ...]

    @staticmethod
    def of(*bodies: dict) -> "Blocks":
        return Blocks(tuple(bodies))


@dataclass(frozen=True)
class Merge:
    """`merge(<base>, {...})`: a literal map merged over the map expression `base`, its keys winning (a module's
    extra tags under the tags kopsgen writes)."""

    base: str
    value: dict


@dataclass(frozen=True)
class Dynamic:
    """A `dynamic "<key>"` block: one nested block per element of `for_each`, each from `content`."""

    for_each: Any
    content: dict


@dataclass(frozen=True)
class Labelled:
    """A nested block with one label, e.g. `backend "s3" { ... }` inside `terraform {}`."""

    label: str
    body: dict


def file_expr(function: str, data_path: str) -> Expr:
    """`file("${path.module}/data/...")`-style reference to a file written beside the config."""
    return Expr(f'{function}("${{path.module}}/{data_path}")')


@dataclass(frozen=True)
class TopLevel:
    """A top-level block: `resource "type" "label" {}`, `data ...`, `provider "aws" {}`, `output "x" {}`,
    `locals {}` or `terraform {}`. `labels` are the quoted labels after the block type."""

    block_type: str
    labels: tuple[str, ...]
    body: dict


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\n\r\t]|\$\{|%\{|[\x00-\x1f\x7f]')


def hcl_string(value: str) -> str:
    """Quote a literal string for HCL; template sequences are escaped so they stay literal."""

    def repl(m: re.Match) -> str:
        s = m.group(0)
        if s in _ESCAPES:
            return _ESCAPES[s]
        if s == "${":
            return "$${"
        if s == "%{":
            return "%%{"
        return f"\\u{ord(s):04x}"

    return '"' + _NEEDS_ESCAPE.sub(repl, value) + '"'


def _inline(value: Any) -> str | None:
    """The single-line HCL form of a value, or None if it must span lines."""
    if isinstance(value, (Expr, Static)):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return hcl_string(value)
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        parts = [_inline(v) for v in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        return "{}" if not value else None
    if isinstance(value, Merge):
        return None
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def _object_key(key: str) -> str:
    return hcl_string(key)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def body(self, body: dict, indent: int) -> None:
        pad = "  " * indent
        group: list[tuple[str, str]] = []  # run of single-line attributes, aligned together

        def flush() -> None:
            if group:
                width = max(len(k) for k, _ in group)
                self.lines.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in group)
                group.clear()

        for key in sorted(body):
            value = body[key]
            if isinstance(value, Dynamic):
                flush()
                self.lines.append(f"{pad}dynamic {hcl_string(key)} {{")
                self.body({"for_each": value.for_each, "content": Blocks.of(value.content)}, indent + 1)
                self.lines.append(f"{pad}}}")
                continue
            if isinstance(value, Blocks):
                flush()
                for block in value.bodies:
                    self.lines.append(f"{pad}{key} {{")
                    self.body(block, indent + 1)
                    self.lines.append(f"{pad}}}")
                continue
            if isinstance(value, Labelled):
                flush()
                self.lines.append(f"{pad}{key} {hcl_string(value.label)} {{")
                self.body(value.body, indent + 1)
                self.lines.append(f"{pad}}}")
                continue
            inline = _inline(value)
            if inline is not None:
                group.append((key, inline))
                continue
            flush()
            self.lines.append(f"{pad}{key} = {self.multiline(value, indent)}")
        flush()

    def multiline(self, value: Any, indent: int) -> str:
        """A dict (HCL object) or a list holding objects, spanning several lines."""
        pad = "  " * indent
        if isinstance(value, Merge):
            return f"merge({value.base}, {self.multiline(value.value, indent)})"
        if isinstance(value, dict):
            inner = "  " * (indent + 1)
            rows: list[str] = []
            group: list[tuple[str, str]] = []

            def flush() -> None:
                if group:
                    width = max(len(k) for k, _ in group)
                    rows.extend(f"{inner}{k.ljust(width)} = {v}" for k, v in group)
                    group.clear()

            for key in sorted(value):
                item = value[key]
                inline = _inline(item)
                if inline is not None:
                    group.append((_object_key(key), inline))
                else:
                    flush()
                    rows.append(f"{inner}{_object_key(key)} = {self.multiline(item, indent + 1)}")
            flush()
            return "{\n" + "\n".join(rows) + f"\n{pad}}}"
        inner = "  " * (indent + 1)
        rows = []
        for item in value:
            inline = _inline(item)
            rows.append(f"{inner}{inline if inline is not None else self.multiline(item, indent + 1)},")
        return "[\n" + "\n".join(rows) + f"\n{pad}]"


def to_hcl(blocks: Iterable[TopLevel], comments: Iterable[str] = (), header: Iterable[str] = ()) -> str:
    """HCL2; `header` lines become one `#` paragraph at the top of the file, each line of it a line, then
    each of `comments` a `#` paragraph of its own."""
    writer = _Writer()
    header = list(header)
    if header:
        for line in header:
            writer.lines.extend(f"# {part}" for part in textwrap.wrap(line, 116))
        writer.lines.append("")
    for comment in comments:
        writer.lines.extend(f"# {line}" for line in textwrap.wrap(comment, 96))
        writer.lines.append("")
    first = True
    for block in blocks:
        if not first:
            writer.lines.append("")
        first = False
        labels = "".join(f" {hcl_string(label)}" for label in block.labels)
        writer.lines.append(f"{block.block_type}{labels} {{")
        writer.body(block.body, 1)
        writer.lines.append("}")
    return "\n".join(writer.lines) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, Expr):
        return "${" + value.text + "}"
    if isinstance(value, Static):
        return value.text
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, Merge):
        return "${merge(" + value.base + ", " + _inline_map(value.value) + ")}"
    if isinstance(value, Labelled):
        return {value.label: _json_body(value.body)}
    if isinstance(value, Blocks):
        bodies = [_json_body(b) for b in value.bodies]
        return bodies[0] if len(bodies) == 1 else bodies
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _json_body(body: dict) -> dict:
    out = {k: _json_value(v) for k, v in sorted(body.items()) if not isinstance(v, Dynamic)}
    dynamic = {k: {"for_each": _json_value(v.for_each), "content": _json_body(v.content)}
               for k, v in sorted(body.items()) if isinstance(v, Dynamic)}
    return {**out, "dynamic": dynamic} if dynamic else out


def _inline_map(value: dict) -> str:
    """A map of literal values as a one-line HCL object, for an expression inside a JSON string."""
    return "{" + ", ".join(f"{hcl_string(k)} = {_inline(v)}" for k, v in sorted(value.items())) + "}"


def to_json(blocks: Iterable[TopLevel], comments: Iterable[str] = (), header: Iterable[str] = ()) -> str:
    """Terraform JSON syntax: nested objects by block type and labels. The `header` lines, then `comments`,
    go into the root object's `//` property, which Terraform ignores (its JSON syntax's comment)."""
    doc: dict[str, Any] = {}
    comments = [*header, *comments]
    if comments:
        doc["//"] = comments[0] if len(comments) == 1 else comments
    for block in blocks:
        if block.block_type == "provider":
            # several provider blocks of one name (aliases) become a list
            doc.setdefault("provider", {}).setdefault(block.labels[0], []).append(_json_body(block.body))
            continue
        if not block.labels:  # locals, terraform
            doc.setdefault(block.block_type, {}).update(_json_body(block.body))
            continue
        node = doc.setdefault(block.block_type, {})
        for label in block.labels[:-1]:
            node = node.setdefault(label, {})
        node[block.labels[-1]] = _json_body(block.body)
    return jsontext.dumps_sorted_indented(doc) + "\n"   # json.dumps(indent=2, sort_keys=True), faster
