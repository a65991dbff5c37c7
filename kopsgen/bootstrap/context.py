"""What every bootstrap file is made from: the completed spec, the config base, the kops release
and the cluster's keysets. One BootstrapContext per render; everything derived is cached on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kopsgen.bootstrap import filerepository
from kopsgen.bootstrap.configbase import ConfigBase
from kopsgen.bootstrap.pki import KeyStore
from kopsgen.bootstrap.releases import KopsRelease, kops_version, release
from kopsgen.errors import RenderError
from kopsgen.spec.api import ROLE_API_SERVER, ROLE_BASTION, ROLE_CONTROL_PLANE, ROLE_NODE, ClusterSpec, InstanceGroup

# How kops spells a role in lower case (igconfig/<role>/<group>/nodeupconfig.yaml).
ROLE_PATH = {ROLE_CONTROL_PLANE: "control-plane", ROLE_NODE: "node", ROLE_BASTION: "bastion",
             ROLE_API_SERVER: "apiserver"}


@dataclass
class BootstrapContext:
    spec: ClusterSpec
    keys: KeyStore
    config_base: ConfigBase = field(init=False)
    release: KopsRelease = field(init=False)
    file_repository: str | None = field(init=False)   # spec.assets.fileRepository (downloads' mirror)

    def __post_init__(self) -> None:
        cluster = self.spec.cluster
        self.config_base = ConfigBase.parse(cluster.config_base.url)
        self.file_repository = filerepository.of(cluster.file_repository)
        self.release = filerepository.release(release(kops_version(cluster.kops_version)), self.file_repository)

    @property
    def name(self) -> str:
        return self.spec.cluster.name

    @property
    def kops_version(self) -> str:
        return self.release.version

    @property
    def kubernetes_version(self) -> str:
        """`1.32.0` (kops writes it without the `v`)."""
        return str(self.spec.cluster.kubernetes_version or "").removeprefix("v")

    @property
    def kubernetes_minor(self) -> int:
        m = re.match(r"^(\d+)\.(\d+)", self.kubernetes_version)
        if not m:
            raise RenderError(f"spec.kubernetesVersion: {self.kubernetes_version!r} is not a version like 1.32.0")
        return int(m.group(2))

    def cni(self) -> str:
        """The networking provider's kops name (`cni`, `calico`, `amazonvpc`, `cilium`, ...)."""
        return self.spec.cluster.networking.kind

    @property
    def uses_none_dns(self) -> bool:
        return self.spec.cluster.uses_none_dns

    def groups_needing_bootstrap(self) -> tuple[InstanceGroup, ...]:
        """Groups that get a nodeup config: all but bastions without additional user data (kops
        writes nothing for those)."""
        return tuple(ig for ig in self.spec.instance_groups if not ig.is_bastion or ig.additional_user_data)
