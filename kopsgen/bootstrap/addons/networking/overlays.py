"""Flannel, kindnet, kube-router and kopeio networking."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import NETWORKING_SELECTOR, flag, or_default, service_range
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError


def _selinux(ctx: BootstrapContext) -> bool:
    """containerd runs with SELinux labels: privileged network agents need the spc_t type."""
    return ctx.spec.cluster.containerd.selinux_enabled


SPC_SELINUX_OPTIONS = {"type": "spc_t", "level": "s0"}


def _flannel_values(ctx: BootstrapContext) -> dict:
    options = ctx.spec.cluster.networking.flannel
    pod_network = ctx.spec.cluster.non_masquerade_cidr
    if not pod_network:
        raise RenderError("spec.nonMasqueradeCIDR: Flannel needs the cluster's pod address range")
    net_conf = "\n".join(['{', f'  "Network": "{pod_network}",', '  "EnableNFTables": false,', '  "Backend": {',
                          f'    "Type": "{options.backend or "udp"}"', '  }', '}'])
    security: dict[str, Any] = {"privileged": False, "capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    if _selinux(ctx):
        security["seLinuxOptions"] = SPC_SELINUX_OPTIONS
    resync = options.iptables_resync_seconds
    return {"net_conf": net_conf, "image": versions.FLANNEL_IMAGE, "cni_plugin_image": versions.FLANNEL_CNI_PLUGIN_IMAGE,
            "iptables_resync_seconds": str(resync) if resync is not None else "5", "security_context": security}


FLANNEL = Addon(name="networking.flannel", id="k8s-1.25", template="addon-flannel.yaml",
                selector=NETWORKING_SELECTOR, build_prune=True, values=_flannel_values)


def _kindnet_values(ctx: BootstrapContext) -> dict:
    options = ctx.spec.cluster.networking.kindnet
    version = options.version or versions.KINDNET_VERSION
    # kops passes the network policy switches whenever they are set, true or false
    command = ["/bin/kindnetd", "--hostname-override=$(NODE_NAME)", f"--v={or_default(options.log_level, 2)}"]
    if options.network_policies is not None:
        command.append(f"--network-policy={flag(options.network_policies)}")
    for switch in (options.admin_network_policies, options.baseline_admin_network_policies):
        if switch is not None:
            command.append(f"--admin-network-policy={flag(switch)}")
    command += [f"--dns-caching={flag(options.dns_caching)}", f"--nat64={flag(options.nat64)}",
                f"--fastpath-threshold={or_default(options.fast_path_threshold, 0)}"]
    masquerade = options.masquerade
    if masquerade is not None:
        command.append(f"--masquerading={flag(or_default(masquerade.enabled, True))}")
        if masquerade.non_masquerade_cidrs:
            command.append("--no-masquerade-cidr=" + ",".join(masquerade.non_masquerade_cidrs))
    resources = [r for switch, r in ((options.admin_network_policies, "adminnetworkpolicies"),
                                     (options.baseline_admin_network_policies, "baselineadminnetworkpolicies"))
                 if switch is not None]
    return {"image": versions.KINDNET_IMAGE.format(version=version), "command": command,
            "admin_policies": bool(resources), "admin_policy_resources": resources,
            "anp_crd": options.admin_network_policies is not None,
            "banp_crd": options.baseline_admin_network_policies is not None}


KINDNET = Addon(name="networking.kindnet", id="k8s-1.32", template="addon-kindnet.yaml", selector=NETWORKING_SELECTOR,
                needs_rolling_update="all", values=_kindnet_values)


def _kube_router_values(ctx: BootstrapContext) -> dict:
    options = ctx.spec.cluster.networking.kube_router
    # the quotes are part of the argument, as kops writes it: kube-router reads this flag as a
    # comma-separated list, whose parser drops them
    args = ["--strict-external-ip-validation=false", "--run-router=true", "--run-firewall=true",
            "--run-service-proxy=true", "--bgp-graceful-restart=true", "--kubeconfig=/var/lib/kube-router/kubeconfig",
            "--metrics-port=12013", "--runtime-endpoint=unix:///run/containerd/containerd.sock", "--hairpin-mode=true",
            f'--service-cluster-ip-range="{service_range(ctx)}"']
    if options.use_nftables_for_netpol:
        args.append("--use-nftables-for-netpol=true")
    return {"image": versions.KUBE_ROUTER_IMAGE, "args": args,
            "pod_security_context": {"seLinuxOptions": SPC_SELINUX_OPTIONS} if _selinux(ctx) else None}


def _kube_router_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    pod = next(o for o in objects if o["kind"] == "DaemonSet")["spec"]["template"]["spec"]
    if pod["securityContext"] is None:
        del pod["securityContext"]
    return objects


KUBE_ROUTER = Addon(name="networking.kuberouter", id="k8s-1.12", template="addon-kube-router.yaml",
                    selector=NETWORKING_SELECTOR, values=_kube_router_values, adjust=_kube_router_adjust)

KOPEIO_NETWORKING = Addon(name="networking.kope.io", id="k8s-1.12", template="addon-kopeio-networking.yaml",
                          selector=NETWORKING_SELECTOR, build_prune=True,
                          values=lambda ctx: {"image": versions.KOPEIO_NETWORKING_IMAGE})
