"""The state-store files: kops's keys and spec-derived values for every reference case, the
aws_s3_object addresses of kops's kubernetes.tf, CAs that survive re-rendering and never leak,
and the upload (`render --target files`) to a real S3 API (moto) and to a folder."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import boto3
import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509

from kopsgen import pipeline
from kopsgen.bootstrap import addons
from kopsgen.bootstrap.addons.node_health import NTH_QUEUE_URL_MARKER
from kopsgen.bootstrap.releases import DEFAULT_KOPS_VERSION
from kopsgen.cli import cli
from kopsgen.errors import RenderError
from kopsgen.spec import schema
from kopsgen.state import open_store
from tests.support import hcl, kops_files
from tests.support.paths import EXAMPLES, REFERENCE, case_input, reference_cases
from tests.support.spec_edit import cluster_spec, edited_input, set_every_extension
from tests.support.sessions import session

# Leaves that legitimately differ from kops's files, and why.
PKI = [r"\.CAs\.", r"\.KeypairIDs\.", r"ServiceAccountPublicKeys"]       # our CAs vs kops's fixed test CAs
ZONE_ID = [r"\.DNSZone$"]   # kops resolves the zone name to its ID with a Route 53 call; kopsgen calls no AWS API

COMPLETED_BY_KOPS = "kops's completed spec as input"
COMPLETED_BY_KOPSGEN = "kopsgen's own defaults"


def _files(spec) -> dict[str, tuple[str, bytes]]:
    """name -> (key, bytes) of every state file of `spec`."""
    return {f.name: (f.key, f.content) for f in kops_files.bootstrap(spec).files}


def _nodeup_and_etcd(case: str) -> list[str]:
    data = REFERENCE / case / "data"
    names = [p.name[len("aws_s3_object_"):-len("_content")] for p in sorted(data.glob("aws_s3_object_*_content"))]
    return [n for n in names if n.startswith(("nodeupconfig-", "etcd-cluster-spec-", "manifests-etcdmanager-"))]


@pytest.mark.parametrize("mode", [COMPLETED_BY_KOPS, COMPLETED_BY_KOPSGEN])
def test_nodeup_and_etcd_files_have_kops_keys_and_values(case, mode):
    spec = kops_files.case_spec_completed_by_kops(case) if mode == COMPLETED_BY_KOPS else kops_files.case_spec(case)
    ours = _files(spec)
    lines = []
    for name in _nodeup_and_etcd(case):
        assert name in ours, f"kops writes {name}; kopsgen does not"
        theirs = kops_files.reference_state_file(case, name).read_bytes()
        result = kops_files.agreement(theirs, ours[name][1], PKI + ZONE_ID)
        lines.append(f"{name}: {result.summary()}")
        assert not result.extra, (name, result.extra)
        assert not result.unexplained, (name, {k: (result.theirs[k], result.ours.get(k)) for k in result.unexplained})
    print(f"\n{case} ({mode}):\n  " + "\n  ".join(lines))


def test_completed_spec_is_kops_serialisation(case):
    """Given kops's completed spec, we write it back as kops does (same keys, same values); what
    kopsgen's own defaults produce is reported, with the leaves that differ."""
    theirs = kops_files.reference_state_file(case, "cluster-completed.spec").read_bytes()
    ours = _files(kops_files.case_spec_completed_by_kops(case))["cluster-completed.spec"][1]
    result = kops_files.agreement(theirs, ours)
    assert not result.missing and not result.differing, (result.missing, result.differing)

    own = kops_files.agreement(theirs, _files(kops_files.case_spec(case))["cluster-completed.spec"][1], ZONE_ID)
    print(f"\n{case}: cluster-completed.spec from kops's completed spec: {result.summary()}"
          f"\n{case}: cluster-completed.spec from kopsgen's defaults: {own.summary()}"
          + (f"\n    differ: {own.unexplained}" if own.unexplained else "")
          + (f"\n    missing: {own.missing}" if own.missing else ""))
    # what the issue asks of every case, whatever the defaults still miss: the spec-derived identity
    doc = yaml.safe_load(_files(kops_files.case_spec(case))["cluster-completed.spec"][1])
    kops = yaml.safe_load(theirs)
    assert doc["metadata"]["name"] == kops["metadata"]["name"]
    for key in ("kubernetesVersion", "configBase", "networkCIDR", "nonMasqueradeCIDR", "serviceClusterIPRange",
                "subnets", "topology"):
        assert doc["spec"].get(key) == kops["spec"].get(key), key
    assert [(e["name"], [m["name"] for m in e["etcdMembers"]]) for e in doc["spec"]["etcdClusters"]] == \
           [(e["name"], [m["name"] for m in e["etcdMembers"]]) for e in kops["spec"]["etcdClusters"]]
    assert "kopsgen" not in doc["spec"]


# every reference case and every example, each with all of kopsgen's extension fields set
EXTENSION_SOURCES = [case_input(c) for c in reference_cases()] + sorted(EXAMPLES.glob("*.yaml"))


def _load(source: Path, folder: Path, edit=None):
    docs = [d for d in yaml.safe_load_all(source.read_text()) if d]
    if edit:
        edit(docs)
    folder.mkdir(parents=True)
    (folder / "cluster.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return pipeline.load_spec([folder / "cluster.yaml"])


@pytest.mark.parametrize("source", EXTENSION_SOURCES, ids=[f"{p.parent.name}/{p.name}" for p in EXTENSION_SOURCES])
def test_kopsgen_extensions_reach_no_state_file(source, tmp_path):
    """kops-controller, nodeup and kops itself decode these files, and may refuse fields kops does not
    have: with every extension set, each state file is byte for byte the one written without them."""
    ssh_key = (REFERENCE / "minimal-1.36" / "id_rsa.pub").read_text().strip()
    plain = _load(source, tmp_path / "plain")
    extended = _load(source, tmp_path / "extended",
                     lambda docs: set_every_extension(docs, ssh_key, DEFAULT_KOPS_VERSION))
    # the extensions are in the completed spec kopsgen builds from, and stripping them gives the plain one
    assert extended.cluster.raw["spec"]["kopsgen"] and extended.cluster.raw["spec"]["sshPublicKey"]
    assert all(ig.instance_refresh for ig in extended.instance_groups)
    # (an example's own kopsgen settings, its addons, are in both: their manifests are state files by design)
    assert schema.without_extensions("Cluster", extended.cluster.raw) == \
           schema.without_extensions("Cluster", plain.cluster.raw)
    assert [schema.without_extensions("InstanceGroup", ig.raw) for ig in extended.instance_groups] == \
           [schema.without_extensions("InstanceGroup", ig.raw) for ig in plain.instance_groups]

    ours, without = _files(extended), _files(plain)
    assert ours.keys() == without.keys()
    assert [name for name in ours if ours[name] != without[name]] == []
    completed = yaml.safe_load(ours["cluster-completed.spec"][1])["spec"]
    assert not {"kopsgen", "sshPublicKey"} & completed.keys()
    assert "deletionProtection" not in (completed["api"].get("loadBalancer") or {})


def test_kops_version_file(case):
    ours = _files(kops_files.case_spec(case))["kops-version.txt"][1]
    assert ours == kops_files.reference_state_file(case, "kops-version.txt").read_bytes().strip()


def _comparable(data: bytes) -> list:
    """An addon manifest for comparison: custom resource definitions by identity only (kopsgen's carry
    open schemas; kops's carry the projects' full ones), everything else whole."""
    docs = []
    for doc in kops_files.load_documents_text(data):
        if doc.get("kind") == "CustomResourceDefinition":
            spec = doc["spec"]
            doc = {"kind": doc["kind"], "name": doc["metadata"]["name"], "group": spec["group"],
                   "names": {k: spec["names"].get(k) for k in ("kind", "plural", "singular", "shortNames")},
                   "scope": spec["scope"],
                   "versions": sorted((v["name"], v["served"], v["storage"], "status" in (v.get("subresources") or {}))
                                      for v in spec["versions"])}
        docs.append(doc)
    return docs


def test_addon_manifests_and_channel_agree_with_kops(case):
    """Every addon kops lists is ours too, with the same objects and values; what differs is where
    kops's test environment shows through (its account ID) and the hashes that follow from that."""
    spec = kops_files.case_spec_completed_by_kops(case)
    ours = _files(spec)
    channel_name = f"{spec.cluster.name}-addons-bootstrap"
    kops_channel = yaml.safe_load(kops_files.reference_state_file(case, channel_name).read_text())
    our_channel = yaml.safe_load(ours[channel_name][1])
    kops_addons = [(a["name"], a.get("id"), a["manifest"]) for a in kops_channel["spec"]["addons"]]
    assert [(a["name"], a.get("id"), a["manifest"]) for a in our_channel["spec"]["addons"]] == kops_addons
    lines = []
    for kops_entry, our_entry in zip(kops_channel["spec"]["addons"], our_channel["spec"]["addons"]):
        assert {k: v for k, v in our_entry.items() if k != "manifestHash"} == \
               {k: v for k, v in kops_entry.items() if k != "manifestHash"}, kops_entry["name"]
        name = f"{spec.cluster.name}-addons-{kops_entry['name']}" + (f"-{kops_entry['id']}" if kops_entry.get("id")
                                                                      else "")
        theirs = kops_files.reference_state_file(case, name).read_bytes()
        result = kops_files.Agreement(kops_files.flatten(_comparable(theirs)), kops_files.flatten(_comparable(ours[name][1])))
        lines.append(f"{kops_entry['name']}: {result.summary()}")
        # kops's test harness exports KOPS_RUN_TOO_NEW_VERSION; ours sets its twin, allowTooNewKubernetes
        assert not result.missing and not result.extra, (name, result.missing, result.extra)
        for path in result.differing:
            assert result.ours[path] == NTH_QUEUE_URL_MARKER, (name, path, result.theirs[path], result.ours[path])
    print(f"\n{case}:\n  " + "\n  ".join(lines))


def test_terraform_has_kops_s3_object_addresses(case, tmp_path):
    """Same labels, buckets, keys, provider and encryption as kops's kubernetes.tf."""
    spec = kops_files.case_spec(case)
    rendered = pipeline.render(session(spec), "terraform")
    ours = {k: v for k, v in hcl.resources(hcl.parse(rendered["kubernetes.tf"].decode())).items()
            if k.startswith("aws_s3_object.")}
    theirs = {k: v for k, v in hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf")).items()
              if k.startswith("aws_s3_object.")}
    assert sorted(ours) == sorted(theirs)
    for address, body in theirs.items():
        for field in ("bucket", "key", "provider", "server_side_encryption"):
            assert ours[address][field] == body[field], (address, field)
        data_file = body["content"].split("/data/")[1].rstrip('")}')
        assert f"data/{data_file}" in rendered, address
    print(f"\n{case}: {len(ours)} aws_s3_object resources, addresses and keys as kops's")


def test_private_keys_never_reach_rendered_output(tmp_path):
    spec = kops_files.case_spec("minimal-dns-none")
    cluster = kops_files.bootstrap(spec)
    secrets = [f for f in cluster.files if f.secret]
    assert {f.key for f in secrets} >= {"pki/private/kubernetes-ca/keyset.yaml",
                                        "pki/private/service-account/keyset.yaml"}
    for target in ("terraform", "cloudformation"):
        for path, data in pipeline.render(session(spec), target).items():
            assert b"PRIVATE KEY" not in data and b"privateMaterial" not in data, (target, path)
            for f in secrets:
                key = yaml.safe_load(f.content)["spec"]["keys"][0]["privateMaterial"]
                assert key.encode() not in data and base64.b64decode(key) not in data, (target, path)
    for ig in spec.instance_groups:
        assert b"PRIVATE KEY" not in cluster.user_data(ig)


def test_cas_are_generated_once_and_kept(tmp_path):
    """A second render (new process state, same store) reads the CAs back: same keysets, same user
    data, same nodeup configs. The keysets are private files and real CA certificates."""
    keys = tmp_path / "state"
    first_spec = kops_files.case_spec("minimal-dns-none")
    first = kops_files.bootstrap(first_spec, keys)
    first_data = {ig.name: first.user_data(ig) for ig in first_spec.instance_groups}
    first_files = {f.key: f.content for f in first.files}

    second_spec = kops_files.case_spec("minimal-dns-none")
    second = kops_files.bootstrap(second_spec, keys)
    assert {ig.name: second.user_data(ig) for ig in second_spec.instance_groups} == first_data
    assert {f.key: f.content for f in second.files} == first_files

    store = open_store(f"file://{keys}")
    stored = store.list("minimal.example.com/pki/private")
    assert len(stored) == 8
    for key in stored:
        path = keys / key
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, key
        keyset = yaml.safe_load(path.read_text())
        assert keyset["kind"] == "Keyset" and keyset["spec"]["type"] == "Keypair"
        item = keyset["spec"]["keys"][0]
        cert = x509.load_pem_x509_certificate(base64.b64decode(item["publicMaterial"]))
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert str(cert.serial_number) == item["id"] == keyset["spec"]["primaryId"]
        assert cert.subject.rfc4514_string() == f"CN={keyset['metadata']['name']}"

    # a third render against an empty store makes new CAs: the store really is what keeps them
    third = kops_files.bootstrap(kops_files.case_spec("minimal-dns-none"), tmp_path / "other")
    assert third.user_data(third.spec.instance_group("nodes")) != first_data["nodes"]


def test_upload_to_a_folder_then_nothing_to_do(tmp_path):
    cluster = kops_files.bootstrap(kops_files.case_spec("minimal-dns-none"))
    target = open_store(f"file://{tmp_path / 'base'}")
    values = {NTH_QUEUE_URL_MARKER: "https://sqs.us-test-1.amazonaws.com/111122223333/minimal-example-com-nth"}
    written = cluster.upload_state_files(target, apply_time_values=values)
    assert sorted(written) == sorted(cluster.state_files())
    nth = (tmp_path / "base" / "addons/node-termination-handler.aws/k8s-1.11.yaml").read_text()
    assert values[NTH_QUEUE_URL_MARKER] in nth and NTH_QUEUE_URL_MARKER not in nth
    assert stat.S_IMODE(os.stat(tmp_path / "base/pki/private/kubernetes-ca/keyset.yaml").st_mode) == 0o600
    assert cluster.upload_state_files(target, apply_time_values=values) == []

    # a different CA already in the target is never overwritten
    other = kops_files.bootstrap(kops_files.case_spec("minimal-dns-none"), tmp_path / "other-keys")
    with pytest.raises(RenderError, match="refusing to replace a CA"):
        other.upload_state_files(target, apply_time_values=values)


@pytest.mark.moto
def test_render_target_files_uploads_to_s3(moto, tmp_path, monkeypatch):
    """`kopsgen render --target files` writes every file to the config base bucket through the S3
    API (a moto server), with the account's queue URL filled in from STS."""
    from tests.support.moto_server import aws_environment

    aws_environment(moto, monkeypatch)
    boto3.client("s3").create_bucket(Bucket="kopsgen-test-state")

    def edit(docs):
        cluster_spec(docs)["configBase"] = "s3://kopsgen-test-state/clusters/minimal.example.com"

    path = edited_input("minimal-dns-none", tmp_path / "cluster.yaml", edit)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path / 'local-state'}")
    result = CliRunner().invoke(cli, ["render", "--target", "files", "-f", str(path)])
    assert result.exit_code == 0, result.output
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket="kopsgen-test-state", Prefix="clusters/minimal.example.com/")
    keys = sorted(o["Key"].split("minimal.example.com/", 1)[1] for o in listed.get("Contents", []))
    spec = pipeline.load_spec([path])
    assert keys == sorted(session(spec, open_store(f"file://{tmp_path / 'local-state'}")).bootstrap.state_files())
    assert f"wrote {len(keys)} state-store files" in result.output
    nth = s3.get_object(Bucket="kopsgen-test-state",
                        Key="clusters/minimal.example.com/addons/node-termination-handler.aws/k8s-1.11.yaml")
    assert b"https://sqs.us-test-1.amazonaws.com/123456789012/minimal-example-com-nth" in nth["Body"].read()
    head = s3.head_object(Bucket="kopsgen-test-state",
                          Key="clusters/minimal.example.com/pki/private/kubernetes-ca/keyset.yaml")
    assert head["ServerSideEncryption"] == "AES256"
    again = CliRunner().invoke(cli, ["render", "--target", "files", "-f", str(path)])
    assert again.exit_code == 0 and "wrote 0 state-store files" in again.output


@pytest.mark.moto
def test_render_target_files_fills_addon_role_arns_from_sts(moto, tmp_path, monkeypatch):
    """With addons on roles of their own (IRSA), the uploaded manifests carry each role's ARN in the
    account (and partition) STS names for the caller's credentials, never the marker."""
    from tests.support.moto_server import aws_environment

    aws_environment(moto, monkeypatch)
    boto3.client("s3").create_bucket(Bucket="kopsgen-test-state")

    def edit(docs):
        spec = cluster_spec(docs)
        spec["configBase"] = "s3://kopsgen-test-state/clusters/minimal.example.com"
        spec.setdefault("iam", {})["useServiceAccountExternalPermissions"] = True
        spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://kopsgen-test-oidc/minimal.example.com",
                                                 "enableAWSOIDCProvider": True}
        spec.update(certManager={"enabled": True}, awsLoadBalancerController={"enabled": True})

    path = edited_input("minimal-dns-none", tmp_path / "cluster.yaml", edit)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path / 'local-state'}")
    result = CliRunner().invoke(cli, ["render", "--target", "files", "-f", str(path)])
    assert result.exit_code == 0, result.output
    s3 = boto3.client("s3")
    prefix = "clusters/minimal.example.com/"
    bodies = {o["Key"]: s3.get_object(Bucket="kopsgen-test-state", Key=o["Key"])["Body"].read()
              for o in s3.list_objects_v2(Bucket="kopsgen-test-state", Prefix=prefix)["Contents"]}
    assert not [key for key, body in bodies.items() if b"@@kopsgen:" in body]
    lbc = yaml.safe_load_all(bodies[f"{prefix}addons/aws-load-balancer-controller.addons.k8s.io/k8s-1.19-irsa.yaml"])
    deployment = next(d for d in lbc if d and d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/aws-load-balancer-controller.kube-system.sa." \
                                  "minimal.example.com"


def test_addons_kopsgen_does_not_build_are_refused_by_name(tmp_path):
    def edit(docs):
        cluster_spec(docs).setdefault("containerd", {})["nvidiaGPU"] = {"enabled": True}

    path = edited_input("minimal-dns-none", tmp_path / "c.yaml", edit)
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "-o", str(tmp_path / "out"),
                                      "--state", f"file://{tmp_path / 'state'}"])
    assert result.exit_code == 2
    assert "spec.containerd.nvidiaGPU.enabled: kopsgen does not build the nvidia.addons.k8s.io addon manifest" \
        in result.output
    assert "nvidia.addons.k8s.io" in addons.NOT_BUILT
