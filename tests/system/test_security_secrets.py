"""Secrets stay secret: private keys live only in the state store, never in what `kopsgen render` writes.

Every rendered file of every reference case and example, for both targets (every format for the
examples), is searched for PEM private-key markers and for the private keys of the CAs the render
put in its state store. The search looks inside the file as written and inside what it may carry
encoded: base64 runs (user data, CloudFormation Fn::Base64) and gzip within them (compressed user
data). The state store's side is checked too: the keys are there, and on disk only the owner can read
them. A planted key shows that the search finds what it looks for.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from kopsgen import pipeline
from tests.support.paths import EXAMPLES, case_input, reference_cases
from kopsgen.state import open_store
from tests.support.sessions import session

PEM_PRIVATE = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{80,}={0,2}")
CHUNK = 48   # characters of a key's base64 body that identify it (no two keys share them)

FORMATS = {"terraform": ("hcl", "json"), "cloudformation": ("json", "yaml")}
INPUTS = {**{case: case_input(case) for case in reference_cases()},
          **{f"example-{p.stem}": p for p in sorted(EXAMPLES.glob("*.yaml"))}}


def _layers(data: bytes, depth: int = 0) -> Iterator[bytes]:
    """The bytes, and what the base64 runs inside them decode to (gunzipped where gzip), recursively."""
    yield data
    if depth >= 2:
        return
    for run in BASE64_RUN.findall(data):
        try:
            decoded = base64.b64decode(run + b"=" * (-len(run) % 4))
        except binascii.Error:
            continue
        if decoded[:2] == b"\x1f\x8b":
            try:
                decoded = gzip.decompress(decoded)
            except (OSError, EOFError):
                continue
        yield from _layers(decoded, depth + 1)


def _key_chunks(private_pem: bytes) -> list[bytes]:
    """Pieces of a PEM key's base64 body that only the private key has. The first lines encode the
    modulus, which the certificate carries too; the middle and the end are the private exponent and
    primes."""
    body = [line for line in private_pem.splitlines() if line and not line.startswith(b"-----")]
    return [line[:CHUNK] for line in (body[len(body) // 2], body[-2]) if len(line) >= CHUNK]


def leaks(files: dict[str, bytes], keys: list[bytes]) -> list[str]:
    """Every file (and what it carries encoded) holding a private-key marker or a piece of one of `keys`."""
    chunks = [c for key in keys for c in _key_chunks(key)]
    found = []
    for path, data in sorted(files.items()):
        for layer in _layers(data):
            if PEM_PRIVATE.search(layer):
                found.append(f"{path}: PEM private key")
            found.extend(f"{path}: a CA's private key" for c in chunks if c in layer)
    return sorted(set(found))


def _store_keys(store_root: Path) -> dict[str, bytes]:
    """The private keys of every keyset in a file:// state store, by keyset file."""
    keys = {}
    for keyset in sorted(store_root.rglob("keyset.yaml")):
        for item in (yaml.safe_load(keyset.read_text())["spec"].get("keys") or []):
            if item.get("privateMaterial"):
                keys[f"{keyset.relative_to(store_root)}#{item['id']}"] = base64.b64decode(item["privateMaterial"])
    return keys


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A state store of this module's own, so the keys searched for are the ones these renders used."""
    return tmp_path_factory.mktemp("secrets-state")


@lru_cache(maxsize=None)
def _rendered(store: Path, name: str, target: str, fmt: str) -> dict[str, bytes]:
    return pipeline.render(session(pipeline.load_spec([INPUTS[name]]), open_store(f"file://{store}")), target, fmt)


def _combinations():
    for name in INPUTS:
        for target, formats in FORMATS.items():
            # the examples in every format; the reference cases in each target's default format
            for fmt in formats if name.startswith("example-") else formats[:1]:
                yield pytest.param(name, target, fmt, id=f"{name}-{target}-{fmt}")


@pytest.mark.parametrize("name,target,fmt", list(_combinations()))
def test_no_private_key_in_rendered_output(store: Path, name: str, target: str, fmt: str):
    files = _rendered(store, name, target, fmt)
    cluster = pipeline.load_spec([INPUTS[name]]).cluster.name
    keys = {k: v for k, v in _store_keys(store).items() if k.startswith(f"{cluster}/")}
    # the render put its CAs (kubernetes, service-account, aggregator, etcd) in the store: those are searched for
    assert len(keys) >= 4, f"expected the cluster's CA keys in the state store, found {sorted(keys)}"
    assert all(PEM_PRIVATE.search(k) for k in keys.values())
    assert leaks(files, list(keys.values())) == []


def test_private_keys_in_a_local_store_are_readable_by_the_owner_only(store: Path):
    _rendered(store, "minimal-dns-none", "terraform", "hcl")
    keysets = sorted(store.rglob("keyset.yaml"))
    assert keysets
    for keyset in keysets:
        assert stat.S_IMODE(keyset.stat().st_mode) == 0o600, keyset


def test_the_search_finds_a_planted_key(store: Path):
    """The test above can fail: a key pasted into a file, or carried base64-encoded and gzipped, is found."""
    _rendered(store, "minimal-dns-none", "terraform", "hcl")   # puts its CAs in the store
    keys = list(_store_keys(store).values())
    key = keys[0]
    body_only = b"\n".join(line for line in key.splitlines() if not line.startswith(b"-----"))
    carried = base64.b64encode(gzip.compress(b"#!/bin/bash\ncat > /etc/key <<EOF\n" + body_only + b"\nEOF\n"))
    files = {"kubernetes.tf": b'resource "x" "y" {}\n', "data/user_data": b"#!/bin/bash\necho " + carried + b"\n",
             "template.json": b'{"k": "' + key.replace(b"\n", b"\\n") + b'"}'}
    found = leaks(files, keys)
    assert "data/user_data: a CA's private key" in found
    assert "template.json: PEM private key" in found
    assert leaks({"kubernetes.tf": b'resource "x" "y" {}\n'}, keys) == []
