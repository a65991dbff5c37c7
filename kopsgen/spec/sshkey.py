"""The SSH public key instances are launched with, and where kopsgen finds it.

kops keeps the admin's public key in its state store. kopsgen takes it from the spec instead:
`spec.sshPublicKey` (the key itself, a kopsgen extension), or else a file `id_rsa.pub` beside
the Cluster file, which is how kops's own test cases lay their inputs out. `spec.sshKeyName`
wins over both, as in kops: a non-empty name uses an existing EC2 key pair, "" means no key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from pathlib import Path

from kopsgen.errors import FieldError
from kopsgen.spec.documents import SpecDocuments

BESIDE_FILE = "id_rsa.pub"
FIELD = "sshPublicKey"
# EC2 imports RSA and ED25519 keys only.
SUPPORTED_TYPES = ("ssh-rsa", "ssh-ed25519")


def _key_blob(public_key: str) -> bytes:
    """The binary key of a one-line OpenSSH public key; ValueError says what is wrong with it."""
    parts = public_key.strip().split()
    if len(parts) < 2:
        raise ValueError("expected an OpenSSH public key: '<type> <base64 key> [comment]'")
    key_type, encoded = parts[0], parts[1]
    if key_type not in SUPPORTED_TYPES:
        raise ValueError(f"key type {key_type!r} is not supported by EC2 (use one of {', '.join(SUPPORTED_TYPES)})")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the key is not valid base64") from None
    # the blob starts with its own type as a length-prefixed string
    if len(blob) < 4:
        raise ValueError("the key is truncated")
    (length,) = struct.unpack(">I", blob[:4])
    if blob[4:4 + length].decode(errors="replace") != key_type:
        raise ValueError(f"the key's data does not match its type {key_type!r}")
    return blob


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint kops names key pairs with: colon-separated hex of the key blob's MD5."""
    digest = hashlib.md5(_key_blob(public_key), usedforsecurity=False).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def beside_file(docs: SpecDocuments) -> Path:
    return Path(docs.cluster.source.file).parent / BESIDE_FILE


def _spec(docs: SpecDocuments) -> dict:
    spec = docs.cluster.data.get("spec") if isinstance(docs.cluster.data, dict) else None
    return spec if isinstance(spec, dict) else {}


def public_key(docs: SpecDocuments) -> str | None:
    """The key to import, or None when the spec names an existing key, asks for none, or gives none."""
    spec = _spec(docs)
    if spec.get("sshKeyName") is not None:
        return None
    if spec.get(FIELD):
        # (anything but a string is the schema's to report)
        return spec[FIELD].strip() if isinstance(spec[FIELD], str) else None
    path = beside_file(docs)
    if Path(docs.cluster.source.file).is_file() and path.is_file():  # not for specs read from stdin
        return path.read_text(encoding="utf-8", errors="replace").strip()
    return None


def check(docs: SpecDocuments) -> list[FieldError]:
    """A key that EC2 would refuse, reported at the field or file it came from."""
    spec = _spec(docs)
    key = public_key(docs)
    if key is None:
        return []
    try:
        _key_blob(key)
    except ValueError as exc:
        if spec.get(FIELD) and spec.get("sshKeyName") is None:
            return [docs.cluster.source.error(("spec", FIELD), str(exc))]
        return [FieldError(str(beside_file(docs)), 1, 1, BESIDE_FILE, str(exc))]
    return []
