"""Where each object of a cluster lives inside a state store, laid out the way kops lays it out.

One function per kind of object, so that no other module spells a key. For a cluster named
`c`, relative to the store's root (`s3://bucket/prefix` or `file:///dir`):

    c/config                                     the Cluster, as YAML
    c/instancegroup/<ig>                         each InstanceGroup, as YAML
    c/cluster-completed.spec                     the Cluster with every default filled in
    c/kops-version.txt                           the version that last wrote the cluster
    c/pki/private/<keyset>/keyset.yaml           CA keysets (private keys: secret)
    c/pki/ssh/public/admin/<fingerprint>         the admin SSH public key
    c/secrets/<name>                             secrets (secret)
    c/igconfig/<role>/<ig>/nodeupconfig.yaml     nodeup configuration of each instance group
    c/addons/..., c/manifests/..., c/backups/...,
    c/clusteraddons/...                          addon, static-pod and etcd files
    c/kopsgen/last-render/<target>.json          what `kopsgen update cluster --yes` last wrote (kopsgen's own)
    c/cloudformation/<template>                  templates `render --target cloudformation --upload-templates`
                                                 puts in an s3:// config base (kopsgen's own)
"""

from __future__ import annotations

import re

from kopsgen.errors import UsageError

CONFIG = "config"
COMPLETED_SPEC = "cluster-completed.spec"
KOPS_VERSION = "kops-version.txt"
INSTANCE_GROUP_DIR = "instancegroup"
SSH_PUBLIC_KEY_DIR = "pki/ssh/public/admin"
CLOUDFORMATION_TEMPLATE_DIR = "cloudformation"   # inside the config base, which is usually the cluster's folder

# What may be found under a cluster's folder. Deleting a cluster refuses anything else, so that a
# wrong name (or a store shared with something else) never loses files we did not write.
KNOWN_FILES = (CONFIG, "cluster.spec", COMPLETED_SPEC, KOPS_VERSION)
KNOWN_FOLDERS = ("addons", "backups", CLOUDFORMATION_TEMPLATE_DIR, "clusteraddons", "igconfig", INSTANCE_GROUP_DIR,
                 "kopsgen", "manifests", "pki", "secrets")

# Objects holding private material: mode 0600 on disk, server-side encryption on S3.
SECRET_FOLDERS = ("pki/private/", "secrets/")

# A cluster name is a DNS name (kops requires one); an instance group name is a DNS label or a
# dotted name (kops accepts both). Keeping them to this alphabet keeps keys safe on every backend.
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def check_name(what: str, name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > 253:
        raise UsageError(f"{what} name {name!r} is not a valid DNS name (lowercase letters, digits, '-' and '.')")
    return name


def cluster_folder(cluster: str) -> str:
    return check_name("cluster", cluster)


def config_key(cluster: str) -> str:
    return f"{cluster_folder(cluster)}/{CONFIG}"


def instance_group_folder(cluster: str) -> str:
    return f"{cluster_folder(cluster)}/{INSTANCE_GROUP_DIR}"


def instance_group_key(cluster: str, ig: str) -> str:
    return f"{instance_group_folder(cluster)}/{check_name('instance group', ig)}"


def completed_spec_key(cluster: str) -> str:
    return f"{cluster_folder(cluster)}/{COMPLETED_SPEC}"


def kops_version_key(cluster: str) -> str:
    return f"{cluster_folder(cluster)}/{KOPS_VERSION}"


def ssh_public_key_folder(cluster: str) -> str:
    return f"{cluster_folder(cluster)}/{SSH_PUBLIC_KEY_DIR}"


def ssh_public_key_key(cluster: str, fingerprint: str) -> str:
    """kops names the file after the key's MD5 fingerprint (`aa:bb:...`), without the colons."""
    return f"{ssh_public_key_folder(cluster)}/{fingerprint.replace(':', '')}"


def keyset_key(cluster: str, name: str) -> str:
    return f"{cluster_folder(cluster)}/pki/private/{check_name('keyset', name)}/keyset.yaml"


def secret_key(cluster: str, name: str) -> str:
    return f"{cluster_folder(cluster)}/secrets/{check_name('secret', name)}"


def nodeup_config_key(cluster: str, role: str, ig: str) -> str:
    """`role` as kops spells it in this path: control-plane, node, bastion, apiserver."""
    return f"{cluster_folder(cluster)}/igconfig/{role}/{check_name('instance group', ig)}/nodeupconfig.yaml"


def last_render_key(cluster: str, target: str) -> str:
    """kopsgen's record of the last render written for `target` (kops has no such object)."""
    return f"{cluster_folder(cluster)}/kopsgen/last-render/{check_name('target', target)}.json"


def is_secret(key: str) -> bool:
    """True for keys that hold private material (`<cluster>/pki/private/...`, `<cluster>/secrets/...`)."""
    _, _, inside = key.partition("/")
    return inside.startswith(SECRET_FOLDERS)


def is_known(relative: str) -> bool:
    """Whether `relative` (a key relative to the cluster folder) is something kops or kopsgen keeps there."""
    return relative in KNOWN_FILES or relative.split("/", 1)[0] in KNOWN_FOLDERS and "/" in relative
