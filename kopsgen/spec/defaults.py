"""Fill a cluster spec the way kops fills it, so `get cluster --full` shows what will be built.

The Cluster document ends up as kops's own completed spec (`cluster-completed.spec` in the
state store): the v1alpha2 API defaults, kops's populate step (CIDRs, subnets, API access,
state-store paths) and kops's component option builders (kube-apiserver, kubelet, etcd,
containerd, addons, ...), in kops's order. Each InstanceGroup gets kops's instance-group
defaults plus the model defaults kops applies silently when it builds the launch template
(root volume, IMDS), and its complete kubelet configuration (what nodeup receives).

Rules:
- Defaults work on the plain document data (never on the typed view).
- A value the user wrote is never changed (like kops, whose builders run under the user's
  spec); only missing values are added. Quantities and durations are rewritten in their
  canonical text (3.14 -> 3140m, 60s -> 1m0s), as kops's round trip through Go types does.
- Applying defaults to their own output changes nothing.
- They run after the schema check but before semantic validation, so they must tolerate
  specs that validation will still reject: every lookup checks the type it expects.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from kopsgen.spec import schema as schemas
from kopsgen.spec import units
from kopsgen.spec.api.cni import pods_have_vpc_addresses
from kopsgen.spec.api.extensions import (
    ADDON_RESOURCES, CLUSTER_LOGS_RETENTION_DAYS, HEADLAMP_REPLICAS, NGF_REPLICAS, NGINX_REPLICAS, addon_resources,
)
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.api.instancegroup import ROLE_ALIASES
from kopsgen.spec.api.network import is_ipv6_cluster, region_of_zone
from kopsgen.spec.documents import API_VERSION, LEGACY_API_VERSION, SpecDocuments

# --- kops's fixed defaults (kops 1.37.0-alpha.1) -------------------------------------
DEFAULT_CHANNEL = "stable"
DEFAULT_NETWORK_CIDR = "172.20.0.0/16"
DEFAULT_NON_MASQUERADE_CIDR = "100.64.0.0/10"
IPV6_NON_MASQUERADE_CIDR = "::/0"
DEFAULT_SERVICE_CIDR = "100.64.0.0/13"
DEFAULT_SERVICE_CIDR_IPV6 = "fd00:5e4f:ce::/108"
CLUSTER_DNS_DOMAIN = "cluster.local"
ETCD_VERSIONS = (("1.34.0", "3.5.31"), ("1.37.0", "3.6.12"), (None, "3.7.0"))  # below version -> etcd
ETCD_BACKUP_RETENTION_DAYS = 90
CONTAINERD_VERSION = "2.3.4"
RUNC_VERSION = "1.4.3"
SANDBOX_IMAGE = "registry.k8s.io/pause:3.10.1"
CLOUD_CONTROLLER_MANAGER_IMAGE = "registry.k8s.io/provider-aws/cloud-controller-manager:v1.36.1"
EBS_CSI_DRIVER_VERSION = "v1.58.0"
NODE_TERMINATION_HANDLER_VERSION = "v1.25.5"
NODE_PROBLEM_DETECTOR_IMAGE = "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.18"
NODE_LOCAL_DNS_IMAGE = "registry.k8s.io/dns/k8s-dns-node-cache:1.26.0"
CLUSTER_AUTOSCALER_IMAGES = {32: "v1.32.7", 33: "v1.33.5", 34: "v1.34.4", 35: "v1.35.1"}
CLUSTER_AUTOSCALER_LATEST = "v1.36.0"
CILIUM_VERSION = "v1.18.12"
KINDNET_VERSION = "v1.0.1"
CILIUM_PROMETHEUS_PORT = 9090
ETCD_MAIN_CLIENT_PORT, ETCD_EVENTS_CLIENT_PORT, ETCD_LEASES_CLIENT_PORT = 4001, 4002, 4003
ADMISSION_PLUGINS = ["DefaultStorageClass", "DefaultTolerationSeconds", "LimitRanger", "MutatingAdmissionWebhook",
                     "NamespaceLifecycle", "NodeRestriction", "ResourceQuota", "RuntimeClass", "ServiceAccount",
                     "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook"]
EVICTION_HARD = ("memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,"
                 "imagefs.available<10%,imagefs.inodesFree<5%")

# Instance groups: kops's model defaults (pkg/model/defaults, pkg/model/awsmodel).
ROOT_VOLUME_SIZE = {"ControlPlane": 64, "Node": 128, "APIServer": 128, "Bastion": 32}
VOLUME_TYPE = "gp3"
GP3_IOPS, GP3_THROUGHPUT, IO_IOPS = 3000, 125, 100
ETCD_VOLUME_SIZE = 20
GROUP_SIZE = {"ControlPlane": 1, "Bastion": 1, "Node": 2, "APIServer": 2}
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane=:NoSchedule"
API_SERVER_TAINT = "node-role.kubernetes.io/api-server=:NoSchedule"


# --- small helpers on untrusted data --------------------------------------------------
def _obj(parent: Any, key: str) -> dict | None:
    """`parent[key]` as a dict, created when missing; None when something else is there."""
    if not isinstance(parent, dict):
        return None
    value = parent.get(key)
    if value is None:
        value = parent[key] = {}
    return value if isinstance(value, dict) else None


def _fill(d: Any, key: str, value: Any) -> Any:
    """Set `d[key]` unless the user set it (None counts as unset); returns the resulting value."""
    if not isinstance(d, dict):
        return None
    if d.get(key) is None:
        d[key] = copy.deepcopy(value)
    return d[key]


def _dicts(value: Any) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def merge(dst: dict, src: Any) -> dict:
    """Deep merge like kops's JSON merge: mappings merge key by key, anything else is replaced."""
    if not isinstance(src, dict):
        return dst
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            merge(dst[key], value)
        else:
            dst[key] = copy.deepcopy(value)
    return dst


def _version(text: Any) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a Kubernetes version, pre-release ignored as kops does."""
    m = re.match(r"^\s*v?(\d+)\.(\d+)\.(\d+)", text) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _join(base: str, *parts: str) -> str:
    """kops's path join for state-store URLs (one '/' between parts)."""
    out = base
    for part in parts:
        out = (out if out.endswith("/") else out + "/") + part.lstrip("/")
    return out


@dataclass
class _Cluster:
    """What the option builders need to know about the cluster being completed."""

    name: str
    spec: dict
    groups: list[dict]                      # instance group specs (dicts), in input order
    version: tuple[int, int, int] | None

    def lt(self, version: str) -> bool:
        """Kubernetes version is below `version` (unknown versions count as the newest)."""
        wanted = _version(version)
        return self.version is not None and wanted is not None and self.version < wanted

    @property
    def ipv6(self) -> bool:
        return is_ipv6_cluster(self.spec.get("nonMasqueradeCIDR"))

    @property
    def networking(self) -> dict:
        value = self.spec.get("networking")
        return value if isinstance(value, dict) else {}

    def uses(self, cni: str) -> bool:
        return self.networking.get(cni) is not None

    @property
    def dns_type(self) -> str:
        return _str(value_at(self.spec, "topology", "dns", "type")) or "Public"

    def roles(self) -> Iterable[tuple[str, dict]]:
        for ig in self.groups:
            role = ROLE_ALIASES.get(ig.get("role")) if isinstance(ig.get("role"), str) else None
            if role:
                yield role, ig


# --- entry point -------------------------------------------------------------------------
def apply_defaults(docs: SpecDocuments) -> SpecDocuments:
    """A completed copy of `docs`; the input is left untouched."""
    full = docs.copy()
    for doc in full.all():
        if isinstance(doc.data, dict) and doc.data.get("apiVersion") == LEGACY_API_VERSION:
            doc.data["apiVersion"] = API_VERSION
    cluster_doc = full.cluster.data
    spec = cluster_doc.get("spec") if isinstance(cluster_doc, dict) else None
    if not isinstance(spec, dict):
        return full
    name = _str(value_at(cluster_doc, "metadata", "name"))
    group_specs = [d.data["spec"] for d in full.instance_groups
                   if isinstance(d.data, dict) and isinstance(d.data.get("spec"), dict)]
    c = _Cluster(name, spec, group_specs, None)
    for step in CLUSTER_STEPS:
        step(c)
    for doc in full.instance_groups:
        if isinstance(doc.data, dict) and isinstance(doc.data.get("spec"), dict):
            _instance_group(c, doc.data["spec"])
    for doc in full.all():
        if isinstance(doc.data, dict):
            canonicalize(doc.data, doc.kind or "")
    return full


# --- cluster: API defaults and kops's populate step --------------------------------------
def _api_defaults(c: _Cluster) -> None:
    """The v1alpha2 API's own defaults (kops's SetDefaults_ClusterSpec) and FillDefaults."""
    s = c.spec
    _fill(s, "cloudProvider", "aws")
    _fill(s, "channel", DEFAULT_CHANNEL)
    dns = _obj(_obj(s, "topology"), "dns")
    _fill(dns, "type", "Public")
    _obj(s, "api")
    authorization = _obj(s, "authorization")
    if authorization is not None and not any(authorization.get(k) is not None for k in ("rbac", "alwaysAllow")):
        authorization["rbac"] = {}
    flannel = value_at(s, "networking", "flannel")
    _fill(flannel, "backend", "udp")
    iam = s.get("iam")
    _fill(iam, "legacy", False)  # always written by kops once `iam` exists
    version = s.get("kubernetesVersion")
    if isinstance(version, str):
        s["kubernetesVersion"] = version.strip().removeprefix("v")
    c.version = _version(s.get("kubernetesVersion"))


def _network_defaults(c: _Cluster) -> None:
    s = c.spec
    if not s.get("networkID"):
        _fill(s, "networkCIDR", DEFAULT_NETWORK_CIDR)
    if c.uses("amazonvpc") and isinstance(s.get("networkCIDR"), str):
        _fill(s, "nonMasqueradeCIDR", s["networkCIDR"])  # pods take VPC addresses
    non_masquerade = _network(_fill(s, "nonMasqueradeCIDR", DEFAULT_NON_MASQUERADE_CIDR))
    if non_masquerade is not None and non_masquerade.version == 4 and non_masquerade.prefixlen < 32:
        _fill(s, "podCIDR", str(list(non_masquerade.subnets(prefixlen_diff=1))[1]))  # its upper half
    if non_masquerade is not None:
        _fill(s, "serviceClusterIPRange",
              DEFAULT_SERVICE_CIDR_IPV6 if non_masquerade.version == 6 else DEFAULT_SERVICE_CIDR)
    if c.dns_type != "None" and c.name:
        _fill(s, "masterPublicName", f"api.{c.name}")
    _assign_subnet_cidrs(s)
    config_base = s.get("configBase")
    if isinstance(config_base, str) and config_base:
        _fill(s, "keyStore", _join(config_base, "pki"))
        _fill(s, "secretStore", _join(config_base, "secrets"))
    _egress_proxy(c)


def _assign_subnet_cidrs(s: dict) -> None:
    """Carve CIDRs for subnets that have none out of networkCIDR (kops's assignCIDRsToSubnets).

    The VPC CIDR is split in 1, 2, 4 or 8 equal blocks (one per Public/Private/DualStack subnet,
    plus one shared by all Utility subnets, which is split in 8 again); blocks overlapping a
    subnet the user placed are skipped. Subnets are served in zone order.
    """
    subnets = _dicts(s.get("subnets"))

    def needs_cidr(sub: dict) -> bool:
        return not sub.get("cidr") and not (sub.get("ipv6CIDR") and sub.get("type") == "Private") \
            and not sub.get("id")

    network = _network(s.get("networkCIDR"))
    if not any(needs_cidr(sub) for sub in subnets) or network is None or network.version != 4:
        return
    big, little, reserved = [], [], []
    for sub in subnets:
        own = _network(sub.get("cidr")) if sub.get("cidr") else None
        if sub.get("cidr") and (own is None or own.version != 4 or not own.subnet_of(network)):
            continue  # outside the primary CIDR (or broken): not part of the carving
        if sub.get("type") in ("Public", "Private", "DualStack"):
            big.append(sub)
        elif sub.get("type") == "Utility":
            little.append(sub)
        else:
            continue
        if own is not None:
            reserved.append(own)
    big.sort(key=lambda x: _str(x.get("zone")))
    little.sort(key=lambda x: _str(x.get("zone")))
    count = len(big) + (1 if little else 0)
    split_bits = 0 if count <= 1 else 1 if count <= 2 else 2 if count <= 4 else 3
    if network.prefixlen + split_bits > 32:
        return
    blocks = [b for b in network.subnets(prefixlen_diff=split_bits) if not any(b.overlaps(r) for r in reserved)]
    if not blocks:
        return
    if little:
        first = blocks.pop(0)
        pieces = list(first.subnets(prefixlen_diff=3)) if first.prefixlen + 3 <= 32 else []
        for sub in little:
            if needs_cidr(sub) and pieces:
                sub["cidr"] = str(pieces.pop(0))
    for sub in big:
        if needs_cidr(sub) and blocks:
            sub["cidr"] = str(blocks.pop(0))


def _egress_proxy(c: _Cluster) -> None:
    """Add the addresses that must bypass the proxy to egressProxy.excludes (kops's assignProxy)."""
    proxy = c.spec.get("egressProxy")
    if not isinstance(proxy, dict):
        return
    excludes = _str(proxy.get("excludes"))
    wanted = ["127.0.0.1", "localhost", _str(c.spec.get("clusterDNSDomain")) or CLUSTER_DNS_DOMAIN,
              _str(c.spec.get("masterPublicName")), c.name]
    non_masquerade = _network(c.spec.get("nonMasqueradeCIDR"))
    if non_masquerade is not None and non_masquerade.num_addresses > 1:
        wanted.append(str(non_masquerade.network_address + 1))
    wanted += [_str(c.spec.get("nonMasqueradeCIDR")), "169.254.169.254", _str(c.spec.get("networkCIDR"))]
    wanted += _strs(c.spec.get("additionalNetworkCIDRs"))
    parts = excludes.split(",") if excludes else []
    for item in wanted:
        if item and item not in excludes:
            parts.append(item)
    proxy["excludes"] = ",".join(parts)


def _api_access(c: _Cluster) -> None:
    """API through DNS when the control plane sits in public subnets, else through a load balancer."""
    api = c.spec.get("api")
    if not isinstance(api, dict):
        return
    if api.get("dns") is None and api.get("loadBalancer") is None:
        types = {sub["name"]: sub.get("type") for sub in _dicts(c.spec.get("subnets")) if isinstance(sub.get("name"), str)}
        roles = list(c.roles())
        has_api_servers = any(role == "APIServer" for role, _ in roles)
        wants_lb = wants_dns = False
        for role, ig in roles:
            if role == "APIServer" or (role == "ControlPlane" and not has_api_servers):
                for name in _strs(ig.get("subnets")):
                    wants_lb |= types.get(name) == "Private"
                    wants_dns |= types.get(name) == "Public"
        if wants_lb or c.dns_type == "None":  # without DNS, clients reach the API by the LB's name
            api["loadBalancer"] = {}
        elif wants_dns:
            api["dns"] = {}
    lb = api.get("loadBalancer")
    _fill(lb, "type", "Public")
    # kops leaves the class empty and then rejects it (Classic); Network is what kops 1.37 builds.
    _fill(lb, "class", "Network")


def _external_dns(c: _Cluster) -> None:
    if c.dns_type != "None":
        _fill(_obj(c.spec, "externalDns"), "provider", "dns-controller")


def _etcd(c: _Cluster) -> None:
    config_base = _str(c.spec.get("configBase"))
    for etcd in _dicts(c.spec.get("etcdClusters")):
        _fill(_obj(etcd, "manager"), "backupRetentionDays", ETCD_BACKUP_RETENTION_DAYS)
        if config_base and isinstance(etcd.get("name"), str):
            _fill(_obj(etcd, "backups"), "backupStore", _join(config_base, "backups", "etcd", etcd["name"]))
        for below, version in ETCD_VERSIONS:
            if below is None or c.lt(below):
                _fill(etcd, "version", version)
                break
        # kops's model defaults for the member volumes, written out.
        for member in _dicts(etcd.get("etcdMembers")):
            volume_type = _fill(member, "volumeType", VOLUME_TYPE)
            _fill(member, "volumeSize", ETCD_VOLUME_SIZE)
            _volume_performance(member, volume_type, "volumeIops", "volumeThroughput")
            # kops's default (unencrypted): encryption is fixed when AWS creates a volume, so a different
            # default would replace every etcd volume of a cluster moved from kops. `create cluster` writes
            # `true` into new specs. A KMS key alone means encrypted (AWS refuses a key on a plain volume).
            _fill(member, "encryptedVolume", bool(member.get("kmsKeyId")))


def _volume_performance(d: dict, volume_type: Any, iops_key: str, throughput_key: str) -> None:
    if volume_type == "gp3":
        _fill(d, iops_key, GP3_IOPS)
        _fill(d, throughput_key, GP3_THROUGHPUT)
    elif volume_type in ("io1", "io2"):
        _fill(d, iops_key, IO_IOPS)


# --- cluster: kops's component option builders -----------------------------------------
def _service_ip(c: _Cluster, offset: int) -> str | None:
    net = _network(c.spec.get("serviceClusterIPRange"))
    if net is None or net.num_addresses <= offset:
        return None
    return str(net.network_address + offset)


def _image(c: _Cluster, component: str) -> str | None:
    version = c.spec.get("kubernetesVersion")
    return f"registry.k8s.io/{component}:v{version}" if c.version and isinstance(version, str) else None


def _kube_apiserver(c: _Cluster) -> None:
    s = c.spec
    a = _obj(s, "kubeAPIServer")
    if a is None:
        return
    main = [e for e in _dicts(s.get("etcdClusters")) if e.get("name") == "main"]
    if main and isinstance(main[0].get("etcdMembers"), list) and main[0]["etcdMembers"]:
        _fill(a, "apiServerCount", len(main[0]["etcdMembers"]))
    etcd_versions = [e.get("version") for e in _dicts(s.get("etcdClusters"))]
    major = _version(etcd_versions[0]) if etcd_versions else None
    if major:
        _fill(a, "storageBackend", f"etcd{major[0]}")
    _fill(a, "kubeletPreferredAddressTypes", ["InternalIP", "Hostname", "ExternalIP"])
    if value_at(s, "authentication", "kopeio") is not None:
        _fill(a, "authenticationTokenWebhookConfigFile", "/etc/kubernetes/authn.config")
    if value_at(s, "authorization", "alwaysAllow") is not None:
        _fill(a, "authorizationMode", "AlwaysAllow")
    elif value_at(s, "authorization", "rbac") is not None:
        _fill(a, "authorizationMode", "Node,RBAC")
    _fill(a, "requestheaderAllowedNames", ["aggregator"])
    _fill(a, "requestheaderExtraHeaderPrefixes", ["X-Remote-Extra-"])
    _fill(a, "requestheaderGroupHeaders", ["X-Remote-Group"])
    _fill(a, "requestheaderUsernameHeaders", ["X-Remote-User"])
    if _image(c, "kube-apiserver"):
        _fill(a, "image", _image(c, "kube-apiserver"))
    if c.lt("1.33.0"):
        _fill(a, "cloudProvider", "external")
    _fill(a, "logLevel", 2)
    _fill(a, "securePort", 443)
    _fill(a, "bindAddress", "::" if c.ipv6 else "0.0.0.0")
    _fill(a, "allowPrivileged", True)
    if s.get("serviceClusterIPRange"):
        _fill(a, "serviceClusterIPRange", s["serviceClusterIPRange"])
    servers, overrides = [], []
    for etcd in _dicts(s.get("etcdClusters")):
        if etcd.get("name") == "main":
            servers.append(f"https://127.0.0.1:{ETCD_MAIN_CLIENT_PORT}")
        elif etcd.get("name") == "events":
            overrides.append(f"/events#https://127.0.0.1:{ETCD_EVENTS_CLIENT_PORT}")
        elif etcd.get("name") == "leases":
            overrides.append(f"coordination.k8s.io/leases#https://127.0.0.1:{ETCD_LEASES_CLIENT_PORT}")
    if servers:
        _fill(a, "etcdServers", servers)
    if overrides:
        _fill(a, "etcdServersOverrides", overrides)
    extra = _strs(a.get("appendAdmissionPlugins"))
    _fill(a, "enableAdmissionPlugins", ADMISSION_PLUGINS + extra)
    _fill(a, "anonymousAuth", False)
    if value_at(s, "metricsServer", "enabled") is True:
        _fill(a, "enableAggregatorRouting", True)


def _containerd(c: _Cluster) -> None:
    d = _obj(c.spec, "containerd")
    if d is None:
        return
    if not d.get("version"):
        d["version"] = CONTAINERD_VERSION
        _fill(_obj(d, "runc"), "version", RUNC_VERSION)
    _fill(d, "logLevel", "info")
    if not d.get("sandboxImage"):
        d["sandboxImage"] = SANDBOX_IMAGE


def _kube_dns(c: _Cluster) -> None:
    d = _obj(c.spec, "kubeDNS")
    if d is None:
        return
    if not d.get("cacheMaxSize"):
        d["cacheMaxSize"] = 1000
    if not d.get("cacheMaxConcurrent"):
        d["cacheMaxConcurrent"] = 150
    server = _service_ip(c, 10)
    if server and not d.get("serverIP"):
        d["serverIP"] = server
    if not d.get("domain"):
        d["domain"] = _str(c.spec.get("clusterDNSDomain")) or CLUSTER_DNS_DOMAIN
    _fill(d, "memoryRequest", "70Mi")
    _fill(d, "cpuRequest", "100m")
    _fill(d, "memoryLimit", "170Mi")
    if c.ipv6:
        _fill(d, "upstreamNameservers", ["fd00:ec2::253"])  # the VPC resolver over IPv6
    local = _obj(d, "nodeLocalDNS")
    if local is not None:
        enabled = _fill(local, "enabled", False)
        if enabled is True:
            _fill(local, "localIP", "fd00:90de:d95::1" if c.ipv6 else "169.254.20.10")
            _fill(local, "forwardToKubeDNS", False)
        _fill(local, "memoryRequest", "5Mi")
        _fill(local, "cpuRequest", "25m")
        _fill(local, "image", NODE_LOCAL_DNS_IMAGE)
    # kops sets the provider while it builds the addons, and that lands in the completed spec.
    _fill(d, "provider", "CoreDNS")


def _kubelets(c: _Cluster) -> None:
    s = c.spec
    node = _obj(s, "kubelet")
    if node is None:
        return
    # The control plane's kubelet starts from the cluster-wide one (kops's BuildCompleteSpec).
    master = s.get("masterKubelet")
    if master is None or isinstance(master, dict):
        s["masterKubelet"] = merge(copy.deepcopy(node), master or {})
    master = s["masterKubelet"]
    if not c.lt("1.32.0") and c.lt("1.36.0"):
        gates = _obj(master, "featureGates")
        _fill(gates, "ImageVolume", "true")  # etcd-manager is mounted as an image volume
    for kubelet in (k for k in (node, master) if isinstance(k, dict)):
        _fill(kubelet, "enableDebuggingHandlers", True)
        _fill(kubelet, "podManifestPath", "/etc/kubernetes/manifests")
        _fill(kubelet, "logLevel", 2)
        _fill(kubelet, "clusterDomain", _str(s.get("clusterDNSDomain")) or CLUSTER_DNS_DOMAIN)
        if not kubelet.get("clusterDNS"):
            local = value_at(s, "kubeDNS", "nodeLocalDNS")
            if isinstance(local, dict) and local.get("enabled") is True and local.get("localIP"):
                kubelet["clusterDNS"] = local["localIP"]
            elif _service_ip(c, 10):
                kubelet["clusterDNS"] = _service_ip(c, 10)
        _fill(kubelet, "evictionHard", EVICTION_HARD)
        _fill(kubelet, "kubeconfigPath", "/var/lib/kubelet/kubeconfig")
        _fill(kubelet, "cgroupRoot", "/")
        _fill(kubelet, "cloudProvider", "external")
        _fill(kubelet, "cgroupDriver", "systemd")
        _fill(kubelet, "protectKernelDefaults", True)
        # Pods on the Amazon VPC CNI keep their ENI addresses: no graceful node shutdown.
        grace, critical = ("0s", "0s") if c.uses("amazonvpc") else ("30s", "10s")
        if kubelet.get("shutdownGracePeriod") is None:
            kubelet["shutdownGracePeriod"] = grace
            _fill(kubelet, "shutdownGracePeriodCriticalPods", critical)
        if c.lt("1.34.0"):
            _fill(kubelet, "registerSchedulable", True)
    if s.get("isolateMasters") is True and isinstance(master, dict):
        _fill(master, "enableDebuggingHandlers", False)
        _fill(master, "hairpinMode", "none")


def _pod_routing(c: _Cluster, d: dict) -> None:
    """allocateNodeCIDRs / clusterCIDR / configureCloudRoutes, shared by the controller managers."""
    _fill(d, "allocateNodeCIDRs", not c.ipv6)
    if not c.ipv6 and c.spec.get("podCIDR") and not d.get("clusterCIDR"):
        d["clusterCIDR"] = c.spec["podCIDR"]
    _fill(d, "configureCloudRoutes", c.uses("kubenet"))  # kubenet routes pods through VPC route tables


def _kube_controller_manager(c: _Cluster) -> None:
    k = _obj(c.spec, "kubeControllerManager")
    if k is None:
        return
    if units.parse_duration(k.get("attachDetachReconcileSyncPeriod")) in (None, 0):
        k["attachDetachReconcileSyncPeriod"] = "1m0s"
    _fill(k, "clusterName", c.name)
    _fill(k, "cloudProvider", "external")
    if not k.get("logLevel"):
        k["logLevel"] = 2
    if _image(c, "kube-controller-manager"):
        _fill(k, "image", _image(c, "kube-controller-manager"))
    _fill(k, "leaderElection", {"leaderElect": True})
    _pod_routing(c, k)
    cluster_cidr = _network(k.get("clusterCIDR"))
    if cluster_cidr is not None and cluster_cidr.version == 6:
        _fill(k, "nodeCIDRMaskSize", cluster_cidr.prefixlen + min((128 - cluster_cidr.prefixlen) // 2, 16))
    _fill(k, "useServiceAccountCredentials", True)
    if c.ipv6 and not k.get("controllers"):
        k["controllers"] = ["*", "-nodeipam"]  # kops-controller allocates IPv6 pod ranges


def _kube_scheduler(c: _Cluster) -> None:
    k = _obj(c.spec, "kubeScheduler")
    if k is None:
        return
    if not k.get("logLevel"):
        k["logLevel"] = 2
    if _image(c, "kube-scheduler"):
        _fill(k, "image", _image(c, "kube-scheduler"))
    _fill(k, "leaderElection", {"leaderElect": True})


def _kube_proxy(c: _Cluster) -> None:
    k = _obj(c.spec, "kubeProxy")
    if k is None:
        return
    if not k.get("logLevel"):
        k["logLevel"] = 2
    _fill(k, "cpuRequest", "100m")
    if _image(c, "kube-proxy"):
        _fill(k, "image", _image(c, "kube-proxy"))
    cluster_cidr = value_at(c.spec, "kubeControllerManager", "clusterCIDR")
    if not c.ipv6 and not c.uses("amazonvpc") and cluster_cidr:
        _fill(k, "clusterCIDR", cluster_cidr)


def _cloud_config(c: _Cluster) -> None:
    cfg = _obj(c.spec, "cloudConfig")
    if cfg is None:
        return
    _fill(cfg, "manageStorageClasses", True)
    if c.ipv6:
        _fill(cfg, "nodeIPFamilies", ["ipv6", "ipv4"])
    ebs = _obj(cfg, "awsEBSCSIDriver")
    if ebs is not None:
        ebs.pop("enabled", None)  # it can only be true; kops drops it from the completed spec
        _fill(ebs, "version", EBS_CSI_DRIVER_VERSION)


def _cni(c: _Cluster) -> None:
    calico = c.networking.get("calico")
    _fill(calico, "encapsulationMode", "none" if c.ipv6 else "ipip")
    kindnet = c.networking.get("kindnet")
    if isinstance(kindnet, dict):
        _fill(kindnet, "version", KINDNET_VERSION)
        if kindnet.get("masquerade") is None:
            masquerade = kindnet["masquerade"] = {"enabled": not c.ipv6}
            if not c.ipv6:
                cidrs = [c.spec.get(k) for k in ("networkCIDR", "podCIDR", "serviceClusterIPRange")]
                masquerade["nonMasqueradeCIDRs"] = [x for x in cidrs if isinstance(x, str) and x]
        _fill(kindnet, "fastPathThreshold", 0)
        _fill(kindnet, "logLevel", 2)
    cilium = c.networking.get("cilium")
    if isinstance(cilium, dict):
        _cilium(c, cilium)


def _cilium(c: _Cluster, d: dict) -> None:
    for key, value in (("version", CILIUM_VERSION), ("enableEndpointHealthChecking", True),
                       ("enableHostFirewall", False), ("identityAllocationMode", "crd"),
                       ("identityChangeGracePeriod", "5s"), ("bpfCTGlobalAnyMax", 262144),
                       ("bpfCTGlobalTCPMax", 524288), ("bpfLBAlgorithm", "random"),
                       ("bpfLBMaglevTableSize", "16381"), ("bpfNATGlobalMax", 524288),
                       ("bpfNeighGlobalMax", 524288), ("bpfPolicyMapMax", 16384), ("bpfLBMapMax", 65536),
                       ("clusterName", "default"), ("monitorAggregation", "medium"),
                       ("sidecarIstioProxyImage", "cilium/istio_proxy"), ("toFqdnsDnsRejectResponseCode", "refused"),
                       ("agentPrometheusPort", CILIUM_PROMETHEUS_PORT), ("ipam", "kubernetes")):
        if not d.get(key):  # kops treats zero values as unset here
            d[key] = value
    # v1alpha2 spells "masquerade" inverted: disableMasquerade.
    _fill(d, "disableMasquerade", c.ipv6)
    if not d.get("tunnel"):
        d["tunnel"] = "disabled" if d.get("ipam") == "eni" or c.ipv6 else "vxlan"
    for key, value in (("enableRemoteNodeIdentity", True), ("enableUnreachableRoutes", False),
                       ("enableBPFMasquerade", d.get("ipam") == "eni"), ("enableL7Proxy", True),
                       ("enableLocalRedirectPolicy", False), ("disableCNPStatusUpdates", True),
                       ("cpuRequest", "25m"), ("memoryRequest", "128Mi"), ("cniExclusive", True)):
        _fill(d, key, value)
    if d.get("enableEncryption") is True:
        _fill(d, "encryptionType", "ipsec")
    for key in ("hubble", "ingress", "gatewayAPI"):
        present = isinstance(d.get(key), dict)
        _fill(_obj(d, key), "enabled", present)


def _service_account_issuer(c: _Cluster) -> None:
    a = c.spec.get("kubeAPIServer")
    if not isinstance(a, dict):
        return
    _fill(a, "apiAudiences", ["kubernetes.svc.default"])
    if a.get("serviceAccountIssuer") is None:
        issuer = _discovery_url(c)
        if issuer:
            a["serviceAccountIssuer"] = issuer
    if isinstance(a.get("serviceAccountIssuer"), str):
        _fill(a, "serviceAccountJWKSURI", a["serviceAccountIssuer"] + "/openid/v1/jwks")


def _discovery_url(c: _Cluster) -> str | None:
    """Where the service account issuer is published (kops's DiscoveryOptionsBuilder)."""
    said = c.spec.get("serviceAccountIssuerDiscovery")
    store = _str(value_at(said, "discoveryStore"))
    if store.startswith("s3://"):
        bucket, _, key = store[len("s3://"):].partition("/")
        region = _region(c)
        if not region:
            return None
        # kops asks S3 for the bucket's region; without calling AWS we take the cluster's region.
        host = f"s3.dualstack.{region}" if c.ipv6 else f"s3.{region}"
        suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        return f"https://{bucket}.{host}.{suffix}" + (f"/{key.strip('/')}" if key.strip("/") else "")
    if store.startswith("memfs://"):
        return "https://" + store[len("memfs://"):]
    if store:
        return None
    url = value_at(said, "discoveryService", "url")
    if isinstance(url, str) and url:
        return url
    public = _str(c.spec.get("masterPublicName"))
    access = _strs(c.spec.get("kubernetesApiAccess"))
    anonymous = value_at(c.spec, "kubeAPIServer", "anonymousAuth") is True
    if anonymous and public and any(x in ("0.0.0.0/0", "::/0") for x in access):
        return "https://" + public
    return f"https://api.internal.{c.name}" if c.name else None


def _region(c: _Cluster) -> str:
    for sub in _dicts(c.spec.get("subnets")):
        zone = sub.get("zone")
        if isinstance(zone, str) and zone:
            return region_of_zone(zone)
    return ""


def _addons(c: _Cluster) -> None:
    s = c.spec
    cas = s.get("clusterAutoscaler")
    if isinstance(cas, dict) and cas.get("enabled") is True:
        minor = c.version[1] if c.version else None
        tag = CLUSTER_AUTOSCALER_IMAGES.get(minor, CLUSTER_AUTOSCALER_LATEST)
        _fill(cas, "image", f"registry.k8s.io/autoscaling/cluster-autoscaler:{tag}")
        if not cas.get("expander"):
            cas["expander"] = "random"
        for key, value in (("ignoreDaemonSetsUtilization", False), ("scaleDownUtilizationThreshold", "0.5"),
                           ("skipNodesWithCustomControllerPods", True), ("skipNodesWithLocalStorage", True),
                           ("skipNodesWithSystemPods", True), ("balanceSimilarNodeGroups", False),
                           ("emitPerNodegroupMetrics", False), ("awsUseStaticInstanceList", False),
                           ("newPodScaleUpDelay", "0s"), ("scaleDownDelayAfterAdd", "10m0s"),
                           ("scaleDownUnneededTime", "10m0s"), ("scaleDownUnreadyTime", "20m0s"),
                           ("maxNodeProvisionTime", "15m0s")):
            _fill(cas, key, value)
        if cas.get("expander") == "priority":
            _fill(cas, "createPriorityExpanderConfig", True)
    nth = _obj(s, "nodeTerminationHandler")
    if nth is not None and _fill(nth, "enabled", True) is True:
        for key, value in (("deleteSQSMsgIfNodeNotFound", False), ("enableSpotInterruptionDraining", True),
                           ("enableScheduledEventDraining", True), ("enableRebalanceMonitoring", False),
                           ("enableRebalanceDraining", False), ("enableOutOfServiceTaint", False),
                           ("prometheusEnable", False), ("excludeFromLoadBalancers", True),
                           ("managedASGTag", "aws-node-termination-handler/managed"),
                           ("podTerminationGracePeriod", -1), ("taintNode", False), ("cpuRequest", "50m"),
                           ("memoryRequest", "64Mi"), ("version", NODE_TERMINATION_HANDLER_VERSION)):
            _fill(nth, key, value)
    npd = s.get("nodeProblemDetector")
    if isinstance(npd, dict):
        for key, value in (("enabled", False), ("cpuRequest", "20m"), ("memoryRequest", "100Mi"),
                           ("memoryLimit", "100Mi"), ("image", NODE_PROBLEM_DETECTOR_IMAGE)):
            _fill(npd, key, value)


def _kopsgen_addons(c: _Cluster) -> None:
    """kopsgen's own addons (spec.kopsgen.addons): the settings of each enabled one; a disabled one is left
    as written (so that an untouched spec stays untouched)."""
    addons = value_at(c.spec, "kopsgen", "addons")
    if not isinstance(addons, dict):
        return

    def enabled(key: str) -> dict | None:
        d = addons.get(key)
        return d if isinstance(d, dict) and d.get("enabled") is True else None

    def resources(d: dict, key: str) -> None:
        if isinstance(d.get("resources", {}), dict):
            d["resources"] = addon_resources(d.get("resources"), ADDON_RESOURCES[key])

    ngf = enabled("nginxGatewayFabric")
    gateway_api = _obj(addons, "gatewayAPI") if ngf is not None or "gatewayAPI" in addons else None
    if gateway_api is not None:
        _fill(gateway_api, "enabled", ngf is not None)
    if ngf is not None:
        _fill(ngf, "replicas", NGF_REPLICAS)
        resources(ngf, "nginxGatewayFabric")
        nginx = _obj(ngf, "nginx")
        if nginx is not None:
            _fill(nginx, "replicas", NGINX_REPLICAS)
            resources(nginx, "nginx")
        lb = _obj(ngf, "loadBalancer")
        if lb is not None:
            _fill(lb, "scheme", "internet-facing")
            _fill(lb, "targetType", "ip" if pods_have_vpc_addresses(c.networking) else "instance")
        _fill(ngf, "defaultGateway", True)
    headlamp = enabled("headlamp")
    if headlamp is not None:
        _fill(headlamp, "replicas", HEADLAMP_REPLICAS)
        resources(headlamp, "headlamp")
        _fill(headlamp, "readOnlyViewer", True)
    logs = enabled("fluentBit")
    if logs is not None:
        resources(logs, "fluentBit")
        _fill(_obj(logs, "logGroup"), "retentionInDays", CLUSTER_LOGS_RETENTION_DAYS)
    for key in ("kubeStateMetrics", "nodeExporter"):
        exporter = enabled(key)
        if exporter is not None:
            resources(exporter, key)


def _cloud_controller_manager(c: _Cluster) -> None:
    m = _obj(c.spec, "cloudControllerManager")
    if m is None:
        return
    _fill(m, "leaderElection", {"leaderElect": True})
    _fill(m, "clusterName", c.name)
    _pod_routing(c, m)
    _fill(m, "image", CLOUD_CONTROLLER_MANAGER_IMAGE)


def _drop_ignored(c: _Cluster) -> None:
    """Fields kops reads but does not keep: its completed spec leaves them out, so do we."""
    c.spec.pop("masterInternalName", None)  # unused: the internal name is always api.internal.<cluster>
    c.spec.pop("serviceOIDCProvider", None)  # not a kops field (accepted for kops's own test inputs)


CLUSTER_STEPS: tuple[Callable[[_Cluster], None], ...] = (
    _api_defaults,
    _network_defaults,
    _api_access,
    _external_dns,
    lambda c: _fill(c.spec, "clusterDNSDomain", CLUSTER_DNS_DOMAIN),
    _etcd,
    _containerd,
    _kube_dns,
    _kube_apiserver,
    _kubelets,
    _kube_controller_manager,
    _kube_scheduler,
    _kube_proxy,
    _cloud_config,
    _cni,
    _service_account_issuer,
    _addons,
    _kopsgen_addons,
    _cloud_controller_manager,
    _drop_ignored,
)


# --- instance groups ------------------------------------------------------------------
def _instance_group(c: _Cluster, spec: dict) -> None:
    role = ROLE_ALIASES.get(spec.get("role")) if isinstance(spec.get("role"), str) else None
    _fill(spec, "manager", "CloudGroup")
    if role is None:
        return
    size = GROUP_SIZE[role]
    min_size = _fill(spec, "minSize", size)
    # kops defaults maxSize to the same constant; we never default it below a minSize the user set.
    _fill(spec, "maxSize", max(size, min_size) if isinstance(min_size, int) and not isinstance(min_size, bool)
          else size)
    if not spec.get("subnets") and role != "ControlPlane":
        subnets = _dicts(c.spec.get("subnets"))
        if role == "APIServer" and c.ipv6:
            chosen = [s.get("name") for s in subnets if s.get("type") not in ("Private", "Utility")]
        else:
            chosen = [s.get("name") for s in subnets if s.get("type") not in ("DualStack", "Utility")] or \
                     [s.get("name") for s in subnets if s.get("type") != "Utility"]
        chosen = [x for x in chosen if isinstance(x, str)]
        if chosen:
            spec["subnets"] = chosen
    volume_type = _fill(spec, "rootVolumeType", VOLUME_TYPE)
    _fill(spec, "rootVolumeSize", ROOT_VOLUME_SIZE[role])
    _volume_performance(spec, volume_type, "rootVolumeIops", "rootVolumeThroughput")
    _fill(spec, "rootVolumeEncryption", True)
    # the gVisor RuntimeClass (bootstrap addon) schedules sandboxed pods onto the groups labelled so
    if role == "Node" and value_at(spec, "containerd", "gvisor", "enabled") is True:
        labels = spec.get("nodeLabels") if isinstance(spec.get("nodeLabels"), dict) else {}
        spec["nodeLabels"] = {**labels, "kops.k8s.io/gvisor": "1"}
    for volume in _dicts(spec.get("volumes")):
        _volume_performance(volume, _fill(volume, "type", VOLUME_TYPE), "iops", "throughput")
        _fill(volume, "encrypted", True)
        _fill(volume, "deleteOnTermination", True)
    metadata = _obj(spec, "instanceMetadata")
    _fill(metadata, "httpTokens", "required")  # IMDSv2 only
    _fill(metadata, "httpPutResponseHopLimit", 1)
    _group_kubelet(c, role, spec)


def _group_kubelet(c: _Cluster, role: str, spec: dict) -> None:
    """The group's complete kubelet configuration (kops's PopulateInstanceGroupSpec): the
    cluster's (control plane: masterKubelet) kubelet, the group's own settings over it, its
    node labels and its taints. nodeup receives exactly this."""
    base_key = "masterKubelet" if role == "ControlPlane" else "kubelet"
    base = c.spec.get(base_key)
    own = spec.get("kubelet")
    if not isinstance(own, dict) and own is not None:
        return
    kubelet = copy.deepcopy(base) if isinstance(base, dict) else {}
    cluster_kubelet = c.spec.get("kubelet") if isinstance(c.spec.get("kubelet"), dict) else {}
    if role == "ControlPlane" and cluster_kubelet.get("anonymousAuth") is False:
        kubelet["anonymousAuth"] = False
    labels = dict(kubelet.get("nodeLabels") or {}) if isinstance(kubelet.get("nodeLabels"), dict) else {}
    if isinstance(own, dict) and isinstance(own.get("nodeLabels"), dict):
        labels.update(own["nodeLabels"])
    if role == "APIServer":
        labels["node-role.kubernetes.io/api-server"] = ""
    if role == "Node":
        labels["node-role.kubernetes.io/node"] = ""
    if role == "ControlPlane":
        labels.update({"node-role.kubernetes.io/control-plane": "", "kops.k8s.io/kops-controller-pki": "",
                       "node.kubernetes.io/exclude-from-external-load-balancers": ""})
    if isinstance(spec.get("nodeLabels"), dict):
        labels.update(spec["nodeLabels"])
    taints = set()
    for source in (kubelet.get("taints"), spec.get("taints"), (own or {}).get("taints"),
                   cluster_kubelet.get("taints")):
        taints.update(_strs(source))
    secure = kubelet.get("anonymousAuth")
    merge(kubelet, own or {})
    if role == "ControlPlane":
        taints.add(CONTROL_PLANE_TAINT)
    if role == "APIServer":
        taints.add(API_SERVER_TAINT)
    if labels:
        kubelet["nodeLabels"] = labels
    if taints:
        kubelet["taints"] = sorted(taints)
    if secure is False:
        kubelet["anonymousAuth"] = False
    spec["kubelet"] = kubelet


# --- canonical text of quantities and durations -----------------------------------------
def canonicalize(doc: dict, kind: str) -> None:
    """Rewrite every quantity and duration in `doc` in the form kops writes (schema-driven)."""
    if kind not in schemas.SCHEMA_FILES:
        return
    root = schemas.schema(kind)
    _canonical(doc, root, root, 0)


def _resolve(node: Any, root: dict) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        name = node["$ref"].split("/")[-1]
        if name in ("quantity", "duration"):
            return name
        node = root["$defs"].get(name)
    return node


def _canonical(value: Any, node: Any, root: dict, depth: int) -> Any:
    node = _resolve(node, root)
    if depth > 64:
        return value
    if node == "quantity":
        return units.canonical_quantity(value)
    if node == "duration":
        return units.canonical_duration(value)
    if not isinstance(node, dict):
        return value
    if isinstance(value, dict):
        props = node.get("properties") or {}
        extra = node.get("additionalProperties")
        for key in list(value):
            child = props.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                value[key] = _canonical(value[key], child, root, depth + 1)
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            value[i] = _canonical(item, node["items"], root, depth + 1)
    return value
