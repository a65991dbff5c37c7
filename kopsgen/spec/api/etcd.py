"""`spec.etcdClusters`: each etcd cluster, its members' volumes and its etcd-manager's settings."""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.spec.api.fields import kops_settings, value_at


@dataclass(frozen=True)
class EtcdManager:
    """`etcdClusters[].manager`."""

    image: str | None = None
    log_level: int | None = None
    backup_interval: str | None = None
    discovery_poll_interval: str | None = None
    backup_retention_days: int | None = None
    env: tuple[dict, ...] | None = None          # {name, value}


@dataclass(frozen=True)
class EtcdMember:
    name: str
    instance_group: str
    volume_type: str
    volume_size: int
    volume_iops: int | None
    volume_throughput: int | None
    encrypted: bool
    kms_key_id: str | None


@dataclass(frozen=True)
class EtcdCluster:
    name: str
    members: tuple[EtcdMember, ...]
    backup_store: str | None = None       # backups.backupStore (None: kops's <configBase>/backups/etcd/<name>)
    version: str | None = None            # etcd's version (None: kopsgen's default)
    image: str | None = None              # one etcd image instead of etcd-manager's bundled versions
    cpu_request: str | None = None
    memory_request: str | None = None
    manager: EtcdManager = EtcdManager()

    @staticmethod
    def from_dict(d: dict) -> "EtcdCluster":
        members = tuple(
            EtcdMember(
                name=m["name"], instance_group=m["instanceGroup"], volume_type=m.get("volumeType", "gp3"),
                volume_size=m.get("volumeSize", 20), volume_iops=m.get("volumeIops"),
                volume_throughput=m.get("volumeThroughput"), encrypted=bool(m.get("encryptedVolume", False)),
                kms_key_id=m.get("kmsKeyId"),
            )
            for m in d.get("etcdMembers") or ()
        )
        return EtcdCluster(d["name"], members, backup_store=value_at(d, "backups", "backupStore") or None,
                           version=str(d["version"]) if d.get("version") else None, image=d.get("image") or None,
                           cpu_request=d.get("cpuRequest"), memory_request=d.get("memoryRequest"),
                           manager=kops_settings(EtcdManager, d.get("manager")))
