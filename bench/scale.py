"""Cluster specs of any size for the scale sweep: N node instance groups over three zones.

The cluster is shaped like kops's `ha` reference case (public subnets in three zones, three
control-plane groups, one per zone, each a member of etcd `main` and `events`) with an S3 config
base, so the Terraform output carries the state-store files as S3 objects as a real cluster's does.
On top of the control plane come N node groups, one zone each, round robin (kops needs at least
one group besides the control plane). The spec is a pure function of N: the same N, the same bytes.

    python -m bench.scale 1000 > cluster.yaml
"""

from __future__ import annotations

import sys

import yaml

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
IMAGE = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101"


def cluster_name(groups: int) -> str:
    return f"scale-{groups}.example.com"


CONTROL_PLANE_GROUPS = tuple(f"control-plane-{zone}" for zone in ZONES)


def documents(groups: int) -> list[dict]:
    """The Cluster document, its three control-plane InstanceGroups and `groups` node InstanceGroups."""
    if groups < 1:
        raise ValueError("the scale sweep needs at least one node instance group")
    name = cluster_name(groups)
    masters = CONTROL_PLANE_GROUPS
    members = [{"name": group.rsplit("-", 1)[-1], "instanceGroup": group} for group in masters]
    cluster = {
        "apiVersion": "kops.k8s.io/v1alpha2",
        "kind": "Cluster",
        "metadata": {"name": name},
        "spec": {
            "api": {"dns": {}},
            "cloudProvider": "aws",
            "configBase": f"s3://kopsgen-bench-state/{name}",
            "etcdClusters": [{"name": etcd, "etcdMembers": members} for etcd in ("main", "events")],
            "iam": {},
            "kubelet": {"anonymousAuth": False},
            "kubernetesApiAccess": ["0.0.0.0/0"],
            "kubernetesVersion": "v1.32.0",
            "networkCIDR": "172.20.0.0/16",
            "networking": {"cni": {}},
            "nonMasqueradeCIDR": "100.64.0.0/10",
            "sshAccess": ["0.0.0.0/0"],
            "sshKeyName": "",
            "subnets": [{"name": zone, "zone": zone, "type": "Public", "cidr": f"172.20.{32 * (i + 1)}.0/19"}
                        for i, zone in enumerate(ZONES)],
            "topology": {"dns": {"type": "Public"}},
        },
    }
    igs = [_instance_group(name, group, "ControlPlane", group.split("control-plane-", 1)[1], "m5.large", 1)
           for group in masters]
    igs += [_instance_group(name, f"nodes-{n:04d}", "Node", ZONES[n % len(ZONES)], "t3.medium", 2)
            for n in range(groups)]
    return [cluster, *igs]


def _instance_group(cluster: str, group: str, role: str, zone: str, machine_type: str, size: int) -> dict:
    return {
        "apiVersion": "kops.k8s.io/v1alpha2",
        "kind": "InstanceGroup",
        "metadata": {"name": group, "labels": {"kops.k8s.io/cluster": cluster}},
        "spec": {"image": IMAGE, "machineType": machine_type, "minSize": size, "maxSize": size, "role": role,
                 "subnets": [zone]},
    }


def spec_text(groups: int) -> str:
    return yaml.safe_dump_all(documents(groups), sort_keys=False)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m bench.scale N   (writes a cluster spec with N node instance groups to stdout)",
              file=sys.stderr)
        return 2
    sys.stdout.write(spec_text(int(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
