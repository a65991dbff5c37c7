"""Every file kops keeps under a cluster's config base, built from the completed spec.

Each file has kops's name (its Terraform label and data-file name, from ir/naming.py), its key
relative to the config base, its bytes, and whether it is secret (private keys: only ever
written to the state store, never into rendered output).
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.bootstrap import addons, etcd, kyaml, manifests, nodeupconfig
from kopsgen.bootstrap.context import ROLE_PATH, BootstrapContext
from kopsgen.bootstrap.passthrough import kops_document
from kopsgen.ir import naming
from kopsgen.spec import schema
from kopsgen.state import layout


@dataclass(frozen=True)
class StateFileContent:
    name: str          # kops's name for the file
    key: str           # relative to the config base
    content: bytes
    secret: bool = False


def completed_spec(ctx: BootstrapContext) -> bytes:
    # kopsgen's own fields are not part of kops's Cluster API, and what reads this file on the cluster
    # (kops-controller, kops tooling) may refuse fields it does not know: the schema says which they are
    return kyaml.dump_bytes(schema.without_extensions("Cluster", kops_document(ctx.spec.cluster)))


def build(ctx: BootstrapContext, nodeup_configs: dict[str, bytes]) -> list[StateFileContent]:
    """All files, in a stable order. `nodeup_configs` are the bytes each group's user data hashes."""
    files = [
        StateFileContent(naming.state_file_completed_spec(), layout.COMPLETED_SPEC, completed_spec(ctx)),
        StateFileContent(naming.state_file_kops_version(), layout.KOPS_VERSION, ctx.kops_version.encode()),
    ]
    for ig in ctx.groups_needing_bootstrap():
        files.append(StateFileContent(naming.state_file_nodeup_config(ig.name),
                                      f"igconfig/{ROLE_PATH[ig.role]}/{ig.name}/nodeupconfig.yaml",
                                      nodeup_configs[ig.name]))
    for cluster in ctx.spec.cluster.etcd_clusters:
        files.append(StateFileContent(naming.state_file_etcd_cluster_spec(cluster.name),
                                      etcd.control_file_relative(ctx, cluster), etcd.control_file(cluster)))
        for member in cluster.members:
            group = member.instance_group
            files.append(StateFileContent(naming.state_file_etcd_manifest(cluster.name, group),
                                          f"manifests/etcd/{cluster.name}-{group}.yaml",
                                          kyaml.dump_bytes(etcd.manifest(ctx, cluster, group))))
    if any(nodeupconfig.runs_api_server(ig) for ig in ctx.spec.instance_groups):
        files.append(StateFileContent(naming.state_file_static_manifest(nodeupconfig.HEALTHCHECK_MANIFEST_KEY),
                                      nodeupconfig.HEALTHCHECK_MANIFEST_PATH,
                                      kyaml.dump_bytes(manifests.healthcheck(ctx))))
    files.append(StateFileContent(naming.state_file_channels_manifest(), nodeupconfig.CHANNELS_MANIFEST_PATH,
                                  kyaml.dump_bytes(manifests.channels(ctx))))
    channel, addon_files = addons.build(ctx)
    files.append(StateFileContent(naming.state_file_bootstrap_channel(ctx.name), manifests.BOOTSTRAP_CHANNEL_PATH,
                                  channel))
    for addon in addon_files:
        files.append(StateFileContent(naming.state_file_addon(ctx.name, addon.name, addon.id),
                                      f"addons/{addon.manifest}", addon.content))
    for name in nodeupconfig.all_keyset_names(ctx):
        keyset = ctx.keys.get(name)
        files.append(StateFileContent(naming.state_file_keyset(name), f"pki/private/{name}/keyset.yaml",
                                      keyset.to_yaml(), secret=True))
    return files
