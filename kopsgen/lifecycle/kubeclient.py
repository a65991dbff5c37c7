"""The few Kubernetes API reads `kopsgen validate cluster` makes, over HTTPS with a kubeconfig's credentials.

Why not the `kubernetes` Python client: validation needs four GETs (/readyz, /healthz, nodes, kube-system
pods) and the parts of a kubeconfig kopsgen itself writes (server, CA data, tls-server-name, a client
certificate). The standard library's `ssl` and `http.client` do that in a page, verify the server against
the cluster CA exactly as kubectl does, and keep the client (with its own dependency tree: requests,
urllib3 pins, google-auth, websocket-client, oauthlib) out of kopsgen's install. Credentials kopsgen does
not write (exec plugins, auth providers) are refused with a clear message rather than half supported.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kopsgen.errors import KopsgenError


class KubeconfigProblem(KopsgenError):
    """The kubeconfig cannot be used (missing context, unsupported credentials): exit 1."""

    exit_code = 1


class ApiUnreachable(Exception):
    """No HTTP answer at all (connection refused, TLS failure, timeout)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _read_file_or_data(entry: dict, name: str, base: Path) -> bytes | None:
    """`<name>-data` (base64) or `<name>` (a path, relative to the kubeconfig's folder)."""
    if entry.get(f"{name}-data"):
        return base64.b64decode(entry[f"{name}-data"])
    if entry.get(name):
        path = Path(entry[name]).expanduser()
        try:
            return (path if path.is_absolute() else base / path).read_bytes()
        except OSError as exc:
            raise KubeconfigProblem(f"cannot read {name} {path}: {exc.strerror}") from None
    return None


def _named(config: dict, section: str, name: str) -> dict:
    for item in config.get(section) or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item.get(section[:-1]) or {}
    raise KubeconfigProblem(f"the kubeconfig has no {section[:-1]} named {name!r}")


class Client:
    """GETs against one API server; built from a kubeconfig context."""

    def __init__(self, server: str, context: ssl.SSLContext, server_hostname: str | None, token: str | None = None,
                 timeout: float = 10.0):
        parts = urlsplit(server)
        if parts.scheme != "https" or not parts.hostname:
            raise KubeconfigProblem(f"server {server!r} is not an https:// URL")
        self.server = server
        self.host = parts.hostname
        self.port = parts.port or 443
        self.prefix = parts.path.rstrip("/")
        self.context = context
        self.server_hostname = server_hostname or self.host
        self.token = token
        self.timeout = timeout

    @staticmethod
    def from_kubeconfig(config: dict, context_name: str, base: Path, timeout: float = 10.0) -> "Client":
        context = _named(config, "contexts", context_name)
        cluster = _named(config, "clusters", context.get("cluster", ""))
        user = _named(config, "users", context.get("user", "")) if context.get("user") else {}
        if user.get("exec") or user.get("auth-provider"):
            raise KubeconfigProblem(f"user {context.get('user')!r} authenticates with an exec plugin or auth "
                                    "provider, which kopsgen does not run; use `kopsgen export kubeconfig --admin`")
        if not cluster.get("server"):
            raise KubeconfigProblem(f"cluster {context.get('cluster')!r} of the kubeconfig has no server")
        tls = ssl.create_default_context()
        if cluster.get("insecure-skip-tls-verify"):
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE
        else:
            ca = _read_file_or_data(cluster, "certificate-authority", base)
            if ca is not None:
                tls = ssl.create_default_context(cadata=ca.decode())
        cert = _read_file_or_data(user, "client-certificate", base)
        key = _read_file_or_data(user, "client-key", base)
        if cert and key:
            _load_client_certificate(tls, cert, key)
        token = user.get("token")
        if not token and user.get("tokenFile"):
            token = Path(user["tokenFile"]).expanduser().read_text().strip()
        return Client(cluster["server"], tls, cluster.get("tls-server-name"), token, timeout)

    def get(self, path: str) -> Response:
        connection = _Connection(self.host, self.port, context=self.context, server_hostname=self.server_hostname,
                                 timeout=self.timeout)
        headers = {"Accept": "application/json", "User-Agent": "kopsgen-validate"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            connection.request("GET", self.prefix + path, headers=headers)
            answer = connection.getresponse()
            return Response(answer.status, answer.read())
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise ApiUnreachable(f"{self.server}: {exc}") from None
        finally:
            connection.close()


class _Connection(http.client.HTTPSConnection):
    """HTTPS that verifies the server as `server_hostname` (a kubeconfig's tls-server-name), whatever
    address it connects to: the API server's certificate names api.internal.<cluster>, not the load balancer."""

    def __init__(self, host: str, port: int, *, context: ssl.SSLContext, server_hostname: str, timeout: float):
        super().__init__(host, port, context=context, timeout=timeout)
        self._server_hostname = server_hostname

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_hostname)


def _load_client_certificate(tls: ssl.SSLContext, cert: bytes, key: bytes) -> None:
    """ssl reads a certificate chain only from files: a private folder, removed at once."""
    with tempfile.TemporaryDirectory(prefix="kopsgen-client-") as folder:  # mode 0700
        cert_path, key_path = Path(folder) / "client.crt", Path(folder) / "client.key"
        for path, data in ((cert_path, cert), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        try:
            tls.load_cert_chain(cert_path, key_path)
        except ssl.SSLError as exc:
            raise KubeconfigProblem(f"the kubeconfig's client certificate or key cannot be used: {exc}") from None


def client_for(kubeconfig: str | None, context: str, timeout: float = 10.0) -> Client:
    """A client for `context` of the kubeconfig: `kubeconfig` if given, else the files of $KUBECONFIG merged
    (for each name the first file that has it wins, as kubectl merges them), else ~/.kube/config."""
    from kopsgen.lifecycle.kubeconfig import read_kubeconfig

    if kubeconfig:
        paths = [Path(kubeconfig).expanduser()]
    else:
        listed = [Path(p).expanduser() for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
        paths = listed or [Path("~/.kube/config").expanduser()]
    merged: dict[str, list] = {"clusters": [], "users": [], "contexts": []}
    read = []
    for path in paths:
        config = read_kubeconfig(path)
        if config is None:
            continue
        read.append(path)
        for section, items in merged.items():
            known = {item.get("name") for item in items}
            items += [i for i in config.get(section) or [] if isinstance(i, dict) and i.get("name") not in known]
    if not read:
        raise KubeconfigProblem(f"no kubeconfig at {', '.join(map(str, paths))}: write one with "
                                f"`kopsgen export kubeconfig {context} --admin`")
    if context not in {c.get("name") for c in merged["contexts"]}:
        known = ", ".join(sorted(str(c.get("name")) for c in merged["contexts"])) or "none"
        raise KubeconfigProblem(f"{', '.join(map(str, read))} has no context {context!r} (contexts: {known}); "
                                f"write it with `kopsgen export kubeconfig {context} --admin`")
    return Client.from_kubeconfig(merged, context, read[0].parent, timeout)
