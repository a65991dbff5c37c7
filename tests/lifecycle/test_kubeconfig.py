"""`kopsgen export kubeconfig NAME --admin`: the entries written, the certificate's chain, merging, file mode.

The cluster CA is the one `update cluster --yes` keeps in the state store (made here through the same KeyStore);
the admin certificate is checked with `cryptography` against it, and the written kubeconfig is used by the real
kubectl against a fake API server serving with a certificate from that CA (tests/support/fake_apiserver.py).
"""

from __future__ import annotations

import base64
import datetime
import getpass
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kopsgen.bootstrap.pki import KUBERNETES_CA, KeyStore
from kopsgen.cli import cli
from kopsgen.lifecycle import stored_spec
from kopsgen.lifecycle.kubeconfig import parse_duration
from kopsgen.state import verbs
from tests.support.fake_apiserver import FakeApiServer, FakeCluster

DNS = "kc.example.com"         # a cluster with a public DNS zone: its API is https://api.kc.example.com
NO_DNS = "nodns.example.com"   # topology.dns.type None: the API is the load balancer's own name


def run(*args, env: dict | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def state(tmp_path, monkeypatch) -> str:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    url = f"file://{tmp_path}/state"
    for args in (["--name", DNS, "--dns-zone", "example.com"], ["--name", NO_DNS]):
        created = run("create", "cluster", *args, "--zones", "eu-west-1a", "--networking", "calico", "--state", url)
        assert created.exit_code == 0, created.output
    return url


def make_ca(state: str, name: str):
    """The cluster CA, as the first `update cluster --yes` makes it."""
    keys = KeyStore(verbs.registry(state).store, name)
    keys.load([KUBERNETES_CA])
    return keys.get(KUBERNETES_CA)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def named(config: dict, section: str, name: str) -> dict:
    matches = [e for e in config[section] if e["name"] == name]
    assert len(matches) == 1, (section, name, config[section])
    return matches[0][section[:-1]]


def test_admin_kubeconfig_has_the_endpoint_the_ca_and_a_certificate_the_ca_signed(state, tmp_path):
    ca = make_ca(state, DNS)
    path = tmp_path / "kc"
    # certificate times have whole seconds: compare with the second the export started in
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    result = run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", path, "--state", state)
    after = datetime.datetime.now(datetime.timezone.utc)
    assert result.exit_code == 0, result.output
    config = load(path)
    assert config["current-context"] == DNS
    assert named(config, "contexts", DNS) == {"cluster": DNS, "user": DNS}
    cluster = named(config, "clusters", DNS)
    assert cluster["server"] == f"https://api.{DNS}"
    assert cluster["tls-server-name"] == f"api.internal.{DNS}"
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == ca.certificates_pem()

    user = named(config, "users", DNS)
    cert = x509.load_pem_x509_certificate(base64.b64decode(user["client-certificate-data"]))
    key = serialization.load_pem_private_key(base64.b64decode(user["client-key-data"]), password=None)
    ca_cert = next(i for i in ca.items if i.id == ca.primary_id).certificate
    cert.verify_directly_issued_by(ca_cert)          # the chain: signed by the cluster CA's primary key
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"kubecfg-{getpass.getuser()}"
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # 18 hours from the moment it was issued, somewhere between `before` and `after`
    assert before + datetime.timedelta(hours=18) <= cert.not_valid_after_utc <= after + datetime.timedelta(hours=18)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_duration_internal_and_server_flags(state, tmp_path):
    make_ca(state, DNS)
    path = tmp_path / "kc"
    assert run("export", "kubeconfig", DNS, "--admin", "--duration", "1h30m", "--internal", "--kubeconfig", path,
               "--state", state).exit_code == 0
    config = load(path)
    assert named(config, "clusters", DNS)["server"] == f"https://api.internal.{DNS}"
    cert = x509.load_pem_x509_certificate(base64.b64decode(named(config, "users", DNS)["client-certificate-data"]))
    assert abs((cert.not_valid_after_utc - cert.not_valid_before_utc) - datetime.timedelta(minutes=95)) \
        < datetime.timedelta(seconds=5)   # 1h30m, plus the five minutes it is back-dated for clock skew
    assert run("export", "kubeconfig", DNS, "--admin", "--server", "https://10.0.0.1:6443", "--kubeconfig", path,
               "--state", state).exit_code == 0
    assert named(load(path), "clusters", DNS)["server"] == "https://10.0.0.1:6443"


@pytest.mark.parametrize("text,seconds", [("18h", 64800), ("90m", 5400), ("1h30m", 5400), ("3600s", 3600),
                                          ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["18", "h", "-1h", "1d", "0s", "1h 30m"])
def test_bad_durations_are_refused(state, tmp_path, text):
    make_ca(state, DNS)
    result = run("export", "kubeconfig", DNS, "--admin", "--duration", text, "--kubeconfig", tmp_path / "kc",
                 "--state", state)
    assert result.exit_code == 2 and "--duration" in result.output
    assert not (tmp_path / "kc").exists()


def test_a_cluster_without_dns_needs_the_load_balancer_name(state, tmp_path):
    make_ca(state, NO_DNS)
    path = tmp_path / "kc"
    refused = run("export", "kubeconfig", NO_DNS, "--admin", "--kubeconfig", path, "--state", state)
    assert refused.exit_code == 2 and "--server" in refused.output and "api-nodns-example-com-" in refused.output
    assert not path.exists()
    url = "https://api-nodns-example-com-abcdef-0123456789.elb.eu-west-1.amazonaws.com"
    assert run("export", "kubeconfig", NO_DNS, "--admin", "--server", url, "--kubeconfig", path,
               "--state", state).exit_code == 0
    assert named(load(path), "clusters", NO_DNS)["server"] == url


def test_merging_keeps_every_other_entry_and_replaces_ours(state, tmp_path):
    make_ca(state, DNS)
    path = tmp_path / "kc"
    other = {
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "other", "cluster": {"server": "https://other:6443", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "other", "user": {"token": "secret-token"}}],
        "contexts": [{"name": "other", "context": {"cluster": "other", "user": "other", "namespace": "team"}}],
        "preferences": {"colors": True}, "extensions": [{"name": "x", "extension": {"a": 1}}],
    }
    path.write_text(yaml.safe_dump(other))
    path.chmod(0o644)
    assert run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", path, "--state", state).exit_code == 0
    first = load(path)
    for section in ("clusters", "users", "contexts"):
        assert named(first, section, "other") == named(other, section, "other")
    assert first["preferences"] == {"colors": True} and first["extensions"] == other["extensions"]
    assert first["current-context"] == DNS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600   # private from now on: it holds a private key

    assert run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", path, "--state", state).exit_code == 0
    second = load(path)
    assert [e["name"] for e in second["users"]] == ["other", DNS]     # replaced, not added twice
    assert named(second, "users", DNS) != named(first, "users", DNS)  # a new certificate


def test_the_kubeconfig_file_is_found_as_kubectl_finds_it(state, tmp_path, monkeypatch):
    make_ca(state, DNS)
    missing, present = tmp_path / "a" / "missing", tmp_path / "present"
    present.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Config", "clusters": []}))
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(missing), str(present)]))
    assert run("export", "kubeconfig", DNS, "--admin", "--state", state).exit_code == 0
    assert DNS in present.read_text() and not missing.exists()        # the first existing file
    present.unlink()
    assert run("export", "kubeconfig", DNS, "--admin", "--state", state).exit_code == 0
    assert present.exists() and not missing.exists()                  # none exists: the last one
    monkeypatch.delenv("KUBECONFIG")
    assert run("export", "kubeconfig", DNS, "--admin", "--state", state).exit_code == 0
    default = tmp_path / "home" / ".kube" / "config"
    assert DNS in default.read_text() and stat.S_IMODE(default.stat().st_mode) == 0o600


def test_a_symlinked_kubeconfig_stays_a_link(state, tmp_path):
    make_ca(state, DNS)
    real, link = tmp_path / "real-config", tmp_path / "link-config"
    real.write_text("apiVersion: v1\nkind: Config\n")
    link.symlink_to(real)
    assert run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", link, "--state", state).exit_code == 0
    assert link.is_symlink() and DNS in real.read_text()


def test_errors_write_nothing(state, tmp_path):
    path = tmp_path / "kc"
    no_ca = run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", path, "--state", state)
    assert no_ca.exit_code == 1 and f"kopsgen update cluster {DNS} --yes" in no_ca.output
    assert not path.exists()
    make_ca(state, DNS)
    path.write_text("clusters: [unclosed\n")
    broken = run("export", "kubeconfig", DNS, "--admin", "--kubeconfig", path, "--state", state)
    assert broken.exit_code == 1 and "not valid YAML" in broken.output
    assert path.read_text() == "clusters: [unclosed\n"
    unknown = run("export", "kubeconfig", "nope.example.com", "--admin", "--kubeconfig", path, "--state", state)
    assert unknown.exit_code == 2 and "not found" in unknown.output


def test_without_admin_no_credentials_are_written(state, tmp_path):
    make_ca(state, DNS)
    path = tmp_path / "kc"
    result = run("export", "kubeconfig", DNS, "--kubeconfig", path, "--state", state)
    assert result.exit_code == 0 and "--admin" in result.output
    config = load(path)
    assert named(config, "clusters", DNS)["server"] == f"https://api.{DNS}" and not config.get("users")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not on PATH")
def test_kubectl_reaches_the_api_server_with_it(state, tmp_path):
    """The real kubectl: verifies the server against the CA data as api.internal.<cluster> (tls-server-name),
    authenticates with the admin certificate, and is let in as system:masters."""
    ca = make_ca(state, DNS)
    primary = next(i for i in ca.items if i.id == ca.primary_id)
    spec = stored_spec(verbs.registry(state), DNS)
    with FakeApiServer(primary.certificate_pem, primary.private_key_pem, FakeCluster.healthy(spec),
                       [f"api.internal.{DNS}"]) as server:
        path = tmp_path / "kc"
        assert run("export", "kubeconfig", DNS, "--admin", "--server", server.url, "--kubeconfig", path,
                   "--state", state).exit_code == 0
        env = {**os.environ, "KUBECONFIG": str(path), "HOME": str(tmp_path / "home")}
        readyz = subprocess.run(["kubectl", "get", "--raw", "/readyz"], env=env, capture_output=True, text=True,
                                timeout=60)
        assert readyz.returncode == 0 and readyz.stdout.strip() == "ok", readyz.stderr
        nodes = subprocess.run(["kubectl", "get", "--raw", "/api/v1/nodes"], env=env, capture_output=True,
                               text=True, timeout=60)
        assert nodes.returncode == 0 and "nodes-eu-west-1a-1" in nodes.stdout, nodes.stderr
        assert server.requests[0][1:] == (f"kubecfg-{getpass.getuser()}", "system:masters")
