"""Just enough DER to check a PEM certificate and read its public key, without the cryptography package.

Every render reads the cluster's CA keysets back from the state store, checks each certificate
and hands the service-account keyset's public keys to kube-apiserver. Importing cryptography for
that costs more (about 45 ms) than the rest of a small cluster's bootstrap, so cryptography is
imported only when a CA is created (pki.new_ca) or a certificate signed (lifecycle/kubeconfig.py).

The check is structural and strict: every length is definite, minimal and within its parent, and
every constructed value is exactly filled by its children, down to the leaves; the certificate has
X.509's three parts and its to-be-signed part the fields X.509 puts before the public key, with the
expected tags. The contents of leaves (names, times, OIDs) are not interpreted: nodes and
kube-apiserver do that.
"""

from __future__ import annotations

import base64
import re

_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S)

SEQUENCE, INTEGER, BIT_STRING, VERSION = 0x30, 0x02, 0x03, 0xA0   # VERSION: [0] EXPLICIT, constructed
_CONSTRUCTED = 0x20
_MAX_DEPTH = 32


class DerError(ValueError):
    pass


def certificate_der(pem: bytes) -> bytes:
    """The DER bytes of the first CERTIFICATE block of a PEM text."""
    found = _PEM_CERTIFICATE.search(pem)
    if found is None:
        raise DerError("no PEM CERTIFICATE block")
    try:
        return base64.b64decode(b"".join(found.group(1).split()), validate=True)
    except ValueError as exc:
        raise DerError(f"the PEM block is not base64: {exc}") from None


def subject_public_key_info(cert: bytes) -> bytes:
    """The certificate's SubjectPublicKeyInfo, as written (for an RSA key: the PKIX DER that
    kops hands to kube-apiserver), after checking the whole certificate's structure."""
    tag, start, end = _header(cert, 0, len(cert))
    if tag != SEQUENCE or end != len(cert):
        raise DerError("not one DER SEQUENCE")
    _check_tree(cert, start, end, 1)
    parts = _children(cert, start, end)
    if [t for t, *_ in parts] != [SEQUENCE, SEQUENCE, BIT_STRING]:
        raise DerError("not an X.509 certificate (to-be-signed part, algorithm, signature)")
    _, _, tbs_start, tbs_end = parts[0]
    fields = _children(cert, tbs_start, tbs_end)
    if fields and fields[0][0] == VERSION:
        fields = fields[1:]
    # serial number, signature algorithm, issuer, validity, subject, subject public key info
    if [t for t, *_ in fields[:6]] != [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE]:
        raise DerError("the certificate's fields are not X.509's")
    _, key_at, key_start, key_end = fields[5]
    if [t for t, *_ in _children(cert, key_start, key_end)] != [SEQUENCE, BIT_STRING]:
        raise DerError("the public key is not a SubjectPublicKeyInfo")
    return cert[key_at:key_end]


def _header(data: bytes, at: int, limit: int) -> tuple[int, int, int]:
    """(tag, where the content starts, where it ends) of the value at `at`, which must end by `limit`."""
    if at + 2 > limit:
        raise DerError("truncated")
    tag, first = data[at], data[at + 1]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags do not occur in certificates")
    at += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or at + count > limit:
            raise DerError("indefinite, oversized or truncated length")
        length = int.from_bytes(data[at:at + count], "big")
        if length < 0x80 or data[at] == 0:
            raise DerError("length not in its shortest form")
        at += count
    if at + length > limit:
        raise DerError("a value runs past its end")
    return tag, at, at + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, where it starts, where its content starts, where it ends) of each value in [start, end)."""
    out = []
    at = start
    while at < end:
        tag, content, stop = _header(data, at, end)
        out.append((tag, at, content, stop))
        at = stop
    return out


def _check_tree(data: bytes, start: int, end: int, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise DerError("nested too deep")
    for tag, _, content, stop in _children(data, start, end):
        if tag & _CONSTRUCTED:
            _check_tree(data, content, stop, depth + 1)
