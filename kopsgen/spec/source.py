"""Read YAML documents into plain data while remembering where each field was written.

PyYAML's composer gives nodes with marks; we build the Python values ourselves so that
every mapping key and sequence item gets a `Position`, and so that alias bombs, deep
nesting, duplicate keys and non-JSON values (binary, timestamps as objects) become clean
errors instead of hangs or surprises downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from kopsgen import yamlfast
from kopsgen.errors import FieldError, SpecError

# Bounds for hostile input. A real kops cluster spec has a few hundred nodes.
MAX_NODES = 100_000
MAX_DEPTH = 64
MAX_FILE_BYTES = 10 * 1024 * 1024

PathKey = str | int
SpecPath = tuple[PathKey, ...]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: Iterable[PathKey]) -> str:
    """`('spec', 'subnets', 1, 'cidr')` -> `spec.subnets[1].cidr`; odd keys are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out or "<document>"


@dataclass(frozen=True)
class Position:
    file: str
    line: int
    column: int


@dataclass
class SourceMap:
    """Positions of the fields of one document, keyed by path."""

    file: str
    start: Position
    positions: dict[SpecPath, Position] = field(default_factory=dict)

    def position(self, path: SpecPath) -> Position:
        """Where `path` was written, or its nearest written ancestor (for defaulted fields)."""
        path = tuple(path)
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.start

    def error(self, path: SpecPath, message: str) -> FieldError:
        pos = self.position(path)
        return FieldError(pos.file, pos.line, pos.column, format_path(path), message)


@dataclass
class Document:
    """One YAML document: its data (JSON-like values only) and where each field was."""

    data: Any
    source: SourceMap

    @property
    def kind(self) -> str | None:
        return self.data.get("kind") if isinstance(self.data, dict) else None

    @property
    def name(self) -> str | None:
        if not isinstance(self.data, dict):
            return None
        meta = self.data.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        return name if isinstance(name, str) else None


class _Builder:
    """Turns a composed node tree into plain values plus a position for every path."""

    def __init__(self, source: SourceMap):
        self.source = source
        self.errors: list[FieldError] = []
        self.count = 0
        self._scalars = yaml.SafeLoader("")  # only its scalar constructors are used

    def _pos(self, node: yaml.Node) -> Position:
        return Position(self.source.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: SpecPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(self._pos(node), path, f"document expands to more than {MAX_NODES} values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise _TooBig(self._pos(node), path, f"nested deeper than {MAX_DEPTH} levels")
        self.source.positions.setdefault(path, self._pos(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: SpecPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._merge(result, value_node, path, depth)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                pos = self._pos(key_node)
                self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(path),
                                              "mapping keys must be plain strings"))
                continue
            # Keys are always names in kops's API: take the text as written, so `on:` or `1:` stay strings.
            key = key_node.value
            child = path + (key,)
            if key in result:
                pos = self._pos(key_node)
                self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(child),
                                              f'duplicate key "{key}"'))
                continue
            self.source.positions[child] = self._pos(key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _merge(self, into: dict, value_node: yaml.Node, path: SpecPath, depth: int) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for src in sources:
            merged = self.build(src, path, depth + 1)
            if not isinstance(merged, dict):
                pos = self._pos(src)
                self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(path),
                                              "a YAML merge (<<) needs a mapping"))
                continue
            for k, v in merged.items():
                into.setdefault(k, v)

    def _scalar(self, node: yaml.ScalarNode, path: SpecPath) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep timestamps as the text the user wrote (JSON has no dates)
        if tag == "tag:yaml.org,2002:binary" or tag not in self._scalars.yaml_constructors:
            pos = self._pos(node)
            self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(path),
                                          f"unsupported YAML tag {tag}"))
            return None
        try:
            value = self._scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            pos = self._pos(node)
            self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(path), f"bad value: {exc}"))
            return None
        if isinstance(value, float) and value != value:  # NaN is not JSON
            pos = self._pos(node)
            self.errors.append(FieldError(pos.file, pos.line, pos.column, format_path(path), "NaN is not a valid value"))
            return None
        return value


class _TooBig(Exception):
    def __init__(self, pos: Position, path: SpecPath, message: str):
        self.error = FieldError(pos.file, pos.line, pos.column, format_path(path), message)


def parse_documents(text: str, file: str) -> list[Document]:
    """Parse every YAML document in `text`; raise SpecError listing every problem found."""
    documents: list[Document] = []
    errors: list[FieldError] = []
    try:
        for node in yamlfast.compose_all(text):
            if node is None:
                continue
            start = Position(file, node.start_mark.line + 1, node.start_mark.column + 1)
            source = SourceMap(file, start)
            builder = _Builder(source)
            try:
                data = builder.build(node, ())
            except _TooBig as big:
                errors.append(big.error)
                continue
            errors.extend(builder.errors)
            if data is None:
                continue
            documents.append(Document(data, source))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        where = exc.context_mark
        if exc.problem and exc.context and where is not None and (where.line, where.column) != (line - 1, col - 1):
            # e.g. "while parsing a flow sequence" + where it started: the bracket left open
            problem += f" ({exc.context.removeprefix('while ')} started at line {where.line + 1}, " \
                       f"column {where.column + 1})"
        errors.append(FieldError(file, line, col, "<document>", f"YAML syntax: {problem}"))
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        line, col = _reader_position(text, exc)
        errors.append(FieldError(file, line, col, "<document>", f"not valid YAML text: {_short(exc)}"))
    except RecursionError:
        errors.append(FieldError(file, 1, 1, "<document>", f"nested deeper than {MAX_DEPTH} levels"))
    if errors:
        raise SpecError(errors)
    return documents


def _reader_position(text: str, exc: yaml.YAMLError) -> tuple[int, int]:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        before = text[:position]
        return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
    return 1, 1


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_documents(path: str | Path) -> list[Document]:
    """Read one file (or `-` for stdin) of YAML or JSON documents."""
    name = str(path)
    try:
        if name == "-":
            import sys

            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SpecError([FieldError(name, 1, 1, "<file>", f"cannot read: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SpecError([FieldError(name, 1, 1, "<file>", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError([FieldError(name, line, col, "<file>", "not UTF-8 text")]) from None
    return parse_documents(text, name)
