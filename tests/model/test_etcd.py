"""etcd volumes on the graph: one per member and etcd cluster, in the member's zone, tagged for etcd-manager."""

from __future__ import annotations

import pytest

from kopsgen import pipeline
from kopsgen.errors import SpecError
from kopsgen.ir.storage import EbsVolume
from tests.support import hcl, specs
from tests.support.paths import REFERENCE, case_input, reference_cases
from tests.support.specs import CLUSTER, instance_group
from tests.support.sessions import session


def _volumes(tmp_path, edit=None) -> dict[str, EbsVolume]:
    return {v.name: v for v in pipeline.build_graph(session(specs.load(tmp_path, edit))).of_kind(EbsVolume)}


def _three_zones(cluster: dict, groups: list[dict]) -> None:
    """Three control-plane groups in three zones; etcd members a, b, c, one in each."""
    zones = ("us-east-1a", "us-east-1b", "us-east-1c")
    cluster["subnets"] = [{"name": z, "zone": z, "type": "Public", "cidr": f"172.20.{32 * i}.0/19"}
                          for i, z in enumerate(zones, start=1)]
    groups[:] = [instance_group(f"cp-{z}", "ControlPlane", [z]) for z in zones] + \
                [instance_group("nodes", "Node", list(zones))]
    for etcd in cluster["etcdClusters"]:
        etcd["etcdMembers"] = [{"name": z[-1], "instanceGroup": f"cp-{z}"} for z in zones]


def test_one_volume_per_member_and_etcd_cluster_in_the_members_zone(tmp_path):
    volumes = _volumes(tmp_path, _three_zones)
    assert sorted(volumes) == sorted(f"{m}.etcd-{e}.{CLUSTER}" for m in "abc" for e in ("main", "events"))
    for member, zone in (("a", "us-east-1a"), ("b", "us-east-1b"), ("c", "us-east-1c")):
        for etcd in ("main", "events"):
            assert volumes[f"{member}.etcd-{etcd}.{CLUSTER}"].availability_zone == zone


def test_tags_name_the_member_and_all_members_for_etcd_manager(tmp_path):
    def edit(cluster, groups):
        _three_zones(cluster, groups)
        cluster["cloudLabels"] = {"team": "platform"}

    volume = _volumes(tmp_path, edit)[f"b.etcd-events.{CLUSTER}"]
    assert volume.tags == {
        "k8s.io/etcd/events": "b/a,b,c",
        "k8s.io/role/control-plane": "1",
        "k8s.io/role/master": "1",
        "KubernetesCluster": CLUSTER,
        "Name": f"b.etcd-events.{CLUSTER}",
        f"kubernetes.io/cluster/{CLUSTER}": "owned",
        "team": "platform",
    }


def test_volumes_are_unencrypted_gp3_of_20_gib_unless_the_spec_says_otherwise(tmp_path):
    """kops's defaults: encryption is fixed at creation, so another default would replace a kops cluster's volumes."""
    volume = _volumes(tmp_path)[f"a.etcd-main.{CLUSTER}"]
    assert (volume.volume_type, volume.size, volume.iops, volume.throughput, volume.encrypted, volume.kms_key_id) == \
        ("gp3", 20, 3000, 125, False, None)


@pytest.mark.parametrize("member,expected", [
    ({"encryptedVolume": True}, {"encrypted": True, "kms_key_id": None}),
    ({"encryptedVolume": False}, {"encrypted": False}),
    # a key alone means encrypted (AWS refuses a key on an unencrypted volume)
    ({"kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"},
     {"encrypted": True, "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k"}),
    ({"volumeSize": 50, "volumeIops": 6000, "volumeThroughput": 250},
     {"size": 50, "iops": 6000, "throughput": 250}),
    # below AWS's gp3 baseline: raised to it, as kops does
    ({"volumeIops": 1000, "volumeThroughput": 100}, {"iops": 3000, "throughput": 125}),
    # the throughput only fits the raised IOPS (kops checks the ratio after raising, so do we)
    ({"volumeIops": 1000, "volumeThroughput": 500}, {"iops": 3000, "throughput": 500}),
    ({"volumeType": "io1", "volumeIops": 50}, {"volume_type": "io1", "iops": 100, "throughput": None}),
    ({"volumeType": "io2", "volumeIops": 4000}, {"volume_type": "io2", "iops": 4000, "throughput": None}),
    # gp2 and standard take neither IOPS nor throughput
    ({"volumeType": "gp2"}, {"volume_type": "gp2", "iops": None, "throughput": None}),
])
def test_member_volume_settings(tmp_path, member, expected):
    def edit(cluster, groups):
        for etcd in cluster["etcdClusters"]:
            etcd["etcdMembers"][0].update(member)

    volume = _volumes(tmp_path, edit)[f"a.etcd-main.{CLUSTER}"]
    assert {k: getattr(volume, k) for k in expected} == expected


def test_a_member_group_in_several_zones_is_refused_at_the_field(tmp_path):
    def edit(cluster, groups):
        cluster["subnets"].append({"name": "us-east-1b", "zone": "us-east-1b", "type": "Public",
                                   "cidr": "172.20.64.0/19"})
        groups[0]["spec"]["subnets"] = ["us-east-1a", "us-east-1b"]

    with pytest.raises(SpecError) as failure:
        specs.load(tmp_path, edit)
    errors = failure.value.errors
    assert [e.path for e in errors] == [f"spec.etcdClusters[{i}].etcdMembers[0].instanceGroup" for i in (0, 1)]
    assert all("exactly one zone" in e.message and e.line for e in errors)


@pytest.mark.parametrize("case", reference_cases())
def test_reference_case_volumes_match_kops(case):
    """Same addresses, zones, sizes, types, performance, encryption and tags as kops writes: a cluster moved from
    kops keeps its volumes (unset `encryptedVolume` means unencrypted in both)."""
    spec = pipeline.load_spec([case_input(case)])
    ours = hcl.resources(hcl.parse(pipeline.render(session(spec), "terraform")["kubernetes.tf"].decode()))
    kops = hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf"))
    volumes = lambda resources: {a: b for a, b in resources.items() if a.startswith("aws_ebs_volume.")}  # noqa: E731
    assert volumes(ours).keys() == volumes(kops).keys()
    assert len(volumes(ours)) == sum(len(e.members) for e in spec.cluster.etcd_clusters)
    for address, theirs in volumes(kops).items():
        mine = ours[address]
        for attr in ("availability_zone", "size", "type", "iops", "throughput", "encrypted", "kms_key_id", "tags"):
            assert mine.get(attr) == theirs.get(attr), (address, attr)
