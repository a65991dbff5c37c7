"""`kopsgen create cluster`: a new cluster spec from a few flags, with the defaults `kops create cluster` uses.

The result is the documents kops's `create cluster --dry-run -o yaml` prints, as plain data: one
Cluster and its InstanceGroups. The facts follow kops 1.37 (upup/pkg/fi/cloudup/new_cluster.go,
subnets.go, the stable channel):
- one subnet per zone (the union of --zones and --control-plane-zones, sorted), named after the
  zone; private topology adds a `utility-<zone>` subnet per private subnet; extra --network-cidr
  values add one subnet each, round robin over the zones, holding the whole extra CIDR;
- subnet CIDRs carved from the network CIDR: split into 1, 2, 4 or 8 equal parts (enough for the
  big subnets plus one part shared by the utility subnets, which split it in 8), in zone order;
- one control-plane group per control-plane node (`control-plane-<zone>`, `-<n>` when a zone
  holds several), round robin over the control-plane zones; etcd clusters `main` and `events`
  with a member per control-plane group, named after the zone with the common prefix trimmed;
- one node group per zone (`nodes-<zone>`) sharing --node-count (default: one per zone);
- `bastions` (private topology only) in the private subnets;
- --subnets/--utility-subnets: existing subnets (`id`) in place of the ones kops would make, on the
  zones kops finds them in (kopsgen: --zones, in order, with the CIDR the user gives);
- --ipv6: nonMasqueradeCIDR ::/0, the external cloud controller manager, a `/64#N` IPv6 block per
  subnet in list order; private topology by default, its private subnets IPv6-only (no IPv4 CIDR),
  a `dualstack-<subnet>` per private subnet for the control plane and bastion;
- DNS `none` unless a DNS zone is given; the API behind a Network load balancer unless the
  topology is public with DNS (then DNS names only);
- default machine types t3.medium (t3.micro for bastions) and the channel's Ubuntu 24.04 image
  for the Kubernetes version (arm64 for Graviton machine types).

Deliberate differences, because kopsgen never calls AWS and its output must be reproducible:
no creationTimestamp; the default machine type is kops's first choice without asking AWS whether
the zones offer it; the image architecture comes from the machine type's name, not from
DescribeInstanceTypes; IMDSv2 (`httpTokens: required`, hop limit 1) is written out on every
group, where kops leaves it to its model defaults; --ssh-public-key goes into the kopsgen
extension field `spec.sshPublicKey` (kops keeps the key only in its state store).
And one for security: SSH is closed unless asked for. kops opens port 22 to 0.0.0.0/0 and ::/0 when
neither --ssh-access nor --admin-access is given; kopsgen then writes no `sshAccess` (reach the
instances with SSM Session Manager, or give --ssh-access). --admin-access alone still sets both, as
in kops: whoever names the API's admins has said who may SSH.

`kopsgen create instancegroup` adds one group to an existing cluster with the same defaults
(new_instance_group), following kops's PopulateInstanceGroupSpec: sizes 1/1 for the control plane
and bastions, 2/2 for nodes; without --subnet, a node or bastion group gets every subnet that is
neither Utility nor DualStack (else every non-Utility one), a control-plane group must name its
subnets; the image is the channel's for the cluster's Kubernetes version.

Bad options raise UsageError naming the flag; nothing else here can fail.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from kopsgen.errors import UsageError
from kopsgen.spec import releases, sshkey
from kopsgen.spec.api.extensions import ssm_access_of
from kopsgen.spec.api.network import region_of_zone
from kopsgen.spec.instancetypes import machine_architecture  # (also imported from here by callers)
from kopsgen.spec.regions import zone_problem
from kopsgen.spec.documents import CLUSTER_LABEL

API_VERSION = "kops.k8s.io/v1alpha2"
INSTANCE_GROUP_LABEL = "kops.k8s.io/instancegroup"

# The stable channel's Kubernetes version for kops 1.36 (channels/stable, kopsVersions ">=1.36.0-alpha.1"),
# which the default kops release runs (spec/releases.py; a test checks it).
DEFAULT_KUBERNETES_VERSION = "1.36.3"
# kops 1.37 refuses to update clusters older than this (cloudup.OldestSupportedKubernetesVersion).
OLDEST_SUPPORTED_KUBERNETES = (1, 32, 0)
DEFAULT_NETWORK_CIDR = "172.20.0.0/16"
DEFAULT_NON_MASQUERADE_CIDR = "100.64.0.0/10"
DEFAULT_ACCESS = ("0.0.0.0/0", "::/0")
DEFAULT_NETWORKING = "cilium"
ETCD_CLUSTERS = ("main", "events")
ETCD_CPU_REQUEST = {"main": "200m"}  # every other etcd cluster: 100m
ETCD_BACKUP_RETENTION_DAYS = 90

# kops's first candidates (awsup DefaultInstanceType); kops checks each against the zones' offerings.
DEFAULT_MACHINE_TYPE = {"ControlPlane": "t3.medium", "Node": "t3.medium", "Bastion": "t3.micro"}
DEFAULT_MACHINE_TYPE_ARM64 = {"ControlPlane": "t4g.medium", "Node": "t4g.medium", "Bastion": "t4g.micro"}

# The stable channel's AWS images, newest range first: (oldest Kubernetes version, architecture, image).
CHANNEL_IMAGES = (
    ((1, 32, 0), "amd64", "099720109477/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260714"),
    ((1, 32, 0), "arm64", "099720109477/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20260714"),
)

TOPOLOGIES = ("public", "private")
DNS_TYPES = {"public": "Public", "private": "Private", "none": "None"}
LOAD_BALANCER_TYPES = {"public": "Public", "internal": "Internal"}
AUTHORIZATION = ("rbac", "alwaysallow")


def _networking(name: str) -> tuple[dict, dict]:
    """The `spec.networking` entry for a --networking value, and other cluster fields it implies."""
    table: dict[str, tuple[dict, dict]] = {
        "cni": ({"cni": {}}, {}),
        "kubenet": ({"kubenet": {}}, {}),
        "calico": ({"calico": {}}, {}),
        "cilium": ({"cilium": {"enableNodePort": True}}, {"kubeProxy": {"enabled": False}}),
        "cilium-etcd": ({"cilium": {"enableNodePort": True, "etcdManaged": True}}, {"kubeProxy": {"enabled": False}}),
        "cilium-eni": ({"cilium": {"enableNodePort": True, "ipam": "eni"}}, {"kubeProxy": {"enabled": False}}),
        "flannel": ({"flannel": {"backend": "vxlan"}}, {}),
        "flannel-vxlan": ({"flannel": {"backend": "vxlan"}}, {}),
        "flannel-udp": ({"flannel": {"backend": "udp"}}, {}),
        "kube-router": ({"kuberouter": {}}, {"kubeProxy": {"enabled": False}}),
        "amazonvpc": ({"amazonvpc": {}}, {}),
        "amazon-vpc-routed-eni": ({"amazonvpc": {}}, {}),
        "kindnet": ({"kindnet": {}}, {}),
    }
    if name not in table:
        raise UsageError(f"--networking {name!r} is not one of: {', '.join(NETWORKING_CHOICES)}")
    networking, extra = table[name]
    return {k: dict(v) for k, v in networking.items()}, {k: dict(v) for k, v in extra.items()}


# the CNIs --ipv6 takes: kops's (the others route no IPv6 pod network) but for calico, whose IPv6 build
# kopsgen lacks (bootstrap/addons/networking/calico.py), and cilium-eni, whose ENI IPAM has no IPv6
IPV6_NETWORKING = ("cilium", "cilium-etcd", "cni", "kindnet")
IPV6_NON_MASQUERADE_CIDR = "::/0"

NETWORKING_CHOICES = ("amazonvpc", "amazon-vpc-routed-eni", "calico", "cilium", "cilium-eni", "cilium-etcd", "cni",
                      "flannel", "flannel-udp", "flannel-vxlan", "kindnet", "kube-router", "kubenet")


@dataclass(frozen=True)
class CreateClusterOptions:
    """The flags of `kopsgen create cluster`, as given (empty means: kops's default)."""

    name: str
    zones: tuple[str, ...]
    control_plane_zones: tuple[str, ...] = ()
    control_plane_count: int = 0
    node_count: int = 0
    node_sizes: tuple[str, ...] = ()
    control_plane_sizes: tuple[str, ...] = ()
    topology: str | None = None       # None: kops's default, public (private with --ipv6)
    networking: str = DEFAULT_NETWORKING
    bastion: bool = False
    dns_zone: str | None = None
    dns_type: str | None = None
    ssh_public_key: str | None = None  # the key itself (one OpenSSH line), not a path
    kubernetes_version: str | None = None
    network_cidrs: tuple[str, ...] = ()
    image: str | None = None
    api_load_balancer_type: str | None = None
    admin_access: tuple[str, ...] = ()
    ssh_access: tuple[str, ...] = ()
    config_base: str | None = None
    config_base_region: str | None = None   # --state-region: the config base bucket's region
    authorization: str = "rbac"
    channel: str = "stable"
    ssm_access: bool | None = None     # --ssm/--no-ssm; None: the spec's default (on without SSH)
    vpc: str | None = None             # --vpc: a shared VPC's ID (spec.networkID); its CIDR from --network-cidr
    addons: tuple[str, ...] = ()       # --addons: kopsgen's own addon families (ADDON_FAMILIES)
    subnet_ids: tuple[str, ...] = ()           # --subnets: shared subnets, ID=CIDR, one per --zones entry
    utility_subnet_ids: tuple[str, ...] = ()   # --utility-subnets: likewise, the private topology's utility ones
    ipv6: bool = False                 # --ipv6: IPv6 pods (nonMasqueradeCIDR ::/0), a /64 per subnet


# --addons: each family and the spec.kopsgen.addons entries it turns on (docs/addons/)
ADDON_FAMILIES = {"ingress": ("nginxGatewayFabric",), "web-ui": ("headlamp",), "logging": ("fluentBit",),
                  "monitoring": ("kubeStateMetrics", "nodeExporter")}


# AWS names: us-east-1a, eu-west-2c, us-gov-west-1a, eusc-de-east-1a, and Local Zones us-east-1-bos-1a.
_ZONE = re.compile(r"^[a-z]{2}(sc-[a-z]{2})?(-gov|-iso[a-z]?)?-[a-z]+-\d+(-[a-z]+-\d+)?[a-z]$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$")


def default_image(kubernetes_version: tuple[int, int, int], architecture: str) -> str:
    for oldest, arch, image in CHANNEL_IMAGES:
        if arch == architecture and kubernetes_version >= oldest:
            return image
    raise UsageError(f"no default {architecture} image for Kubernetes {'.'.join(map(str, kubernetes_version))}; "
                     "give one with --image")


def new_cluster(opts: CreateClusterOptions) -> list[dict]:
    """The Cluster document followed by its InstanceGroups (sorted by name, as kops prints them)."""
    name = _check_name(opts)
    zones, control_plane_zones = _check_zones(opts)
    version_text, version = _check_version(opts.kubernetes_version)
    # kops: private by default for IPv6, whose nodes then live in IPv6-only private subnets
    topology = _check_choice("--topology", opts.topology or ("private" if opts.ipv6 else "public"), TOPOLOGIES)
    networking, implied = _networking(opts.networking)
    if opts.ipv6 and opts.networking not in IPV6_NETWORKING:
        raise UsageError(f"--networking {opts.networking} does not support --ipv6; choose one of: "
                         f"{', '.join(IPV6_NETWORKING)}")
    if topology == "private" and "kubenet" in networking:
        raise UsageError("--networking kubenet does not support --topology private; choose another CNI such as calico")
    if opts.bastion and topology != "private":
        raise UsageError("--bastion needs --topology private (kops puts a bastion only in front of private subnets)")
    dns = _dns_type(opts)
    if "." not in name and dns != "None":
        raise UsageError(f"--name {name!r} must be a fully-qualified DNS name (e.g. mycluster.example.com) "
                         "unless --dns none")
    if opts.vpc is not None:
        _check_vpc(opts)
    network_cidr, additional_cidrs = _check_cidrs(opts.network_cidrs)
    shared = _check_shared_subnets(opts, zones, control_plane_zones, topology, [network_cidr, *additional_cidrs])
    admin_access = _check_access("--admin-access", opts.admin_access or DEFAULT_ACCESS)
    ssh_access = (_check_access("--ssh-access", opts.ssh_access) if opts.ssh_access
                  else admin_access if opts.admin_access else ())   # closed unless asked for
    control_plane_count = _control_plane_count(opts, control_plane_zones)
    if opts.node_count < 0:
        raise UsageError(f"--node-count must not be negative (got {opts.node_count})")
    node_sizes = _check_sizes("--node-size", opts.node_sizes)
    control_plane_sizes = _check_sizes("--control-plane-size", opts.control_plane_sizes)
    if opts.image is not None and not opts.image.strip():
        raise UsageError("--image must not be empty")
    if opts.ssh_public_key is not None:
        try:
            sshkey.fingerprint(opts.ssh_public_key)
        except ValueError as exc:
            raise UsageError(f"--ssh-public-key: {exc}") from None
    authorization = _check_choice("--authorization", opts.authorization.lower(), AUTHORIZATION)

    all_zones = sorted(set(zones) | set(control_plane_zones))
    # with shared subnets, extra VPC CIDRs are only the VPC's other ranges: kopsgen makes no subnet in them
    subnets, zone_subnets = _subnets(all_zones, zones, topology, [] if shared else additional_cidrs, opts.ipv6)
    for subnet in subnets:
        if (subnet["zone"], subnet["type"]) in shared:
            subnet["id"], subnet["cidr"] = shared[subnet["zone"], subnet["type"]]
    if opts.ipv6:  # kops: the VPC's IPv6 range in /64 blocks, numbered (in hex) in list order
        for i, subnet in enumerate(subnets):
            subnet["ipv6CIDR"] = f"/64#{i:x}"
    _assign_cidrs(subnets, network_cidr)

    spec: dict = {
        "api": _api(opts, topology, dns),
        "authorization": {"alwaysAllow": {}} if authorization == "alwaysallow" else {"rbac": {}},
        "channel": opts.channel,
        "cloudProvider": "aws",
        "iam": {"allowContainerRegistry": True, "legacy": False},
        "kubelet": {"anonymousAuth": False},
        "kubernetesApiAccess": list(admin_access),
        "kubernetesVersion": version_text,
        "networkCIDR": network_cidr,
        **({"networkID": opts.vpc} if opts.vpc else {}),
        "networking": networking,
        # Amazon VPC CNI gives pods VPC addresses: the VPC is the pod network
        "nonMasqueradeCIDR": IPV6_NON_MASQUERADE_CIDR if opts.ipv6 else network_cidr if "amazonvpc" in networking
        else DEFAULT_NON_MASQUERADE_CIDR,
        "subnets": subnets,
        "topology": {"dns": {"type": dns}},
        **implied,
    }
    if ssh_access:
        spec["sshAccess"] = list(ssh_access)
    if opts.ipv6:
        spec["cloudControllerManager"] = {}  # kops: IPv6 needs the external cloud controller manager
    if opts.config_base:
        spec["configBase"] = f"{opts.config_base.rstrip('/')}/{name}"
    if opts.config_base_region is not None:
        spec["kopsgen"] = {"configBaseRegion": _check_state_region(opts)}
    if additional_cidrs:
        spec["additionalNetworkCIDRs"] = list(additional_cidrs)
    if opts.dns_zone:
        spec["dnsZone"] = opts.dns_zone
    if dns == "Public":
        spec["masterPublicName"] = f"api.{name}"
    if opts.bastion and dns != "None":
        spec["topology"]["bastion"] = {"bastionPublicName": f"bastion.{name}"}
    if opts.ssh_public_key is not None:
        spec[sshkey.FIELD] = opts.ssh_public_key.strip()
    if opts.ssm_access is not None:
        spec.setdefault("kopsgen", {})["ssmAccess"] = opts.ssm_access
    _addons(spec, opts.addons)

    # an IPv6 private topology puts the control plane in the dual-stack subnets (kops: they reach IPv4 too)
    control_planes = _control_plane_groups(control_plane_zones, control_plane_count, zone_subnets,
                                           "dualstack-" if opts.ipv6 and topology == "private" else "")
    # Cilium with its own etcd (cilium-etcd) gets a third etcd cluster on the control plane
    etcd_clusters = ETCD_CLUSTERS + (("cilium",) if opts.networking == "cilium-etcd" else ())
    spec["etcdClusters"] = [_etcd_cluster(etcd, control_planes) for etcd in etcd_clusters]
    nodes = _node_groups(zones, opts.node_count or len(zones), zone_subnets)
    bastion_types = ("DualStack",) if opts.ipv6 else ("Private", "Public")
    bastions = [_group("bastions", "Bastion", 1, [s["name"] for s in subnets if s["type"] in bastion_types])] \
        if opts.bastion else []

    groups = control_planes + nodes + bastions
    for group in groups:
        _finish_group(group, name, opts, version, control_plane_sizes, node_sizes)
    cluster = {"apiVersion": API_VERSION, "kind": "Cluster", "metadata": {"name": name}, "spec": spec}
    return [cluster, *sorted(groups, key=lambda g: g["metadata"]["name"])]


# --- how the user will reach the machines ------------------------------------------------------


def access_notes(documents: list[dict]) -> tuple[list[str], list[str]]:
    """What `create cluster` tells the user about reaching the instances of a new cluster (its Cluster
    document, then its InstanceGroups): (notes, warnings). A cluster nobody can log in to is legal, but
    never made without a word."""
    cluster, groups = documents[0], documents[1:]
    spec = cluster["spec"]
    name, region = cluster["metadata"]["name"], region_of_zone(spec["subnets"][0]["zone"])
    ssh = list(spec.get("sshAccess") or ())
    bastion = any(g["spec"].get("role") == "Bastion" for g in groups)
    notes: list[str] = []
    warnings: list[str] = []
    if ssm_access_of(spec):
        notes.append(f"reach the instances with SSM Session Manager (spec.kopsgen.ssmAccess; needs the AWS CLI's "
                     f"session-manager-plugin): aws ssm start-session --region {region} --target INSTANCE-ID, "
                     f"IDs from: aws ec2 describe-instances --region {region} "
                     f"--filters Name=tag:KubernetesCluster,Values={name} --query "
                     f"'Reservations[].Instances[].InstanceId'")
    if ssh:
        private = any(s.get("type") == "Private" for s in spec["subnets"])
        where = ("the bastion's load balancer, then from the bastion to the instances' private addresses" if bastion
                 else "the instances' private addresses (from networks routed to the VPC)" if private
                 else "the instances' public addresses")
        notes.append(f"SSH is open from {', '.join(ssh)} (spec.sshAccess) to {where}")
    if not ssh and not ssm_access_of(spec):
        warnings.append("no way in: no --ssh-access and SSM is off (--no-ssm), so nobody can log in to the "
                        "instances" + (", the bastion included" if bastion else "")
                        + "; give --ssh-access CIDR or drop --no-ssm")
    elif not ssh and bastion:
        warnings.append("--bastion without --ssh-access: the bastion admits no SSH and is of no use; "
                        "reach the instances with SSM, or give --ssh-access CIDR")
    return notes, warnings


# --- checks of the flags -----------------------------------------------------------------------


def _check_name(opts: CreateClusterOptions) -> str:
    name = (opts.name or "").strip()
    if not name:
        raise UsageError("--name is required (the cluster's DNS name, e.g. mycluster.example.com)")
    if not _DNS_NAME.match(name) or len(name) > 253:
        raise UsageError(f"--name {name!r} is not a valid DNS name (lowercase letters, digits, '-' and '.')")
    return name


def _check_zones(opts: CreateClusterOptions) -> tuple[list[str], list[str]]:
    zones = [z.strip() for z in opts.zones if z.strip()]
    if not zones:
        raise UsageError("--zones is required: the availability zones to run in, e.g. --zones eu-west-1a,eu-west-1b")
    control_plane_zones = [z.strip() for z in opts.control_plane_zones if z.strip()]
    for flag, values in (("--zones", zones), ("--control-plane-zones", control_plane_zones)):
        for zone in values:
            if not _ZONE.match(zone):
                hint = " (that is a region; add the zone letter, e.g. " + zone + "a)" \
                    if re.match(r"^[a-z]{2}(-gov)?-[a-z]+-\d+$", zone) else ""
                raise UsageError(f"{flag}: {zone!r} is not an AWS availability zone name{hint}")
            if problem := zone_problem(zone):
                raise UsageError(f"{flag}: {problem}")
        duplicates = sorted({z for z in values if values.count(z) > 1})
        if duplicates:
            raise UsageError(f"{flag}: {', '.join(duplicates)} given more than once")
    regions = sorted({region_of_zone(z) for z in zones + control_plane_zones})
    if len(regions) > 1:
        raise UsageError(f"--zones and --control-plane-zones must all be in one region (got {', '.join(regions)})")
    return zones, control_plane_zones or zones


def _addons(spec: dict, families: tuple[str, ...]) -> None:
    """--addons: turn on kopsgen's own addons; the ingress needs the AWS load balancer controller for its
    NLB, which needs cert-manager for its webhook's certificate."""
    unknown = [f for f in families if f not in ADDON_FAMILIES]
    if unknown:
        raise UsageError(f"--addons {','.join(unknown)}: not an addon family; choose from {', '.join(ADDON_FAMILIES)}")
    if "ingress" in families:
        spec["certManager"] = {"enabled": True}
        spec["awsLoadBalancerController"] = {"enabled": True}
    for family in ADDON_FAMILIES:
        if family in families:
            for key in ADDON_FAMILIES[family]:
                spec.setdefault("kopsgen", {}).setdefault("addons", {})[key] = {"enabled": True}


def _check_state_region(opts: CreateClusterOptions) -> str:
    region = opts.config_base_region.strip() if opts.config_base_region else ""
    if not _REGION.match(region):
        raise UsageError(f"--state-region {opts.config_base_region!r} is not an AWS region name such as eu-central-1")
    if not (opts.config_base or "").startswith("s3://"):
        raise UsageError(f"--state-region is the region of an S3 state store, but the state store is "
                         f"{opts.config_base or 'not given'}: give --state s3://BUCKET")
    return region


def _check_version(value: str | None) -> tuple[str, tuple[int, int, int]]:
    text = (value or DEFAULT_KUBERNETES_VERSION).strip()
    m = _VERSION.match(text)
    if not m:
        raise UsageError(f"--kubernetes-version {text!r} is not a version such as 1.32.0")
    version = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if version < OLDEST_SUPPORTED_KUBERNETES:
        raise UsageError(f"--kubernetes-version {text} is older than the oldest version kops supports "
                         f"({'.'.join(map(str, OLDEST_SUPPORTED_KUBERNETES))})")
    default = releases.RELEASES[releases.DEFAULT_KOPS_VERSION]
    if version[:2] > default.newest_kubernetes:
        # the spec names no other release, so the default one runs it: refuse it now rather than at render
        raise UsageError(f"--kubernetes-version {text} is newer than kops {releases.DEFAULT_KOPS_VERSION}, the default "
                         f"release, supports ({default.kubernetes_range}); set {releases.SETTING_PATH} in the spec "
                         f"to a newer release and give the version there")
    return text, version


def _check_choice(flag: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise UsageError(f"{flag} {value!r} is not one of: {', '.join(choices)}")
    return value


def _dns_type(opts: CreateClusterOptions) -> str:
    if opts.dns_type:
        dns = DNS_TYPES.get(opts.dns_type.lower())
        if dns is None:
            raise UsageError(f"--dns {opts.dns_type!r} is not one of: {', '.join(DNS_TYPES)}")
        if dns == "None" and opts.dns_zone:
            raise UsageError("--dns-zone makes no sense with --dns none")
        return dns
    if opts.dns_zone is not None:
        if not _DNS_NAME.match(opts.dns_zone.rstrip(".")) and not re.match(r"^Z[A-Z0-9]+$", opts.dns_zone):
            raise UsageError(f"--dns-zone {opts.dns_zone!r} is neither a DNS name nor a Route53 zone ID")
        return "Public"
    return "None"


_VPC_ID = re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")


def _check_vpc(opts: CreateClusterOptions) -> None:
    """--vpc: kops asks AWS for the VPC's CIDR; kopsgen never calls AWS, so the user gives it."""
    if not _VPC_ID.match(opts.vpc):
        raise UsageError(f"--vpc {opts.vpc!r} is not a VPC ID such as vpc-0123456789abcdef0")
    if not opts.network_cidrs:
        raise UsageError(f"--vpc {opts.vpc}: give the VPC's CIDR with --network-cidr (kopsgen never calls AWS to "
                         "look it up, as kops does); the new subnets are carved from it")


_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")


def _check_shared_subnets(opts: CreateClusterOptions, zones: list[str], control_plane_zones: list[str],
                          topology: str, vpc_cidrs: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """--subnets and --utility-subnets: existing subnets, as (zone, type) -> (ID, CIDR).

    kops asks AWS for each subnet's zone and CIDR; kopsgen never calls AWS, so the user gives them: the
    IDs map onto --zones in order and each carries its CIDR as ID=CIDR. kopsgen cannot mix existing
    subnets with subnets it makes (spec validation), so every subnet of the cluster must be given."""
    if not opts.subnet_ids and not opts.utility_subnet_ids:
        return {}
    if not opts.subnet_ids:
        raise UsageError("--utility-subnets needs --subnets too: kopsgen cannot put new private subnets "
                         "beside existing utility ones")
    if opts.vpc is None:
        raise UsageError("--subnets needs --vpc (and the VPC's CIDR with --network-cidr): kops finds the VPC of "
                         "the subnets in AWS, kopsgen never calls AWS")
    if opts.ipv6:
        raise UsageError("--ipv6 with --subnets is not supported: kopsgen would need each existing subnet's "
                         "IPv6 block; make the cluster's subnets (drop --subnets) or write the spec by hand")
    if topology == "private" and not opts.utility_subnet_ids:
        raise UsageError("--subnets with --topology private needs --utility-subnets too (one per zone, for the "
                         "load balancers and NAT gateways): kopsgen cannot mix existing and new subnets")
    if topology == "public" and opts.utility_subnet_ids:
        raise UsageError("--utility-subnets is for --topology private; a public topology has no utility subnets")
    if extra := sorted(set(control_plane_zones) - set(zones)):
        raise UsageError(f"--control-plane-zones {','.join(extra)} not in --zones: with --subnets every zone's "
                         f"subnet comes from --subnets, one per --zones entry")
    networks = [ipaddress.ip_network(c) for c in vpc_cidrs]
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    seen: dict[str, tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = {}
    subnet_type = "Public" if topology == "public" else "Private"
    kinds = [("--subnets", opts.subnet_ids, subnet_type)]
    if topology == "private":
        kinds.append(("--utility-subnets", opts.utility_subnet_ids, "Utility"))
    for flag, values, kind in kinds:
        if len(values) != len(zones):
            raise UsageError(f"{flag} gives {len(values)} subnets for {len(zones)} --zones: give one per zone, "
                             f"in the order of --zones ({','.join(zones)})")
        for zone, value in zip(zones, values):
            subnet_id, _, cidr = value.partition("=")
            if not _SUBNET_ID.match(subnet_id):
                raise UsageError(f"{flag} {subnet_id!r} is not a subnet ID such as subnet-0123456789abcdef0")
            if not cidr:
                raise UsageError(f"{flag} {subnet_id}: give its CIDR as {subnet_id}=10.0.1.0/24 (kops looks it up "
                                 "in AWS; kopsgen never calls AWS)")
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise UsageError(f"{flag} {subnet_id}={cidr}: not a network CIDR: {exc}") from None
            if not any(net.version == n.version and net.subnet_of(n) for n in networks):
                raise UsageError(f"{flag} {subnet_id}={cidr} is outside the VPC's CIDR(s) given with --network-cidr "
                                 f"({', '.join(vpc_cidrs)})")
            if subnet_id in seen:
                raise UsageError(f"{flag} {subnet_id}: given more than once")
            for other, (other_flag, other_net) in seen.items():
                if net.overlaps(other_net):
                    raise UsageError(f"{flag} {subnet_id}={cidr} overlaps {other_flag} {other}={other_net}")
            seen[subnet_id] = (flag, net)
            shared[zone, kind] = (subnet_id, str(net))
    return shared


def _check_cidrs(values: tuple[str, ...]) -> tuple[str, list[str]]:
    cidrs = [v.strip() for v in values if v.strip()] or [DEFAULT_NETWORK_CIDR]
    parsed = []
    for cidr in cidrs:
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            raise UsageError(f"--network-cidr {cidr!r} is not a network CIDR: {exc}") from None
        if net.version != 4:
            raise UsageError(f"--network-cidr {cidr}: the VPC's CIDRs must be IPv4")
        if not 16 <= net.prefixlen <= 24:
            raise UsageError(f"--network-cidr {cidr}: use a prefix between /16 and /24 (a VPC allows /16 to /28, "
                             "and the subnets carved from it need room)")
        if net.overlaps(ipaddress.ip_network(DEFAULT_NON_MASQUERADE_CIDR)):
            raise UsageError(f"--network-cidr {cidr} overlaps {DEFAULT_NON_MASQUERADE_CIDR}, the range kops "
                             "keeps for pods and services")
        for other in parsed:
            if net.overlaps(other):
                raise UsageError(f"--network-cidr {cidr} overlaps {other}")
        parsed.append(net)
    return str(parsed[0]), [str(n) for n in parsed[1:]]


def _check_access(flag: str, values: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in values:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise UsageError(f"{flag} {cidr!r} is not a CIDR such as 203.0.113.0/24") from None
    return tuple(values)


def _check_sizes(flag: str, sizes: tuple[str, ...]) -> list[str]:
    sizes = [s.strip() for s in sizes if s.strip()]
    for size in sizes:
        if not _MACHINE_TYPE.match(size):
            raise UsageError(f"{flag} {size!r} is not an EC2 instance type such as t3.medium")
    architectures = {machine_architecture(s) for s in sizes}
    if len(architectures) > 1:
        raise UsageError(f"{flag} mixes architectures ({', '.join(sorted(architectures))}); "
                         "one instance group runs one image")
    return sizes


def _control_plane_count(opts: CreateClusterOptions, control_plane_zones: list[str]) -> int:
    count = opts.control_plane_count
    if count < 0:
        raise UsageError(f"--control-plane-count must be positive (got {count})")
    if opts.control_plane_zones:
        if count and count < len(control_plane_zones):
            raise UsageError(f"--control-plane-zones names {len(control_plane_zones)} zones but --control-plane-count "
                             f"asks for {count} control-plane nodes; give at least one per zone")
        count = count or len(control_plane_zones)
    count = count or 1
    if count % 2 == 0:
        given = f"--control-plane-count {count}" if opts.control_plane_count else \
            f"{count} --control-plane-zones (one control-plane node each)"
        raise UsageError(f"{given}: etcd needs an odd number of members for quorum; use 1, 3 or 5 "
                         "control-plane nodes")
    return count


# --- building the documents --------------------------------------------------------------------


def _subnets(all_zones: list[str], node_zones: list[str], topology: str,
             additional_cidrs: list[str], ipv6: bool) -> tuple[list[dict], dict[str, list[str]]]:
    subnet_type = "Public" if topology == "public" else "Private"
    subnets = [{"name": zone, "type": subnet_type, "zone": zone} for zone in all_zones]
    for i, cidr in enumerate(additional_cidrs):  # kops: one per extra CIDR, round robin over --zones
        zone = node_zones[i % len(node_zones)]
        subnets.append({"name": f"{zone}-{i + 1}", "type": subnet_type, "zone": zone, "cidr": cidr})
    zone_subnets: dict[str, list[str]] = {}
    for s in subnets:
        zone_subnets.setdefault(s["zone"], []).append(s["name"])
    if topology == "private":
        private = list(subnets)
        if ipv6:
            subnets += [{"name": f"dualstack-{s['name']}", "type": "DualStack", "zone": s["zone"]} for s in private]
        subnets += [{"name": f"utility-{s['name']}", "type": "Utility", "zone": s["zone"]} for s in private]
    return subnets, zone_subnets


def _assign_cidrs(subnets: list[dict], network_cidr: str) -> None:
    """kops's automatic carving (cloudup/subnets.go): the network CIDR is split in 1, 2, 4 or 8
    equal parts: one per big (public/private) subnet, plus one that the utility subnets share,
    split in 8, taken first; the subnets take them in zone order."""
    network = ipaddress.ip_network(network_cidr)
    unassigned = [s for s in subnets if "cidr" not in s]
    big = sorted((s for s in unassigned if s["type"] != "Utility"), key=lambda s: s["zone"])  # stable: kops's order
    # kops counts an IPv6-only private subnet among the big ones but gives it no IPv4 CIDR
    ipv4_big = [s for s in big if not (s["type"] == "Private" and "ipv6CIDR" in s)]
    little = sorted((s for s in unassigned if s["type"] == "Utility"), key=lambda s: s["zone"])
    reserved = [ipaddress.ip_network(s["cidr"]) for s in subnets if "cidr" in s
                and ipaddress.ip_network(s["cidr"]).subnet_of(network)]
    parts_needed = len(big) + (1 if little else 0)
    extra_bits = next((bits for bits in (0, 1, 2, 3) if parts_needed <= 1 << bits), 3)
    if network.prefixlen + extra_bits > 28:
        raise UsageError(f"--network-cidr {network_cidr} is too small for {parts_needed} subnets")
    parts = [p for p in network.subnets(prefixlen_diff=extra_bits) if not any(p.overlaps(r) for r in reserved)]
    if little:
        if network.prefixlen + extra_bits + 3 > 28:
            raise UsageError(f"--network-cidr {network_cidr} is too small for the utility subnets")
        utility_parts = list(parts.pop(0).subnets(prefixlen_diff=3))
        if len(little) > len(utility_parts):
            raise UsageError(f"too many zones: {len(little)} utility subnets do not fit in the network CIDR")
        for subnet, cidr in zip(little, utility_parts):
            subnet["cidr"] = str(cidr)
    if len(ipv4_big) > len(parts):
        raise UsageError(f"too many zones: {len(ipv4_big)} subnets do not fit in --network-cidr {network_cidr} "
                         "(kops carves at most 8 parts from it)")
    for subnet, cidr in zip(ipv4_big, parts):
        subnet["cidr"] = str(cidr)
    # kops prints each subnet's fields sorted; keep the list order (zones, then extras, then utility)
    for i, s in enumerate(subnets):
        subnets[i] = {k: s[k] for k in sorted(s)}


def _api(opts: CreateClusterOptions, topology: str, dns: str) -> dict:
    if opts.api_load_balancer_type is not None:
        lb_type = LOAD_BALANCER_TYPES.get(opts.api_load_balancer_type.lower())
        if lb_type is None:
            raise UsageError(f"--api-loadbalancer-type {opts.api_load_balancer_type!r} is not one of: "
                             f"{', '.join(LOAD_BALANCER_TYPES)}")
        if lb_type == "Internal" and topology != "private":
            raise UsageError("--api-loadbalancer-type internal needs --topology private (an internal load "
                             "balancer lives in private subnets)")
    elif topology == "public" and dns != "None":
        return {"dns": {}}  # public DNS names point straight at the control-plane nodes
    else:
        lb_type = "Public"  # no DNS, or private nodes: the API needs a load balancer
    return {"loadBalancer": {"class": "Network", "type": lb_type}}


def _group(name: str, role: str, size: int, subnets: list[str]) -> dict:
    return {
        "apiVersion": API_VERSION,
        "kind": "InstanceGroup",
        "metadata": {"name": name},
        "spec": {"maxSize": size, "minSize": size, "role": role, "subnets": subnets},
    }


def _control_plane_groups(zones: list[str], count: int, zone_subnets: dict[str, list[str]],
                          prefix: str) -> list[dict]:
    groups = []
    for i in range(count):
        zone = zones[i % len(zones)]
        suffix = f"-{1 + i // len(zones)}" if count > len(zones) else ""
        # the zone's first subnet (its private one, in a private topology)
        groups.append(_group(f"control-plane-{zone}{suffix}", "Master", 1, [prefix + zone_subnets[zone][0]]))
    return groups


def _node_groups(zones: list[str], total: int, zone_subnets: dict[str, list[str]]) -> list[dict]:
    per_zone, remainder = divmod(total, len(zones))
    groups = []
    for i, zone in enumerate(zones):
        subnets = zone_subnets[zone]
        # when a zone has extra subnets (from extra network CIDRs), nodes use those, not the main one
        groups.append(_group(f"nodes-{zone}", "Node", per_zone + (1 if i < remainder else 0),
                             subnets[1:] if len(subnets) > 1 else subnets))
    return groups


def _etcd_cluster(name: str, control_planes: list[dict]) -> dict:
    groups = [g["metadata"]["name"] for g in control_planes]
    members = _trim_common_prefix([g.removeprefix("control-plane-") for g in groups])
    return {
        "cpuRequest": ETCD_CPU_REQUEST.get(name, "100m"),
        "etcdMembers": [{"encryptedVolume": True, "instanceGroup": group, "name": member}
                        for group, member in zip(groups, members)],
        "manager": {"backupRetentionDays": ETCD_BACKUP_RETENTION_DAYS},
        "memoryRequest": "100Mi",
        "name": name,
    }


def _trim_common_prefix(names: list[str]) -> list[str]:
    """`us-east-1a`, `us-east-1b` -> `a`, `b` (kops's member names); a name left starting with a
    digit gets an `etcd-` prefix."""
    while names and len(names[0]) > 1 and all(n[:1] == names[0][:1] for n in names):
        names = [n[1:] for n in names]
    return [f"etcd-{n}" if n[:1].isdigit() else n for n in names]


def _finish_group(group: dict, cluster: str, opts: CreateClusterOptions, version: tuple[int, int, int],
                  control_plane_sizes: list[str], node_sizes: list[str]) -> None:
    role = "ControlPlane" if group["spec"]["role"] == "Master" else group["spec"]["role"]
    sizes = {"ControlPlane": control_plane_sizes, "Node": node_sizes}.get(role, [])
    _group_defaults(group, cluster, role, sizes, opts.image, version)


def _group_defaults(group: dict, cluster: str, role: str, sizes: list[str], image: str | None,
                    version: tuple[int, int, int]) -> None:
    """Image, machine type(s), IMDSv2, node label and cluster label of a new group (either verb)."""
    spec = group["spec"]
    architecture = machine_architecture(sizes[0]) if sizes else "amd64"
    if image and image.strip():
        spec["image"] = image.strip()
    else:
        spec["image"] = default_image(version, architecture)
    spec["machineType"] = sizes[0] if sizes else (DEFAULT_MACHINE_TYPE_ARM64 if architecture == "arm64"
                                                  else DEFAULT_MACHINE_TYPE)[role]
    if len(sizes) > 1:
        spec["mixedInstancesPolicy"] = {"instances": list(sizes)}
    spec["instanceMetadata"] = {"httpPutResponseHopLimit": 1, "httpTokens": "required"}
    spec["nodeLabels"] = {INSTANCE_GROUP_LABEL: group["metadata"]["name"]}
    group["metadata"]["labels"] = {CLUSTER_LABEL: cluster}


# --- create instancegroup ------------------------------------------------------------------------

# --role values (any case) -> the role as kops's v1alpha2 stores it
INSTANCE_GROUP_ROLES = {"node": "Node", "controlplane": "Master", "control-plane": "Master", "master": "Master",
                        "bastion": "Bastion"}
# kops's PopulateInstanceGroupSpec: (minSize, maxSize) when not given
DEFAULT_GROUP_SIZE = {"Master": 1, "Bastion": 1, "Node": 2}


@dataclass(frozen=True)
class CreateInstanceGroupOptions:
    """The flags of `kopsgen create instancegroup`, as given (empty means: kops's default)."""

    name: str
    role: str = "Node"
    subnets: tuple[str, ...] = ()
    machine_types: tuple[str, ...] = ()   # several make a mixed-instances group
    image: str | None = None
    min_size: int | None = None
    max_size: int | None = None


def new_instance_group(cluster: dict, opts: CreateInstanceGroupOptions) -> dict:
    """A new InstanceGroup document for the (stored, as written) Cluster document `cluster`."""
    spec = cluster.get("spec") or {}
    name = (opts.name or "").strip()
    if not name or not _DNS_NAME.match(name):
        raise UsageError(f"instance group name {opts.name!r} is not a valid DNS name (lowercase letters, digits, "
                         "'-' and '.')")
    role = INSTANCE_GROUP_ROLES.get(opts.role.strip().lower())
    if role is None:
        raise UsageError(f"--role {opts.role!r} is not one of: Node, ControlPlane, Bastion")
    subnets = _group_subnets(spec, role, opts.subnets)
    min_size = DEFAULT_GROUP_SIZE[role] if opts.min_size is None else opts.min_size
    max_size = max(DEFAULT_GROUP_SIZE[role], min_size) if opts.max_size is None else opts.max_size
    if min_size < 0 or max_size < min_size:
        raise UsageError(f"--min {min_size} and --max {max_size}: need 0 <= min <= max")
    sizes = _check_sizes("--machine-type", opts.machine_types)
    if opts.image is not None and not opts.image.strip():
        raise UsageError("--image must not be empty")
    version = _VERSION.match(str(spec.get("kubernetesVersion") or "").strip())
    group = _group(name, role, 0, subnets)
    group["spec"].update(minSize=min_size, maxSize=max_size)
    _group_defaults(group, str((cluster.get("metadata") or {}).get("name") or ""),
                    "ControlPlane" if role == "Master" else role, sizes, opts.image,
                    tuple(int(v) for v in version.groups()[:3]) if version else OLDEST_SUPPORTED_KUBERNETES)
    return group


def _group_subnets(cluster_spec: dict, role: str, given: tuple[str, ...]) -> list[str]:
    subnets = [s for s in cluster_spec.get("subnets") or [] if isinstance(s, dict)]
    names = [str(s.get("name")) for s in subnets]
    if given:
        unknown = [s for s in given if s not in names]
        if unknown:
            raise UsageError(f"--subnet {', '.join(unknown)}: the cluster has no such subnet "
                             f"(it has: {', '.join(names)})")
        return list(given)
    if role == "Master":
        raise UsageError(f"a control-plane group needs --subnet (one of: {', '.join(names)})")
    chosen = [str(s.get("name")) for s in subnets if s.get("type") not in ("Utility", "DualStack")]
    chosen = chosen or [str(s.get("name")) for s in subnets if s.get("type") != "Utility"]
    if not chosen:
        raise UsageError("the cluster has no subnet a group can use (only Utility subnets): give --subnet")
    return chosen
