"""Every resource name and tag, decided in one place: kops's names, wherever kops has one.

A resource's name (kops's task name) is its identity in the graph; each target derives its own
address from it (render/terraform/naming.py: Terraform labels; render/cloudformation/naming.py:
logical IDs), so a team moving from kops keeps the same Terraform addresses.
"""

from __future__ import annotations

import base64

# ---------------------------------------------------------------- network


def vpc(cluster: str) -> str:
    return cluster


def dhcp_options(cluster: str) -> str:
    return cluster


def internet_gateway(cluster: str) -> str:
    return cluster


def egress_only_internet_gateway(cluster: str) -> str:
    return cluster


def public_route_table(cluster: str) -> str:
    return cluster


def private_route_table(zone: str, cluster: str) -> str:
    return f"private-{zone}.{cluster}"


def subnet(subnet_name: str, cluster: str) -> str:
    return f"{subnet_name}.{cluster}"


def route_table_association(subnet_name: str, cluster: str, private: bool) -> str:
    return f"private-{subnet_name}.{cluster}" if private else f"{subnet_name}.{cluster}"


def public_route(destination: str) -> str:
    return f"route-{destination}"


def private_route(zone: str, destination: str) -> str:
    return f"route-private-{zone}-{destination}"


def additional_route(subnet_name: str, destination: str) -> str:
    return f"route-{subnet_name}-{destination}"


def nat_gateway(zone: str, cluster: str) -> str:
    return f"{zone}.{cluster}"


def nat_eip(zone: str, cluster: str) -> str:
    return f"{zone}.{cluster}"


def vpc_cidr_association(cidr: str, cluster: str) -> str:
    return cidr


# ---------------------------------------------------------------- VPC hardening (kopsgen's, kops has none)
# One name for the flow log and everything that serves only it (its log group, whose AWS name it
# also is, its KMS key and its delivery role): `flow-logs.<cluster>`.

def flow_logs(cluster: str) -> str:
    return truncate_with_hash(f"flow-logs.{cluster}", IAM_ROLE_NAME_MAX)


def cluster_logs(cluster: str) -> str:
    """The log group Fluent Bit ships the cluster's container and node logs to (spec.kopsgen.addons.fluentBit),
    also the name of its KMS key and of the writers' inline policies: `cluster-logs.<cluster>`."""
    return truncate_with_hash(f"cluster-logs.{cluster}", IAM_ROLE_NAME_MAX)


def cluster_logs_policy(role_name: str) -> str:
    """The inline policy that lets a role's instances write the cluster's logs: `cluster-logs.<role name>`."""
    return f"cluster-logs.{role_name}"


def default_security_group(cluster: str) -> str:
    """The VPC's default security group, taken over to empty it: `default.<cluster>`."""
    return f"default.{cluster}"


# ---------------------------------------------------------------- firewall, load balancers, DNS, SSH key

def truncate_with_hash(s: str, max_length: int, *, always_add_hash: bool = False, hash_length: int = 6) -> str:
    """kops's name truncation: cut to fit `max_length` and append `-<hash>` (FNV-32a of the whole
    string, base32 "extended hex", lower case, first `hash_length` characters), so long names stay unique."""
    if not always_add_hash and len(s) <= max_length:
        return s
    h = 0x811C9DC5
    for byte in s.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    digest = base64.b32hexencode(h.to_bytes(4, "big")).decode().lower()[:hash_length]
    return f"{s[:max_length - len(digest) - 1]}-{digest}"


def aws_name32(prefix: str, cluster: str) -> str:
    """A name AWS accepts where 32 characters is the limit (load balancers, target groups)."""
    return truncate_with_hash(f"{prefix}-{cluster.replace('.', '-')}", 32, always_add_hash=True)


def security_group(role_prefix: str, cluster: str) -> str:
    """`masters.<cluster>`, `nodes.<cluster>`, `bastion.<cluster>`."""
    return f"{role_prefix}.{cluster}"


def load_balancer_security_group(lb_prefix: str, cluster: str) -> str:
    """`api-elb.<cluster>`, `bastion-elb.<cluster>`."""
    return f"{lb_prefix}-elb.{cluster}"


def override_security_group(group_id: str, role: str) -> str:
    """How kops names a `securityGroupOverride` group of a role in its rule names (`sg-123-Node`)."""
    return f"{group_id}-{role}"


def security_group_rule(source: str, direction: str, protocol: str, from_port: int, to_port: int,
                        target: str) -> str:
    """kops's generated rule name, `from-<source>-<direction>-<protocol>-<from>to<to>-<target>`.

    For ingress `source` is the peer and `target` the group; for egress it is the other way round."""
    return f"from-{source}-{direction}-{protocol}-{from_port}to{to_port}-{target}"


# Rules kops names by purpose rather than by their ends. `suffix` is "" for a role's own group
# and `-<sg-id>` for a securityGroupOverride group.

def nodeport_rule(protocol: str, cidr: str, suffix: str) -> str:
    return f"nodeport-{protocol}-external-to-node-{cidr}{suffix}"


def pmtu_rule(icmp_protocol: str, lb_word: str, cidr: str) -> str:
    """`icmp-pmtu-api-elb-<cidr>`, `icmpv6-pmtu-ssh-nlb-<cidr>`."""
    return f"{icmp_protocol}-pmtu-{lb_word}-{cidr}"


def api_lb_rule(purpose: str, suffix: str) -> str:
    """Rules between the API load balancer and the control plane or nodes, as kops names them."""
    return {
        "https-to-cp": f"https-elb-to-master{suffix}",
        "secondary-to-cp": f"tcp-api-cp{suffix}",
        "icmp-to-cp": f"icmp-pmtu-elb-to-cp{suffix}",
        "icmp-from-cp": f"icmp-pmtu-cp{suffix}-to-elb",
        "kops-controller-to-cp": f"kops-controller-elb-to-cp{suffix}",
        "etcd-cilium-to-cp": f"etcd-cilium-elb-to-cp{suffix}",
        "from-nodes": f"node{suffix}-to-elb",
    }[purpose]


def load_balancer(lb_prefix: str, cluster: str) -> str:
    """`api.<cluster>`, `bastion.<cluster>`: the identity (Terraform label, Name tag) of a load balancer."""
    return f"{lb_prefix}.{cluster}"


def target_group(tg_prefix: str, cluster: str) -> str:
    """`tcp-…`, `tls-…`, `kops-controller-…`, `bastion-…`: the AWS name, at most 32 characters."""
    return aws_name32(tg_prefix, cluster)


def listener(lb_prefix: str, cluster: str, port: int) -> str:
    return f"{load_balancer(lb_prefix, cluster)}-{port}"


def dns_record(record_name: str, record_type: str) -> str:
    """`api.<cluster>` for the A record, `api.<cluster>-AAAA` for the AAAA record."""
    return record_name if record_type == "A" else f"{record_name}-{record_type}"


def hosted_zone(zone_name: str) -> str:
    return zone_name


def zone_association(zone_name: str) -> str:
    """kops names the association after the zone: `internal.example.com` -> `internal-example-com`."""
    return zone_name.replace(".", "-")


def api_internal_dns_name(cluster: str) -> str:
    """kops always publishes the internal API name as `api.internal.<cluster>` (masterInternalName is unused)."""
    return f"api.internal.{cluster}"


def ssh_key_pair(cluster: str, fingerprint: str) -> str:
    """`kubernetes.<cluster>-<md5 fingerprint with colons>`: the EC2 key pair name."""
    return f"kubernetes.{cluster}-{fingerprint}"


# ---------------------------------------------------------------- state-store files (nodeup bootstrap)
# The names kops gives the files it writes under the config base (its ManagedFile task names);
# Terraform derives each file's label and data file name from it.

def state_file_completed_spec() -> str:
    return "cluster-completed.spec"


def state_file_kops_version() -> str:
    return "kops-version.txt"


def state_file_nodeup_config(ig: str) -> str:
    return f"nodeupconfig-{ig}"


def state_file_etcd_cluster_spec(etcd_cluster: str) -> str:
    return f"etcd-cluster-spec-{etcd_cluster}"


def state_file_etcd_manifest(etcd_cluster: str, ig: str) -> str:
    return f"manifests-etcdmanager-{etcd_cluster}-{ig}"


def state_file_static_manifest(key: str) -> str:
    return f"manifests-static-{key}"


def state_file_channels_manifest() -> str:
    return "manifests-channels-kops-channels"


def state_file_bootstrap_channel(cluster: str) -> str:
    return f"{cluster}-addons-bootstrap"


def state_file_addon(cluster: str, addon: str, addon_id: str | None) -> str:
    """`<cluster>-addons-<addon>-<id>`, or without `-<id>` for an addon that has none (limit-range)."""
    return f"{cluster}-addons-{addon}-{addon_id}" if addon_id else f"{cluster}-addons-{addon}"


def state_file_keyset(keyset: str) -> str:
    return f"pki-private-{keyset}"


# ---------------------------------------------------------------- IAM

IAM_ROLE_NAME_MAX = 64  # AWS's limit on role (and instance profile) names
# kops's plural word for the IAM role of each instance group role: `masters.<cluster>`, ...
_IAM_ROLE_WORDS = {"ControlPlane": "masters", "APIServer": "apiservers", "Node": "nodes", "Bastion": "bastions"}
# kops's key of a role in `externalPolicies`/`additionalPolicies` and in its policy-attachment names
_IAM_ROLE_KEYS = {"ControlPlane": "master", "APIServer": "apiserver", "Node": "node", "Bastion": "bastion"}


def iam_role(ig_role: str, cluster: str) -> str:
    """`masters.<cluster>`, `nodes.<cluster>`, `bastions.<cluster>`, `apiservers.<cluster>`: the name of the
    role, its inline policy and its instance profile."""
    return truncate_with_hash(f"{_IAM_ROLE_WORDS[ig_role]}.{cluster}", IAM_ROLE_NAME_MAX)


def iam_role_key(ig_role: str) -> str:
    """`master`, `node`, `bastion`, `apiserver`."""
    return _IAM_ROLE_KEYS[ig_role]


def iam_role_output(ig_role: str) -> str:
    """Prefix of the role's outputs: `masters` -> `masters_role_arn`, `masters_role_name`."""
    return _IAM_ROLE_WORDS[ig_role]


def iam_ssm_policy(role_name: str) -> str:
    """The inline policy that lets SSM Session Manager reach a role's instances: `ssm.<role name>`."""
    return f"ssm.{role_name}"


def iam_additional_policy(role_name: str) -> str:
    """The inline policy holding a role's `additionalPolicies`: `additional.<role name>`."""
    return f"additional.{role_name}"


def fnv32a(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def iam_policy_attachment(owner: str, policy_arn: str) -> str:
    """kops's name of a managed-policy attachment: `<owner>-<FNV-32a of the ARN, decimal>`, where owner is
    `master-policyoverride` (externalPolicies) or `external-<service account role>`."""
    return f"{owner}-{fnv32a(policy_arn)}"


def iam_policy_override(ig_role: str) -> str:
    return f"{iam_role_key(ig_role)}-policyoverride"


def service_account_role(sa_name: str, namespace: str, cluster: str) -> str:
    """`<name>.<namespace>.sa.<cluster>` (a `*` in the namespace reads `wildcard`), at most 64 characters."""
    return truncate_with_hash(f"{sa_name}.{namespace.replace('*', 'wildcard')}.sa.{cluster}", IAM_ROLE_NAME_MAX)


def service_account_output(sa_name: str, namespace: str) -> str:
    """Prefix of a service-account role's outputs: `kube-system-dns-controller` -> `..._role_arn`."""
    return f"{namespace}-{sa_name}".replace("*", "wildcard").lower()


def oidc_provider(cluster: str) -> str:
    return cluster


def aws_account() -> str:
    """The account the configuration is applied in (read at apply time, never at render time)."""
    return "current"


# ---------------------------------------------------------------- instance groups, etcd volumes, NTH queue

def autoscaling_group(ig_name: str, role: str, cluster: str) -> str:
    """`<ig>.masters.<cluster>` (control plane), `<ig>.apiservers.<cluster>`, else `<ig>.<cluster>`.
    The launch template carries the same name."""
    infix = {"ControlPlane": "masters.", "APIServer": "apiservers."}.get(role, "")
    return f"{ig_name}.{infix}{cluster}"


def launch_template(ig_name: str, role: str, cluster: str) -> str:
    return autoscaling_group(ig_name, role, cluster)


def nth_lifecycle_hook(ig_name: str) -> str:
    return f"{ig_name}-NTHLifecycleHook"


WARM_POOL_HOOK = "kops-warmpool"


def warm_pool_lifecycle_hook(ig_name: str) -> str:
    """The resource name of the warm-pool hook; the hook itself is called `kops-warmpool` in every group."""
    return f"{WARM_POOL_HOOK}-{ig_name}"


def etcd_volume(member: str, etcd_cluster: str, cluster: str) -> str:
    """`<member>.etcd-<main|events>.<cluster>`, e.g. `a.etcd-main.example.com`."""
    return f"{member}.etcd-{etcd_cluster}.{cluster}"


def nth_queue(cluster: str) -> str:
    """`<cluster with dashes>-nth`: SQS allows no dots and at most 80 characters."""
    return truncate_with_hash(cluster.replace(".", "-"), 75) + "-nth"


def nth_event_rule(cluster: str, event: str) -> str:
    """`<cluster, at most 40 characters>-<event>`, e.g. `example.com-SpotInterruption`."""
    return f"{truncate_with_hash(cluster, 40)}-{event}"


def nth_event_target(rule_name: str) -> str:
    return f"{rule_name}-Target"


def image_lookup(image: str) -> str:
    """The identity of a plan-time AMI lookup: the image as the spec writes it (one lookup per image)."""
    return image


# Tags of instance groups, as kops writes them for the cluster autoscaler, NTH and kops-controller.
ROLE_TAG_PREFIX = "k8s.io/role/"
INSTANCE_GROUP_TAG = "kops.k8s.io/instancegroup"
AUTOSCALER_LABEL_TAG_PREFIX = "k8s.io/cluster-autoscaler/node-template/label/"
AUTOSCALER_TAINT_TAG_PREFIX = "k8s.io/cluster-autoscaler/node-template/taint/"
ETCD_CLUSTER_TAG_PREFIX = "k8s.io/etcd/"
NTH_MANAGED_TAG = "aws-node-termination-handler/managed"


def role_tags(role: str) -> dict[str, str]:
    """`k8s.io/role/<role>` = 1; control-plane instances carry the old `master` tag too."""
    if role == "ControlPlane":
        return {f"{ROLE_TAG_PREFIX}master": "1", f"{ROLE_TAG_PREFIX}control-plane": "1"}
    return {f"{ROLE_TAG_PREFIX}{role.lower()}": "1"}


# ---------------------------------------------------------------- tags

CLUSTER_TAG = "KubernetesCluster"
NAME_TAG = "Name"


def cluster_owned_tag(cluster: str) -> str:
    return f"kubernetes.io/cluster/{cluster}"


def owned_tags(cluster: str, name: str, cloud_labels: dict[str, str] | None = None,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """Tags of a resource this cluster owns: the spec's cloudLabels, then kops's own tags, then extras."""
    tags = dict(cloud_labels or {})
    tags[CLUSTER_TAG] = cluster
    tags[NAME_TAG] = name
    tags[cluster_owned_tag(cluster)] = "owned"
    if extra:
        tags.update(extra)
    return tags
