"""`kopsgen export kubeconfig NAME --admin`: a kubeconfig entry for the cluster, as `kops export kubecfg --admin`.

- The server is `https://<masterPublicName>` (default `api.<cluster>`), or `https://api.internal.<cluster>`
  with --internal; kopsgen never asks AWS, so with `topology.dns.type: None` (the API behind the load
  balancer's own DNS name, known only once it exists) the user gives it with --server.
- The certificate authority data is every certificate of the cluster's `kubernetes-ca` keyset (old and
  new, so a CA rotation does not break clients), read from the state store, and `tls-server-name` is
  `api.internal.<cluster>`, a name the API server's certificate always carries, as kops writes it.
- The user is an admin: a client certificate for `kubecfg-<login>` in the `system:masters` group, signed
  by the cluster CA's primary key, valid for --duration (18h by default, as kops). Its private key is
  made here and written only into the kubeconfig.
- Merging: the cluster, user and context named after the cluster replace any entries of that name; every
  other entry and setting of the file is kept; current-context is set to the cluster. The file is
  written atomically (a temporary file renamed over it) with mode 0600.

Which file: --kubeconfig; else the first existing file of $KUBECONFIG (the last one when none
exists, as kubectl chooses); else ~/.kube/config.
"""

from __future__ import annotations

import base64
import datetime
import getpass
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kopsgen.bootstrap.pki import KUBERNETES_CA, Keyset
from kopsgen.errors import KopsgenError, UsageError
from kopsgen.spec import api
from kopsgen.spec.api import ClusterSpec
from kopsgen.state import layout
from kopsgen.state.store import StateStore

ADMIN_GROUP = "system:masters"       # Kubernetes's superuser group (kops's rbac.SystemPrivilegedGroup)
DEFAULT_DURATION = "18h"             # kops's DefaultKubecfgAdminLifetime
KEY_SIZE = 2048
CLOCK_SKEW = datetime.timedelta(minutes=5)   # valid a little before now: the API server's clock may be behind


class KubeconfigError(KopsgenError):
    exit_code = 1


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")


def parse_duration(text: str, flag: str = "--duration", allow_zero: bool = False) -> datetime.timedelta:
    """A Go-style duration as kops takes it: `18h`, `90m`, `1h30m`, `3600s`, `1.5h`."""
    text = text.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(a + u for a, u in parts) != text:
        raise UsageError(f"{flag} {text!r} is not a duration like 18h, 90m or 1h30m")
    seconds = sum(float(amount) * {"h": 3600, "m": 60, "s": 1}[unit] for amount, unit in parts)
    if seconds <= 0 and not allow_zero:
        raise UsageError(f"{flag} {text!r} must be longer than zero")
    return datetime.timedelta(seconds=seconds)


def api_server(spec: ClusterSpec, *, internal: bool = False, server: str | None = None) -> str:
    cluster = spec.cluster
    if server:
        if not server.startswith("https://"):
            raise UsageError(f"--server {server!r} should be an https:// URL")
        return server.rstrip("/")
    if cluster.dns_type == api.DNS_NONE:
        from kopsgen.ir import naming
        from kopsgen.model.loadbalancer import API

        raise UsageError(
            f"cluster {cluster.name} publishes no DNS name for its API (topology.dns.type: None): clients reach it "
            "through the API load balancer's DNS name, which AWS assigns when the load balancer is created and "
            "kopsgen cannot know. Give it with --server https://<name>, e.g. from `aws elbv2 "
            f"describe-load-balancers --names {naming.aws_name32(API, cluster.name)} "
            "--query 'LoadBalancers[0].DNSName' --output text`")
    return f"https://{internal_name(cluster.name) if internal else cluster.master_public_name}"


def internal_name(cluster: str) -> str:
    """`api.internal.<cluster>`: the API's name inside the VPC, always on the API server's certificate."""
    from kopsgen.ir import naming

    return naming.api_internal_dns_name(cluster)


def read_ca(store: StateStore, cluster: str) -> Keyset:
    key = layout.keyset_key(cluster, KUBERNETES_CA)
    found = store.read(key)
    if found is None:
        raise KubeconfigError(f"cluster {cluster} has no certificate authority in {store.url} yet: it is made by the "
                              f"first `kopsgen update cluster {cluster} --yes`")
    keyset = Keyset.from_yaml(found[0], store.location(key))
    primary = next(item for item in keyset.items if item.id == keyset.primary_id)
    if not primary.private_key_pem:
        raise KubeconfigError(f"{store.location(key)} holds no private key for its primary certificate: "
                              "cannot sign an admin certificate")
    return keyset


@dataclass(frozen=True)
class AdminCredentials:
    certificate_pem: bytes
    private_key_pem: bytes
    common_name: str
    not_after: datetime.datetime


def admin_user() -> str:
    """`kubecfg-<login>`, as kops names the admin (kops appends the user's name)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        return "kubecfg"
    return f"kubecfg-{login}" if login else "kubecfg"


def issue_admin_certificate(ca: Keyset, duration: datetime.timedelta, common_name: str | None = None,
                            now: datetime.datetime | None = None) -> AdminCredentials:
    primary = next(item for item in ca.items if item.id == ca.primary_id)
    ca_cert = primary.certificate
    ca_key = serialization.load_pem_private_key(primary.private_key_pem, password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = (now or datetime.datetime.now(datetime.timezone.utc)).replace(microsecond=0)
    not_after = min(now + duration, ca_cert.not_valid_after_utc)   # never outlive the CA
    name = common_name or admin_user()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, ADMIN_GROUP),
                                 x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(127) | 1)
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return AdminCredentials(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                          serialization.NoEncryption()),
        name, not_after)


def entries(cluster: str, server: str, tls_server_name: str, ca: Keyset,
            credentials: AdminCredentials | None) -> dict[str, dict]:
    """The cluster, user and context entries, all named after the cluster (as kops names them); without
    credentials no user entry (one of that name already in the file is kept)."""
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    found = {
        "clusters": {"name": cluster, "cluster": {
            "certificate-authority-data": b64(ca.certificates_pem().encode()), "server": server,
            "tls-server-name": tls_server_name}},
        "contexts": {"name": cluster, "context": {"cluster": cluster, "user": cluster}},
    }
    if credentials is not None:
        found["users"] = {"name": cluster, "user": {"client-certificate-data": b64(credentials.certificate_pem),
                                                    "client-key-data": b64(credentials.private_key_pem)}}
    return found


def merge(existing: dict | None, new_entries: dict[str, dict], context: str) -> dict:
    """`existing` with each new entry put in place of the one of the same name (or appended), and the
    current context set; every other key and entry is kept as it was."""
    config = dict(existing or {})
    config.setdefault("apiVersion", "v1")
    config.setdefault("kind", "Config")
    for section, entry in new_entries.items():
        items = [item for item in (config.get(section) or []) if isinstance(item, dict)]
        names = [item.get("name") for item in items]
        if entry["name"] in names:
            items[names.index(entry["name"])] = entry
        else:
            items.append(entry)
        config[section] = items
    config["current-context"] = context
    config.setdefault("preferences", {})
    return config


def kubeconfig_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    listed = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    if listed:
        existing = [p for p in listed if Path(p).expanduser().is_file()]
        return Path(existing[0] if existing else listed[-1]).expanduser()
    return Path("~/.kube/config").expanduser()


def read_kubeconfig(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KubeconfigError(f"cannot read {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KubeconfigError(f"{path} is not valid YAML ({exc}); fix or move it, nothing was written") from None
    if data is not None and not isinstance(data, dict):
        raise KubeconfigError(f"{path} is not a kubeconfig (a mapping at the top); nothing was written")
    return data


def write_kubeconfig(path: Path, config: dict) -> Path:
    """Atomically, with mode 0600; a symbolic link is followed, so the file it points at is replaced."""
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(yaml.safe_dump(config, default_flow_style=False, sort_keys=False))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Exported:
    path: Path
    context: str
    server: str
    credentials: AdminCredentials | None


def export(spec: ClusterSpec, store: StateStore, *, admin: datetime.timedelta | None, internal: bool = False,
           server: str | None = None, kubeconfig: str | None = None) -> Exported:
    """Write the cluster's entries into the kubeconfig; with `admin`, an admin certificate valid that long."""
    name = spec.cluster.name
    url = api_server(spec, internal=internal, server=server)
    ca = read_ca(store, name)
    credentials = issue_admin_certificate(ca, admin) if admin is not None else None
    path = kubeconfig_path(kubeconfig)
    config = merge(read_kubeconfig(path), entries(name, url, internal_name(name), ca, credentials), name)
    return Exported(write_kubeconfig(path, config), name, url, credentials)
