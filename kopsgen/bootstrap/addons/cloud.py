"""The AWS cloud controller manager (node lifecycle, service load balancers' routes)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import spec_value as _spec
from kopsgen.bootstrap.context import BootstrapContext


# cloudControllerManager field -> flag, as the CCM takes them (sorted by flag when written)
_CCM_FLAGS = {"allocateNodeCIDRs": "allocate-node-cidrs", "allowUntaggedCloud": "allow-untagged-cloud",
              "cidrAllocatorType": "cidr-allocator-type", "cloudProvider": "cloud-provider",
              "clusterCIDR": "cluster-cidr", "clusterName": "cluster-name",
              "concurrentNodeSyncs": "concurrent-node-syncs", "configureCloudRoutes": "configure-cloud-routes",
              "controllers": "controllers", "enableLeaderMigration": "enable-leader-migration",
              "master": "master", "nodeStatusUpdateFrequency": "node-status-update-frequency",
              "useServiceAccountCredentials": "use-service-account-credentials"}


def _ccm_args(ctx: BootstrapContext) -> list[str]:
    ccm = ctx.cluster_spec.get("cloudControllerManager") or {}
    flags: dict[str, str] = {}
    for field, flag in _CCM_FLAGS.items():
        value = ccm.get(field)
        if value is None or value == "" or value == []:
            continue
        flags[flag] = ",".join(value) if isinstance(value, list) else _flag(value) if isinstance(value, bool) \
            else str(value)
    leader = (ccm.get("leaderElection") or {}).get("leaderElect")
    if leader is not None:
        flags["leader-elect"] = _flag(leader)
    if ccm.get("logLevel"):
        flags["v"] = str(ccm["logLevel"])
    args = [f"--{k}={v}" for k, v in sorted(flags.items())]
    if not ccm.get("logLevel"):
        args.append("--v=2")
    if not ccm.get("cloudProvider"):
        args.append("--cloud-provider=aws")
    if ccm.get("useServiceAccountCredentials") is None:
        args.append("--use-service-account-credentials=true")
    args.append("--cloud-config=/etc/kubernetes/cloud.config")
    return args


AWS_CLOUD_CONTROLLER = Addon(
    name="aws-cloud-controller.addons.k8s.io", id="k8s-1.18", template="addon-aws-cloud-controller.yaml",
    values=lambda ctx: {"image": _spec(ctx, "cloudControllerManager", "image")
                        or versions.CLOUD_CONTROLLER_MANAGER_IMAGE, "args": _ccm_args(ctx)})
