"""The AWS cloud controller manager (node lifecycle, service load balancers' routes)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.context import BootstrapContext


# CloudControllerManager field (kops's cloudControllerManager) -> flag, as the CCM takes them (sorted by flag)
_CCM_FLAGS = {"allocate_node_cidrs": "allocate-node-cidrs", "allow_untagged_cloud": "allow-untagged-cloud",
              "cidr_allocator_type": "cidr-allocator-type", "cloud_provider": "cloud-provider",
              "cluster_cidr": "cluster-cidr", "cluster_name": "cluster-name",
              "concurrent_node_syncs": "concurrent-node-syncs", "configure_cloud_routes": "configure-cloud-routes",
              "controllers": "controllers", "enable_leader_migration": "enable-leader-migration",
              "master": "master", "node_status_update_frequency": "node-status-update-frequency",
              "use_service_account_credentials": "use-service-account-credentials"}


def _ccm_args(ctx: BootstrapContext) -> list[str]:
    ccm = ctx.spec.cluster.cloud_controller_manager
    flags: dict[str, str] = {}
    for name, flag in _CCM_FLAGS.items():
        value = getattr(ccm, name)
        if value is None or value == "" or value == ():
            continue
        flags[flag] = ",".join(value) if isinstance(value, tuple) else _flag(value) if isinstance(value, bool) \
            else str(value)
    if ccm.leader_election is not None and ccm.leader_election.leader_elect is not None:
        flags["leader-elect"] = _flag(ccm.leader_election.leader_elect)
    if ccm.log_level:
        flags["v"] = str(ccm.log_level)
    args = [f"--{k}={v}" for k, v in sorted(flags.items())]
    if not ccm.log_level:
        args.append("--v=2")
    if not ccm.cloud_provider:
        args.append("--cloud-provider=aws")
    if ccm.use_service_account_credentials is None:
        args.append("--use-service-account-credentials=true")
    args.append("--cloud-config=/etc/kubernetes/cloud.config")
    return args


AWS_CLOUD_CONTROLLER = Addon(
    name="aws-cloud-controller.addons.k8s.io", id="k8s-1.18", template="addon-aws-cloud-controller.yaml",
    values=lambda ctx: {"image": ctx.spec.cluster.cloud_controller_manager.image
                        or versions.CLOUD_CONTROLLER_MANAGER_IMAGE, "args": _ccm_args(ctx)})
