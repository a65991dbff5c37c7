"""etcd-manager: the static pod manifest of each etcd cluster on each control-plane group
(`manifests/etcd/<cluster>-<group>.yaml`) and each etcd cluster's control file in its backup store
(`backups/etcd/<cluster>/control/etcd-cluster-spec`), which etcd-manager reads to learn the member
count and etcd version when it first forms the cluster."""

from __future__ import annotations

import json
from dataclasses import dataclass

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError
from kopsgen.spec.api.etcd import EtcdCluster

DAILY_BACKUPS_RETENTION_ENV = "ETCD_MANAGER_DAILY_BACKUPS_RETENTION"


@dataclass(frozen=True)
class EtcdPorts:
    client: int
    peer: int
    grpc: int
    quarantined_client: int


PORTS = {
    "main": EtcdPorts(client=4001, peer=2380, grpc=3996, quarantined_client=3994),
    "events": EtcdPorts(client=4002, peer=2381, grpc=3997, quarantined_client=3995),
    "cilium": EtcdPorts(client=4003, peer=2382, grpc=3991, quarantined_client=3992),
    "leases": EtcdPorts(client=4004, peer=2383, grpc=4006, quarantined_client=4005),
}


def etcd_version(etcd: EtcdCluster) -> str:
    return (etcd.version or versions.ETCD_DEFAULT_VERSION).removeprefix("v")


def backup_store(ctx: BootstrapContext, etcd: EtcdCluster) -> str:
    return etcd.backup_store or ctx.config_base.path(f"backups/etcd/{etcd.name}")


def control_file_relative(ctx: BootstrapContext, etcd: EtcdCluster) -> str:
    """Where the control file goes, relative to the config base."""
    store = backup_store(ctx, etcd).rstrip("/")
    base = ctx.config_base.url + "/"
    if not store.startswith(base):
        raise RenderError(f"spec.etcdClusters[{etcd.name}].backups.backupStore: kopsgen writes etcd's control "
                          f"file under the config base ({ctx.config_base.url}); {store} is outside it")
    return f"{store[len(base):]}/control/etcd-cluster-spec"


def control_file(etcd: EtcdCluster) -> bytes:
    """The control file (`etcd-cluster-spec`), as etcd-manager reads it (indented JSON, no trailing newline)."""
    return json.dumps({"memberCount": len(etcd.members), "etcdVersion": etcd_version(etcd)},
                      indent=2).encode()


def _supported_versions() -> list[tuple[str, str]]:
    """(version, volume holding its binaries): each patch of a supported minor maps to the newest."""
    out = []
    for latest in versions.ETCD_LATEST_PATCHES:
        major, minor, patch = (int(x) for x in latest.split("."))
        for p in range(patch + 1):
            out.append((f"{major}.{minor}.{p}", latest))
    return sorted(out, key=lambda v: tuple(int(x) for x in v[0].split(".")))


def _volume_name(version: str) -> str:
    return "etcd-v" + version.replace(".", "-")


def manifest(ctx: BootstrapContext, etcd: EtcdCluster, group: str) -> dict:
    """The etcd-manager pod of etcd cluster `etcd` on control-plane group `group`."""
    name = etcd.name
    if name not in PORTS:
        raise RenderError(f"spec.etcdClusters: kopsgen knows etcd clusters main, events, cilium and leases, not {name!r}")
    ports = PORTS[name]
    cluster_flag = "etcd" if name == "main" else f"etcd-{name}"
    client_host = ctx.spec.cluster.master_internal_name or f"api.internal.{ctx.name}" if name == "cilium" \
        else "__name__"
    manager = etcd.manager
    args = {
        "backup-store": backup_store(ctx, etcd),
        "client-urls": f"https://{client_host}:{ports.client}",
        "cluster-name": cluster_flag,
        "containerized": "true",
        "dns-suffix": f".internal.{ctx.name}",
        "grpc-port": str(ports.grpc),
        "peer-urls": f"https://__name__:{ports.peer}",
        "quarantine-client-urls": f"https://__name__:{ports.quarantined_client}",
        "v": str(6 if manager.log_level is None else manager.log_level),
        "volume-name-tag": f"k8s.io/etcd/{name}",
        "volume-provider": "aws",
    }
    if manager.backup_interval:
        args["backup-interval"] = manager.backup_interval
    if manager.discovery_poll_interval:
        args["discovery-poll-interval"] = manager.discovery_poll_interval
    flags = [f"--{k}={v}" for k, v in sorted(args.items())]
    volume_tags = [f"k8s.io/etcd/{name}", "k8s.io/role/control-plane=1", f"kubernetes.io/cluster/{ctx.name}=owned"]
    flags += [f"--volume-tag={t}" for t in sorted(volume_tags)]

    if etcd.image:
        etcd_versions = [(etcd_version(etcd), etcd_version(etcd))]
        images = {etcd_version(etcd): etcd.image}
    else:
        etcd_versions = _supported_versions()
        images = {v: versions.ETCD_IMAGE.format(version=v) for v in versions.ETCD_LATEST_PATCHES}

    env = [{"name": "AWS_REGION", "value": ctx.spec.cluster.region}]
    if manager.backup_retention_days is not None:
        env.append({"name": DAILY_BACKUPS_RETENTION_ENV, "value": f"{int(manager.backup_retention_days)}d"})
    for var in manager.env or ():
        env.append({"name": var.get("name"), "value": var.get("value")})

    mounts = [{"mountPath": "/rootfs", "name": "rootfs"}, {"mountPath": "/run", "name": "run"},
              {"mountPath": "/etc/kubernetes/pki/etcd-manager", "name": "pki"}]
    mounts += [{"mountPath": f"/opt/etcd-v{v}", "name": _volume_name(target)} for v, target in etcd_versions]
    mounts.append({"mountPath": "/var/log/etcd.log", "name": "varlogetcd"})

    volumes = [
        {"hostPath": {"path": "/", "type": "Directory"}, "name": "rootfs"},
        {"hostPath": {"path": "/run", "type": "DirectoryOrCreate"}, "name": "run"},
        {"hostPath": {"path": f"/etc/kubernetes/pki/etcd-manager-{name}", "type": "DirectoryOrCreate"},
         "name": "pki"},
    ]
    volumes += [{"image": {"pullPolicy": "IfNotPresent", "reference": image}, "name": _volume_name(v)}
                for v, image in sorted(images.items(), key=lambda kv: tuple(int(x) for x in kv[0].split(".")))]
    volumes.append({"hostPath": {"path": f"/var/log/{cluster_flag}.log", "type": "FileOrCreate"},
                    "name": "varlogetcd"})

    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": {"k8s-app": f"etcd-manager-{name}"}, "name": f"etcd-manager-{name}",
                     "namespace": "kube-system"},
        "spec": {
            "containers": [{
                "args": ["--log-file=/var/log/etcd.log", "--also-stdout", "/ko-app/etcd-manager", *flags],
                "command": ["/go-runner"],
                "env": env,
                "image": manager.image or versions.ETCD_MANAGER_IMAGE,
                "name": "etcd-manager",
                "resources": {"requests": {"cpu": str(etcd.cpu_request or "200m"),
                                           "memory": str(etcd.memory_request or "100Mi")}},
                "securityContext": {"privileged": True},
                "volumeMounts": mounts,
            }],
            "hostNetwork": True,
            "hostPID": True,
            "priorityClassName": "system-cluster-critical",
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
            "volumes": volumes,
        },
        "status": {},
    }
