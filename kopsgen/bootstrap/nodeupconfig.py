"""nodeup's configuration for one instance group (`igconfig/<role>/<group>/nodeupconfig.yaml`),
and the boot config that points a node at it (`kube_env.yaml` in the user data).

Component settings (kubelet, kube-apiserver, kube-proxy, containerd, ...) are lifted from the
completed cluster spec, so what `kopsgen get cluster --full` shows is what the nodes run. This
module adds what only the bootstrap knows: the binaries to download (with their hashes), the
CA certificates and keypair ids, the group's own kubelet settings (labels, taints), and the
paths of the other files in the config base.

The boot config carries the SHA-256 of the nodeup config exactly as written, so a node refuses
a config that changed under it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from kopsgen.bootstrap import filerepository, kyaml, pki, versions
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.passthrough import kops_document
from kopsgen.bootstrap.releases import ARCHITECTURES
from kopsgen.spec import units
from kopsgen.spec.api import ROLE_API_SERVER, ROLE_BASTION, ROLE_CONTROL_PLANE, InstanceGroup
from kopsgen.spec.api.instancegroup import ROLE_ALIASES

KOPS_CONTROLLER_PORT = 3988

HEALTHCHECK_MANIFEST_KEY = "kube-apiserver-healthcheck"
HEALTHCHECK_MANIFEST_PATH = f"manifests/static/{HEALTHCHECK_MANIFEST_KEY}.yaml"
CHANNELS_MANIFEST_PATH = "manifests/channels/kops-channels.yaml"
KUBE_SCHEDULER_CONFIG_PATH = "/var/lib/kube-scheduler/config.yaml"
KUBE_SCHEDULER_KUBECONFIG = "/var/lib/kube-scheduler/kubeconfig"



def runs_api_server(ig: InstanceGroup) -> bool:
    return ig.role in (ROLE_CONTROL_PLANE, ROLE_API_SERVER)


def _merge(base: Any, overlay: Any) -> Any:
    """JSON merge as kops does it for component settings: mappings merge key by key, anything else
    in the overlay replaces the base."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            out[key] = _merge(base.get(key), value) if value is not None else base.get(key)
        return out
    return copy.deepcopy(overlay) if overlay is not None else copy.deepcopy(base)


def _prune(value: Any) -> Any:
    """Drop keys whose value is None (Go's omitempty on pointers)."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _normal_role(role: Any) -> str:
    return ROLE_ALIASES.get(str(role), str(role))


def _for_role(items: list, role: str) -> list:
    """kops's hooks and file assets: keep those for this role (or for all), without their roles."""
    out = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        roles = [_normal_role(r) for r in item.get("roles") or ()]
        if roles and role not in roles:
            continue
        out.append({k: v for k, v in item.items() if k != "roles"})
    return out


# ---------------------------------------------------------------- assets


@lru_cache(maxsize=1)
def asset_hashes() -> dict[str, str]:
    text = resources.files("kopsgen.bootstrap").joinpath("templates", "asset-hashes.txt").read_text()
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            sha, url = line.split(maxsplit=1)
            table[url.strip()] = sha
    return table


def _asset(url: str, repository: str | None = None) -> str:
    """`sha256@url` when the hash is known; the bare URL otherwise (nodeup then looks it up). The hash is
    the canonical file's, the URL the file repository's when the spec has one."""
    sha = asset_hashes().get(url)
    url = filerepository.remap(url, repository)
    return f"{sha}@{url}" if sha else url


def node_assets(ctx: BootstrapContext) -> dict[str, list[str]]:
    """The binaries nodeup downloads, by architecture, in kops's order."""
    containerd = ctx.spec.cluster.containerd
    ecr_base = versions.ECR_CREDENTIAL_PROVIDER   # (v1alpha3's cloudProvider.aws.binariesLocation; not in v1alpha2)
    k8s = f"https://dl.k8s.io/release/v{ctx.kubernetes_version}"
    out: dict[str, list[str]] = {}
    for arch in ARCHITECTURES:
        urls = [f"{k8s}/bin/linux/{arch}/kubelet", f"{k8s}/bin/linux/{arch}/kubectl",
                f"{ecr_base}/linux/{arch}/ecr-credential-provider-linux-{arch}"]
        if installs_cni_assets(ctx):
            cni = versions.cni_plugins_version(ctx.kubernetes_minor)
            urls.append(f"https://github.com/containernetworking/plugins/releases/download/v{cni}/"
                        f"cni-plugins-linux-{arch}-v{cni}.tgz")
        if not containerd.skip_install:
            version = containerd.version or versions.CONTAINERD_VERSION
            runc = containerd.runc_version or versions.RUNC_VERSION
            urls.append(f"https://github.com/containerd/containerd/releases/download/v{version}/"
                        f"containerd-{version}-linux-{arch}.tar.gz")
            urls.append(f"https://github.com/opencontainers/runc/releases/download/v{runc}/runc.{arch}")
        out[arch] = [_asset(u, ctx.file_repository) for u in urls]
    return out


def installs_cni_assets(ctx: BootstrapContext) -> bool:
    """The standard CNI plugins are installed unless the network provider brings its own."""
    kind = ctx.cni()
    if kind == "cilium":
        return ctx.spec.cluster.networking.cilium.chaining_mode == "portmap"
    return kind not in ("amazonvpc", "calico")


# ---------------------------------------------------------------- keysets


def uses_cilium_etcd(ctx: BootstrapContext) -> bool:
    """Cilium keeps its state in an etcd cluster of its own (named `cilium`)."""
    return ctx.cni() == "cilium" and any(e.name == "cilium" for e in ctx.spec.cluster.etcd_clusters)


def keyset_names(ctx: BootstrapContext, ig: InstanceGroup) -> list[str]:
    """The CAs a group's nodeup needs (none for a bastion)."""
    if ig.is_bastion:
        return []
    names = [pki.KUBERNETES_CA]
    if uses_cilium_etcd(ctx):
        names.append(pki.ETCD_CLIENTS_CA_CILIUM)
    if ig.is_control_plane:
        for etcd in ctx.spec.cluster.etcd_clusters:
            names += [pki.etcd_manager_ca(etcd.name), pki.etcd_peers_ca(etcd.name), pki.ETCD_CLIENTS_CA]
    if runs_api_server(ig):
        names += [pki.AGGREGATOR_CA, pki.SERVICE_ACCOUNT, pki.ETCD_CLIENTS_CA]
    return list(dict.fromkeys(names))


def all_keyset_names(ctx: BootstrapContext) -> list[str]:
    """Every CA of the cluster, whichever group needs it (all of them are kept in the store)."""
    names = [pki.KUBERNETES_CA, pki.AGGREGATOR_CA, pki.SERVICE_ACCOUNT, pki.ETCD_CLIENTS_CA]
    for etcd in ctx.spec.cluster.etcd_clusters:
        names += [pki.etcd_manager_ca(etcd.name), pki.etcd_peers_ca(etcd.name)]
    if uses_cilium_etcd(ctx):
        names.append(pki.ETCD_CLIENTS_CA_CILIUM)
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- the nodeup config


def _cluster_document(ctx: BootstrapContext) -> dict:
    """The completed Cluster's `spec` as plain data, for the settings nodeup takes as kops wrote them."""
    return kops_document(ctx.spec.cluster).get("spec") or {}


def nodeup_config(ctx: BootstrapContext, ig: InstanceGroup) -> dict:
    """The group's nodeup config. Decisions read the typed spec; component settings (kubelet, kube-proxy,
    containerd, kube-apiserver, hooks, file assets, ...) are copied from kops's documents as they are."""
    cluster = _cluster_document(ctx)
    role = ig.role
    ig_spec = kops_document(ig).get("spec") or {}
    control_plane = ig.is_control_plane
    api_server = runs_api_server(ig)

    config: dict[str, Any] = {
        "Assets": node_assets(ctx),
        "ClusterName": ctx.name,
        "KubernetesVersion": ctx.kubernetes_version,
        "CAs": {},
        "KeypairIDs": {},
        "Networking": _networking(ctx, ig),
        # the group's complete kubelet settings, as the spec's defaults work them out (labels, taints)
        "KubeletConfig": _prune(ig_spec.get("kubelet") or {}),
        "UpdatePolicy": ig_spec.get("updatePolicy") or cluster.get("updatePolicy") or "automatic",
        "Hooks": [_for_role(ig_spec.get("hooks"), role) or None, _for_role(cluster.get("hooks"), role) or None],
        "usesNoneDNS": ctx.uses_none_dns,
    }
    # always written: `null` when kube-proxy does not run on the group (kops's field has no omitempty)
    config["KubeProxy"] = _kube_proxy(ctx, ig)
    if installs_cni_assets(ctx):
        config["InstallCNIAssets"] = True
    if ctx.cni() in ("kubenet", "kopeio"):  # kopeio networking is built on kubenet
        config["UsesKubenet"] = True
    if uses_cilium_etcd(ctx):
        config["UseCiliumEtcd"] = True
    node_port_range = (cluster.get("kubeAPIServer") or {}).get("serviceNodePortRange")
    if node_port_range:
        config["ServiceNodePortRange"] = node_port_range
    if not ctx.spec.cluster.ntp_managed:
        config["NTPUnmanaged"] = True
    if ig_spec.get("volumeMounts"):
        config["VolumeMounts"] = ig_spec["volumeMounts"]
    file_assets = _for_role(ig_spec.get("fileAssets"), role) + _for_role(cluster.get("fileAssets"), role)
    if api_server:
        file_assets.append({"content": kube_scheduler_config(ctx), "path": KUBE_SCHEDULER_CONFIG_PATH})
    if file_assets:
        config["FileAssets"] = file_assets
    containerd = _merge(cluster.get("containerd"), ig_spec.get("containerd"))
    if containerd is not None:
        containerd = dict(containerd)
        if not ((ig_spec.get("containerd") or {}).get("gvisor")):
            containerd.pop("gvisor", None)
        config["containerdConfig"] = _prune(containerd)
    aws = cluster.get("cloudConfig") or {}
    if api_server:
        for key in ("disableSecurityGroupIngress", "elbSecurityGroup", "nlbSecurityGroupMode", "nodeIPFamilies"):
            if aws.get(key) is not None:
                config[key] = aws[key]
    if aws.get("useIPBasedNodeNames"):
        config["useIPBasedNodeNames"] = True
    warm_pool = ctx.spec.warm_pool(ig)
    if warm_pool is not None and warm_pool.enable_lifecycle_hook:
        config["EnableLifecycleHook"] = True
    if ctx.cni() == "amazonvpc" or (ctx.cni() == "cilium" and ctx.spec.cluster.networking.cilium.ipam == "eni"):
        config["DefaultMachineType"] = ig.machine_type.split(",")[0]
    packages = list(cluster.get("packages") or ()) + list(ig_spec.get("packages") or ())
    if packages:
        config["packages"] = packages
    sysctls = []
    if ig_spec.get("sysctlParameters"):
        sysctls += ["# Custom sysctl parameters from instance group spec", "", *ig_spec["sysctlParameters"]]
    if cluster.get("sysctlParameters"):
        sysctls += ["# Custom sysctl parameters from cluster spec", "", *cluster["sysctlParameters"]]
    if sysctls:
        config["SysctlParameters"] = sysctls
    discovery = (cluster.get("serviceAccountIssuerDiscovery") or {}).get("discoveryService")
    if discovery:
        config["discoveryServiceWithUniverse"] = {"url": discovery.get("url")} if discovery.get("url") else {}

    if api_server:
        config["APIServerConfig"] = _api_server_config(ctx)
        config["configStore"] = {"keypairs": cluster.get("keyStore") or ctx.config_base.path("pki"),
                                 "secrets": cluster.get("secretStore") or ctx.config_base.path("secrets")}
        config["staticManifests"] = [{"key": HEALTHCHECK_MANIFEST_KEY, "path": HEALTHCHECK_MANIFEST_PATH}]
        proxy = cluster.get("egressProxy") or (cluster.get("networking") or {}).get("egressProxy")
        if proxy:
            config["Networking"]["egressProxy"] = proxy
    if control_plane:
        if cluster.get("dnsZone"):
            config["DNSZone"] = cluster["dnsZone"]
        config["ControlPlaneConfig"] = {"KubeControllerManager": cluster.get("kubeControllerManager") or {},
                                        "KubeScheduler": cluster.get("kubeScheduler") or {}}
        etcd_clusters = ctx.spec.cluster.etcd_clusters
        config["EtcdClusterNames"] = [e.name for e in etcd_clusters]
        manifests = [ctx.config_base.path(f"manifests/etcd/{e.name}-{ig.name}.yaml") for e in etcd_clusters
                     if any(m.instance_group == ig.name for m in e.members)]
        if manifests:
            config["etcdManifests"] = manifests
        config["channelsManifest"] = ctx.config_base.path(CHANNELS_MANIFEST_PATH)

    _add_keysets(ctx, ig, config)
    return config


def _networking(ctx: BootstrapContext, ig: InstanceGroup) -> dict:
    cluster = ctx.spec.cluster
    net: dict[str, Any] = {}
    if cluster.non_masquerade_cidr:
        net["nonMasqueradeCIDR"] = cluster.non_masquerade_cidr
    if cluster.service_cluster_ip_range:
        net["serviceClusterIPRange"] = cluster.service_cluster_ip_range
    kind = ctx.cni()
    networking = cluster.networking
    if kind == "amazonvpc":
        net["amazonVPC"] = {}
    elif kind == "calico":
        net["calico"] = {"wireguardEnabled": True} if networking.calico.wireguard_enabled else {}
    elif kind == "cilium":
        net["cilium"] = {"ipam": "eni"} if networking.cilium.ipam == "eni" else {}
    elif kind == "cni" and networking.cni.uses_secondary_ip:
        net["cni"] = {"usesSecondaryIP": True}
    elif kind in ("flannel", "kuberouter", "kindnet"):
        net[kind] = {}
    return net


def _kube_proxy(ctx: BootstrapContext, ig: InstanceGroup) -> dict | None:
    if not ctx.spec.cluster.kube_proxy_enabled:
        return None
    if ig.is_control_plane and ctx.spec.cluster.networking.isolate_control_plane:
        return None
    return _cluster_document(ctx).get("kubeProxy") or {}


def _api_server_config(ctx: BootstrapContext) -> dict:
    cluster = _cluster_document(ctx)
    api = cluster.get("api") or {}
    api_spec: dict[str, Any] = {"publicName": cluster.get("masterPublicName") or api.get("publicName")
                                or f"api.{ctx.name}"}
    sans = cluster.get("additionalSANs") or api.get("additionalSANs")
    if sans:
        api_spec["additionalSANs"] = sans
    if api.get("dns") is not None:
        api_spec["dns"] = {}
    if (api.get("loadBalancer") or {}).get("useForInternalApi"):
        api_spec["loadBalancer"] = {"useForInternalApi": True}
    out: dict[str, Any] = {
        "ClusterDNSDomain": cluster.get("clusterDNSDomain") or "cluster.local",
        "KubeAPIServer": cluster.get("kubeAPIServer") or {},
        "API": api_spec,
        "ServiceAccountPublicKeys": ctx.keys.get(pki.SERVICE_ACCOUNT).public_keys_pem(),
    }
    authentication = cluster.get("authentication")
    if authentication:
        authentication = dict(authentication)
        if "aws" in authentication:
            authentication["aws"] = {}  # nodes need only to know it is on; its settings go to the addon
        out["Authentication"] = authentication
    return out


def kube_scheduler_config(ctx: BootstrapContext) -> str:
    scheduler = _cluster_document(ctx).get("kubeScheduler") or {}
    connection: dict[str, Any] = {"kubeconfig": KUBE_SCHEDULER_KUBECONFIG}
    if scheduler.get("qps") is not None:
        connection["qps"] = _quantity_number(scheduler["qps"])
    if scheduler.get("burst"):
        connection["burst"] = scheduler["burst"]
    return kyaml.dump({"apiVersion": "kubescheduler.config.k8s.io/v1", "clientConnection": connection,
                       "kind": "KubeSchedulerConfiguration"})


def _quantity_number(value: Any) -> float | int:
    """A quantity as the float nodeup writes for it (kube-scheduler takes qps as a number)."""
    number = units.quantity_value(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _add_keysets(ctx: BootstrapContext, ig: InstanceGroup, config: dict) -> None:
    if ig.role == ROLE_BASTION:
        return
    cas, ids = config["CAs"], config["KeypairIDs"]

    def load(name: str) -> None:
        keyset = ctx.keys.get(name)
        cas[name] = keyset.certificates_pem()
        ids[name] = keyset.primary_id

    load(pki.KUBERNETES_CA)
    if uses_cilium_etcd(ctx):
        load(pki.ETCD_CLIENTS_CA_CILIUM)
    if ig.is_control_plane:
        load(pki.ETCD_CLIENTS_CA)
        for etcd in ctx.spec.cluster.etcd_clusters:
            load(pki.etcd_manager_ca(etcd.name))
            load(pki.etcd_peers_ca(etcd.name))
    if runs_api_server(ig):
        load(pki.AGGREGATOR_CA)
        load(pki.ETCD_CLIENTS_CA)
        ids[pki.SERVICE_ACCOUNT] = ctx.keys.get(pki.SERVICE_ACCOUNT).primary_id
    else:
        # nodes fetch the kubernetes CA from kops-controller's boot config, not from here
        cas.pop(pki.KUBERNETES_CA)


def nodeup_config_bytes(ctx: BootstrapContext, ig: InstanceGroup) -> bytes:
    return kyaml.dump_bytes(nodeup_config(ctx, ig))


def config_hash(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


# ---------------------------------------------------------------- the boot config


def boot_config(ctx: BootstrapContext, ig: InstanceGroup, nodeup_config_data: bytes) -> dict:
    """What `kube_env.yaml` says: who this node is and where to get its nodeup config. Groups running
    an API server read the config base directly; the others ask kops-controller, trusting the
    kubernetes CA. (kops adds API server and etcd IPs only when it knows them at apply time, which a
    code generator never does.)"""
    out: dict[str, Any] = {
        "CloudProvider": "aws",
        "ClusterName": ctx.name,
        "InstanceGroupName": ig.name,
        "InstanceGroupRole": ig.role,
        "NodeupConfigHash": config_hash(nodeup_config_data),
    }
    if runs_api_server(ig):
        out["ConfigBase"] = ctx.config_base.url
    else:
        out["ConfigServer"] = {
            "CACertificates": ctx.keys.get(pki.KUBERNETES_CA).certificates_pem() if not ig.is_bastion else "",
            "servers": [f"https://kops-controller.internal.{ctx.name}:{KOPS_CONTROLLER_PORT}/"],
        }
    return out
