"""A render of a cluster reduced to what a preview compares, and the record of it kept in the state store.

`kopsgen update cluster --yes` records each render it writes at `<cluster>/kopsgen/last-render/<target>.json`
(state/layout.py: last_render_key); the next `update cluster` compares its own render with that record.
The record is JSON, sorted, without timestamps:

    {
      "apiVersion": "kopsgen.io/v1alpha1",
      "kind": "LastRender",
      "cluster": "c.example.com",
      "target": "terraform",                  # or cloudformation
      "format": "hcl",                         # the output's format (hcl/json, json/yaml)
      "kopsgenVersion": "0.1.0",
      "configBase": "s3://bucket/c.example.com",
      "resources": [                           # every block of the output, sorted by address
        {
          "address": "aws_subnet.eu-west-1a-c-example-com",   # Terraform address, or CloudFormation logical ID
          "type": "aws_subnet",
          "title": "aws_subnet.eu-west-1a-c-example-com",     # how a preview names it
          "role": "resource",                                 # or lookup (a data source), setting (output, ...)
          "source": "Subnet:eu-west-1a.c.example.com",        # the IR resource it was made from (or null)
          "attributes": {"cidr_block": "172.20.32.0/19", "tags.Name": "...", ...},
          "replacedWhenChanged": {"cidr_block": "172.20.32.0/19", "availability_zone": "eu-west-1a", ...},
          "references": [["vpc", "Vpc:c.example.com"]]
        }, ...
      ],
      "stateFiles": {"igconfig/node/nodes-eu-west-1a/nodeupconfig.yaml": "sha256:<64 hex>", ...},
      "moved": [["aws_vpc.c-example-com", "module.cluster.aws_vpc.c-example-com"], ...],  # only when any
      "contents": {"sha256:<12 or 64 hex>": "<base64 of the zlib-compressed text>", ...}
    }

- `attributes` is the rendered block flattened to dotted paths (`ebs.volume_size`, `tags.Name`); a
  list of objects with a `key`/`Key` (tags) is keyed by it (`tag[Name].value`), other lists of objects
  by position (`ingress[0].from_port`). A file the block reads appears as `file(sha256:<12 hex>)`, a
  string longer than LONG_STRING characters as `<N characters, sha256:<12 hex>>`.
- `replacedWhenChanged` holds the IR fields that force a replacement (lifecycle/replacement.py), and
  `references` the IR resources the resource refers to, by field: together they say what a change
  replaces rather than updates.
- `stateFiles` lists the files kopsgen itself writes to the config base on `--yes` (those the output
  does not carry: every file for CloudFormation or a non-S3 config base, the CA keysets always),
  by key relative to the config base, with the SHA-256 of their bytes.
- `contents` keeps the text behind those hashes (the files blocks read, such as user data and policies; long
  strings, such as CloudFormation's inline user data; the state-store files), so that the next preview can
  show what changed in them as a diff rather than as two hashes. Never a file of a secret folder
  (layout.SECRET_FOLDERS: CA private keys), nor bytes that are not UTF-8 text. A record written before
  `contents` existed has none: its preview says that the diff is not available.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from kopsgen import __version__
from kopsgen.errors import StateStoreError
from kopsgen.ir.base import Graph
from kopsgen.lifecycle import replacement
from kopsgen.render.description import RESOURCE, RenderedResource
from kopsgen.state import layout

API_VERSION = "kopsgen.io/v1alpha1"
KIND = "LastRender"
LONG_STRING = 200
_TAG_KEYS = ("key", "Key")


@dataclass(frozen=True)
class Entry:
    """One resource (or output, parameter, provider) of a render."""

    address: str
    type: str
    title: str
    source: str | None
    attributes: dict[str, Any]
    replaced_when_changed: dict[str, Any] = field(default_factory=dict)
    references: tuple[tuple[str, str], ...] = ()
    role: str = RESOURCE

    @property
    def kind(self) -> str | None:
        """The IR kind (`Subnet`), from the source key."""
        return self.source.split(":", 1)[0] if self.source else None

    def to_dict(self) -> dict:
        return {"address": self.address, "type": self.type, "title": self.title, "role": self.role,
                "source": self.source, "attributes": self.attributes,
                "replacedWhenChanged": self.replaced_when_changed, "references": [list(r) for r in self.references]}

    @staticmethod
    def from_dict(d: dict) -> "Entry":
        return Entry(d["address"], d["type"], d["title"], d.get("source"), dict(d.get("attributes") or {}),
                     dict(d.get("replacedWhenChanged") or {}),
                     tuple((str(f), str(t)) for f, t in d.get("references") or ()), d.get("role", RESOURCE))


@dataclass(frozen=True)
class Snapshot:
    cluster: str
    target: str
    format: str
    config_base: str
    resources: dict[str, Entry]
    state_files: dict[str, str]            # key relative to the config base -> "sha256:<hex>"
    kopsgen_version: str = __version__
    # Terraform: the (from, to) addresses of the moved blocks written with this render (lifecycle/moved.py)
    moved: tuple[tuple[str, str], ...] = ()
    contents: dict[str, str] = field(default_factory=dict)   # "sha256:<hex>" -> the text it is the hash of

    def to_json(self) -> bytes:
        doc = {"apiVersion": API_VERSION, "kind": KIND, "cluster": self.cluster, "target": self.target,
               "format": self.format, "kopsgenVersion": self.kopsgen_version, "configBase": self.config_base,
               "resources": [self.resources[a].to_dict() for a in sorted(self.resources)],
               "stateFiles": dict(sorted(self.state_files.items())),
               "contents": {h: _pack(self.contents[h]) for h in sorted(self.contents)}}
        if self.moved:
            doc["moved"] = [list(m) for m in self.moved]
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()

    @staticmethod
    def from_json(data: bytes, where: str) -> "Snapshot":
        try:
            doc = json.loads(data)
            if doc.get("apiVersion") != API_VERSION or doc.get("kind") != KIND:
                raise ValueError(f"expected {API_VERSION} {KIND}, found {doc.get('apiVersion')} {doc.get('kind')}")
            entries = [Entry.from_dict(d) for d in doc["resources"]]
            return Snapshot(doc["cluster"], doc["target"], doc["format"], doc.get("configBase", ""),
                            {e.address: e for e in entries}, dict(doc.get("stateFiles") or {}),
                            doc.get("kopsgenVersion", ""),
                            moved=tuple((str(f), str(t)) for f, t in doc.get("moved") or ()),
                            contents={h: _unpack(packed) for h, packed in (doc.get("contents") or {}).items()})
        except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
            raise StateStoreError(f"{where} is not a readable render record ({exc}); delete it to start afresh "
                                  "(the next preview then shows everything as new)") from None


def take(cluster: str, target: str, fmt: str, config_base: str, graph: Graph,
         described: list[RenderedResource], state_files: dict[str, bytes],
         output_files: dict[str, bytes] | None = None) -> Snapshot:
    """The snapshot of one render: its described blocks, the IR they came from, the files kopsgen writes, and
    the text behind the hashes they show (`output_files`: the output folder, whose files blocks read)."""
    entries = {}
    long_strings: dict[str, str] = {}
    for block in described:
        source = replacement.resource_key(*block.source) if block.source else None
        resource = graph.find(*block.source) if block.source else None
        entries[block.address] = Entry(
            block.address, block.type, block.title, source, flatten(block.body, long_strings),
            replacement.identity(resource) if resource is not None else {},
            tuple(replacement.references(resource)) if resource is not None else (), block.role)
    hashes = {key: full_hash(data) for key, data in sorted(state_files.items())}
    contents = dict(long_strings)
    for key, data in state_files.items():
        if not key.startswith(layout.SECRET_FOLDERS):
            _keep(contents, hashes[key], data)
    shown = {m for e in entries.values() for v in e.attributes.values() if isinstance(v, str)
             for m in HASH_REF.findall(v)}
    for data in (output_files or {}).values():
        if short_hash(data) in shown:
            _keep(contents, short_hash(data), data)
    return Snapshot(cluster, target, fmt, config_base, entries, hashes, contents=contents)


# a hash of content as blocks and records show it: `file(sha256:<12 hex>)`, `<N characters, sha256:<12 hex>>`
HASH_REF = re.compile(r"sha256:[0-9a-f]{12}(?![0-9a-f])")


def full_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def short_hash(data: bytes) -> str:
    """The hash a described block shows for a file it reads (render/terraform/describe.py: content_hash)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:12]


def _keep(contents: dict[str, str], digest: str, data: bytes) -> None:
    try:
        contents[digest] = data.decode("utf-8")
    except UnicodeDecodeError:   # not text: a diff would not help; the hash says it changed
        pass


def _pack(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _unpack(packed: str) -> str:
    return zlib.decompress(base64.b64decode(packed, validate=True)).decode("utf-8")


def flatten(body: dict[str, Any], long_strings: dict[str, str] | None = None) -> dict[str, Any]:
    """The body as dotted paths; each string longer than LONG_STRING is shown by its hash and, when
    `long_strings` is given, kept there by that hash."""
    out: dict[str, Any] = {}
    _flatten(body, "", out, long_strings if long_strings is not None else {})
    return out


def _flatten(value: Any, path: str, out: dict[str, Any], long_strings: dict[str, str]) -> None:
    if isinstance(value, dict) and value:
        for key in sorted(value):
            _flatten(value[key], f"{path}.{key}" if path else str(key), out, long_strings)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = [_tag_key(v) for v in value]
        if all(k is not None for k in keys) and len(set(keys)) == len(keys):
            for item, key in zip(value, keys):
                _flatten({k: v for k, v in item.items() if k not in _TAG_KEYS}, f"{path}[{key}]", out, long_strings)
        else:
            for i, item in enumerate(value):
                _flatten(item, f"{path}[{i}]", out, long_strings)
    else:
        if isinstance(value, str) and len(value) > LONG_STRING:
            long_strings[short_hash(value.encode())] = value
        out[path] = _scalar(value)


def _tag_key(item: dict) -> str | None:
    for name in _TAG_KEYS:
        if isinstance(item.get(name), str):
            return item[name]
    return None


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONG_STRING:
        return f"<{len(value)} characters, {short_hash(value.encode())}>"
    if isinstance(value, list):  # a list of plain values (objects inside are rare: kept as canonical JSON)
        return [_scalar(v if not isinstance(v, (dict, list)) else json.dumps(v, sort_keys=True)) for v in value]
    return value
