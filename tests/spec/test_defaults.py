"""Defaults: kopsgen completes a spec the way kops does.

The measure is kops's own output. For every reference case, kops wrote the completed cluster
spec (`data/aws_s3_object_cluster-completed.spec_content`) and each group's nodeup config; we
default the same input and compare leaf by leaf. Every difference must belong to a class
listed below with its reason; the share of kops's leaves we reproduce is printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.spec.defaults import apply_defaults, merge
from kopsgen.spec.documents import load_documents
from tests.support.paths import REFERENCE, case_input
from tests.support.spec_base import BASE, edit

# kops's completed spec has these; we cannot or will not reproduce them (path pattern -> reason).
KNOWN_DIFFERENCES = {
    r"spec\.dnsZone": "kops asks Route 53 for the hosted zone of the cluster's domain (the test fixtures answer "
                      "Z1AFAKE1ZON3YO); kopsgen does not call AWS",
}
# We write these where kops's completed spec leaves them implicit (path pattern -> reason).
KNOWN_EXTRAS = {
    r"spec\.etcdClusters\[\d+\]\.etcdMembers\[\d+\]\.(volumeType|volumeSize|volumeIops|volumeThroughput|encryptedVolume)":
        "kops applies the etcd volume defaults silently when it builds the volumes; kopsgen writes them out "
        "(the same values: unencrypted unless told otherwise)",
}


def flatten(value, path=""):
    """Leaf values by path (`spec.subnets[0].cidr`); empty mappings and lists count as leaves."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from flatten(item, f"{path}[{i}]")
    else:
        yield path, value


def _completed(case: str):
    return apply_defaults(load_documents([case_input(case)]))


def _kops_completed(case: str) -> dict:
    return yaml.safe_load((REFERENCE / case / "data" / "aws_s3_object_cluster-completed.spec_content").read_text())


def _known(path: str, table: dict[str, str]) -> bool:
    return any(re.fullmatch(pattern, path) for pattern in table)


def test_completed_cluster_spec_matches_kops(case):
    ours = dict(flatten(_completed(case).cluster.data))
    kops = dict(flatten(_kops_completed(case)))
    given = dict(flatten(next(d for d in yaml.safe_load_all(case_input(case).read_text()) if d and d["kind"] == "Cluster")))
    reproduced = [p for p in kops if p in ours and ours[p] == kops[p]]
    added_by_kops = [p for p in kops if given.get(p) != kops[p]]
    added_reproduced = [p for p in added_by_kops if p in reproduced]
    print(f"\n{case}: {len(reproduced)}/{len(kops)} leaves of kops's cluster-completed.spec reproduced "
          f"({100 * len(reproduced) / len(kops):.1f}%); of the {len(added_by_kops)} that kops filled in: "
          f"{len(added_reproduced)} ({100 * len(added_reproduced) / len(added_by_kops):.1f}%)")
    unexplained = {p: (ours.get(p, "<missing>"), kops[p]) for p in kops
                   if p not in reproduced and not _known(p, KNOWN_DIFFERENCES)}
    assert unexplained == {}
    extras = {p: ours[p] for p in ours if p not in kops and not _known(p, KNOWN_EXTRAS)}
    assert extras == {}
    assert len(reproduced) / len(kops) >= 0.9


def test_known_differences_still_differ():
    """Each listed difference still shows up somewhere (so the list does not rot)."""
    seen = set()
    for case in [p.parent.name for p in REFERENCE.glob("*/in-v1alpha2.yaml")]:
        ours = dict(flatten(_completed(case).cluster.data))
        kops = dict(flatten(_kops_completed(case)))
        seen |= {pattern for pattern in KNOWN_DIFFERENCES for p in kops if re.fullmatch(pattern, p) and ours.get(p) != kops[p]}
        seen |= {pattern for pattern in KNOWN_EXTRAS for p in ours if re.fullmatch(pattern, p) and p not in kops}
    assert seen == set(KNOWN_DIFFERENCES) | set(KNOWN_EXTRAS)


def _nodeup_configs(case: str):
    full = _completed(case)
    for group in full.instance_groups:
        name = group.data["metadata"]["name"]
        path = REFERENCE / case / "data" / f"aws_s3_object_nodeupconfig-{name}_content"
        if path.exists():
            yield full, group.data, yaml.safe_load(path.read_text())


def test_group_kubelet_matches_kops_nodeup_config(case):
    """A group's completed kubelet settings are exactly what kops hands its nodes."""
    compared = 0
    for _, group, nodeup in _nodeup_configs(case):
        assert group["spec"]["kubelet"] == nodeup["KubeletConfig"], group["metadata"]["name"]
        compared += 1
    assert compared >= 1


def test_kube_proxy_and_containerd_match_kops_nodeup_config(case):
    for full, group, nodeup in _nodeup_configs(case):
        spec = full.cluster.data["spec"]
        if "KubeProxy" in nodeup:
            assert spec["kubeProxy"] == nodeup["KubeProxy"]
        containerd = merge(dict(spec["containerd"]), group["spec"].get("containerd") or {})
        assert containerd == nodeup["containerdConfig"]


def test_defaults_are_idempotent(case):
    once = _completed(case)
    twice = apply_defaults(once)
    assert [d.data for d in twice.all()] == [d.data for d in once.all()]


def test_completed_spec_still_passes_the_schema(case):
    pipeline.check_schema(_completed(case))


def test_input_is_left_untouched(case):
    docs = load_documents([case_input(case)])
    before = [yaml.safe_dump(d.data) for d in docs.all()]
    apply_defaults(docs)
    assert [yaml.safe_dump(d.data) for d in docs.all()] == before


# --- unit tests on the small base spec ------------------------------------------------------
def _full(tmp_path: Path, text: str):
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return pipeline.complete_documents(load_documents([path]))


def _group(full, name: str) -> dict:
    return next(g.data["spec"] for g in full.instance_groups if g.data["metadata"]["name"] == name)


def test_group_defaults_by_role(tmp_path):
    full = _full(tmp_path, BASE)
    control, nodes, bastion = (_group(full, n) for n in ("control-plane-us-east-1a", "nodes", "bastions"))
    # kops's model: 64 GiB for the control plane, 128 for nodes, 32 for bastions; gp3 at its baseline
    assert [(g["rootVolumeSize"], g["rootVolumeType"], g["rootVolumeIops"], g["rootVolumeThroughput"])
            for g in (control, nodes, bastion)] == [(64, "gp3", 3000, 125), (128, "gp3", 3000, 125), (32, "gp3", 3000, 125)]
    assert all(g["rootVolumeEncryption"] is True for g in (control, nodes, bastion))
    assert all(g["instanceMetadata"] == {"httpTokens": "required", "httpPutResponseHopLimit": 1}
               for g in (control, nodes, bastion))
    assert (control["minSize"], control["maxSize"], bastion["minSize"], bastion["maxSize"]) == (1, 1, 1, 1)
    assert (nodes["minSize"], nodes["maxSize"]) == (2, 4)  # the user's
    assert all(g["manager"] == "CloudGroup" for g in (control, nodes, bastion))


def test_node_group_sizes_default_to_two_and_never_below_min(tmp_path):
    full = _full(tmp_path, edit("  minSize: 2\n  maxSize: 4\n", "")(BASE))
    assert (_group(full, "nodes")["minSize"], _group(full, "nodes")["maxSize"]) == (2, 2)
    full = _full(tmp_path, edit("  minSize: 2\n  maxSize: 4\n", "  minSize: 5\n")(BASE))
    assert (_group(full, "nodes")["minSize"], _group(full, "nodes")["maxSize"]) == (5, 5)


def test_group_subnets_default_like_kops(tmp_path):
    """Nodes and bastions without subnets take every subnet that is neither Utility nor DualStack."""
    text = edit("  subnets:\n  - us-east-1a\n  - us-east-1b\n", "")(edit("  subnets:\n  - utility-us-east-1a\n", "")(BASE))
    full = _full(tmp_path, text)
    assert _group(full, "nodes")["subnets"] == ["us-east-1a", "us-east-1b"]
    assert _group(full, "bastions")["subnets"] == ["us-east-1a", "us-east-1b"]


def test_volume_defaults(tmp_path):
    text = edit("  minSize: 2", "  minSize: 2\n  rootVolumeType: io2\n  volumes:\n  - device: /dev/xvdf\n    size: 50\n"
                                "  - device: /dev/xvdg\n    size: 10\n    type: st1\n    encrypted: false")(BASE)
    nodes = _group(_full(tmp_path, text), "nodes")
    assert (nodes["rootVolumeType"], nodes["rootVolumeIops"], "rootVolumeThroughput" in nodes) == ("io2", 100, False)
    assert nodes["volumes"] == [
        {"device": "/dev/xvdf", "size": 50, "type": "gp3", "iops": 3000, "throughput": 125, "encrypted": True,
         "deleteOnTermination": True},
        {"device": "/dev/xvdg", "size": 10, "type": "st1", "encrypted": False, "deleteOnTermination": True},
    ]


def test_user_values_are_kept(tmp_path):
    text = edit("  minSize: 2", "  minSize: 2\n  rootVolumeSize: 300\n  rootVolumeEncryption: false\n"
                                "  instanceMetadata:\n    httpTokens: optional\n    httpPutResponseHopLimit: 2")(
        edit("    calico: {}", "    calico:\n      encapsulationMode: vxlan\n  kubeAPIServer:\n    logLevel: 4\n"
                                "  containerd:\n    version: 2.2.0\n  clusterDNSDomain: corp.local")(BASE))
    full = _full(tmp_path, text)
    nodes, spec = _group(full, "nodes"), full.cluster.data["spec"]
    assert (nodes["rootVolumeSize"], nodes["rootVolumeEncryption"], nodes["instanceMetadata"]) == \
        (300, False, {"httpTokens": "optional", "httpPutResponseHopLimit": 2})
    assert spec["kubeAPIServer"]["logLevel"] == 4
    assert spec["networking"]["calico"]["encapsulationMode"] == "vxlan"
    assert spec["containerd"]["version"] == "2.2.0" and "runc" not in spec["containerd"]
    assert spec["kubeDNS"]["domain"] == spec["kubelet"]["clusterDomain"] == "corp.local"


def test_subnet_cidrs_carved_like_kops(tmp_path):
    """Three private subnets and their utility subnets in 10.10.0.0/16: four /18 blocks, the first
    cut in eight /21 for the utility subnets, the others for the private subnets in zone order."""
    subnets = "".join(f"  - name: {kind}{z}\n    type: {t}\n    zone: us-east-1{z}\n"
                      for kind, t in (("private-", "Private"), ("utility-", "Utility")) for z in "cab")
    text = re.sub(r"  subnets:\n(  - name: .*\n(    .*\n)*)+  topology:", "  subnets:\n" + subnets + "  topology:", BASE)
    text = text.replace("  - us-east-1a\n  - us-east-1b\n", "  - private-a\n").replace("  - us-east-1a\n", "  - private-a\n")
    text = text.replace("  - utility-us-east-1a\n", "  - utility-a\n")
    spec = _full(tmp_path, text).cluster.data["spec"]
    assert {s["name"]: s["cidr"] for s in spec["subnets"]} == {
        "private-a": "10.10.64.0/18", "private-b": "10.10.128.0/18", "private-c": "10.10.192.0/18",
        "utility-a": "10.10.0.0/21", "utility-b": "10.10.8.0/21", "utility-c": "10.10.16.0/21"}


def test_carving_skips_blocks_the_user_took(tmp_path):
    text = edit("    cidr: 10.10.64.0/19\n", "")(edit("    cidr: 10.10.32.0/19", "    cidr: 10.10.128.0/20")(
        edit("    cidr: 10.10.0.0/22\n", "")(edit("    cidr: 10.10.4.0/22\n", "")(BASE))))
    spec = _full(tmp_path, text).cluster.data["spec"]
    # four subnets wanted ->  4 blocks of /18; 10.10.128.0/18 holds the user's subnet and is skipped
    assert [s["cidr"] for s in spec["subnets"]] == ["10.10.128.0/20", "10.10.64.0/18", "10.10.0.0/21", "10.10.8.0/21"]


@pytest.mark.parametrize("version,etcd,cloud_provider,register,image_volume", [
    ("1.32.4", "3.5.31", "external", True, True),
    ("1.33.1", "3.5.31", None, True, True),
    ("1.34.0", "3.6.12", None, None, True),
    ("1.36.2", "3.6.12", None, None, None),
    ("1.37.0", "3.7.0", None, None, None),
])
def test_version_dependent_defaults(tmp_path, version, etcd, cloud_provider, register, image_volume):
    # Kubernetes 1.37 needs kops 1.37, released only as a pre-release so far
    kops = "  cloudProvider: aws\n  kopsgen:\n    kopsVersion: 1.37.0-alpha.1" if version >= "1.37" else "  cloudProvider: aws"
    text = edit("  cloudProvider: aws", kops)(edit("  kubernetesVersion: 1.32.4", f"  kubernetesVersion: v{version}")(BASE))
    spec = _full(tmp_path, text).cluster.data["spec"]
    assert spec["kubernetesVersion"] == version
    assert {e["version"] for e in spec["etcdClusters"]} == {etcd}
    assert spec["kubeAPIServer"].get("cloudProvider") == cloud_provider
    assert spec["kubeAPIServer"]["image"] == f"registry.k8s.io/kube-apiserver:v{version}"
    assert spec["kubelet"].get("registerSchedulable") == register
    assert spec["masterKubelet"].get("featureGates", {}).get("ImageVolume") == ("true" if image_volume else None)


def test_ipv6_cluster_defaults(tmp_path):
    text = BASE.replace("  nonMasqueradeCIDR: 100.64.0.0/10", "  nonMasqueradeCIDR: ::/0")
    for i, cidr in enumerate(("10.10.32.0/19", "10.10.64.0/19", "10.10.0.0/22", "10.10.4.0/22")):
        text = text.replace(f"    cidr: {cidr}", f"    cidr: {cidr}\n    ipv6CIDR: /64#{i}")
    text = text.replace("    calico: {}", "    cni: {}")
    spec = _full(tmp_path, text).cluster.data["spec"]
    assert "podCIDR" not in spec
    assert spec["serviceClusterIPRange"] == "fd00:5e4f:ce::/108"
    assert spec["kubeDNS"]["serverIP"] == spec["kubelet"]["clusterDNS"] == "fd00:5e4f:ce::a"
    assert spec["kubeDNS"]["upstreamNameservers"] == ["fd00:ec2::253"]
    assert spec["kubeControllerManager"]["controllers"] == ["*", "-nodeipam"]
    assert spec["kubeControllerManager"]["allocateNodeCIDRs"] is False
    assert spec["cloudConfig"]["nodeIPFamilies"] == ["ipv6", "ipv4"]
    assert spec["kubeAPIServer"]["bindAddress"] == "::"


def test_amazon_vpc_cni_defaults(tmp_path):
    text = BASE.replace("    calico: {}", "    amazonvpc: {}").replace("  nonMasqueradeCIDR: 100.64.0.0/10\n", "")
    spec = _full(tmp_path, text).cluster.data["spec"]
    assert spec["nonMasqueradeCIDR"] == "10.10.0.0/16"       # pods take VPC addresses
    assert spec["podCIDR"] == "10.10.128.0/17"
    assert "clusterCIDR" not in spec["kubeProxy"]
    assert (spec["kubelet"]["shutdownGracePeriod"], spec["kubelet"]["shutdownGracePeriodCriticalPods"]) == ("0s", "0s")


def test_api_access_follows_the_control_plane_subnets(tmp_path):
    no_api = edit("  api:\n    loadBalancer:\n      type: Public\n      class: Network\n", "")
    private = _full(tmp_path, no_api(BASE)).cluster.data["spec"]
    assert private["api"] == {"loadBalancer": {"type": "Public", "class": "Network"}}
    in_public_subnet = edit("  - us-east-1a\n---\napiVersion", "  - public-us-east-1a\n---\napiVersion")(
        edit("  topology:", "  - name: public-us-east-1a\n    type: Public\n    zone: us-east-1a\n"
                            "    cidr: 10.10.128.0/19\n  topology:")(no_api(BASE)))
    assert _full(tmp_path, in_public_subnet).cluster.data["spec"]["api"] == {"dns": {}}


def test_state_store_paths_and_names(tmp_path):
    spec = _full(tmp_path, BASE).cluster.data["spec"]
    assert (spec["keyStore"], spec["secretStore"]) == ("s3://demo-state/demo.example.com/pki",
                                                       "s3://demo-state/demo.example.com/secrets")
    assert [e["backups"]["backupStore"] for e in spec["etcdClusters"]] == [
        "s3://demo-state/demo.example.com/backups/etcd/main", "s3://demo-state/demo.example.com/backups/etcd/events"]
    assert spec["masterPublicName"] == "api.demo.example.com"
    assert spec["kubeAPIServer"]["serviceAccountIssuer"] == "https://api.internal.demo.example.com"
    assert spec["kubeAPIServer"]["etcdServers"] == ["https://127.0.0.1:4001"]


def test_discovery_store_issuer(tmp_path):
    text = edit("  cloudProvider: aws", "  cloudProvider: aws\n  serviceAccountIssuerDiscovery:\n"
                                        "    discoveryStore: s3://demo-oidc/demo\n    enableAWSOIDCProvider: true")(BASE)
    api = _full(tmp_path, text).cluster.data["spec"]["kubeAPIServer"]
    # the bucket is taken to be in the cluster's region (kops asks S3; kopsgen does not call AWS)
    assert api["serviceAccountIssuer"] == "https://demo-oidc.s3.us-east-1.amazonaws.com/demo"
    assert api["serviceAccountJWKSURI"] == "https://demo-oidc.s3.us-east-1.amazonaws.com/demo/openid/v1/jwks"


def test_quantities_and_durations_are_written_as_kops_writes_them(tmp_path):
    text = edit("    calico: {}", "    calico: {}\n  kubeAPIServer:\n    auditWebhookBatchThrottleQps: 3.14\n"
                                  "    memoryRequest: 1024Mi\n  kubeControllerManager:\n"
                                  "    horizontalPodAutoscalerSyncPeriod: 90s")(BASE)
    spec = _full(tmp_path, text).cluster.data["spec"]
    assert spec["kubeAPIServer"]["auditWebhookBatchThrottleQps"] == "3140m"
    assert spec["kubeAPIServer"]["memoryRequest"] == "1Gi"
    assert spec["kubeControllerManager"]["horizontalPodAutoscalerSyncPeriod"] == "1m30s"


def test_egress_proxy_excludes(tmp_path):
    text = edit("  cloudProvider: aws", "  cloudProvider: aws\n  egressProxy:\n    httpProxy:\n"
                                        "      host: proxy.corp\n      port: 3128\n    excludes: corp.internal")(BASE)
    proxy = _full(tmp_path, text).cluster.data["spec"]["egressProxy"]
    assert proxy["excludes"].split(",") == [
        "corp.internal", "127.0.0.1", "localhost", "cluster.local", "api.demo.example.com", "demo.example.com",
        "100.64.0.1", "100.64.0.0/10", "169.254.169.254", "10.10.0.0/16"]
