"""`kopsgen validate cluster`: against a fake Kubernetes API server (tests/support/fake_apiserver.py) that serves
with a certificate from the cluster's own CA and lets in only client certificates of that CA in system:masters,
reached through the kubeconfig `kopsgen export kubeconfig --admin` writes.

Scenarios: healthy; a node NotReady; too few nodes in a group; a control-plane pod crashing; a control-plane
pod missing; no DNS; the API not ready; the endpoint down; --wait until healthy, and until it gives up.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from kopsgen.bootstrap.pki import KUBERNETES_CA, KeyStore, new_ca
from kopsgen.cli import cli
from kopsgen.lifecycle import stored_spec
from kopsgen.state import verbs
from tests.support.fake_apiserver import FakeApiServer, FakeCluster

NAME = "val.example.com"
ZONES = ("eu-west-1a", "eu-west-1b")
CONTROL_PLANE_NODE = "control-plane-eu-west-1a-1"   # FakeCluster.healthy names nodes <group>-<n>
NODE_A = "nodes-eu-west-1a-1"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


class Setup:
    def __init__(self, state: str, spec, ca, kubeconfig):
        self.state, self.spec, self.ca, self.kubeconfig = state, spec, ca, kubeconfig
        self.cluster = FakeCluster.healthy(spec)
        self.server: FakeApiServer | None = None

    def start(self, ca_pem: bytes | None = None, ca_key: bytes | None = None) -> FakeApiServer:
        primary = next(i for i in self.ca.items if i.id == self.ca.primary_id)
        self.server = FakeApiServer(ca_pem or primary.certificate_pem, ca_key or primary.private_key_pem,
                                    self.cluster, [f"api.internal.{NAME}"]).start()
        exported = run("export", "kubeconfig", NAME, "--admin", "--server", self.server.url, "--kubeconfig",
                       self.kubeconfig, "--state", self.state)
        assert exported.exit_code == 0, exported.output + exported.stderr
        return self.server

    def validate(self, *extra):
        return run("validate", "cluster", NAME, "--kubeconfig", self.kubeconfig, "--state", self.state, *extra)

    def problems(self, *extra) -> tuple[int, list[dict]]:
        result = self.validate("-o", "json", *extra)
        return result.exit_code, json.loads(result.stdout)["failures"]


@pytest.fixture
def setup(tmp_path):
    state = f"file://{tmp_path}/state"
    created = run("create", "cluster", "--name", NAME, "--zones", ",".join(ZONES), "--networking", "calico",
                  "--state", state)
    assert created.exit_code == 0, created.output
    registry = verbs.registry(state)
    keys = KeyStore(registry.store, NAME)
    keys.load([KUBERNETES_CA])   # as the first `update cluster --yes` makes it
    ca = keys.get(KUBERNETES_CA)
    s = Setup(state, stored_spec(registry, NAME), ca, tmp_path / "kubeconfig")
    yield s
    if s.server is not None:
        s.server.stop()


def _store_files(state: str) -> dict[str, bytes]:
    folder = Path(state.removeprefix("file://"))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_healthy_cluster_is_valid(setup):
    setup.start()
    stored = _store_files(setup.state)
    result = setup.validate()
    assert _store_files(setup.state) == stored   # validating only looks
    assert result.exit_code == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.splitlines()[0] == f"Validating cluster {NAME} at {setup.server.url}"
    rows = [line.split() for line in out.splitlines()]
    assert ["control-plane-eu-west-1a", "ControlPlane", "t3.medium", "1", "1", "1/1"] in rows
    assert ["nodes-eu-west-1a", "Node", "t3.medium", "1", "1", "1/1"] in rows
    assert [NODE_A, "nodes-eu-west-1a", "node", "True"] in rows
    assert [CONTROL_PLANE_NODE, "control-plane-eu-west-1a", "control-plane", "True"] in rows
    assert out.rstrip().endswith(f"Cluster {NAME} is valid.")
    # every read was made with the admin certificate, as system:masters
    paths = [p for p, _, _ in setup.server.requests]
    assert paths == ["/readyz", "/api/v1/nodes", "/api/v1/namespaces/kube-system/pods"]
    assert {o for _, _, o in setup.server.requests} == {"system:masters"}


def test_a_node_not_ready(setup):
    setup.start()
    setup.cluster.node_not_ready(NODE_A)
    code, problems = setup.problems()
    assert code == 2
    assert problems == [
        {"kind": "Node", "name": NODE_A, "message": f"node {NODE_A} (nodes-eu-west-1a) is not ready: KubeletNotReady"},
        {"kind": "InstanceGroup", "name": "nodes-eu-west-1a",
         "message": "instance group nodes-eu-west-1a has 0 ready nodes, fewer than its minSize 1"},
    ]
    table = setup.validate().stdout
    assert "VALIDATION ERRORS" in table and f"Cluster {NAME} is NOT valid: 2 problems." in table


def test_too_few_nodes_in_a_group(setup):
    setup.start()
    setup.cluster.remove_node("nodes-eu-west-1b-1")
    code, problems = setup.problems()
    assert code == 2
    assert problems == [{"kind": "InstanceGroup", "name": "nodes-eu-west-1b",
                         "message": "instance group nodes-eu-west-1b has 0 ready nodes, fewer than its minSize 1"}]
    assert ["nodes-eu-west-1b", "Node", "t3.medium", "1", "1", "0/0"] in [
        line.split() for line in setup.validate().stdout.splitlines()]


def test_a_control_plane_pod_crashing(setup):
    setup.start()
    pod = setup.cluster.crash_pod("kube-controller-manager")
    code, problems = setup.problems()
    assert code == 2
    assert problems == [{"kind": "Pod", "name": f"kube-system/{pod}", "message":
                         f"pod {pod} is not ready (kube-controller-manager: CrashLoopBackOff, 7 restarts)"}]


@pytest.mark.parametrize("app", ["kube-scheduler", "etcd-manager-events", "kops-controller"])
def test_a_control_plane_pod_missing(setup, app):
    setup.start()
    setup.cluster.pods = [p for p in setup.cluster.pods if p["metadata"]["labels"]["k8s-app"] != app]
    code, problems = setup.problems()
    assert code == 2
    assert problems == [{"kind": "Node", "name": CONTROL_PLANE_NODE,
                         "message": f"control-plane node {CONTROL_PLANE_NODE} has no {app} pod"}]


def test_no_ready_dns(setup):
    setup.start()
    setup.cluster.crash_pod("kube-dns")
    setup.cluster.crash_pod("kube-dns")  # the first one again: still one pod left running
    setup.cluster.pods = [p for p in setup.cluster.pods if p["metadata"]["name"] != "coredns-7d4f-1"]
    code, problems = setup.problems()
    assert code == 2
    assert [p["kind"] for p in problems] == ["Pod", "Pod"]
    assert problems[1]["message"] == "no cluster DNS pod (k8s-app=kube-dns) is ready"


def test_the_api_not_ready(setup):
    setup.start()
    setup.cluster.readyz_status = 500
    code, problems = setup.problems()
    assert code == 2
    assert problems == [{"kind": "API", "name": setup.server.url,
                         "message": "the API server is not ready (HTTP 500: readyz check failed)"}]


def test_the_endpoint_down(setup):
    server = setup.start()
    server.stop()
    code, problems = setup.problems()
    assert code == 2 and len(problems) == 1 and problems[0]["kind"] == "API"
    assert problems[0]["message"].startswith("the API server cannot be reached:")
    assert "Connection refused" in problems[0]["message"]


def test_a_server_with_another_ca_is_not_trusted(setup):
    """The kubeconfig's CA data pins the cluster CA: a server presenting a certificate from any other CA is
    refused by our client before a single request (the fake server trusts that other CA only)."""
    other = new_ca("kubernetes-ca")
    item = other.items[0]
    server = setup.start(item.certificate_pem, item.private_key_pem)
    code, problems = setup.problems()
    assert code == 2 and "CERTIFICATE_VERIFY_FAILED" in problems[0]["message"]
    assert server.requests == []


def test_credentials_outside_system_masters_are_refused(setup, tmp_path):
    setup.start()
    import base64

    import yaml

    config = yaml.safe_load(setup.kubeconfig.read_text())
    primary = next(i for i in setup.ca.items if i.id == setup.ca.primary_id)
    ca_key = serialization.load_pem_private_key(primary.private_key_pem, password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "developers"),
                                     x509.NameAttribute(NameOID.COMMON_NAME, "dev")]))
            .issuer_name(primary.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1)).not_valid_after(now + datetime.timedelta(hours=1))
            .sign(ca_key, hashes.SHA256()))
    config["users"][0]["user"] = {
        "client-certificate-data": base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode(),
        "client-key-data": base64.b64encode(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption())).decode()}
    setup.kubeconfig.write_text(yaml.safe_dump(config))
    code, problems = setup.problems()
    assert code == 2 and "refused our credentials (HTTP 403)" in problems[0]["message"]


def test_wait_until_the_cluster_is_valid(setup):
    setup.start()
    setup.cluster.node_not_ready(NODE_A)
    healer = threading.Timer(1.5, setup.cluster.heal, args=(setup.spec,))
    healer.start()
    started = time.monotonic()
    result = setup.validate("--wait", "30s", "--interval", "1s")
    healer.join()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "not valid yet (2 problems, first: node nodes-eu-west-1a-1 (nodes-eu-west-1a) is not ready" in result.stderr
    assert time.monotonic() - started < 20


def test_wait_gives_up_after_the_time_given(setup):
    setup.start()
    setup.cluster.crash_pod("kube-scheduler")
    started = time.monotonic()
    result = setup.validate("--wait", "2s", "--interval", "1s")
    elapsed = time.monotonic() - started
    assert result.exit_code == 2 and "is NOT valid" in result.stdout
    assert 1.5 <= elapsed < 15 and result.stderr.count("not valid yet") >= 1


def test_what_cannot_run_exits_1(setup, tmp_path):
    setup.start()
    missing = run("validate", "cluster", NAME, "--kubeconfig", tmp_path / "nope", "--state", setup.state)
    assert missing.exit_code == 1 and "no kubeconfig" in missing.stderr
    other = run("validate", "cluster", NAME, "--kubeconfig", setup.kubeconfig, "--context", "elsewhere",
                "--state", setup.state)
    assert other.exit_code == 1 and "no context 'elsewhere'" in other.stderr
    unknown = run("validate", "cluster", "nope.example.com", "--kubeconfig", setup.kubeconfig, "--state", setup.state)
    assert unknown.exit_code == 1 and "not found" in unknown.stderr
    assert setup.validate("--wait", "soon").exit_code == 1


def test_json_output(setup):
    setup.start()
    result = setup.validate("-o", "json")
    doc = json.loads(result.stdout)
    assert doc["valid"] is True and doc["cluster"] == NAME and doc["failures"] == []
    assert {g["name"]: (g["ready"], g["registered"], g["min_size"]) for g in doc["instanceGroups"]} == {
        "control-plane-eu-west-1a": (1, 1, 1), "nodes-eu-west-1a": (1, 1, 1), "nodes-eu-west-1b": (1, 1, 1)}
