"""Clusters in a state store (kopsgen/state/clusters.py), on file:// and on s3:// (a real moto server)."""

from __future__ import annotations

import re

import pytest

from kopsgen.errors import SpecError, StateStoreError, UsageError
from kopsgen.spec.create import CreateClusterOptions, new_cluster
from kopsgen.spec.documents import group_documents
from kopsgen.spec.dump import dump_documents
from kopsgen.spec.source import parse_documents
from kopsgen.state import layout, open_store
from kopsgen.state.clusters import ClusterExists, ClusterNotFound, ClusterRegistry, merge_documents
from kopsgen.state.store import ConcurrentWriteError
from tests.support.moto_server import aws_environment
from tests.support.paths import REFERENCE, reference_cases

BUCKET = "kopsgen-clusters-test"
SSH_KEY = (REFERENCE / "minimal-dns-none" / "id_rsa.pub").read_text().strip()


@pytest.fixture(params=["file", pytest.param("s3", marks=pytest.mark.moto)])
def registry(request, tmp_path, monkeypatch) -> ClusterRegistry:
    if request.param == "file":
        return ClusterRegistry(open_store(f"file://{tmp_path}/state"))
    moto = request.getfixturevalue("moto")
    aws_environment(moto, monkeypatch)
    moto.client("s3").create_bucket(Bucket=BUCKET)
    return ClusterRegistry(open_store(f"s3://{BUCKET}/clusters"))


def spec(name: str = "c.example.com", **options):
    """A valid spec (as a user's file would give it)."""
    data = new_cluster(CreateClusterOptions(name=name, zones=options.pop("zones", ("eu-west-1a", "eu-west-1b")),
                                            config_base=f"s3://{BUCKET}", **options))
    return group_documents(parse_documents(dump_documents(data), "input.yaml"), "input.yaml")


def test_create_get_list(registry):
    registry.create(spec("a.example.com"))
    registry.create(spec("b.example.com", zones=("eu-west-1c",)))
    assert registry.names() == ["a.example.com", "b.example.com"]
    stored = registry.get("b.example.com")
    assert stored.documents.cluster.data == spec("b.example.com", zones=("eu-west-1c",)).cluster.data
    assert sorted(ig.name for ig in stored.documents.instance_groups) == ["control-plane-eu-west-1c",
                                                                          "nodes-eu-west-1c"]
    # laid out as kops lays it out
    assert registry.store.list("b.example.com") == ["b.example.com/config",
                                                    "b.example.com/instancegroup/control-plane-eu-west-1c",
                                                    "b.example.com/instancegroup/nodes-eu-west-1c"]
    # positions in errors point into the store
    assert stored.documents.cluster.source.file == registry.store.location("b.example.com/config")


def test_create_refuses_an_existing_cluster_and_changes_nothing(registry):
    registry.create(spec())
    before = registry.get("c.example.com")
    with pytest.raises(ClusterExists, match="already exists"):
        registry.create(spec(zones=("eu-west-1c",)))
    assert registry.get("c.example.com").versions == before.versions


def test_an_invalid_spec_is_not_stored(registry):
    docs = spec()
    docs.instance_groups[0].data["spec"]["maxSize"] = "lots"
    with pytest.raises(SpecError) as problem:
        registry.create(docs)
    assert "spec.maxSize" in str(problem.value) and "input.yaml" in str(problem.value)
    assert registry.store.list("") == []


def test_a_failed_create_removes_what_it_wrote(registry):
    # a left-over instance group object (say, from a cluster deleted by hand) blocks the create half way
    registry.store.write("c.example.com/instancegroup/nodes-eu-west-1b", b"left over")
    with pytest.raises(StateStoreError, match="left over"):
        registry.create(spec())
    assert registry.store.list("") == ["c.example.com/instancegroup/nodes-eu-west-1b"]


def test_replace_writes_only_what_changed(registry):
    registry.create(spec())
    base = registry.get("c.example.com")
    docs = base.documents.copy()
    nodes = next(ig for ig in docs.instance_groups if ig.name == "nodes-eu-west-1a")
    nodes.data["spec"]["maxSize"] = 7
    after = registry.replace(docs, base)
    key = "c.example.com/instancegroup/nodes-eu-west-1a"
    assert after.versions[key] != base.versions[key]
    assert {k: v for k, v in after.versions.items() if k != key} == {k: v for k, v in base.versions.items() if k != key}
    assert next(ig for ig in after.documents.instance_groups if ig.name == "nodes-eu-west-1a").data["spec"]["maxSize"] == 7


def test_replace_by_a_second_writer_is_detected(registry):
    registry.create(spec())
    seen_by_alice, seen_by_bob = registry.get("c.example.com"), registry.get("c.example.com")
    alice = seen_by_alice.documents.copy()
    alice.cluster.data["spec"]["kubernetesApiAccess"] = ["203.0.113.0/24"]
    registry.replace(alice, seen_by_alice)
    bob = seen_by_bob.documents.copy()
    next(ig for ig in bob.instance_groups if ig.name.startswith("nodes")).data["spec"]["maxSize"] = 9
    with pytest.raises(ConcurrentWriteError, match="nothing was stored"):
        registry.replace(bob, seen_by_bob)
    now = registry.get("c.example.com")
    assert now.documents.cluster.data["spec"]["kubernetesApiAccess"] == ["203.0.113.0/24"]
    assert all(ig.data["spec"]["maxSize"] == 1 for ig in now.documents.instance_groups)


def test_replace_adds_and_drops_instance_groups(registry):
    registry.create(spec())
    base = registry.get("c.example.com")
    docs = base.documents.copy()
    extra = docs.instance_groups[-1]
    extra_text = dump_documents([{**extra.data, "metadata": {**extra.data["metadata"], "name": "spot-eu-west-1a"}}])
    new_group = parse_documents(extra_text, "spot.yaml")[0]
    docs.instance_groups = [ig for ig in docs.instance_groups if ig.name != "nodes-eu-west-1b"] + [new_group]
    registry.replace(docs, base)
    assert [k.rsplit("/", 1)[1] for k in registry.store.list("c.example.com/instancegroup")] == \
        ["control-plane-eu-west-1a", "nodes-eu-west-1a", "spot-eu-west-1a"]


def test_replace_cannot_rename(registry):
    registry.create(spec())
    base = registry.get("c.example.com")
    with pytest.raises(UsageError, match="cannot rename"):
        registry.replace(spec("d.example.com"), base)


def test_merge_keeps_instance_groups_the_input_does_not_mention(registry):
    registry.create(spec())
    base = registry.get("c.example.com")
    ig_only = [d for d in spec().instance_groups if d.name == "nodes-eu-west-1b"]
    ig_only[0].data["spec"]["maxSize"] = 4
    merged = merge_documents(base, ig_only, "input.yaml")
    assert sorted(ig.name for ig in merged.instance_groups) == sorted(ig.name for ig in base.documents.instance_groups)
    assert merged.cluster is base.documents.cluster


def test_delete_removes_the_cluster_and_its_files(registry):
    registry.create(spec("a.example.com"))
    registry.create(spec("a.example.com.au"))  # a name that starts with the other's: untouched
    registry.store.write("a.example.com/pki/private/kubernetes-ca/keyset.yaml", b"key")
    registry.store.write("a.example.com/cluster-completed.spec", b"spec")
    removed = registry.delete("a.example.com")
    assert removed[-1] == "a.example.com/config"  # last: an interrupted delete can be run again
    assert registry.store.list("a.example.com") == []
    assert registry.names() == ["a.example.com.au"]
    with pytest.raises(ClusterNotFound):
        registry.delete("a.example.com")


def test_delete_refuses_files_it_does_not_know(registry):
    registry.create(spec())
    registry.store.write("c.example.com/my-notes.txt", b"not kops's")
    with pytest.raises(StateStoreError, match="refusing to delete.*my-notes.txt"):
        registry.delete("c.example.com")
    assert registry.exists("c.example.com")


def test_get_a_missing_cluster_names_what_is_there(registry):
    registry.create(spec())
    with pytest.raises(ClusterNotFound, match=r"'nope.example.com' not found.*it has: c.example.com"):
        registry.get("nope.example.com")


def test_the_ssh_key_follows_the_spec(registry):
    docs = spec()
    docs.cluster.data["spec"]["sshPublicKey"] = SSH_KEY
    registry.create(docs)
    folder = "c.example.com/pki/ssh/public/admin"
    # kops's own name for this key (its fingerprint, in the reference case's key pair name)
    tf = (REFERENCE / "minimal-dns-none" / "kubernetes.tf").read_text()
    kops_fingerprint = re.search(r'key_name\s+= "kubernetes\.minimal\.example\.com-([0-9a-f:]+)"', tf).group(1)
    assert registry.store.list(folder) == [f"{folder}/{kops_fingerprint.replace(':', '')}"]
    assert registry.store.read(registry.store.list(folder)[0])[0].decode().strip() == SSH_KEY
    base = registry.get("c.example.com")
    without = base.documents.copy()
    del without.cluster.data["spec"]["sshPublicKey"]
    registry.replace(without, base)
    assert registry.store.list(folder) == []


def test_stored_garbage_is_a_clean_error(registry):
    registry.store.write("c.example.com/config", b"kind: [unclosed")
    with pytest.raises(StateStoreError, match="cannot be read"):
        registry.get("c.example.com")
    registry.store.write("c.example.com/config", b"apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\n")
    with pytest.raises(StateStoreError, match="should hold one Cluster"):
        registry.get("c.example.com")


# --- the key layout, against the files kops itself writes ------------------------------------


def _kops_state_keys() -> list[tuple[str, str]]:
    """(cluster name, bucket key) of every state-store object in kops's reference Terraform."""
    import yaml

    from tests.support.paths import case_input

    found = []
    for case in reference_cases():
        name = next(yaml.safe_load_all(case_input(case).read_text()))["metadata"]["name"]
        tf = (REFERENCE / case / "kubernetes.tf").read_text()
        for bucket_key in re.findall(r'resource "aws_s3_object" "[^"]+" \{.*?key\s+= "([^"]+)"', tf, re.S):
            found.append((name, bucket_key))
    return found


def test_every_file_kops_writes_is_known_to_the_layout():
    keys = _kops_state_keys()
    assert len(keys) > 50
    for cluster, key in keys:
        # bucket keys are <prefix>/<cluster>/<relative>
        relative = key.split(f"{cluster}/", 1)[1]
        assert layout.is_known(relative), (cluster, key)


def test_layout_keys():
    assert layout.config_key("c.example.com") == "c.example.com/config"
    assert layout.instance_group_key("c.example.com", "nodes") == "c.example.com/instancegroup/nodes"
    assert layout.nodeup_config_key("c.example.com", "control-plane", "control-plane-a") == \
        "c.example.com/igconfig/control-plane/control-plane-a/nodeupconfig.yaml"
    assert layout.is_secret("c.example.com/pki/private/ca/keyset.yaml")
    assert layout.is_secret("c.example.com/secrets/dockerconfig")
    assert not layout.is_secret("c.example.com/pki/ssh/public/admin/abc")
    assert not layout.is_secret("c.example.com/config")
    for bad in ("../etc", "C.example.com", "a/b", ""):
        with pytest.raises(UsageError):
            layout.config_key(bad)
