"""Bad specs give precise errors: the right field, the right line, a message a person understands.

Each case changes the valid base spec (tests/support/spec_base.py) in one place and lists every
error expected, as (text marking the line, path, message). The whole pipeline runs: YAML loading,
grouping, JSON Schema, defaults and semantic validation.
"""

from __future__ import annotations

from typing import Callable

import pytest

from kopsgen import pipeline
from kopsgen.errors import SpecError
from kopsgen.spec.documents import load_documents
from tests.support.spec_base import BASE, edit, line_of

NET = "us-east-1a, us-east-1b, utility-us-east-1a, utility-us-east-1b"
UNSUPPORTED = "kops has this field but kopsgen does not support it: "
UNSUPPORTED_VALUE = "kops has this value but kopsgen does not support it: "


def both(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for e in edits:
            text = e(text)
        return text

    return apply


def bomb(text: str) -> str:
    lines = ["  a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef"):
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return text.replace("spec:\n  api:", "spec:\n  bomb:\n" + "\n".join("  " + x for x in lines) + "\n  api:", 1)


# kopsgen's own addons: the block (format it with the addon's lines) and the controller the ingress needs
ADDONS_BLOCK = "  kopsgen:\n    addons:\n      {}"
OWN_ADDON = "  cloudProvider: aws\n" + ADDONS_BLOCK
WITH_LBC = "  cloudProvider: aws\n  certManager:\n    enabled: true\n  awsLoadBalancerController:\n    enabled: true\n"
DEEP = "[" * 70 + "]" * 70
# where the document of the "nodes" group starts in BASE (a duplicate name points back to it)
NODES_LINE = BASE[: BASE.index("kind: InstanceGroup\nmetadata:\n  name: nodes")].count("\n")

CASES: list[tuple[str, Callable[[str], str], list[tuple[str, str, str]]]] = [
    # --- the schema: unknown fields, types, enums, formats ---------------------------------
    ("unknown-field-subnet", edit("    cidr: 10.10.32.0/19", "    cidrr: 10.10.32.0/19"),
     [("cidrr: 10.10.32.0/19", "spec.subnets[0].cidrr", 'unknown field (did you mean "cidr"?)')]),
    ("unknown-field-spec", edit("  sshAccess:", "  sshAcess:"),
     [("sshAcess:", "spec.sshAcess", 'unknown field (did you mean "sshAccess"?)')]),
    ("unknown-field-group", edit("  machineType: t3.large", "  machineType: t3.large\n  rootVolumeSizes: 10"),
     [("rootVolumeSizes", "spec.rootVolumeSizes", 'unknown field (did you mean "rootVolumeSize"?)')]),
    # a misspelled required field is one problem, said where it is, not also "missing required field"
    ("misspelled-required-field", edit("  machineType: t3.large", "  machinType: t3.large"),
     [("machinType", "spec.machinType", 'unknown field (did you mean "machineType"?)')]),
    ("unknown-field-no-hint", edit("  cloudProvider: aws", "  cloudProvider: aws\n  flavour: vanilla"),
     [("flavour", "spec.flavour", "unknown field")]),
    ("wrong-type-integer", edit("  minSize: 2", '  minSize: "two"'),
     [("minSize", "spec.minSize", 'must be an integer (got "two")')]),
    ("wrong-type-boolean", edit("    calico: {}", "    calico: {}\n  kubelet:\n    anonymousAuth: nope"),
     [("anonymousAuth", "spec.kubelet.anonymousAuth", 'must be true or false (got "nope")')]),
    ("wrong-type-list", edit("  sshAccess:\n  - 203.0.113.0/24", "  sshAccess: 203.0.113.0/24"),
     [("sshAccess", "spec.sshAccess", 'must be a list (got "203.0.113.0/24")')]),
    ("wrong-type-mapping", edit("  networking:\n    calico: {}", "  networking: calico"),
     [("networking", "spec.networking", 'must be a mapping (got "calico")')]),
    ("bad-enum-subnet-type", edit("    type: Private\n    zone: us-east-1b", "    type: Protected\n    zone: us-east-1b"),
     [("Protected", "spec.subnets[1].type", 'must be one of: Public, Private, Utility, DualStack (got "Protected")')]),
    ("bad-enum-role", edit("  role: Node", "  role: Worker"),
     [("Worker", "spec.role", 'must be one of: Master, ControlPlane, Node, Bastion, APIServer (got "Worker")')]),
    ("bad-enum-http-tokens", edit("  machineType: t3.large", "  machineType: t3.large\n  instanceMetadata:\n"
                                                            "    httpTokens: maybe"),
     [("httpTokens", "spec.instanceMetadata.httpTokens", 'must be one of: optional, required (got "maybe")')]),
    ("bad-enum-dns-type", edit("      type: Public\n---", "      type: Hidden\n---"),
     [("Hidden", "spec.topology.dns.type", 'must be one of: Public, Private, None (got "Hidden")')]),
    ("hop-limit-too-high", edit("  machineType: t3.large", "  machineType: t3.large\n  instanceMetadata:\n"
                                                          "    httpPutResponseHopLimit: 65"),
     [("httpPutResponseHopLimit", "spec.instanceMetadata.httpPutResponseHopLimit", "must be at most 64 (got 65)")]),
    ("negative-size", edit("  minSize: 2", "  minSize: -1"),
     [("minSize", "spec.minSize", "must be at least 0 (got -1)")]),
    ("missing-required", edit("  machineType: t3.micro\n", ""),
     [("spec:\n  role: Bastion", "spec", 'missing required field "machineType"')]),
    ("cidr-syntax", edit("  networkCIDR: 10.10.0.0/16", "  networkCIDR: 10.10.0.0/33"),
     [("networkCIDR", "spec.networkCIDR", 'must be an IPv4 CIDR such as 172.20.0.0/16 (got "10.10.0.0/33")')]),
    ("zone-syntax", edit("    zone: us-east-1b\n    cidr: 10.10.64.0/19", "    zone: useast1b\n    cidr: 10.10.64.0/19"),
     [("useast1b", "spec.subnets[1].zone", 'must be an availability zone such as us-east-1a (got "useast1b")')]),
    ("version-syntax", edit("  kubernetesVersion: 1.32.4", "  kubernetesVersion: latest"),
     [("kubernetesVersion", "spec.kubernetesVersion", 'must be a Kubernetes version such as 1.32.0 (got "latest")')]),
    ("quantity-syntax", edit("    calico: {}", "    calico: {}\n  kubeAPIServer:\n    cpuRequest: 1 core"),
     [("cpuRequest", "spec.kubeAPIServer.cpuRequest",
       'must be a Kubernetes quantity such as 100m, 256Mi or 2 (got "1 core")')]),
    ("machine-type-size-typo", edit("  machineType: t3.large", "  machineType: t3.lrage"),
     [("machineType: t3.lrage", "spec.machineType", "must be an EC2 instance type such as t3.medium: a family, a dot "
       "and a size (nano, micro, small, medium, large, xlarge, 2xlarge and so on, or metal) (got \"t3.lrage\")")]),
    ("duration-syntax", edit("  machineType: t3.large", "  machineType: t3.large\n  maxInstanceLifetime: 2 days"),
     [("maxInstanceLifetime", "spec.maxInstanceLifetime", 'must be a duration such as 30s, 5m or 1h30m (got "2 days")')]),
    ("egress-syntax", edit("    zone: us-east-1b\n    cidr: 10.10.64.0/19",
                           "    zone: us-east-1b\n    cidr: 10.10.64.0/19\n    egress: igw-0abc"),
     [("egress", "spec.subnets[1].egress", 'must be nat-..., eipalloc-..., i-..., tgw-... or External (got "igw-0abc")')]),
    ("route-target-syntax", edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.64.0/19\n    additionalRoutes:\n"
                                                              "    - cidr: 192.168.0.0/24\n      target: vgw-0abc"),
     [("vgw-0abc", "spec.subnets[1].additionalRoutes[0].target",
       'must be the id of a pcx-, i-, nat-, tgw-, igw- or eigw- resource (got "vgw-0abc")')]),
    ("access-not-a-cidr", edit("  - 203.0.113.0/24", "  - 203.0.113.7"),
     [("203.0.113.7", "spec.sshAccess[0]",
       'must be a CIDR such as 203.0.113.0/24 or a prefix list id such as pl-0123abcd (got "203.0.113.7")')]),
    ("security-group-syntax", edit("      class: Network", "      class: Network\n      additionalSecurityGroups: [default]"),
     [("additionalSecurityGroups", "spec.api.loadBalancer.additionalSecurityGroups[0]",
       'must be a security group id such as sg-0123abcd (got "default")')]),
    ("two-cnis", edit("    calico: {}", "    calico: {}\n    cilium: {}"),
     [("networking:", "spec.networking", "set at most 1 of these (got calico, cilium)")]),
    ("psp-admission-plugin", edit("    calico: {}", "    calico: {}\n  kubeAPIServer:\n    enableAdmissionPlugins:\n"
                                                   "    - PodSecurityPolicy"),
     [("- PodSecurityPolicy", "spec.kubeAPIServer.enableAdmissionPlugins[0]",
       'PodSecurityPolicy was removed in Kubernetes 1.25 (got "PodSecurityPolicy")')]),
    # --- fields and values kops has but kopsgen does not build ------------------------------
    ("unsupported-gossip-config", edit("  cloudProvider: aws", "  cloudProvider: aws\n  gossipConfig: {}"),
     [("gossipConfig", "spec.gossipConfig", UNSUPPORTED + "gossip DNS was removed in kops 1.37")]),
    ("unsupported-gossip-name", edit("demo.example.com", "demo.k8s.local", count=5),
     [("name: demo.k8s.local", "metadata.name", UNSUPPORTED_VALUE + "gossip clusters (names ending in .k8s.local) "
       "were removed in kops 1.37; use a DNS name with topology.dns.type: None instead")]),
    ("unsupported-cloud", edit("  cloudProvider: aws", "  cloudProvider: gce"),
     [("cloudProvider", "spec.cloudProvider", UNSUPPORTED_VALUE + "kopsgen builds AWS infrastructure only; "
                                                                  "cloudProvider must be aws")]),
    ("unsupported-karpenter", edit("  role: Node", "  role: Node\n  manager: Karpenter"),
     [("manager", "spec.manager", UNSUPPORTED_VALUE + "kopsgen builds auto scaling groups only; "
                                                      "Karpenter-managed groups are not built")]),
    ("unsupported-classic-lb", edit("      class: Network", "      class: Classic"),
     [("class: Classic", "spec.api.loadBalancer.class", UNSUPPORTED_VALUE + "kops 1.37 builds only Network load "
                                                                           "balancers for the API; use class: Network")]),
    # v1alpha3's layout in a v1alpha2 document: say where v1alpha2 keeps those settings
    ("cloud-provider-v1alpha3-layout",
     edit("  cloudProvider: aws", "  cloudProvider:\n    aws:\n      nodeTerminationHandler:\n        enabled: false"),
     [("cloudProvider:", "spec.cloudProvider", "must be the cloud's name, aws: kops.k8s.io/v1alpha2 has no "
                                               "cloudProvider.aws (v1alpha3's place for the AWS settings); there "
                                               "nodeTerminationHandler, warmPool, podIdentityWebhook and "
                                               "awsLoadBalancerController are fields of spec, the other AWS settings "
                                               "are in spec.cloudConfig (got a mapping)")]),
    ("unsupported-gce-field", edit("  cloudProvider: aws", "  cloudProvider: aws\n  project: my-project"),
     [("project", "spec.project", UNSUPPORTED + "GCE only; kopsgen builds AWS infrastructure")]),
    ("unsupported-removed-kubelet-flag", edit("    calico: {}", "    calico: {}\n  kubelet:\n"
                                                                "    podInfraContainerImage: pause:3.9"),
     [("podInfraContainerImage", "spec.kubelet.podInfraContainerImage",
       UNSUPPORTED + "removed in Kubernetes 1.35; set containerd.sandboxImage instead")]),
    ("unsupported-weave", edit("    calico: {}", "    weave: {}"),
     [("weave", "spec.networking.weave", UNSUPPORTED + "kops no longer supports Weave")]),
    # --- YAML and documents ----------------------------------------------------------------
    ("yaml-syntax", edit("  kubernetesVersion: 1.32.4", "  kubernetesVersion: [1.32.4"),
     [("networkCIDR", "<document>", "YAML syntax: expected ',' or ']', but got ':' "
                                    "(parsing a flow sequence started at line 23, column 22)")]),
    ("yaml-duplicate-key", edit("  kubernetesVersion: 1.32.4", "  kubernetesVersion: 1.32.4\n  kubernetesVersion: 1.33.0"),
     [("1.33.0", "spec.kubernetesVersion", 'duplicate key "kubernetesVersion"')]),
    ("yaml-binary-tag", edit("  cloudProvider: aws", "  cloudProvider: !!binary YXdz"),
     [("cloudProvider", "spec.cloudProvider", "unsupported YAML tag tag:yaml.org,2002:binary")]),
    ("yaml-alias-bomb", bomb,
     # 7 nodes before the bomb, then a, b, c, d hold 11 + 111 + 1111 + 11111 nodes; node 100001 falls in e's
     # 8th d, 9th c, 9th b, 9th a, 4th x, and an aliased node is reported where its anchor was written
     [("  a: &a", "spec.bomb.e[7][8][8][8][3]", "document expands to more than 100000 values (an alias bomb?)")]),
    ("yaml-too-deep", edit("  cloudProvider: aws", f"  cloudProvider: aws\n  deep: {DEEP}"),
     # the outer list sits at depth 2 (document, spec); the first node below depth 64 is 63 lists further in
     [("deep:", "spec.deep" + "[0]" * 63, "nested deeper than 64 levels")]),
    ("two-clusters", lambda t: t + "---\n" + BASE.split("---\n")[0].replace("demo.example.com", "other.example.com"),
     [("kind: Cluster\nmetadata:\n  name: other.example.com", "kind",
       "only one Cluster per input; render each cluster separately")]),
    ("group-of-another-cluster", edit("  name: bastions\n  labels:\n    kops.k8s.io/cluster: demo.example.com",
                                      "  name: bastions\n  labels:\n    kops.k8s.io/cluster: prod.example.com"),
     [("prod.example.com", 'metadata.labels["kops.k8s.io/cluster"]',
       'instance group belongs to cluster "prod.example.com", not "demo.example.com"')]),
    ("wrong-api-version", edit("apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster", "apiVersion: kops.k8s.io/v1\nkind: Cluster"),
     [("kops.k8s.io/v1\n", "apiVersion", 'apiVersion must be kops.k8s.io/v1alpha2 (got "kops.k8s.io/v1")')]),
    ("wrong-kind", edit("kind: InstanceGroup\nmetadata:\n  name: bastions", "kind: Instancegroup\nmetadata:\n  name: bastions"),
     [("Instancegroup", "kind", 'kind must be Cluster or InstanceGroup (got "Instancegroup")')]),
    ("document-not-a-mapping", lambda t: t + "---\n- just\n- a list\n",
     [("- just", "<document>", "expected a mapping with apiVersion, kind, metadata and spec")]),
    # --- names, versions ------------------------------------------------------------------------
    ("cluster-name-not-dns", edit("demo.example.com", "Demo_1.example.com", count=5),
     [("name: Demo_1", "metadata.name", "must be a DNS name such as api.example.com (lower case letters, digits, "
                                        "'-' and '.') (got \"Demo_1.example.com\")")]),
    ("cluster-name-not-qualified", edit("demo.example.com", "demo", count=5),
     [("name: demo\n", "metadata.name", 'cluster name "demo" must be a fully qualified DNS name such as '
                                        "demo.example.com (or use topology.dns.type: None)")]),
    ("kubernetes-too-old", edit("  kubernetesVersion: 1.32.4", "  kubernetesVersion: 1.29.5"),
     [("kubernetesVersion", "spec.kubernetesVersion", "kopsgen supports Kubernetes 1.32.0 and later, as kops 1.37 does (got 1.29.5)")]),
    # --- addresses ----------------------------------------------------------------------------
    ("cidr-host-bits", edit("  networkCIDR: 10.10.0.0/16", "  networkCIDR: 10.10.1.0/16"),
     [("networkCIDR", "spec.networkCIDR", '10.10.1.0/16 has bits set outside its /16 prefix (did you mean "10.10.0.0/16"?)')]),
    ("access-host-bits", edit("  - 203.0.113.0/24", "  - 203.0.113.7/24"),
     [("203.0.113.7/24", "spec.sshAccess[0]", '203.0.113.7/24 has bits set outside its /24 prefix '
                                               '(did you mean "203.0.113.0/24"?)')]),
    ("subnet-overlap", edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.32.0/20"),
     [("10.10.32.0/20", "spec.subnets[1].cidr", 'subnet 10.10.32.0/20 overlaps subnet "us-east-1a" (10.10.32.0/19)')]),
    ("subnet-outside-vpc", edit("    cidr: 10.10.64.0/19", "    cidr: 10.20.64.0/19"),
     [("10.20.64.0/19", "spec.subnets[1].cidr", "subnet 10.20.64.0/19 is outside the VPC's CIDRs (10.10.0.0/16); "
                                                 "add it to additionalNetworkCIDRs or pick a CIDR inside")]),
    ("non-masquerade-overlaps-vpc", edit("  nonMasqueradeCIDR: 100.64.0.0/10", "  nonMasqueradeCIDR: 10.0.0.0/8"),
     [("nonMasqueradeCIDR", "spec.nonMasqueradeCIDR", "nonMasqueradeCIDR 10.0.0.0/8 overlaps networkCIDR "
                                                      "(10.10.0.0/16): the cluster's internal addresses must be "
                                                      "outside the VPC")]),
    ("pod-cidr-outside-non-masquerade", edit("  nonMasqueradeCIDR: 100.64.0.0/10",
                                             "  nonMasqueradeCIDR: 100.64.0.0/10\n  podCIDR: 172.16.0.0/16"),
     [("podCIDR", "spec.podCIDR", "podCIDR 172.16.0.0/16 must be inside nonMasqueradeCIDR 100.64.0.0/10")]),
    ("service-range-mismatch", edit("    calico: {}", "    calico: {}\n  kubeAPIServer:\n"
                                                    "    serviceClusterIPRange: 100.70.0.0/16"),
     [("100.70.0.0/16", "spec.kubeAPIServer.serviceClusterIPRange", "must match spec.serviceClusterIPRange (100.64.0.0/13)")]),
    ("zone-other-region", edit("  topology:", "  - name: eu\n    type: Public\n    zone: eu-west-1a\n"
                                              "    cidr: 10.10.128.0/19\n  topology:"),
     [("zone: eu-west-1a", "spec.subnets[4].zone", "zone eu-west-1a is in region eu-west-1, but the cluster is in "
                                                   "us-east-1 (from spec.subnets[0].zone); a cluster lives in one region")]),
    ("duplicate-subnet-name", edit("  - name: utility-us-east-1b", "  - name: utility-us-east-1a"),
     [("  - name: utility-us-east-1a\n    type: Utility\n    zone: us-east-1b", "spec.subnets[3].name", 'duplicate subnet name "utility-us-east-1a" (also spec.subnets[2])')]),
    ("private-subnet-without-utility", edit("  - name: utility-us-east-1b\n    type: Utility\n    zone: us-east-1b\n"
                                            "    cidr: 10.10.4.0/22\n", ""),
     [("type: Private\n    zone: us-east-1b", "spec.subnets[1].type",
       'private subnet "us-east-1b" needs a Utility subnet in zone us-east-1b for its NAT gateway (or set egress)')]),
    ("egress-on-utility", edit("    cidr: 10.10.4.0/22", "    cidr: 10.10.4.0/22\n    egress: nat-0abc"),
     [("egress", "spec.subnets[3].egress", "egress is only for Private subnets (and IPv6 Public or DualStack ones); "
                                           "this one is Utility")]),
    ("routes-on-utility", edit("    cidr: 10.10.4.0/22", "    cidr: 10.10.4.0/22\n    additionalRoutes:\n"
                                                         "    - cidr: 192.168.0.0/24\n      target: tgw-0abc"),
     [("additionalRoutes", "spec.subnets[3].additionalRoutes", "routes can only be added to Private subnets; "
                                                                "this one is Utility")]),
    ("dual-stack-in-ipv4-cluster", edit("    type: Private\n    zone: us-east-1b", "    type: DualStack\n    zone: us-east-1b"),
     [("DualStack", "spec.subnets[1].type", "DualStack subnets are only for IPv6 clusters (nonMasqueradeCIDR ::/0)")]),
    ("shared-subnet-without-cidr", both(edit("  networkCIDR: 10.10.0.0/16", "  networkCIDR: 10.10.0.0/16\n"
                                                                          "  networkID: vpc-0abc"),
                                       edit("    cidr: 10.10.32.0/19", "    id: subnet-0a"),
                                       edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.64.0/19\n    id: subnet-0b"),
                                       edit("    cidr: 10.10.0.0/22", "    cidr: 10.10.0.0/22\n    id: subnet-0c"),
                                       edit("    cidr: 10.10.4.0/22", "    cidr: 10.10.4.0/22\n    id: subnet-0d")),
     [("- name: us-east-1a", "spec.subnets[0]", "cidr is needed for an existing subnet: kops asks AWS for it, "
                                                "kopsgen does not call AWS")]),
    ("mixed-shared-subnets", both(edit("  networkCIDR: 10.10.0.0/16", "  networkCIDR: 10.10.0.0/16\n  networkID: vpc-0abc"),
                                  edit("    cidr: 10.10.32.0/19", "    cidr: 10.10.32.0/19\n    id: subnet-0a"),
                                  edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.64.0/19\n    id: subnet-0b"),
                                  edit("    cidr: 10.10.0.0/22", "    cidr: 10.10.0.0/22\n    id: subnet-0c")),
     [("- name: utility-us-east-1b", "spec.subnets[3]", "cannot mix existing subnets (with id) and subnets kopsgen "
                                                        "creates; spec.subnets[0] has an id")]),
    # --- DNS and the API load balancer ---------------------------------------------------------
    ("dns-none-with-api-dns", both(edit("      type: Public\n---", "      type: None\n---"),
                                   edit("    loadBalancer:\n      type: Public\n      class: Network", "    dns: {}")),
     [("dns: {}", "spec.api.dns", "api.dns publishes DNS records, but topology.dns.type is None; use api.loadBalancer")]),
    ("lb-subnet-missing", edit("      class: Network", "      class: Network\n      subnets:\n      - name: nope"),
     [("- name: nope", "spec.api.loadBalancer.subnets[0].name",
       f"subnet \"nope\" is not one of the cluster's subnets ({NET})")]),
    ("lb-two-subnets-one-zone", edit("      class: Network", "      class: Network\n      subnets:\n"
                                                             "      - name: utility-us-east-1a\n      - name: us-east-1a"),
     [("      - name: us-east-1a", "spec.api.loadBalancer.subnets[1].name", 'subnet "us-east-1a" is in zone us-east-1a '
       'like subnet "utility-us-east-1a"; a load balancer takes one subnet per zone')]),
    ("ssl-policy-without-certificate", edit("      class: Network", "      class: Network\n      sslPolicy: ELBSecurityPolicy-2016-08"),
     [("sslPolicy", "spec.api.loadBalancer.sslPolicy", "sslPolicy needs sslCertificate")]),
    ("no-pod-network", edit("  networking:\n    calico: {}", "  networking: {}"),
     [("networking", "spec.networking", "choose a pod network: one of cni, calico, cilium, amazonvpc, kubenet, "
                                        "flannel, kindnet, kuberouter, kopeio")]),
    ("calico-no-encapsulation-ipv4", edit("    calico: {}", "    calico:\n      encapsulationMode: none"),
     [("encapsulationMode", "spec.networking.calico.encapsulationMode",
       'encapsulationMode "none" is only for IPv6 clusters')]),
    # --- etcd ---------------------------------------------------------------------------------
    ("etcd-member-missing-group", edit("  - name: events\n    etcdMembers:\n    - name: a\n"
                                       "      instanceGroup: control-plane-us-east-1a",
                                       "  - name: events\n    etcdMembers:\n    - name: a\n"
                                       "      instanceGroup: control-plane-us-east-1z"),
     [("control-plane-us-east-1z", "spec.etcdClusters[1].etcdMembers[0].instanceGroup",
       'instance group "control-plane-us-east-1z" does not exist (control-plane groups: control-plane-us-east-1a)'),
      ("name: control-plane-us-east-1a", "metadata.name",
       'control-plane group "control-plane-us-east-1a" has no member in etcd cluster "events"')]),
    ("etcd-member-on-node-group", edit("  - name: events\n    etcdMembers:\n    - name: a\n"
                                       "      instanceGroup: control-plane-us-east-1a",
                                       "  - name: events\n    etcdMembers:\n    - name: a\n      instanceGroup: nodes"),
     [("instanceGroup: nodes", "spec.etcdClusters[1].etcdMembers[0].instanceGroup",
       'instance group "nodes" has role Node; etcd members run on control-plane groups'),
      ("name: control-plane-us-east-1a", "metadata.name",
       'control-plane group "control-plane-us-east-1a" has no member in etcd cluster "events"')]),
    ("etcd-even-members", edit("  - name: events\n    etcdMembers:\n",
                               "  - name: events\n    etcdMembers:\n    - name: b\n      instanceGroup: control-plane-us-east-1a\n"),
     [("    etcdMembers:\n    - name: b", "spec.etcdClusters[1].etcdMembers",
       'etcd cluster "events" has 2 members; etcd needs an odd number for a quorum')]),
    ("etcd-duplicate-member", edit("  - name: events\n    etcdMembers:\n",
                                   "  - name: events\n    etcdMembers:\n"
                                   "    - name: a\n      instanceGroup: control-plane-us-east-1a\n"
                                   "    - name: b\n      instanceGroup: control-plane-us-east-1a\n"),
     [("    - name: a\n      instanceGroup: control-plane-us-east-1a\n  kubernetesApiAccess",
       "spec.etcdClusters[1].etcdMembers[2].name", 'duplicate member name "a" (also etcdMembers[0])')]),
    ("etcd-duplicate-cluster", edit("  - name: events", "  - name: main"),
     [("  - name: main\n    etcdMembers:\n    - name: a\n      instanceGroup: control-plane-us-east-1a\n  kubernetes",
       "spec.etcdClusters[1].name", 'duplicate etcd cluster "main" (also spec.etcdClusters[0])')]),
    ("etcd-unknown-version", edit("  - name: events", "  - name: events\n    version: 3.5.99"),
     [("version: 3.5.99", "spec.etcdClusters[1].version", "etcd-manager does not ship etcd 3.5.99 (it has 3.5.0 to "
                                                          "3.5.31, 3.6.0 to 3.6.12 and 3.7.0); set image for another version"),
      ("version: 3.5.99", "spec.etcdClusters[1].version", "etcd 3.5.99 differs from spec.etcdClusters[0] (3.5.31); "
                                                          "all etcd clusters run the same version")]),
    # --- instance groups -----------------------------------------------------------------------
    ("group-missing-subnet", edit("  - us-east-1a\n  - us-east-1b", "  - us-east-1a\n  - us-east-1c"),
     [("- us-east-1c", "spec.subnets[1]", f"subnet \"us-east-1c\" is not one of the cluster's subnets ({NET})")]),
    ("group-zone-without-subnet", edit("  - us-east-1a\n  - us-east-1b", "  - us-east-1a\n  - us-east-1b\n"
                                                                        "  zones:\n  - us-east-1a\n  - us-east-1b\n  - us-east-1c"),
     [("- us-east-1c", "spec.zones[2]", "zone us-east-1c has none of this group's subnets (us-east-1a in us-east-1a, "
                                        "us-east-1b in us-east-1b)")]),
    ("group-min-above-max", edit("  minSize: 2\n  maxSize: 4", "  minSize: 5\n  maxSize: 4"),
     [("maxSize: 4", "spec.maxSize", "maxSize 4 is below minSize 5")]),
    ("control-plane-scaled", edit("  machineType: m6i.large", "  machineType: m6i.large\n  maxSize: 3"),
     [("maxSize: 3", "spec.maxSize", "a control-plane group runs one instance (maxSize 3); add a group per zone for more")]),
    ("control-plane-without-subnets", edit("  machineType: m6i.large\n  subnets:\n  - us-east-1a\n", "  machineType: m6i.large\n"),
     [("spec:\n  role: Master", "spec", "no subnet for this group: name at least one of the cluster's subnets")]),
    ("no-control-plane", lambda t: "---".join(p for p in t.split("---") if "role: Master" not in p),
     [("kind: Cluster", "kind", "no control-plane instance group (role: Master or ControlPlane) in the input"),
      ("      instanceGroup: control-plane-us-east-1a\n  - name: events",
       "spec.etcdClusters[0].etcdMembers[0].instanceGroup",
       'instance group "control-plane-us-east-1a" does not exist (control-plane groups: none)'),
      ("      instanceGroup: control-plane-us-east-1a\n  kubernetesApiAccess", "spec.etcdClusters[1].etcdMembers[0].instanceGroup",
       'instance group "control-plane-us-east-1a" does not exist (control-plane groups: none)')]),
    ("duplicate-group-name", edit("  name: bastions", "  name: nodes"),
     [("  name: nodes\n  labels:\n    kops.k8s.io/cluster: demo.example.com\nspec:\n  role: Bastion",
       "metadata.name", f'duplicate instance group name "nodes" (also at line {NODES_LINE})')]),
    ("bastion-without-public-subnet", both(
        edit("  topology:", "  - name: us-east-1c\n    type: Private\n    zone: us-east-1c\n    cidr: 10.10.96.0/19\n"
                            "    egress: tgw-0abc\n  topology:"),
        edit("  - utility-us-east-1a", "  - us-east-1c")),
     [("  subnets:\n  - us-east-1c", "spec.subnets", "a bastion needs a Utility or Public subnet in its zones (us-east-1c) for "
                                         "its load balancer")]),
    ("taint-syntax", edit("  minSize: 2", "  minSize: 2\n  taints:\n  - dedicated=gpu"),
     [("dedicated=gpu", "spec.taints[0]", 'taint "dedicated=gpu" must look like KEY[=VALUE]:EFFECT, e.g. '
                                          "dedicated=gpu:NoSchedule")]),
    ("taint-effect", edit("  minSize: 2", "  minSize: 2\n  taints:\n  - dedicated=gpu:NoScheduled"),
     [("dedicated=gpu", "spec.taints[0]", 'taint effect "NoScheduled" must be one of NoSchedule, PreferNoSchedule, '
                                          "NoExecute")]),
    ("node-label-key", edit("  minSize: 2", "  minSize: 2\n  nodeLabels:\n    example.com/a/b: x"),
     [("example.com/a/b", 'spec.nodeLabels["example.com/a/b"]', 'label key "example.com/a/b" may contain only one "/"')]),
    ("aws-cloud-label", edit("  cloudProvider: aws", "  cloudProvider: aws\n  cloudLabels:\n    AWS:team: mine"),
     [("AWS:team: mine", 'spec.cloudLabels["AWS:team"]', 'tags starting with "aws:" are reserved for AWS\'s own use')]),
    ("dns-zone-syntax", edit("  cloudProvider: aws", "  cloudProvider: aws\n  dnsZone: not a zone!!"),
     [("dnsZone: not a zone", "spec.dnsZone", "must be a DNS zone name such as example.com, or a hosted zone id such "
       'as Z0123456789ABCDEFGHIJ (got "not a zone!!")')]),
    ("reserved-cloud-label", edit("  cloudProvider: aws", "  cloudProvider: aws\n  cloudLabels:\n    Name: mine"),
     [("Name: mine", "spec.cloudLabels.Name", '"Name" is a tag kopsgen sets itself')]),
    ("mixed-instances-types-and-requirements", edit("  minSize: 2", "  minSize: 2\n  mixedInstancesPolicy:\n"
                                                                    "    instances: [t3.large, m5.large]\n"
                                                                    "    instanceRequirements:\n      cpu:\n        min: 2"),
     [("instanceRequirements", "spec.mixedInstancesPolicy.instanceRequirements",
       "give either instances or instanceRequirements, not both")]),
    ("mixed-instances-fractional-vcpu", edit("  minSize: 2", "  minSize: 2\n  mixedInstancesPolicy:\n"
                                                             "    instanceRequirements:\n      cpu:\n        min: 500m"),
     [("min: 500m", "spec.mixedInstancesPolicy.instanceRequirements.cpu.min", "500m is not a whole number of vCPUs")]),
    ("mixed-instances-min-above-max", edit("  minSize: 2", "  minSize: 2\n  mixedInstancesPolicy:\n"
                                                           "    instanceRequirements:\n      memory:\n"
                                                           "        min: 16Gi\n        max: 8G"),
     [("min: 16Gi", "spec.mixedInstancesPolicy.instanceRequirements.memory.min", "min 16Gi is above max 8G")]),
    ("carved-ipv6-not-a-64", edit("    cidr: 10.10.32.0/19", "    cidr: 10.10.32.0/19\n    ipv6CIDR: /56#1"),
     [("ipv6CIDR", "spec.subnets[0].ipv6CIDR", "/56#1: a subnet's IPv6 block is a /64 (AWS takes no other size)")]),
    ("carved-ipv6-decimal-looking", edit("    cidr: 10.10.32.0/19", "    cidr: 10.10.32.0/19\n    ipv6CIDR: /64#G"),
     [("ipv6CIDR", "spec.subnets[0].ipv6CIDR", 'must be an IPv6 CIDR such as 2001:db8:0:1::/64, or /64#N (got "/64#G")')]),
    ("bastion-takes-the-api-name", edit("  topology:\n", "  topology:\n    bastion:\n"
                                                      "      bastionPublicName: api.demo.example.com\n"),
     [("bastionPublicName", "spec.topology.bastion.bastionPublicName",
       "api.demo.example.com is the API's public name; give the bastion a name of its own")]),
    ("dedicated-t2", edit("  machineType: t3.micro", "  machineType: t2.micro\n  tenancy: dedicated"),
     [("tenancy", "spec.tenancy", "t2.micro instances cannot run with dedicated tenancy")]),
    ("group-security-group-twice", edit("  minSize: 2", "  minSize: 2\n  additionalSecurityGroups: [sg-0a, sg-0b, sg-0a]"),
     [("additionalSecurityGroups", "spec.additionalSecurityGroups[2]", "sg-0a is listed twice (also [0])")]),
    ("gvisor-on-control-plane", edit("  machineType: m6i.large", "  machineType: m6i.large\n  containerd:\n"
                                                                "    gvisor:\n      enabled: true"),
     [("gvisor", "spec.containerd.gvisor", "gVisor is only for Node groups")]),
    ("warm-pool-with-spot", edit("  minSize: 2", "  minSize: 2\n  maxPrice: \"0.05\"\n  warmPool:\n    minSize: 1"),
     [("warmPool", "spec.warmPool", "a warm pool cannot be used with spot instances (maxPrice): AWS refuses the "
                                    "two together")]),
    # AWS refuses a warm pool beside any mixed instances policy, on-demand only included
    ("warm-pool-with-mixed-instances",
     edit("  minSize: 2", "  minSize: 2\n  mixedInstancesPolicy:\n    instances: [t3.large, m6i.large]\n"
                          "    onDemandAboveBase: 100\n  warmPool:\n    minSize: 1"),
     [("warmPool", "spec.warmPool", "a warm pool cannot be used with a mixed instances policy: AWS refuses the two "
                                    "together")]),
    # the Cluster's warm pool applies to every node group: the spot group is where to fix it
    ("cluster-warm-pool-with-spot-group",
     both(edit("  cloudProvider: aws", "  cloudProvider: aws\n  warmPool:\n    minSize: 1"),
          edit("  minSize: 2", "  minSize: 2\n  maxPrice: \"0.05\"")),
     [("maxPrice", "spec.maxPrice", "spot instances (maxPrice) cannot be used with a warm pool, which this group "
                                    "gets from the Cluster's spec.warmPool (line 11): AWS refuses the two "
                                    "together; give the group warmPool: {maxSize: 0}")]),
    ("cluster-warm-pool-with-mixed-instances-group",
     both(edit("  cloudProvider: aws", "  cloudProvider: aws\n  warmPool:\n    minSize: 1"),
          edit("  minSize: 2", "  minSize: 2\n  mixedInstancesPolicy:\n    instances: [t3.large, m6i.large]")),
     [("mixedInstancesPolicy", "spec.mixedInstancesPolicy", "a mixed instances policy cannot be used with a warm "
                                                            "pool, which this group gets from the Cluster's "
                                                            "spec.warmPool (line 11): AWS refuses the two together; "
                                                            "give the group warmPool: {maxSize: 0}")]),
    # volumes are judged as they will be built: IOPS below the type's minimum are raised first (kops's rule)
    ("root-volume-throughput-above-raised-iops",
     edit("  minSize: 2", "  minSize: 2\n  rootVolumeIops: 2000\n  rootVolumeThroughput: 1000"),
     [("rootVolumeThroughput", "spec.rootVolumeThroughput", "1000 MiB/s needs at least 4000 IOPS on gp3 (the "
                                                           "volume gets 3000: 2000 is raised to the gp3 minimum)")]),
    ("extra-volume-throughput-above-default-iops",
     edit("  minSize: 2", "  minSize: 2\n  volumes:\n  - device: /dev/xvdf\n    size: 50\n    throughput: 1000"),
     [("throughput: 1000", "spec.volumes[0].throughput", "1000 MiB/s needs at least 4000 IOPS on gp3 "
                                                             "(got 3000)")]),
    ("etcd-io1-raised-iops-too-many-for-size",
     edit("    - name: a\n      instanceGroup: control-plane-us-east-1a\n  - name: events",
          "    - name: a\n      instanceGroup: control-plane-us-east-1a\n      volumeType: io1\n"
          "      volumeSize: 1\n      volumeIops: 50\n  - name: events"),
     [("volumeIops: 50", "spec.etcdClusters[0].etcdMembers[0].volumeIops",
       "100 IOPS on 1 GiB is more than 50 IOPS per GiB, the most io1 allows (the volume gets 100: 50 is raised to "
       "the io1 minimum)")]),
    ("instance-lifetime-too-short", edit("  minSize: 2", "  minSize: 2\n  maxInstanceLifetime: 1h"),
     [("maxInstanceLifetime", "spec.maxInstanceLifetime", "must be at least 24h (or 0 for no limit)")]),
    ("hook-without-action", edit("  minSize: 2", "  minSize: 2\n  hooks:\n  - name: noop.service"),
     [("- name: noop.service", "spec.hooks[0]", "a hook needs a manifest or an execContainer")]),
    # --- cluster settings ---------------------------------------------------------------------
    ("policy-not-json", edit("  cloudProvider: aws", "  cloudProvider: aws\n  additionalPolicies:\n    node: '[{'"),
     [("node: '[{'", "spec.additionalPolicies.node",
       "the policy is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 3")]),
    # kops reads a policy as a list of statements; a single statement (or a whole policy document) is refused
    # by the parser the IAM builder uses, at the field, before anything is built
    ("policy-single-statement", edit("  cloudProvider: aws", "  cloudProvider: aws\n  additionalPolicies:\n"
                                                           "    control-plane: |\n"
                                                           '      {"Effect": "Allow", "Action": "s3:GetObject", '
                                                           '"Resource": "*"}'),
     [("control-plane: |", "spec.additionalPolicies.control-plane",
       "the policy must be a JSON list of IAM statements, not a single statement or policy document: "
       "write [{...}]")]),
    ("policy-statement-without-resource", edit("  cloudProvider: aws", "  cloudProvider: aws\n  additionalPolicies:\n"
                                                                     "    node: '[{\"Effect\": \"Allow\", "
                                                                     "\"Action\": \"s3:GetObject\"}]'"),
     [("node: '[{", "spec.additionalPolicies.node", "statement 0: needs Resource or NotResource")]),
    ("service-account-inline-policy", edit("  cloudProvider: aws", "  cloudProvider: aws\n  iam:\n"
                                                                   "    serviceAccountExternalPermissions:\n"
                                                                   "    - name: app\n      namespace: default\n"
                                                                   "      aws:\n        inlinePolicy: |\n"
                                                                   '          [{"Effect": "Allow", "Action": '
                                                                   '"s3:GetObject", "Resource": "*", '
                                                                   '"Principal": "*"}]'),
     [("inlinePolicy: |", "spec.iam.serviceAccountExternalPermissions[0].aws.inlinePolicy",
       "statement 0: unsupported field(s) Principal")]),
    ("external-policy-not-a-policy", edit("  cloudProvider: aws", "  cloudProvider: aws\n  externalPolicies:\n"
                                                                  "    node:\n    - arn:aws:iam::aws:role/Admin"),
     [("arn:aws:iam::aws:role/Admin", "spec.externalPolicies.node[0]",
       "must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/NAME or "
       'arn:aws:iam::aws:policy/ReadOnlyAccess (got "arn:aws:iam::aws:role/Admin")')]),
    ("service-account-policy-not-iam", edit("  cloudProvider: aws", "  cloudProvider: aws\n  iam:\n"
                                                                    "    serviceAccountExternalPermissions:\n"
                                                                    "    - name: app\n      namespace: default\n"
                                                                    "      aws:\n        policyARNs:\n"
                                                                    "        - arn:aws:s3:::policy/x"),
     [("arn:aws:s3:::policy/x", "spec.iam.serviceAccountExternalPermissions[0].aws.policyARNs[0]",
       "must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/NAME or "
       'arn:aws:iam::aws:policy/ReadOnlyAccess (got "arn:aws:s3:::policy/x")')]),
    ("kubelet-grace-periods", edit("    calico: {}", "    calico: {}\n  kubelet:\n    shutdownGracePeriod: 10s\n"
                                                    "    shutdownGracePeriodCriticalPods: 30s"),
     [("shutdownGracePeriodCriticalPods", "spec.kubelet.shutdownGracePeriodCriticalPods",
       "30s is longer than shutdownGracePeriod 10s")]),
    ("addon-needs-cert-manager", edit("  cloudProvider: aws", "  cloudProvider: aws\n  awsLoadBalancerController:\n"
                                                              "    enabled: true"),
     [("enabled: true", "spec.awsLoadBalancerController.enabled",
       "the AWS Load Balancer Controller needs certManager.enabled: true")]),
    # --- kopsgen's own addons (spec.kopsgen.addons) -------------------------------------------------
    ("addon-ngf-without-load-balancer-controller", edit("  cloudProvider: aws", OWN_ADDON.format(
        "nginxGatewayFabric:\n        enabled: true  # the ingress")),
     [("enabled: true  # the ingress", "spec.kopsgen.addons.nginxGatewayFabric.enabled",
       "NGINX Gateway Fabric's Gateways are reached through an NLB that the AWS load balancer controller makes: "
       "set awsLoadBalancerController.enabled: true")]),
    ("addon-ngf-ip-targets-without-vpc-pod-addresses", edit("  cloudProvider: aws", WITH_LBC + ADDONS_BLOCK.format(
        "nginxGatewayFabric:\n        enabled: true\n        loadBalancer:\n          targetType: ip")),
     [("targetType: ip", "spec.kopsgen.addons.nginxGatewayFabric.loadBalancer.targetType",
       "an NLB can only target pods that have VPC addresses (networking.amazonvpc, or Cilium with ipam: eni); "
       "with this network use targetType: instance")]),
    ("addon-ngf-replicas-zero", edit("  cloudProvider: aws", WITH_LBC + ADDONS_BLOCK.format(
        "nginxGatewayFabric:\n        enabled: true\n        replicas: 0")),
     [("replicas: 0", "spec.kopsgen.addons.nginxGatewayFabric.replicas", "must be at least 1 (got 0)")]),
    ("addon-ngf-bad-source-range", edit("  cloudProvider: aws", WITH_LBC + ADDONS_BLOCK.format(
        "nginxGatewayFabric:\n        enabled: true\n        loadBalancer:\n          sourceRanges: [10.0.0.0/33]")),
     [("sourceRanges", "spec.kopsgen.addons.nginxGatewayFabric.loadBalancer.sourceRanges[0]",
       'must be a CIDR such as 10.0.0.0/16 (got "10.0.0.0/33")')]),
    ("addon-bad-quantity", edit("  cloudProvider: aws", OWN_ADDON.format(
        "nodeExporter:\n        enabled: true\n        resources:\n          limits: {memory: lots}")),
     [("limits: {memory: lots}", "spec.kopsgen.addons.nodeExporter.resources.limits.memory",
       'must be a Kubernetes quantity such as 100m, 256Mi or 2 (got "lots")')]),
    ("addon-headlamp-base-url", edit("  cloudProvider: aws", OWN_ADDON.format(
        "headlamp:\n        enabled: true\n        baseURL: headlamp/")),
     [("baseURL", "spec.kopsgen.addons.headlamp.baseURL",
       'must be a path such as /headlamp (no trailing /), or empty (got "headlamp/")')]),
    ("addon-log-retention", edit("  cloudProvider: aws", OWN_ADDON.format(
        "fluentBit:\n        enabled: true\n        logGroup:\n          retentionInDays: 100")),
     [("retentionInDays", "spec.kopsgen.addons.fluentBit.logGroup.retentionInDays",
       "must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, "
       "2922, 3288, 3653 (got 100)")]),
    ("addon-log-key-not-an-arn", edit("  cloudProvider: aws", OWN_ADDON.format(
        "fluentBit:\n        enabled: true\n        logGroup:\n          kmsKeyARN: alias/logs")),
     [("kmsKeyARN", "spec.kopsgen.addons.fluentBit.logGroup.kmsKeyARN",
       "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab "
       '(got "alias/logs")')]),
    ("addon-unknown", edit("  cloudProvider: aws", OWN_ADDON.format("grafana:\n        enabled: true")),
     [("grafana:", "spec.kopsgen.addons.grafana", "unknown field")]),
]


def _errors(tmp_path, content: str | bytes) -> list:
    path = tmp_path / "cluster.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    try:
        pipeline.typed_spec(pipeline.complete_documents(load_documents([path])))
    except SpecError as exc:
        return exc.errors
    return []


def test_base_spec_is_valid(tmp_path):
    assert _errors(tmp_path, BASE) == []


@pytest.mark.parametrize("arn", ["arn:aws:iam::aws:policy/ReadOnlyAccess",  # AWS managed
                                 "arn:aws:iam::aws:policy/service-role/AmazonSSMManagedInstanceCore",
                                 "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
                                 "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
                                 "arn:aws-iso-b:iam::aws:policy/ReadOnlyAccess",
                                 "arn:aws:iam::123456789012:policy/team/mine"])  # the account's own
def test_managed_policy_arns_are_accepted_wherever_a_policy_is_attached(tmp_path, arn):
    text = edit("  cloudProvider: aws", f"  cloudProvider: aws\n  externalPolicies:\n    node:\n    - {arn}\n"
                                        f"    control-plane:\n    - {arn}\n  iam:\n    permissionsBoundary: {arn}\n"
                                        f"    serviceAccountExternalPermissions:\n    - name: app\n"
                                        f"      namespace: default\n      aws:\n        policyARNs:\n"
                                        f"        - {arn}")(BASE)
    assert _errors(tmp_path, text) == []


def test_a_spot_group_may_turn_the_clusters_warm_pool_off(tmp_path):
    text = both(edit("  cloudProvider: aws", "  cloudProvider: aws\n  warmPool:\n    minSize: 1"),
                edit("  minSize: 2", "  minSize: 2\n  maxPrice: \"0.05\"\n  warmPool:\n    maxSize: 0"))(BASE)
    assert _errors(tmp_path, text) == []


def test_there_are_enough_cases():
    assert len(CASES) >= 50
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name,change,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_spec(tmp_path, name, change, expected):
    text = change(BASE)
    errors = _errors(tmp_path, text)
    got = sorted((e.line, e.path, e.message) for e in errors)
    want = sorted((line_of(text, marker) if "\n" not in marker else _block_line(text, marker), path, message)
                  for marker, path, message in expected)
    assert got == want
    assert all(e.file == str(tmp_path / "cluster.yaml") for e in errors)


def _block_line(text: str, block: str) -> int:
    """The line where the only occurrence of a multi-line `block` starts."""
    assert text.count(block) == 1, f"{block!r} occurs {text.count(block)} times"
    return text[: text.index(block)].count("\n") + 1


def test_not_utf8(tmp_path):
    content = BASE.replace("  cloudProvider: aws", "  cloudProvider: aws # caf\xe9").encode("latin-1")
    errors = _errors(tmp_path, content)
    line = line_of(BASE, "cloudProvider: aws")
    column = len("  cloudProvider: aws # caf") + 1
    assert [(e.line, e.column, e.path, e.message) for e in errors] == [(line, column, "<file>", "not UTF-8 text")]


def test_empty_input(tmp_path):
    errors = _errors(tmp_path, "# nothing here\n")
    assert [(e.line, e.path, e.message) for e in errors] == [(1, "kind", "no Cluster document found")]


def test_every_problem_in_one_run(tmp_path):
    """Independent semantic problems in different documents are all reported together."""
    text = edit("  minSize: 2\n  maxSize: 4", "  minSize: 5\n  maxSize: 4")(
        edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.32.0/20")(
            edit("  - 203.0.113.0/24", "  - 203.0.113.7/24")(BASE)))
    paths = sorted(e.path for e in _errors(tmp_path, text))
    assert paths == ["spec.maxSize", "spec.sshAccess[0]", "spec.subnets[1].cidr"]


# one schema problem (an unknown field) and two cross-field ones, in two documents
SCHEMA_AND_SEMANTIC = edit("  minSize: 2\n  maxSize: 4", "  minSize: 5\n  maxSize: 4")(
    edit("    cidr: 10.10.64.0/19", "    cidr: 10.10.32.0/20")(
        edit("  sshAccess:", "  sshAcess:")(BASE)))


def test_schema_problems_do_not_hide_semantic_ones(tmp_path):
    """One run reports what the schema finds and what only the cross-field checks find."""
    text = SCHEMA_AND_SEMANTIC
    got = sorted((e.line, e.column, e.path, e.message) for e in _errors(tmp_path, text))
    assert got == [
        (line_of(text, "sshAcess:"), 3, "spec.sshAcess", 'unknown field (did you mean "sshAccess"?)'),
        (line_of(text, "10.10.32.0/20"), 5, "spec.subnets[1].cidr",
         'subnet 10.10.32.0/20 overlaps subnet "us-east-1a" (10.10.32.0/19)'),
        (line_of(text, "maxSize: 4"), 3, "spec.maxSize", "maxSize 4 is below minSize 5"),
    ]


@pytest.mark.parametrize("change,path", [
    # the schema's message, not a second one from a semantic check of the same value
    (edit("  - 203.0.113.0/24", "  - 203.0.113.0/33"), "spec.sshAccess[0]"),
    (edit("  minSize: 2\n  maxSize: 4", "  minSize: [5]\n  maxSize: 4"), "spec.minSize"),
    # a wrong value makes its list item unreliable: no guesses about the subnet from a zone it cannot read
    (edit("    zone: us-east-1b\n    cidr: 10.10.64.0/19", "    zone: 7\n    cidr: 10.10.64.0/19"),
     "spec.subnets[1].zone"),
    # nor about a group whose role it cannot read
    (edit("  role: Master", "  role: Mastr"), "spec.role"),
])
def test_a_schema_problem_is_reported_once(tmp_path, change, path):
    assert [e.path for e in _errors(tmp_path, change(BASE))] == [path]


def test_errors_in_several_files(tmp_path):
    cluster, *groups = BASE.split("---\n")
    (tmp_path / "cluster.yaml").write_text(cluster)
    (tmp_path / "groups.yaml").write_text("---\n".join(groups).replace("  minSize: 2", "  minSize: x"))
    with pytest.raises(SpecError) as caught:
        pipeline.complete_documents(load_documents([tmp_path / "cluster.yaml", tmp_path / "groups.yaml"]))
    [error] = caught.value.errors
    assert (error.file, error.path) == (str(tmp_path / "groups.yaml"), "spec.minSize")
    assert error.line == line_of("---\n".join(groups), "minSize")
