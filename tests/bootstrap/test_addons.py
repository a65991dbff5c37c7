"""The addon manifests of the pod network (Cilium, Flannel, kindnet, kube-router, kopeio) and DNS
addons, and the nodeup settings each network needs.

Two kinds of tests:
- against kops: kops's own integration cases in a kops checkout (KOPSGEN_KOPS_SOURCE, default
  /work/kops-src; skipped when absent) are rendered by kopsgen, and each manifest, its channel entry
  and the nodeup configs are compared leaf by leaf with the files kops wrote for the case;
- on their own: clusters written by `kopsgen create cluster` (or edited from it) are rendered and
  the manifests parsed back: every document a valid Kubernetes object (the API's OpenAPI schemas,
  through kubernetes-validate), and the values a cluster needs (images, CIDRs, names, options) as
  the spec asks.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.bootstrap import addons, versions
from kopsgen.bootstrap.addons.values import remap_image
from kopsgen.cli import cli
from kopsgen.errors import RenderError
from kopsgen.spec.defaults import apply_defaults
from kopsgen.spec.documents import load_documents
from tests.support import kops_files
from tests.support.paths import reference_cases

KOPS_SOURCE = Path(os.environ.get("KOPSGEN_KOPS_SOURCE", "/work/kops-src"))
KOPS_CASES = KOPS_SOURCE / "tests" / "integration" / "update_cluster"
needs_kops = pytest.mark.skipif(not KOPS_CASES.is_dir(),
                                reason=f"kops's integration cases are not at {KOPS_CASES} (set KOPSGEN_KOPS_SOURCE)")

# ---------------------------------------------------------------- helpers


def _state_files(spec) -> dict[str, bytes]:
    return {f.name: f.content for f in kops_files.bootstrap(spec).files}


def _docs(data: bytes) -> list[dict]:
    return [d for d in yaml.safe_load_all(data) if d is not None]


def _identity(doc: dict) -> tuple[str, str, str]:
    return doc["kind"], doc["metadata"].get("namespace", ""), doc["metadata"]["name"]


def _channel(spec, files: dict[str, bytes]) -> dict[str, dict]:
    channel = yaml.safe_load(files[f"{spec.cluster.name}-addons-bootstrap"])
    return {a["name"]: a for a in channel["spec"]["addons"]}


def _addon(spec, files: dict[str, bytes], name: str) -> list[dict]:
    entry = _channel(spec, files)[name]
    key = f"{spec.cluster.name}-addons-{name}" + (f"-{entry['id']}" if entry.get("id") else "")
    return _docs(files[key])


def _find(docs: list[dict], kind: str, name: str) -> dict:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def _container(workload: dict, name: str, init: bool = False) -> dict:
    pod = workload["spec"]["template"]["spec"]
    return next(c for c in pod["initContainers" if init else "containers"] if c["name"] == name)


def _env(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env") or ()}


# The API groups of Kubernetes itself: their objects must pass the API's schemas. Objects of other
# groups (cert-manager's Certificate, the Gateway API, ...) have their schemas in their projects' CRDs.
BUILT_IN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io",
                   "node.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
                   "apiextensions.k8s.io", "admissionregistration.k8s.io", "apiregistration.k8s.io"}


def assert_valid_kubernetes(docs: list[dict], minor: int) -> None:
    """Every object has its identity and, for Kubernetes's own kinds, passes the API's schema."""
    version = f"1.{min(minor, 37)}.0"
    for doc in docs:
        assert doc.get("apiVersion") and doc.get("kind") and doc.get("metadata", {}).get("name"), doc
        group = doc["apiVersion"].rpartition("/")[0]
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            raise AssertionError(f"{_identity(doc)}: {e.message} at {list(e.path)}") from None
        except kubernetes_validate.SchemaNotFoundError:
            assert group not in BUILT_IN_GROUPS, f"{_identity(doc)}: no {doc['apiVersion']} {doc['kind']} in Kubernetes"


# ---------------------------------------------------------------- against kops's own cases


def _kops_case_spec(case: str, completed_by_kops: bool):
    source = KOPS_CASES / case / "in-v1alpha2.yaml"
    docs = load_documents([source])
    if completed_by_kops:
        completed = KOPS_CASES / case / "data" / "aws_s3_object_cluster-completed.spec_content"
        docs.cluster.data = yaml.safe_load(completed.read_text())
        return pipeline.typed_spec(apply_defaults(kops_files.pin_golden_release(docs)))
    return pipeline.typed_spec(pipeline.complete_documents(kops_files.pin_golden_release(docs)))


def _kops_file(case: str, name: str) -> bytes:
    return (KOPS_CASES / case / "data" / f"aws_s3_object_{name}_content").read_bytes()


def _script_commands(text: str) -> list[str]:
    """A shell script without its comments and blank lines: what it runs."""
    return [line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


# (case, addon): kops's integration cases that enable each network addon
KOPS_NETWORK_CASES = [
    ("privatecilium", "networking.cilium.io"),              # default Cilium, pod annotations
    ("privatecilium2", "networking.cilium.io"),             # Hubble with metrics, ingress, cluster name/ID
    ("privatecilium-eni", "networking.cilium.io"),          # ENI IPAM
    ("privateciliumadvanced", "networking.cilium.io"),      # ENI, etcd kvstore, node port, host firewall
    ("minimal-ipv6-cilium", "networking.cilium.io"),        # IPv6
    ("privateflannel", "networking.flannel"),
    ("privatekindnet", "networking.kindnet"),
    ("minimal-ipv6-kindnet", "networking.kindnet"),
    ("privatekopeio", "networking.kope.io"),
]


@needs_kops
@pytest.mark.parametrize("completed_by_kops", [True, False], ids=["kops-completed-spec", "kopsgen-defaults"])
@pytest.mark.parametrize("case,addon", KOPS_NETWORK_CASES)
def test_network_addon_is_kops_manifest(case, addon, completed_by_kops):
    """The same objects in the same order, and every value kops writes, leaf by leaf; the one
    deliberate difference is the wording of the comments in Cilium's ENI start-up script."""
    spec = _kops_case_spec(case, completed_by_kops)
    files = _state_files(spec)
    entry = _channel(spec, files)[addon]
    kops_channel = yaml.safe_load(_kops_file(case, f"{spec.cluster.name}-addons-bootstrap"))
    kops_entry = next(a for a in kops_channel["spec"]["addons"] if a["name"] == addon)
    assert {k: v for k, v in entry.items() if k != "manifestHash"} == \
           {k: v for k, v in kops_entry.items() if k != "manifestHash"}

    name = f"{spec.cluster.name}-addons-{addon}-{entry['id']}"
    theirs, ours = _docs(_kops_file(case, name)), _docs(files[name])
    assert [_identity(d) for d in ours] == [_identity(d) for d in theirs]
    agreement = kops_files.Agreement(kops_files.flatten(theirs), kops_files.flatten(ours))
    assert not agreement.missing and not agreement.extra, (agreement.missing, agreement.extra)
    for path in agreement.differing:
        assert path.endswith("lifecycle.postStart.exec.command[2]"), (path, agreement.theirs[path],
                                                                      agreement.ours[path])
        assert _script_commands(agreement.ours[path]) == _script_commands(agreement.theirs[path])
    if not agreement.differing:  # same objects, same values: the channel's hash is kops's too
        assert entry["manifestHash"] == kops_entry["manifestHash"]
    print(f"\n{case} {addon}: {agreement.summary()}")


# Leaves of a nodeup config that differ for reasons outside the network: our CAs (kops's test
# CAs are fixed keys) and the hosted zone's ID (kops looks the zone up in Route 53).
NODEUP_IGNORED = [r"^\[0\]\.CAs\.", r"^\[0\]\.KeypairIDs\.", r"ServiceAccountPublicKeys", r"\.DNSZone$"]


@needs_kops
@pytest.mark.parametrize("case", sorted({case for case, _ in KOPS_NETWORK_CASES}))
def test_nodeup_configs_carry_kops_network_settings(case):
    """Each group's nodeup config (networking block, kube-proxy, CNI assets, Cilium's etcd, kubenet)
    is kops's, from kopsgen's own defaults; the CAs differ in content only, never in which."""
    spec = _kops_case_spec(case, completed_by_kops=False)
    files = _state_files(spec)
    names = [p.name[len("aws_s3_object_"):-len("_content")]
             for p in sorted((KOPS_CASES / case / "data").glob("aws_s3_object_nodeupconfig-*_content"))]
    assert names
    for name in names:
        theirs, ours = _docs(_kops_file(case, name))[0], _docs(files[name])[0]
        agreement = kops_files.agreement(yaml.safe_dump(theirs), yaml.safe_dump(ours), NODEUP_IGNORED)
        assert not agreement.extra and not agreement.unexplained, (name, agreement.extra, agreement.unexplained)
        assert sorted(ours["CAs"]) == sorted(theirs["CAs"]) and sorted(ours["KeypairIDs"]) == sorted(theirs["KeypairIDs"])
        for key in ("Networking", "KubeProxy", "UseCiliumEtcd", "UsesKubenet", "InstallCNIAssets"):
            assert ours.get(key) == theirs.get(key), (name, key)


@needs_kops
def test_kops_controller_signs_cilium_etcd_client_certificates():
    case = "privateciliumadvanced"
    spec = _kops_case_spec(case, completed_by_kops=False)
    name = f"{spec.cluster.name}-addons-kops-controller.addons.k8s.io-k8s-1.16"
    ours = yaml.safe_load(_find(_docs(_state_files(spec)[name]), "ConfigMap", "kops-controller")["data"]["config.yaml"])
    theirs = yaml.safe_load(_find(_docs(_kops_file(case, name)), "ConfigMap", "kops-controller")["data"]["config.yaml"])
    assert ours["server"]["certNames"] == theirs["server"]["certNames"]
    assert ours["server"]["signingCAs"] == theirs["server"]["signingCAs"] == ["kubernetes-ca", "etcd-clients-ca-cilium"]


# ---------------------------------------------------------------- on their own: clusters from `create cluster`


def _create(tmp_path: Path, name: str, *flags: str) -> Path:
    out = tmp_path / f"{name}.yaml"
    result = CliRunner().invoke(cli, ["create", "cluster", "--name", name, *flags, "--output", str(out)],
                                env={"KOPSGEN_STATE_STORE": "s3://state-bucket"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _edit(path: Path, edit) -> Path:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    edit(next(d for d in docs if d["kind"] == "Cluster")["spec"])
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return path


def _render(path: Path):
    spec = pipeline.load_spec([path])
    return spec, _state_files(spec)


@pytest.fixture(scope="module")
def default_cluster(tmp_path_factory):
    """`kopsgen create cluster`'s default: Cilium, kube-proxy replaced, HA control plane."""
    path = _create(tmp_path_factory.mktemp("cilium"), "cilium.example.com", "--zones", "eu-west-1a,eu-west-1b,eu-west-1c",
                   "--control-plane-count", "3")
    return _render(_edit(path, lambda spec: spec.update(cloudLabels={"Team": "net", "Owner": "ops"})))


def test_default_cluster_gets_cilium_as_kube_proxy_replacement(default_cluster):
    spec, files = default_cluster
    channel = _channel(spec, files)
    assert channel["networking.cilium.io"] == {
        "id": "k8s-1.16", "manifest": "networking.cilium.io/k8s-1.16-v1.15.yaml", "name": "networking.cilium.io",
        "needsRollingUpdate": "all", "selector": {"role.kubernetes.io/networking": "1"},
        "manifestHash": channel["networking.cilium.io"]["manifestHash"]}
    docs = _addon(spec, files, "networking.cilium.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    config = _find(docs, "ConfigMap", "cilium-config")["data"]
    assert config["kube-proxy-replacement"] == config["enable-node-port"] == "true"
    assert (config["routing-mode"], config["tunnel-protocol"], config["ipam"]) == ("tunnel", "vxlan", "kubernetes")
    assert (config["enable-ipv4"], config["enable-ipv6"], config["enable-ipv4-masquerade"]) == ("true", "false", "true")
    assert "kvstore" not in config and "enable-hubble" not in config
    agent = _find(docs, "DaemonSet", "cilium")
    assert all(c["image"] == "quay.io/cilium/cilium:v1.18.12"
               for c in agent["spec"]["template"]["spec"]["containers"] + agent["spec"]["template"]["spec"]["initContainers"])
    # before service routing exists, the agent reaches the API server by its internal name
    assert _env(_container(agent, "cilium-agent"))["KUBERNETES_SERVICE_HOST"] == "api.internal.cilium.example.com"
    operator = _find(docs, "Deployment", "cilium-operator")
    assert operator["spec"]["replicas"] == 2  # three control-plane nodes
    assert _container(operator, "cilium-operator")["image"] == "quay.io/cilium/operator:v1.18.12"
    assert "--eni-tags=KubernetesCluster=cilium.example.com,Owner=ops,Team=net" in \
        _container(operator, "cilium-operator")["args"]
    # kube-proxy does not run: nodeup gets no configuration for it, kops-controller signs no certificate
    nodeup = yaml.safe_load(files["nodeupconfig-nodes-eu-west-1a"])
    assert nodeup["KubeProxy"] is None and nodeup["Networking"]["cilium"] == {}
    assert "InstallCNIAssets" not in nodeup  # Cilium installs its own CNI binaries


def test_cilium_eni_mode(tmp_path):
    spec, files = _render(_create(tmp_path, "eni.example.com", "--zones", "eu-west-1a", "--networking", "cilium-eni"))
    docs = _addon(spec, files, "networking.cilium.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    config = _find(docs, "ConfigMap", "cilium-config")["data"]
    assert (config["ipam"], config["routing-mode"], config["enable-bpf-masquerade"]) == ("eni", "native", "true")
    assert config["eni-tags"] == "KubernetesCluster=eni.example.com"
    assert "tunnel-protocol" not in config
    agent = _container(_find(docs, "DaemonSet", "cilium"), "cilium-agent")
    script = agent["lifecycle"]["postStart"]["exec"]["command"]
    assert script[:2] == ["bash", "-c"] and "iptables-restore" in script[2]
    for group in ("nodes-eu-west-1a", "control-plane-eu-west-1a"):
        nodeup = yaml.safe_load(files[f"nodeupconfig-{group}"])
        assert nodeup["Networking"]["cilium"] == {"ipam": "eni"}
        assert nodeup["DefaultMachineType"]  # nodeup sizes max-pods from the instance type's ENIs


def test_cilium_with_its_own_etcd(tmp_path):
    spec, files = _render(_create(tmp_path, "ce.example.com", "--zones", "eu-west-1a,eu-west-1b,eu-west-1c",
                                  "--control-plane-count", "3", "--networking", "cilium-etcd"))
    docs = _addon(spec, files, "networking.cilium.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    config = _find(docs, "ConfigMap", "cilium-config")["data"]
    assert config["kvstore"] == "etcd"
    etcd = yaml.safe_load(config["etcd-config"])
    assert etcd["endpoints"] == ["https://api.internal.ce.example.com:4003"]
    assert etcd["cert-file"] == "/var/lib/etcd-secrets/etcd-client-cilium.crt"
    for workload in (_find(docs, "DaemonSet", "cilium"), _find(docs, "Deployment", "cilium-operator")):
        volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"]["volumes"]}
        assert volumes["etcd-secrets"]["hostPath"]["path"] == "/etc/kubernetes/pki/cilium"
        assert volumes["etcd-config-path"]["configMap"]["items"] == [{"key": "etcd-config", "path": "etcd.config"}]
    for group in ("nodes-eu-west-1a", "control-plane-eu-west-1a"):
        nodeup = yaml.safe_load(files[f"nodeupconfig-{group}"])
        assert nodeup["UseCiliumEtcd"] is True
        assert "etcd-clients-ca-cilium" in nodeup["CAs"] and "etcd-clients-ca-cilium" in nodeup["KeypairIDs"]
    assert "pki-private-etcd-clients-ca-cilium" in files  # kept in the state store with the other CAs
    assert "manifests-etcdmanager-cilium-control-plane-eu-west-1a" in files


def _hubble(spec: dict) -> None:
    spec["networking"]["cilium"].update(hubble={"enabled": True, "metrics": ["dns", "drop", "flow"]},
                                        enablePrometheusMetrics=True, clusterName="mesh-a", clusterID=7,
                                        ingress={"enabled": True}, gatewayAPI={"enabled": True})
    spec["certManager"] = {"enabled": True}


def test_cilium_hubble_ingress_gateway_and_metrics(tmp_path):
    path = _edit(_create(tmp_path, "hubble.example.com", "--zones", "eu-west-1a"), _hubble)
    spec, files = _render(path)
    assert _channel(spec, files)["networking.cilium.io"]["needsPKI"] is True  # the Issuer Hubble's certificates use
    docs = _addon(spec, files, "networking.cilium.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert {("Deployment", "hubble-relay"), ("Service", "hubble-peer"), ("Service", "hubble-metrics"),
            ("Certificate", "hubble-server-certs"), ("Certificate", "hubble-relay-client-certs"),
            ("IngressClass", "cilium"), ("Service", "cilium-ingress"), ("Endpoints", "cilium-ingress"),
            ("GatewayClass", "cilium"), ("Service", "cilium-agent")} <= names
    config = _find(docs, "ConfigMap", "cilium-config")["data"]
    assert config["hubble-metrics"] == "dns drop flow" and config["cluster-name"] == "mesh-a"
    assert config["cluster-id"] == "7" and config["prometheus-serve-addr"] == ":9090"
    assert config["enable-gateway-api"] == config["enable-ingress-controller"] == "true"
    server = _find(docs, "Certificate", "hubble-server-certs")["spec"]
    assert server["dnsNames"] == ["*.mesh-a.hubble-grpc.cilium.io"]
    assert server["issuerRef"] == {"kind": "Issuer", "name": "networking.cilium.io"}
    ports = {p["name"]: p for p in _container(_find(docs, "DaemonSet", "cilium"), "cilium-agent")["ports"]}
    assert set(ports) == {"peer-service", "hubble-metrics", "prometheus"}
    assert "hubble.example.com" in _find(docs, "ConfigMap", "hubble-relay-config")["data"]["config.yaml"] or \
        '"mesh-a"' in _find(docs, "ConfigMap", "hubble-relay-config")["data"]["config.yaml"]


def test_cilium_ipsec_is_refused_naming_the_field(tmp_path):
    def ipsec(spec):
        spec["networking"]["cilium"].update(enableEncryption=True, encryptionType="ipsec")

    path = _edit(_create(tmp_path, "ipsec.example.com", "--zones", "eu-west-1a"), ipsec)
    with pytest.raises(RenderError, match=r"spec\.networking\.cilium\.encryptionType: .*IPsec.*wireguard"):
        _render(path)
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "-o", str(tmp_path / "out")],
                                env={"KOPSGEN_STATE_STORE": f"file://{tmp_path}/state"})
    assert result.exit_code == 2 and "spec.networking.cilium.encryptionType" in result.output
    assert "Traceback" not in result.output


def test_cilium_wireguard(tmp_path):
    def wireguard(spec):
        spec["networking"]["cilium"].update(enableEncryption=True, encryptionType="wireguard", nodeEncryption=True)

    spec, files = _render(_edit(_create(tmp_path, "wg.example.com", "--zones", "eu-west-1a"), wireguard))
    config = _find(_addon(spec, files, "networking.cilium.io"), "ConfigMap", "cilium-config")["data"]
    assert (config["enable-wireguard"], config["encrypt-node"]) == ("true", "true")
    assert "enable-ipsec" not in config


def test_flannel(tmp_path):
    spec, files = _render(_create(tmp_path, "flannel.example.com", "--zones", "eu-west-1a", "--networking", "flannel"))
    assert _channel(spec, files)["networking.flannel"]["prune"]["kinds"]  # objects dropped later are pruned
    docs = _addon(spec, files, "networking.flannel")
    assert_valid_kubernetes(docs, spec_minor(spec))
    net_conf = yaml.safe_load(_find(docs, "ConfigMap", "kube-flannel-cfg")["data"]["net-conf.json"])
    assert net_conf == {"Network": spec.cluster.raw["spec"]["nonMasqueradeCIDR"], "EnableNFTables": False,
                        "Backend": {"Type": "vxlan"}}
    daemonset = _find(docs, "DaemonSet", "kube-flannel-ds")
    assert daemonset["metadata"]["namespace"] == "kube-flannel"
    assert _container(daemonset, "kube-flannel")["image"] == "ghcr.io/flannel-io/flannel:v0.28.9"
    nodeup = yaml.safe_load(files["nodeupconfig-nodes-eu-west-1a"])
    assert nodeup["Networking"]["flannel"] == {} and nodeup["InstallCNIAssets"] is True
    assert nodeup["KubeProxy"]["clusterCIDR"] == spec.cluster.raw["spec"]["podCIDR"]  # kube-proxy runs


def test_kindnet_masquerades_outside_the_cluster_ranges(tmp_path):
    spec, files = _render(_create(tmp_path, "kindnet.example.com", "--zones", "eu-west-1a", "--networking", "kindnet"))
    assert _channel(spec, files)["networking.kindnet"]["needsRollingUpdate"] == "all"
    docs = _addon(spec, files, "networking.kindnet")
    assert_valid_kubernetes(docs, spec_minor(spec))
    command = _container(_find(docs, "DaemonSet", "kindnet"), "kindnet-cni")["command"]
    s = spec.cluster.raw["spec"]
    assert f"--no-masquerade-cidr={s['networkCIDR']},{s['podCIDR']},{s['serviceClusterIPRange']}" in command
    assert "--masquerading=true" in command
    assert not any(d["kind"] == "CustomResourceDefinition" for d in docs)


def test_kindnet_admin_network_policies(tmp_path):
    def policies(spec):
        spec["networking"]["kindnet"] = {"networkPolicies": True, "adminNetworkPolicies": True,
                                         "baselineAdminNetworkPolicies": True}

    path = _edit(_create(tmp_path, "anp.example.com", "--zones", "eu-west-1a", "--networking", "kindnet"), policies)
    spec, files = _render(path)
    docs = _addon(spec, files, "networking.kindnet")
    assert_valid_kubernetes(docs, spec_minor(spec))
    assert {d["metadata"]["name"] for d in docs if d["kind"] == "CustomResourceDefinition"} == \
        {"adminnetworkpolicies.policy.networking.k8s.io", "baselineadminnetworkpolicies.policy.networking.k8s.io"}
    rules = _find(docs, "ClusterRole", "kindnet")["rules"]
    assert {"apiGroups": ["policy.networking.k8s.io"], "resources": ["adminnetworkpolicies",
            "baselineadminnetworkpolicies"], "verbs": ["list", "watch"]} in rules
    command = _container(_find(docs, "DaemonSet", "kindnet"), "kindnet-cni")["command"]
    assert "--network-policy=true" in command and command.count("--admin-network-policy=true") == 2


def test_kube_router_replaces_kube_proxy(tmp_path):
    spec, files = _render(_create(tmp_path, "router.example.com", "--zones", "eu-west-1a", "--networking", "kube-router"))
    docs = _addon(spec, files, "networking.kuberouter")
    assert_valid_kubernetes(docs, spec_minor(spec))
    args = _container(_find(docs, "DaemonSet", "kube-router"), "kube-router")["args"]
    assert "--run-service-proxy=true" in args and "--kubeconfig=/var/lib/kube-router/kubeconfig" in args
    assert f'--service-cluster-ip-range="{spec.cluster.raw["spec"]["serviceClusterIPRange"]}"' in args
    binding = _find(docs, "ClusterRoleBinding", "kube-router")
    assert {"kind": "User", "name": "system:kube-router"} in binding["subjects"]
    # kops-controller signs kube-router's client certificate, and no kube-proxy one
    config = yaml.safe_load(_find(_addon(spec, files, "kops-controller.addons.k8s.io"), "ConfigMap",
                                  "kops-controller")["data"]["config.yaml"])
    assert "kube-router" in config["server"]["certNames"] and "kube-proxy" not in config["server"]["certNames"]
    nodeup = yaml.safe_load(files["nodeupconfig-nodes-eu-west-1a"])
    assert nodeup["KubeProxy"] is None and nodeup["Networking"]["kuberouter"] == {}


def test_kopeio_networking_is_kubenet_based(tmp_path):
    def kopeio(spec):
        spec["networking"] = {"kopeio": {}}

    path = _edit(_create(tmp_path, "kopeio.example.com", "--zones", "eu-west-1a", "--networking", "kubenet"), kopeio)
    spec, files = _render(path)
    docs = _addon(spec, files, "networking.kope.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    assert _find(docs, "DaemonSet", "kopeio-networking-agent")
    nodeup = yaml.safe_load(files["nodeupconfig-nodes-eu-west-1a"])
    assert nodeup["UsesKubenet"] is True


# ---------------------------------------------------------------- DNS addons, gVisor, secure metrics-server


@needs_kops
def test_external_dns_is_kops_manifest():
    """kops's external_dns case, from kops's completed spec (which holds the zone's ID, looked up)."""
    case, addon = "external_dns", "external-dns.addons.k8s.io"
    spec = _kops_case_spec(case, completed_by_kops=True)
    files = _state_files(spec)
    name = f"{spec.cluster.name}-addons-{addon}-k8s-1.19"
    theirs, ours = _docs(_kops_file(case, name)), _docs(files[name])
    assert ours == theirs
    kops_channel = yaml.safe_load(_kops_file(case, f"{spec.cluster.name}-addons-bootstrap"))
    assert [(a["name"], a.get("id"), a["manifest"]) for a in kops_channel["spec"]["addons"]] == \
        [(a["name"], a.get("id"), a["manifest"]) for a in _channel(spec, files).values()]


def test_external_dns_with_a_zone_name_filters_by_domain(tmp_path):
    path = _create(tmp_path, "xdns.example.com", "--zones", "eu-west-1a", "--dns-zone", "example.com")
    spec, files = _render(_edit(path, lambda s: s.update(externalDns={"provider": "external-dns",
                                                                      "watchIngress": False})))
    channel = _channel(spec, files)
    assert channel["dns-controller.addons.k8s.io"]["prune"]  # dns-controller is removed, not just left out
    docs = _addon(spec, files, "external-dns.addons.k8s.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    args = _container(_find(docs, "Deployment", "external-dns"), "external-dns")["args"]
    assert args == ["--provider=aws", "--events", "--source=pod", "--source=service",
                    "--compatibility=kops-dns-controller", "--registry=txt", "--txt-owner-id=kops-xdns.example.com",
                    "--domain-filter=example.com"]


def test_kube_dns_provider(tmp_path):
    def kube_dns(s):
        s["kubeDNS"] = {"provider": "KubeDNS", "upstreamNameservers": ["10.0.0.2"],
                        "stubDomains": {"corp.example": ["10.1.0.2"]}}

    spec, files = _render(_edit(_create(tmp_path, "kubedns.example.com", "--zones", "eu-west-1a"), kube_dns))
    channel = _channel(spec, files)
    assert "kube-dns.addons.k8s.io" in channel and "coredns.addons.k8s.io" not in channel
    docs = _addon(spec, files, "kube-dns.addons.k8s.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    service = _find(docs, "Service", "kube-dns")
    assert service["spec"]["clusterIP"] == spec.cluster.raw["spec"]["kubeDNS"]["serverIP"]
    config = _find(docs, "ConfigMap", "kube-dns")["data"]
    assert yaml.safe_load(config["upstreamNameservers"]) == ["10.0.0.2"]
    assert yaml.safe_load(config["stubDomains"]) == {"corp.example": ["10.1.0.2"]}
    dnsmasq = _container(_find(docs, "Deployment", "kube-dns"), "dnsmasq")
    assert "--server=/cluster.local/127.0.0.1#10053" in dnsmasq["args"] and "--cache-size=1000" in dnsmasq["args"]


@pytest.mark.parametrize("proxy_mode,forward", [("iptables", False), ("ipvs", True)])
def test_node_local_dns(tmp_path, proxy_mode, forward):
    def node_local(s):
        s["kubeDNS"] = {"nodeLocalDNS": {"enabled": True, "forwardToKubeDNS": forward}}
        if proxy_mode == "ipvs":
            s["kubeProxy"] = {"proxyMode": "ipvs"}

    flags = ["--networking", "calico"] if proxy_mode == "ipvs" else []
    spec, files = _render(_edit(_create(tmp_path, "nld.example.com", "--zones", "eu-west-1a", *flags), node_local))
    assert _channel(spec, files)["nodelocaldns.addons.k8s.io"]["needsRollingUpdate"] == "all"
    docs = _addon(spec, files, "nodelocaldns.addons.k8s.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    corefile = _find(docs, "ConfigMap", "node-local-dns")["data"]["Corefile"]
    server_ip = spec.cluster.raw["spec"]["kubeDNS"]["serverIP"]
    upstream = server_ip if proxy_mode == "ipvs" else "__PILLAR__CLUSTER__DNS__"
    assert corefile.startswith("cluster.local:53 {\n") and "bind 169.254.20.10" in corefile
    assert f"forward . {upstream} {{" in corefile and "health 169.254.20.10:3989" in corefile
    assert ("__PILLAR__UPSTREAM__SERVERS__" in corefile) is not forward
    container = _container(_find(docs, "DaemonSet", "node-local-dns"), "node-cache")
    assert "-localip=169.254.20.10" in container["args"] and "-setupiptables=false" in container["args"]
    # pods get the local cache as their DNS server
    nodeup = yaml.safe_load(files["nodeupconfig-nodes-eu-west-1a"])
    assert nodeup["KubeletConfig"]["clusterDNS"] == "169.254.20.10"


def test_gvisor_runtime_class_selects_the_labelled_groups(tmp_path):
    path = _create(tmp_path, "gvisor.example.com", "--zones", "eu-west-1a")
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    node_group = next(d for d in docs if d["kind"] == "InstanceGroup" and d["spec"]["role"] == "Node")
    node_group["spec"]["containerd"] = {"gvisor": {"enabled": True}}
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    spec, files = _render(path)
    runtime_class = _find(_addon(spec, files, "gvisor.addons.k8s.io"), "RuntimeClass", "gvisor")
    assert_valid_kubernetes([runtime_class], spec_minor(spec))
    assert runtime_class["handler"] == "runsc"
    selector = runtime_class["scheduling"]["nodeSelector"]
    nodeup = yaml.safe_load(files[f"nodeupconfig-{node_group['metadata']['name']}"])
    assert selector.items() <= nodeup["KubeletConfig"]["nodeLabels"].items()
    assert nodeup["containerdConfig"]["gvisor"]["enabled"] is True


def test_metrics_server_secure_mode(tmp_path):
    def secure(s):
        s.update(metricsServer={"enabled": True, "insecure": False}, certManager={"enabled": True})

    spec, files = _render(_edit(_create(tmp_path, "ms.example.com", "--zones", "eu-west-1a"), secure))
    assert _channel(spec, files)["metrics-server.addons.k8s.io"]["needsPKI"] is True
    docs = _addon(spec, files, "metrics-server.addons.k8s.io")
    assert_valid_kubernetes(docs, spec_minor(spec))
    container = _container(_find(docs, "Deployment", "metrics-server"), "metrics-server")
    assert "--tls-cert-file=/srv/tls.crt" in container["args"] and "--kubelet-insecure-tls" not in container["args"]
    assert {"name": "certs", "mountPath": "/srv"} in container["volumeMounts"]
    api_service = _find(docs, "APIService", "v1beta1.metrics.k8s.io")
    assert "insecureSkipTLSVerify" not in api_service["spec"]
    assert api_service["metadata"]["annotations"] == {"cert-manager.io/inject-ca-from": "kube-system/metrics-server"}
    certificate = _find(docs, "Certificate", "metrics-server")["spec"]
    assert certificate["issuerRef"] == {"name": "metrics-server.addons.k8s.io", "kind": "Issuer"}
    assert certificate["dnsNames"] == ["metrics-server.kube-system.svc"]


# ---------------------------------------------------------------- every addon kopsgen builds


def test_default_cluster_addons_are_valid_kubernetes(default_cluster):
    spec, files = default_cluster
    for name in _channel(spec, files):
        assert_valid_kubernetes(_addon(spec, files, name), spec_minor(spec))


@pytest.mark.parametrize("case", reference_cases())
def test_reference_case_addons_are_valid_kubernetes(case):
    """Every manifest of kops's reference cases (kopsgen's rendering: Calico, Amazon VPC CNI,
    cert-manager, the load balancer controller, ... besides the ones above) passes the API's schemas."""
    spec = kops_files.case_spec(case)
    files = _state_files(spec)
    for name in _channel(spec, files):
        assert_valid_kubernetes(_addon(spec, files, name), spec_minor(spec))


def spec_minor(spec) -> int:
    return int(re.match(r"v?1\.(\d+)", str(spec.cluster.raw["spec"]["kubernetesVersion"])).group(1))


def test_refused_addons_are_named_by_their_field():
    for name in addons.NOT_BUILT:
        assert name not in addons.BUILT
    assert "networking.cilium.io" in addons.BUILT


# ---------------------------------------------------------------- addons with IAM roles of their own (IRSA)

IRSA_CASE = "many-addons-ccm-irsa"
# the account and partition of kops's test cloud, in the role ARNs of its expected manifests
KOPS_TEST_ROLE_ARN = r"arn:aws-test:iam::123456789012:role/\1"


@needs_kops
@pytest.mark.parametrize("case,addon", [(IRSA_CASE, "aws-load-balancer-controller.addons.k8s.io"),  # its IRSA manifest
                                        (IRSA_CASE, "dns-controller.addons.k8s.io"),
                                        (IRSA_CASE, "aws-cloud-controller.addons.k8s.io"),
                                        ("external_dns_irsa", "external-dns.addons.k8s.io"),
                                        ("nth-imds-processor-irsa", "node-termination-handler.aws")])  # DaemonSet
def test_addons_with_roles_of_their_own_are_kops_manifests(case, addon):
    """kops's cases with iam.useServiceAccountExternalPermissions: the addon's pods get the projected
    token and the role's ARN, which kopsgen leaves as a marker until the account is known (filled here
    with kops's test account); everything else is kops's manifest too."""
    from tests.bootstrap.test_statefiles import _comparable

    spec = _kops_case_spec(case, completed_by_kops=True)
    files = _state_files(spec)
    entry = _channel(spec, files)[addon]
    kops_entry = next(a for a in yaml.safe_load(_kops_file(case, f"{spec.cluster.name}-addons-bootstrap"))
                      ["spec"]["addons"] if a["name"] == addon)
    assert {k: v for k, v in entry.items() if k != "manifestHash"} == \
           {k: v for k, v in kops_entry.items() if k != "manifestHash"}
    name = f"{spec.cluster.name}-addons-{addon}-{entry['id']}"
    ours = files[name]
    roles = re.findall(rb"@@kopsgen:role-arn:([^@]+)@@", ours)
    assert len(set(roles)) == 1, roles   # one role per addon, named as the IAM builder names it
    filled = re.sub(rb"@@kopsgen:role-arn:([^@]+)@@", KOPS_TEST_ROLE_ARN.encode(), ours)
    assert _comparable(filled) == _comparable(_kops_file(case, name))


def test_load_balancer_controller_with_its_own_role_runs_on_any_node(tmp_path):
    """Without IRSA it uses the control plane's instance role (host network, control-plane nodes);
    with its own role it runs anywhere, with its credentials from a projected token."""
    def cluster(external_permissions: bool):
        def edit(spec):
            spec["certManager"] = {"enabled": True}
            spec["awsLoadBalancerController"] = {"enabled": True, "cpuRequest": "150m", "memoryLimit": "600Mi"}
            if external_permissions:
                spec.setdefault("iam", {})["useServiceAccountExternalPermissions"] = True
                spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://lbc-oidc/lbc.example.com",
                                                         "enableAWSOIDCProvider": True}

        folder = tmp_path / str(external_permissions)
        folder.mkdir()
        return _render(_edit(_create(folder, "lbc.example.com", "--zones", "eu-west-1a"), edit))

    for external_permissions in (False, True):
        spec, files = cluster(external_permissions)
        docs = _addon(spec, files, "aws-load-balancer-controller.addons.k8s.io")
        assert_valid_kubernetes(docs, 35)
        deployment = _find(docs, "Deployment", "aws-load-balancer-controller")
        pod = deployment["spec"]["template"]["spec"]
        container = _container(deployment, "aws-load-balancer-controller")
        assert container["resources"] == {"limits": {"cpu": "200m", "memory": "600Mi"},
                                          "requests": {"cpu": "150m", "memory": "200Mi"}}
        on_control_plane = "nodeAffinity" in pod["affinity"]
        assert (pod.get("hostNetwork", False), on_control_plane, "tolerations" in pod) == \
            (not external_permissions,) * 3
        env = _env(container)
        if external_permissions:
            assert env["AWS_ROLE_ARN"] == "@@kopsgen:role-arn:aws-load-balancer-controller.kube-system.sa." \
                                          "lbc.example.com@@"
            assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == "/var/run/secrets/amazonaws.com/token"
            token = next(v for v in pod["volumes"] if v["name"] == "token-amazonaws-com")
            assert token["projected"]["sources"] == [{"serviceAccountToken": {
                "audience": "amazonaws.com", "expirationSeconds": 86400, "path": "token"}}]
        else:
            assert "AWS_ROLE_ARN" not in env


def test_a_rendered_addon_shares_nothing_with_its_cached_template():
    """Addons adjust what they render in place; the template cache must not see it."""
    from kopsgen.bootstrap.addons.base import render_objects

    values = {"version": "v1.0.0", "image": "example.com/nth:v1.0.0", "env": [{"name": "A", "value": "1"}],
              "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}
    first = render_objects("addon-node-termination-handler-daemonset.yaml", values)
    pristine = repr(first)
    for obj in first:   # change every container of the first rendering
        obj["metadata"]["labels"] = {"changed": "yes"}
        obj["spec"] = {"changed": ["yes"]} if "spec" in obj else obj.get("spec")
    values["env"][0]["value"] = "2"   # and a value that was filled in
    second = render_objects("addon-node-termination-handler-daemonset.yaml",
                            {**values, "env": [{"name": "A", "value": "1"}]})
    assert repr(second) == pristine


# ---------------------------------------------------------------- kopsgen's own addons (spec.kopsgen.addons)

OWN_ADDONS = ("gateway-api.addons.kopsgen.io", "nginx-gateway-fabric.addons.kopsgen.io", "headlamp.addons.kopsgen.io",
              "fluent-bit.addons.kopsgen.io", "kube-state-metrics.addons.kopsgen.io", "node-exporter.addons.kopsgen.io")


@pytest.fixture(scope="module")
def services_cluster(tmp_path_factory):
    """`create cluster --addons` with every family, on the Amazon VPC CNI (pods with VPC addresses)."""
    path = _create(tmp_path_factory.mktemp("services"), "services.example.com", "--zones", "eu-west-1a",
                   "--networking", "amazonvpc", "--addons", "ingress,web-ui,logging,monitoring")
    return _render(path)


def test_own_addons_are_off_by_default(default_cluster):
    spec, files = default_cluster
    assert not [name for name in _channel(spec, files) if name.endswith(".addons.kopsgen.io")]


def test_own_addons_are_channel_entries_after_kops_own(services_cluster):
    spec, files = services_cluster
    channel = _channel(spec, files)
    names = list(channel)
    assert [n for n in names if n.endswith(".addons.kopsgen.io")] == list(OWN_ADDONS)
    assert names[-len(OWN_ADDONS):] == list(OWN_ADDONS)      # after cert-manager and the load balancer controller
    for name in OWN_ADDONS:
        entry = channel[name]
        content = files[f"{spec.cluster.name}-addons-{name}-k8s-1.32"]
        assert entry["id"] == "k8s-1.32" and entry["manifest"] == f"{name}/k8s-1.32.yaml"
        assert entry["selector"] == {"k8s-addon": name}
        assert entry["manifestHash"] == hashlib.sha256(content).hexdigest()
        assert entry["prune"]["kinds"]


def test_own_addons_are_valid_kubernetes(services_cluster):
    spec, files = services_cluster
    for name in OWN_ADDONS:
        assert_valid_kubernetes(_addon(spec, files, name), spec_minor(spec))


def test_own_addons_run_the_pinned_images(services_cluster):
    spec, files = services_cluster
    pinned = {key: versions.kopsgen_addon(key) for key in ("nginxGatewayFabric", "headlamp", "fluentBit",
                                                           "kubeStateMetrics", "nodeExporter")}
    images = {name: sorted({c["image"] for d in _addon(spec, files, name) if d["kind"] in ("Deployment", "DaemonSet")
                            for c in d["spec"]["template"]["spec"]["containers"]}) for name in OWN_ADDONS[1:]}
    assert images == {
        "nginx-gateway-fabric.addons.kopsgen.io": [pinned["nginxGatewayFabric"]["image"]],
        "headlamp.addons.kopsgen.io": [pinned["headlamp"]["image"]],
        "fluent-bit.addons.kopsgen.io": [pinned["fluentBit"]["image"]],
        "kube-state-metrics.addons.kopsgen.io": [pinned["kubeStateMetrics"]["image"]],
        "node-exporter.addons.kopsgen.io": [pinned["nodeExporter"]["image"]],
    }
    crd = _find(_addon(spec, files, OWN_ADDONS[0]), "CustomResourceDefinition", "httproutes.gateway.networking.k8s.io")
    assert crd["metadata"]["annotations"]["gateway.networking.k8s.io/bundle-version"] == \
        versions.kopsgen_addon("gatewayAPI")["version"]


def test_ingress_is_an_nlb_of_the_load_balancer_controller(services_cluster):
    spec, files = services_cluster
    docs = _addon(spec, files, "nginx-gateway-fabric.addons.kopsgen.io")
    service = _find(docs, "NginxProxy", "nginx-gateway-proxy-config")["spec"]["kubernetes"]["service"]
    assert service["loadBalancerClass"] == "service.k8s.aws/nlb"
    annotations = service["patches"][0]["value"]["metadata"]["annotations"]
    prefix = "service.beta.kubernetes.io/aws-load-balancer-"
    assert annotations[prefix + "nlb-target-type"] == "ip"            # Amazon VPC CNI: pods have VPC addresses
    assert annotations[prefix + "scheme"] == "internet-facing"
    assert annotations[prefix + "additional-resource-tags"] == "KubernetesCluster=services.example.com"
    assert _find(docs, "Gateway", "default")["spec"]["gatewayClassName"] == "nginx"
    assert "aws-load-balancer-controller.addons.k8s.io" in _channel(spec, files)


def test_settings_a_team_changes(tmp_path):
    def edit(spec):
        spec["assets"] = {"containerProxy": "proxy.example.com"}
        spec["kopsgen"]["addons"]["nginxGatewayFabric"].update(
            replicas=3, defaultGateway=False,
            nginx={"replicas": 4, "resources": {"limits": {"memory": "1Gi"}}},
            loadBalancer={"scheme": "internal", "sourceRanges": ["10.0.0.0/8"]})
        spec["kopsgen"]["addons"]["headlamp"].update(readOnlyViewer=False, baseURL="/headlamp")
        spec["kopsgen"]["addons"]["kubeStateMetrics"]["resources"] = {"requests": {"cpu": "200m"}}
    path = _edit(_create(tmp_path, "teams.example.com", "--zones", "eu-west-1a", "--networking", "calico",
                         "--addons", "ingress,web-ui,monitoring"), edit)
    spec, files = _render(path)
    ngf = _addon(spec, files, "nginx-gateway-fabric.addons.kopsgen.io")
    assert _find(ngf, "Deployment", "nginx-gateway")["spec"]["replicas"] == 3
    assert not [d for d in ngf if d["kind"] == "Gateway"]
    proxy = _find(ngf, "NginxProxy", "nginx-gateway-proxy-config")["spec"]["kubernetes"]
    assert proxy["deployment"]["replicas"] == 4
    assert proxy["deployment"]["container"]["resources"] == {"limits": {"memory": "1Gi"},
                                                             "requests": {"cpu": "100m", "memory": "128Mi"}}
    assert proxy["deployment"]["container"]["image"]["repository"] == "proxy.example.com/nginx/nginx-gateway-fabric/nginx"
    service = proxy["service"]
    assert service["loadBalancerSourceRanges"] == ["10.0.0.0/8"]
    annotations = service["patches"][0]["value"]["metadata"]["annotations"]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] == "instance"   # Calico
    headlamp = _addon(spec, files, "headlamp.addons.kopsgen.io")
    assert not [d for d in headlamp if d["metadata"]["name"].startswith("headlamp-viewer")
                or d["metadata"]["name"] == "headlamp-read-only"]
    ksm = _container(_find(_addon(spec, files, "kube-state-metrics.addons.kopsgen.io"), "Deployment",
                           "kube-state-metrics"), "kube-state-metrics")
    assert ksm["resources"] == {"limits": {"memory": "512Mi"}, "requests": {"cpu": "200m", "memory": "128Mi"}}
    assert ksm["image"].startswith("proxy.example.com/kube-state-metrics/")
    for name in ("nginx-gateway-fabric.addons.kopsgen.io", "headlamp.addons.kopsgen.io"):
        assert_valid_kubernetes(_addon(spec, files, name), spec_minor(spec))


def test_fluent_bit_with_a_role_of_its_own(tmp_path):
    def edit(spec):
        spec["iam"]["useServiceAccountExternalPermissions"] = True
        spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://oidc-bucket/irsa.example.com",
                                                 "enableAWSOIDCProvider": True}
    spec, files = _render(_edit(_create(tmp_path, "irsa.example.com", "--zones", "eu-west-1a",
                                        "--addons", "logging"), edit))
    daemonset = _find(_addon(spec, files, "fluent-bit.addons.kopsgen.io"), "DaemonSet", "fluent-bit")
    pod = daemonset["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is False
    assert _env(_container(daemonset, "fluent-bit"))["AWS_ROLE_ARN"].endswith("fluent-bit.kube-system.sa.irsa.example.com@@")


@pytest.mark.parametrize("proxy,registry,image,expected", [
    (None, None, "ghcr.io/nginx/nginx-gateway-fabric:2.6.7", "ghcr.io/nginx/nginx-gateway-fabric:2.6.7"),
    ("proxy.example.com/", None, "ghcr.io/nginx/nginx-gateway-fabric:2.6.7",
     "proxy.example.com/nginx/nginx-gateway-fabric:2.6.7"),
    ("proxy.example.com", None, "library/busybox:1", "proxy.example.com/library/busybox:1"),     # Docker Hub
    ("proxy.example.com", None, "busybox:1", "proxy.example.com/busybox:1"),
    ("proxy.example.com", None, "localhost:5000/busybox:1", "proxy.example.com/busybox:1"),
    (None, "mirror.example.com/k8s", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
     "mirror.example.com/k8s/kube-state-metrics-kube-state-metrics:v2.20.0"),
    (None, "mirror.example.com", "quay.io/prometheus/node-exporter:v1.12.1",
     "mirror.example.com/quay.io-prometheus-node-exporter:v1.12.1"),
    (None, "mirror.example.com", "mirror.example.com/fluent-bit:5.1.1", "mirror.example.com/fluent-bit:5.1.1"),
])
def test_images_follow_kops_assets(proxy, registry, image, expected):
    cluster = SimpleNamespace(container_proxy=proxy, container_registry=registry)
    assert remap_image(SimpleNamespace(spec=SimpleNamespace(cluster=cluster)), image) == expected
