"""Storage: the default StorageClasses, the EBS CSI driver and the volume snapshot controller."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.context import BootstrapContext


STORAGE_AWS = Addon(name="storage-aws.addons.k8s.io", id="v1.15.0", template="addon-storage-aws.yaml")


def _ebs_env(ctx: BootstrapContext, controller: bool) -> list[dict]:
    env: list[dict] = []
    if ctx.spec.cluster.ipv6:
        env.append({"name": "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "value": "IPv6"})
    env.append({"name": "AWS_REGION", "value": ctx.spec.cluster.region})
    endpoint = "unix:///var/lib/csi/sockets/pluginproxy/csi.sock" if controller else "unix:/csi/csi.sock"
    env += [{"name": "CSI_ENDPOINT", "value": endpoint},
            {"name": "CSI_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
    if controller:
        secret = lambda key: {"secretKeyRef": {"key": key, "name": "aws-secret", "optional": True}}  # noqa: E731
        meta = lambda key: {"configMapKeyRef": {"key": key, "name": "aws-meta", "optional": True}}  # noqa: E731
        env += [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": secret("key_id")},
                {"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": secret("access_key")},
                {"name": "AWS_EC2_ENDPOINT", "valueFrom": meta("endpoint")},
                {"name": "AWS_SAGEMAKER_ENDPOINT", "valueFrom": meta("sagemaker_endpoint")}]
    return env


def _ebs_values(ctx: BootstrapContext) -> dict:
    ebs = ctx.spec.cluster.aws_ebs_csi_driver
    version = ebs.version or versions.EBS_CSI_DRIVER_VERSION
    tags = {"KubernetesCluster": ctx.name, **ctx.spec.cluster.cloud_labels}
    return {
        "version": version, "cluster": ctx.name, "replicas": _control_plane_replicas(ctx),
        "extra_tags": ",".join(f"{k}={v}" for k, v in sorted(tags.items())),
        "driver_image": versions.EBS_CSI_DRIVER_IMAGE.format(version=version),
        "provisioner_image": versions.CSI_PROVISIONER_IMAGE, "attacher_image": versions.CSI_ATTACHER_IMAGE,
        "resizer_image": versions.CSI_RESIZER_IMAGE, "snapshotter_image": versions.CSI_SNAPSHOTTER_IMAGE,
        "livenessprobe_image": versions.CSI_LIVENESS_PROBE_IMAGE,
        "registrar_image": versions.CSI_NODE_DRIVER_REGISTRAR_IMAGE,
        "node_env": _ebs_env(ctx, controller=False), "controller_env": _ebs_env(ctx, controller=True),
        "kube_api_qps": str(ebs.kube_api_qps or "20"),
        "kube_api_burst": str(ebs.kube_api_burst or "100"),
    }


def _ebs_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    by_kind = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    controller = by_kind[("Deployment", "ebs-csi-controller")]["spec"]["template"]["spec"]
    if not ctx.spec.cluster.snapshot_controller_enabled:
        controller["containers"] = [c for c in controller["containers"] if c["name"] != "csi-snapshotter"]
    node_args = by_kind[("DaemonSet", "ebs-csi-node")]["spec"]["template"]["spec"]["containers"][0]["args"]
    limit = ctx.spec.cluster.aws_ebs_csi_driver.volume_attach_limit
    if limit:
        node_args.insert(3, f"--volume-attach-limit={limit}")
    if ctx.kubernetes_minor >= 35:
        by_kind[("CSIDriver", "ebs.csi.aws.com")]["spec"]["nodeAllocatableUpdatePeriodSeconds"] = 10
    return objects


AWS_EBS_CSI_DRIVER = Addon(
    name="aws-ebs-csi-driver.addons.k8s.io", id="k8s-1.17", template="addon-aws-ebs-csi-driver.yaml",
    values=_ebs_values, adjust=_ebs_adjust)


def _snapshot_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    if ctx.spec.cluster.snapshot_controller_install_default_class:
        objects.append({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                        "metadata": {"name": "csi-hostpath-snapclass",
                                     "annotations": {"snapshot.storage.kubernetes.io/is-default-class": "true"}},
                        "driver": "ebs.csi.aws.com", "deletionPolicy": "Delete"})
    return objects


SNAPSHOT_CONTROLLER = Addon(
    name="snapshot-controller.addons.k8s.io", id="k8s-1.20", template="addon-snapshot-controller.yaml", needs_pki=True,
    values=lambda ctx: {"controller_image": versions.SNAPSHOT_CONTROLLER_IMAGE,
                        "webhook_image": versions.SNAPSHOT_VALIDATION_WEBHOOK_IMAGE,
                        "dns_names": ["snapshot-validation-service.kube-system.svc",
                                      f"snapshot-validation-service.kube-system.svc.{ctx.name}"]},
    adjust=_snapshot_adjust)
