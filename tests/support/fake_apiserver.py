"""A small Kubernetes API server for tests: HTTPS on 127.0.0.1 with a serving certificate signed by a given CA,
client-certificate authentication against that CA, and the few read paths `kopsgen validate cluster` uses.

It behaves like kube-apiserver where validation can tell: TLS 1.2+, a client certificate is required (no
certificate: the handshake fails), a certificate outside the `system:masters` group gets 403, `/readyz` and
`/healthz` answer `ok` in text, lists are `v1` `NodeList`/`PodList` JSON, unknown paths get a 404 `Status`.
The serving certificate names `api.internal.<cluster>` (and 127.0.0.1), as a kops API server's does, so a
client must verify it as kubectl does with a kubeconfig's `tls-server-name`.

The cluster it serves is a `FakeCluster` the test builds and changes while the server runs:

    cluster = FakeCluster.healthy(spec)          # minSize Ready nodes per group, every control-plane pod
    with FakeApiServer(ca_cert_pem, ca_key_pem, cluster) as server:
        server.url                               # https://127.0.0.1:<port>
        cluster.node_not_ready("nodes-a-1")      # scenarios: a node NotReady, a missing node, a crashing pod,
        cluster.remove_node("nodes-a-1")         # the API not ready (readyz 500), the endpoint down (stop())
        cluster.crash_pod("kube-controller-manager")
"""

from __future__ import annotations

import datetime
import json
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ADMIN_GROUP = "system:masters"


# --- the cluster the server shows --------------------------------------------------------------------------------


def _node(name: str, group: str, control_plane: bool, ready: bool = True) -> dict:
    labels = {"kops.k8s.io/instancegroup": group, "kubernetes.io/hostname": name}
    labels["node-role.kubernetes.io/control-plane" if control_plane else "node-role.kubernetes.io/node"] = ""
    condition = {"type": "Ready", "status": "True", "reason": "KubeletReady"} if ready else \
        {"type": "Ready", "status": "False", "reason": "KubeletNotReady",
         "message": "container runtime network not ready"}
    return {"metadata": {"name": name, "labels": labels}, "status": {"conditions": [condition]}}


def _pod(name: str, app: str, node: str, priority: str = "system-cluster-critical") -> dict:
    return {"metadata": {"name": name, "namespace": "kube-system", "labels": {"k8s-app": app}},
            "spec": {"nodeName": node, "priorityClassName": priority},
            "status": {"phase": "Running",
                       "containerStatuses": [{"name": app, "ready": True, "restartCount": 0,
                                              "state": {"running": {}}}]}}


@dataclass
class FakeCluster:
    nodes: list[dict] = field(default_factory=list)
    pods: list[dict] = field(default_factory=list)
    readyz_status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @staticmethod
    def healthy(spec) -> "FakeCluster":
        """minSize Ready nodes for every instance group (bastions excepted), each control-plane node with its
        static pods, its etcd-managers and kops-controller, and two CoreDNS pods on the first worker."""
        cluster = FakeCluster()
        workers = []
        for ig in spec.instance_groups:
            if ig.is_bastion:
                continue
            for i in range(ig.min_size):
                name = f"{ig.name}-{i + 1}"
                cluster.nodes.append(_node(name, ig.name, ig.is_control_plane))
                if not ig.is_control_plane:
                    workers.append(name)
                    continue
                for app in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
                    cluster.pods.append(_pod(f"{app}-{name}", app, name, "system-node-critical"))
                for etcd in spec.cluster.etcd_clusters:
                    if any(m.instance_group == ig.name for m in etcd.members):
                        app = f"etcd-manager-{etcd.name}"
                        cluster.pods.append(_pod(f"{app}-{name}", app, name))
                cluster.pods.append(_pod(f"kops-controller-{name[-5:]}", "kops-controller", name))
        for i in range(2):
            cluster.pods.append(_pod(f"coredns-7d4f-{i}", "kube-dns", workers[0] if workers else ""))
        return cluster

    def _find(self, items: list[dict], name: str) -> dict:
        return next(i for i in items if i["metadata"]["name"] == name)

    def node_not_ready(self, name: str) -> None:
        with self.lock:
            node = self._find(self.nodes, name)
            node["status"]["conditions"] = _node(name, "", False, ready=False)["status"]["conditions"]

    def remove_node(self, name: str) -> None:
        with self.lock:
            self.nodes = [n for n in self.nodes if n["metadata"]["name"] != name]
            self.pods = [p for p in self.pods if p["spec"]["nodeName"] != name]

    def crash_pod(self, app: str, restarts: int = 7) -> str:
        """The first pod of `app` goes into CrashLoopBackOff; returns its name."""
        with self.lock:
            pod = next(p for p in self.pods if p["metadata"]["labels"]["k8s-app"] == app)
            pod["status"]["containerStatuses"] = [{
                "name": app, "ready": False, "restartCount": restarts,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}}}]
            return pod["metadata"]["name"]

    def heal(self, spec) -> None:
        healthy = FakeCluster.healthy(spec)
        with self.lock:
            self.nodes, self.pods, self.readyz_status = healthy.nodes, healthy.pods, 200

    def snapshot(self) -> tuple[list[dict], list[dict], int]:
        with self.lock:
            return json.loads(json.dumps(self.nodes)), json.loads(json.dumps(self.pods)), self.readyz_status


# --- certificates ------------------------------------------------------------------------------------------------


def serving_certificate(ca_cert_pem: bytes, ca_key_pem: bytes, names: list[str]) -> tuple[bytes, bytes]:
    """A server certificate for `names` (DNS names and IP addresses), signed by the CA."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    alt_names = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes-master")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


# --- the server ----------------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args) -> None:  # quiet: the test's output is the assertions
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _status(self, code: int, reason: str, message: str) -> None:
        self._send(code, json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason,
                                     "message": message, "code": code}).encode())

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        cert = self.connection.getpeercert()
        subject = {k: v for rdn in (cert or {}).get("subject", ()) for k, v in rdn}
        self.server.requests.append((self.path, subject.get("commonName"), subject.get("organizationName")))
        if subject.get("organizationName") != ADMIN_GROUP:
            return self._status(403, "Forbidden", f"user {subject.get('commonName')!r} cannot get path {self.path}")
        nodes, pods, readyz = self.server.cluster.snapshot()
        path = self.path.split("?", 1)[0]
        if path in ("/readyz", "/healthz"):
            if readyz == 200:
                return self._send(200, b"ok", "text/plain")
            return self._send(readyz, b"[-]etcd failed: reason withheld\nreadyz check failed", "text/plain")
        if path == "/api/v1/nodes":
            return self._send(200, json.dumps({"kind": "NodeList", "apiVersion": "v1", "items": nodes}).encode())
        if path == "/api/v1/namespaces/kube-system/pods":
            return self._send(200, json.dumps({"kind": "PodList", "apiVersion": "v1", "items": pods}).encode())
        return self._status(404, "NotFound", "the server could not find the requested resource")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cluster: FakeCluster, context: ssl.SSLContext):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.cluster = cluster
        self.requests: list[tuple[str, str | None, str | None]] = []
        self.socket = context.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request, client_address) -> None:  # a client without a certificate: not our problem
        pass


class FakeApiServer:
    def __init__(self, ca_cert_pem: bytes, ca_key_pem: bytes, cluster: FakeCluster, names: list[str]):
        cert, key = serving_certificate(ca_cert_pem, ca_key_pem, names + ["127.0.0.1"])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.verify_mode = ssl.CERT_REQUIRED                 # client certificates, as kube-apiserver asks
        context.load_verify_locations(cadata=ca_cert_pem.decode())
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "tls.crt").write_bytes(cert)
            (Path(folder) / "tls.key").write_bytes(key)
            context.load_cert_chain(Path(folder) / "tls.crt", Path(folder) / "tls.key")
        self.cluster = cluster
        self._server = _Server(cluster, context)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[tuple[str, str | None, str | None]]:
        """(path, client certificate CN, its O) of every request answered."""
        return self._server.requests

    def start(self) -> "FakeApiServer":
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """The endpoint goes down: connections are refused from now on."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> "FakeApiServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
