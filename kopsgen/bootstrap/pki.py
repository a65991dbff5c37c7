"""The cluster's certificate authorities, generated once and kept in the state store.

kops keeps each CA as a keyset: a YAML `Keyset` object at `pki/private/<name>/keyset.yaml`
holding one or more certificates with their private keys (base64 PEM) and the id of the
primary one. The control plane's nodeup reads these files from the config base; nodes get the
kubernetes CA certificates through their boot config. A keyset is created the first time a
cluster is rendered (ClusterBootstrap.load, before anything is built) and read back on every later
render, so re-rendering never rotates a CA (and never changes the user data that carries its certificate).

Private keys only ever live in the state store (written as secret objects); the certificates and
public keys are what the nodeup configs and user data carry.
"""

from __future__ import annotations

import base64
import datetime
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from kopsgen import progress
from kopsgen.bootstrap import der, kyaml
from kopsgen.errors import RenderError, StateStoreError
from kopsgen.state import layout
from kopsgen.state.store import ABSENT, ConcurrentWriteError, StateStore

if TYPE_CHECKING:
    from cryptography import x509

# cryptography is imported where a key is made or a certificate parsed for signing, never for reading a
# keyset back (bootstrap/der.py does that): it costs more to import than a small render's bootstrap.
KEY_SIZE = 2048
VALIDITY = datetime.timedelta(days=3650)
BACKDATE = datetime.timedelta(hours=48)  # tolerate clock skew between the renderer and the nodes

# Well-known keyset names (kops's).
KUBERNETES_CA = "kubernetes-ca"
SERVICE_ACCOUNT = "service-account"
AGGREGATOR_CA = "apiserver-aggregator-ca"
ETCD_CLIENTS_CA = "etcd-clients-ca"
# Cilium's own etcd (etcdManaged) gets a client CA of its own: every node's agent holds a client
# certificate of it (signed by kops-controller), which must not open the Kubernetes etcd.
ETCD_CLIENTS_CA_CILIUM = "etcd-clients-ca-cilium"
DISCOVERY_CA = "service-account-issuer-discovery-ca"


def etcd_manager_ca(etcd_cluster: str) -> str:
    return f"etcd-manager-ca-{etcd_cluster}"


def etcd_peers_ca(etcd_cluster: str) -> str:
    return f"etcd-peers-ca-{etcd_cluster}"


@dataclass(frozen=True)
class KeysetItem:
    id: str                        # the certificate's serial number, in decimal
    certificate_pem: bytes
    private_key_pem: bytes | None

    @property
    def certificate(self) -> x509.Certificate:
        from cryptography import x509

        return x509.load_pem_x509_certificate(self.certificate_pem)

    @property
    def public_key_der(self) -> bytes:
        """The certificate's public key (PKIX DER), after a strict check of the certificate's structure."""
        return der.subject_public_key_info(der.certificate_der(self.certificate_pem))


def _id_order(item: KeysetItem) -> tuple:
    # kops orders items oldest first: numeric ids by value, others after them by text
    return (0, int(item.id), "") if item.id.isdigit() else (1, 0, item.id)


@dataclass(frozen=True)
class Keyset:
    name: str
    primary_id: str
    items: tuple[KeysetItem, ...]

    @property
    def trusted(self) -> tuple[KeysetItem, ...]:
        return tuple(sorted(self.items, key=_id_order))

    def certificates_pem(self) -> str:
        """Every certificate of the keyset, oldest first: what nodes trust."""
        return "".join(item.certificate_pem.decode() for item in self.trusted)

    def public_keys_pem(self) -> str:
        """The public keys, oldest first, as kops hands them to kube-apiserver (PKIX DER, in blocks
        labelled `RSA PUBLIC KEY`)."""
        out = []
        for item in self.trusted:
            body = base64.b64encode(item.public_key_der).decode()
            lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
            out.append(f"-----BEGIN RSA PUBLIC KEY-----\n{lines}\n-----END RSA PUBLIC KEY-----\n")
        return "".join(out)

    def to_yaml(self) -> bytes:
        """The keyset as kops stores it (a kops.k8s.io/v1alpha2 Keyset)."""
        keys = []
        for item in self.trusted:
            key: dict = {"id": item.id, "publicMaterial": base64.b64encode(item.certificate_pem).decode()}
            if item.private_key_pem:
                key["privateMaterial"] = base64.b64encode(item.private_key_pem).decode()
            keys.append(key)
        return kyaml.dump_bytes({
            "apiVersion": "kops.k8s.io/v1alpha2", "kind": "Keyset",
            "metadata": {"creationTimestamp": None, "name": self.name},
            "spec": {"keys": keys, "primaryId": self.primary_id, "type": "Keypair"},
        })

    @staticmethod
    def from_yaml(data: bytes, where: str) -> "Keyset":
        from kopsgen import yamlfast

        try:
            doc = yamlfast.safe_load(data)
            spec = doc["spec"]
            items = tuple(KeysetItem(str(k["id"]), base64.b64decode(k["publicMaterial"]),
                                     base64.b64decode(k["privateMaterial"]) if k.get("privateMaterial") else None)
                          for k in spec.get("keys") or ())
            keyset = Keyset(doc["metadata"]["name"], str(spec.get("primaryId") or ""), items)
            for item in items:
                item.public_key_der  # noqa: B018  (a broken certificate is found here, not on a node)
        except Exception as exc:  # any malformed keyset is the same problem for the user
            raise StateStoreError(f"{where} is not a readable kops keyset: {exc}") from None
        if not items or keyset.primary_id not in {i.id for i in items}:
            raise StateStoreError(f"{where} has no primary key")
        return keyset


def new_ca(name: str) -> Keyset:
    """A fresh self-signed CA (RSA 2048, SHA-256, ten years), with kops's serial scheme:
    the creation time in nanoseconds, shifted left 32 bits, with 32 random bits below."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    serial = (time.time_ns() << 32) | secrets.randbits(32)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - BACKDATE).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    item = KeysetItem(
        str(serial), cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                          serialization.NoEncryption()))
    return Keyset(name, item.id, (item,))


class KeyStore:
    """The keysets of one cluster in a state store: load() reads them, creating (once) those not there yet;
    get() hands out only what load() read, so keysets are never made behind a render's back."""

    def __init__(self, store: StateStore, cluster: str):
        self.store = store
        self.cluster = cluster
        self._cache: dict[str, Keyset] = {}
        self._announced = False

    def key(self, name: str) -> str:
        return layout.keyset_key(self.cluster, name)

    def load(self, names: Iterable[str]) -> None:
        """Read the keysets of `names` from the store, making (and storing) those it does not hold yet."""
        for name in names:
            if name not in self._cache:
                self._cache[name] = self._read_or_create(name)

    def get(self, name: str) -> Keyset:
        found = self._cache.get(name)
        if found is None:
            raise RenderError(f"keyset {name} of cluster {self.cluster} was not loaded from {self.store.url} "
                              "(KeyStore.load: every keyset a render uses is read, or made, before it starts)")
        return found

    def _read_or_create(self, name: str) -> Keyset:
        key = self.key(name)
        found = self.store.read(key)
        if found is not None:
            return Keyset.from_yaml(found[0], f"{self.store.url}/{key}")
        keyset = new_ca(name)
        try:
            # create-only: two renders racing both generate, exactly one wins, both use the winner
            self.store.write(key, keyset.to_yaml(), expect=ABSENT, secret=True)
        except ConcurrentWriteError:
            found = self.store.read(key)
            if found is None:
                raise
            return Keyset.from_yaml(found[0], f"{self.store.url}/{key}")
        self._announce_new_cas()
        return keyset

    def _announce_new_cas(self) -> None:
        """Once per key store (a render makes several CAs, one at a time), and never for a read-only view (its
        writes are dropped; whoever flushes it announces them)."""
        if self._announced or not self.store.persistent:
            return
        self._announced = True
        announce_new_cas(self.cluster, self.store)


def announce_new_cas(cluster: str, store: StateStore) -> None:
    """The one place that tells the user a cluster's CAs were made, and where."""
    folder = store.location(layout.keyset_key(cluster, KUBERNETES_CA)).rsplit("/", 2)[0]
    progress.notice(f"created the CAs of cluster {cluster} that the state store did not hold yet, in "
                    f"{folder}/; every later render reuses them, so keep this state store")
