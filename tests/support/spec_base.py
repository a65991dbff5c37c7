"""A small, valid cluster spec the spec tests mutate (private topology, two zones, bastion)."""

from __future__ import annotations

BASE = """\
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: demo.example.com
spec:
  api:
    loadBalancer:
      type: Public
      class: Network
  cloudProvider: aws
  configBase: s3://demo-state/demo.example.com
  etcdClusters:
  - name: main
    etcdMembers:
    - name: a
      instanceGroup: control-plane-us-east-1a
  - name: events
    etcdMembers:
    - name: a
      instanceGroup: control-plane-us-east-1a
  kubernetesApiAccess:
  - 0.0.0.0/0
  kubernetesVersion: 1.32.4
  networkCIDR: 10.10.0.0/16
  networking:
    calico: {}
  nonMasqueradeCIDR: 100.64.0.0/10
  sshAccess:
  - 203.0.113.0/24
  subnets:
  - name: us-east-1a
    type: Private
    zone: us-east-1a
    cidr: 10.10.32.0/19
  - name: us-east-1b
    type: Private
    zone: us-east-1b
    cidr: 10.10.64.0/19
  - name: utility-us-east-1a
    type: Utility
    zone: us-east-1a
    cidr: 10.10.0.0/22
  - name: utility-us-east-1b
    type: Utility
    zone: us-east-1b
    cidr: 10.10.4.0/22
  topology:
    dns:
      type: Public
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: control-plane-us-east-1a
  labels:
    kops.k8s.io/cluster: demo.example.com
spec:
  role: Master
  image: ami-0123456789abcdef0
  machineType: m6i.large
  subnets:
  - us-east-1a
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: nodes
  labels:
    kops.k8s.io/cluster: demo.example.com
spec:
  role: Node
  image: ami-0123456789abcdef0
  machineType: t3.large
  minSize: 2
  maxSize: 4
  subnets:
  - us-east-1a
  - us-east-1b
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: bastions
  labels:
    kops.k8s.io/cluster: demo.example.com
spec:
  role: Bastion
  image: ami-0123456789abcdef0
  machineType: t3.micro
  subnets:
  - utility-us-east-1a
"""


def edit(old: str, new: str, count: int = 1):
    """A mutation of BASE: replace `old` (which must occur exactly `count` times) by `new`."""

    def apply(text: str) -> str:
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in the base spec"
        return text.replace(old, new)

    return apply


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the only line containing `marker`."""
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if marker in line]
    assert len(lines) == 1, f"{marker!r} is on lines {lines}"
    return lines[0]
