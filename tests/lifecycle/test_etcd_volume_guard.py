"""`kopsgen update cluster --yes` refuses to replace or delete an etcd volume unless told to.

A stored cluster is written once; then its etcd volumes are changed the way a user would change them (encryption
flipped, a KMS key added, a member removed). The preview warns; --yes exits 2 naming each volume and the attribute
that forces it, and writes nothing (state store and output folder byte for byte as before); with
--allow-etcd-volume-replacement the same change is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kopsgen.lifecycle import plan as plans
from kopsgen.state import layout, verbs
from tests.support.moto_server import aws_environment
from tests.lifecycle.test_update_cluster import (LABEL, NAME, ZONE, change, cluster_spec, out, preview, run,  # noqa: F401
                                       state, write)

MAIN, EVENTS = f"aws_ebs_volume.a-etcd-main-{LABEL}", f"aws_ebs_volume.a-etcd-events-{LABEL}"
KEY = "arn:aws:kms:us-east-1:111122223333:key/etcd"


def _files(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders if folder.exists() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _members(docs: list[dict]) -> list[dict]:
    return [m for etcd in cluster_spec(docs)["etcdClusters"] for m in etcd["etcdMembers"]]


def _refused(state: str, tmp_path: Path, out: Path, *extra: str):
    before = _files(tmp_path / "state", out)
    result = run("update", "cluster", NAME, "--state", state, "--out", out, "--yes", "--allow-unreadable-config-base",
                 *extra)
    assert result.exit_code == 2, result.output
    assert "refusing to write" in result.output and "--allow-etcd-volume-replacement" in result.output
    assert "Traceback" not in result.output
    assert _files(tmp_path / "state", out) == before   # not a byte: no output, no state-store file, no record
    return result


def test_new_specs_encrypt_etcd_volumes_explicitly(state):
    """`create cluster` writes the hardened value, so the kops default (unencrypted) never reaches a new cluster."""
    docs = [d.data for d in verbs.registry(state).get(NAME).documents.all()]
    assert [m.get("encryptedVolume") for m in _members(docs)] == [True, True]


def test_flipping_encryption_is_refused_then_written_with_the_flag(state, tmp_path, out):
    write(state, out)
    assert re.search(r"encrypted +?= true", (out / "kubernetes.tf").read_text())
    change(state, tmp_path, lambda docs: [m.update(encryptedVolume=False) for m in _members(docs)])

    dry = preview(state)
    assert dry.exit_code == 2
    assert f"-/+ {MAIN} (encrypted forces replacement): encrypted true -> false" in dry.output
    assert "WARNING: this change destroys etcd data: 2 etcd volumes replaced or deleted" in dry.output
    # the hint runs as printed: it repeats the state store this run used
    assert f"kopsgen update cluster {NAME} --state {state} --yes --allow-etcd-volume-replacement" in dry.output

    refused = _refused(state, tmp_path, out)
    for volume in (MAIN, EVENTS):
        assert f"  - {volume}: replaced (encrypted forces replacement; encrypted true -> false)" in refused.output

    allowed = run("update", "cluster", NAME, "--state", state, "--out", out, "--yes", "--allow-unreadable-config-base",
                  "--allow-etcd-volume-replacement")
    assert allowed.exit_code == 0, allowed.output
    assert re.search(r"encrypted +?= false", (out / "kubernetes.tf").read_text())
    assert preview(state).exit_code == 0   # recorded: nothing left to write


def test_a_new_kms_key_is_refused(state, tmp_path, out):
    write(state, out)
    change(state, tmp_path, lambda docs: _members(docs)[0].update(kmsKeyId=KEY))
    refused = _refused(state, tmp_path, out)
    assert f"  - {MAIN}: replaced (kms_key_id forces replacement; kms_key_id (none) -> \"{KEY}\")" in refused.output
    assert EVENTS not in refused.output


def test_changes_in_place_are_written_without_the_flag(state, tmp_path, out):
    """Size, type, IOPS and throughput are modified in place (ModifyVolume): no data lost, nothing refused."""
    write(state, out)
    change(state, tmp_path, lambda docs: _members(docs)[0].update(volumeSize=40, volumeThroughput=250))
    dry = preview(state)
    assert f"~ {MAIN}" in dry.output and "WARNING" not in dry.output and "--allow-etcd" not in dry.output
    write(state, out)
    assert re.search(r"size +?= 40\n", (out / "kubernetes.tf").read_text())


def test_removing_a_member_is_refused(moto, tmp_path, monkeypatch):
    """Three control planes, one etcd member each; two of them are removed (etcd keeps an odd count): four volumes
    deleted."""
    aws_environment(moto, monkeypatch)
    name = "three.example.com"
    state, out = f"file://{tmp_path}/state", tmp_path / "out"
    created = run("create", "cluster", "--name", name, "--zones", "us-east-1a,us-east-1b,us-east-1c",
                  "--control-plane-count", "3", "--networking", "calico", "--kubernetes-version", "1.36.2",
                  "--state", state)
    assert created.exit_code == 0, created.output
    assert run("update", "cluster", name, "--state", state, "--out", out, "--yes",
               "--allow-unreadable-config-base").exit_code == 0

    registry = verbs.registry(state)
    docs = [d.data for d in registry.get(name).documents.all()]
    for etcd in cluster_spec(docs)["etcdClusters"]:
        etcd["etcdMembers"] = [m for m in etcd["etcdMembers"] if m["instanceGroup"].endswith("1a")]
    gone = [f"control-plane-us-east-1{zone}" for zone in "bc"]
    for group in gone:   # no `delete instancegroup` yet: remove the stored groups as `kops delete ig` does
        registry.store.delete(layout.instance_group_key(name, group))
    docs = [d for d in docs if d["metadata"]["name"] not in gone]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    replaced = run("replace", "-f", edited, "--state", state)
    assert replaced.exit_code == 0, replaced.output

    before = _files(tmp_path / "state", out)
    result = run("update", "cluster", name, "--state", state, "--out", out, "--yes", "--allow-unreadable-config-base")
    assert result.exit_code == 2, result.output
    label = name.replace(".", "-")
    for member in ("b", "c"):
        for etcd in ("main", "events"):
            assert f"  - aws_ebs_volume.{member}-etcd-{etcd}-{label}: deleted" in result.output
    assert f"  - aws_ebs_volume.a-etcd-main-{label}:" not in result.output   # updated in place (tags)
    assert _files(tmp_path / "state", out) == before


@pytest.mark.parametrize("action,kind,lost", [
    (plans.REPLACE, "EbsVolume", True), (plans.DELETE, "EbsVolume", True), (plans.UPDATE, "EbsVolume", False),
    (plans.CREATE, "EbsVolume", False), (plans.REPLACE, "Subnet", False), (plans.DELETE, None, False),
])
def test_only_a_replaced_or_deleted_volume_counts_as_a_loss(action, kind, lost):
    change_ = plans.ResourceChange(action, "x", "x", kind=kind)
    plan = plans.Plan([change_], [], [], "")
    assert (plans.etcd_volume_losses(plan) == [change_]) is lost
    assert ("WARNING: this change destroys etcd data" in plans.preview(plan)) is lost


def test_the_read_only_view_hands_its_writes_on_with_their_conditions(tmp_path):
    """update cluster renders against a read-only view and writes the CAs it made only once it decides to write:
    the condition of each first write (must not exist yet) still guards the real store, and secrets stay secret."""
    from kopsgen.state.overlay import OverlayStore
    from kopsgen.state import open_store
    from kopsgen.state.store import ABSENT, ConcurrentWriteError

    base = open_store(f"file://{tmp_path}/store")
    view = OverlayStore(base)
    view.write("c/pki/private/ca/keyset.yaml", b"one", expect=ABSENT, secret=True)
    view.write("c/pki/private/ca/keyset.yaml", b"two")   # a second write keeps the first one's condition
    assert base.read("c/pki/private/ca/keyset.yaml") is None
    assert view.flush() == ["c/pki/private/ca/keyset.yaml"]
    assert base.read("c/pki/private/ca/keyset.yaml")[0] == b"two"
    assert (tmp_path / "store/c/pki/private/ca/keyset.yaml").stat().st_mode & 0o077 == 0

    late = OverlayStore(base)
    late.write("c/other", b"x", expect=ABSENT)
    base.write("c/other", b"someone else")
    with pytest.raises(ConcurrentWriteError):
        late.flush()
