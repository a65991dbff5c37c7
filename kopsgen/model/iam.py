"""IAM, as kops lays it out: one role per instance-group role that has instance groups
(`masters.<cluster>`, `nodes.<cluster>`, `bastions.<cluster>`, `apiservers.<cluster>`), each with the EC2
trust policy, its inline policy (none when it would grant nothing, as for bastions), an instance
profile, the user's `externalPolicies` (attachments) and `additionalPolicies` (a second inline policy).

An instance group with `spec.iam.profile` uses that existing profile; a role whose groups all do gets
no IAM resources at all. `instance_profile()` tells the instance-group builder which profile a group
launches with.

With `serviceAccountIssuerDiscovery.enableAWSOIDCProvider` the cluster's OIDC provider is created, and
service accounts get their own roles (IRSA): those the user lists in
`iam.serviceAccountExternalPermissions`, the addons' when `iam.useServiceAccountExternalPermissions`
is set (their permissions then leave the control-plane role), and cert-manager's when it is given
hosted zones.
"""

from __future__ import annotations

from typing import Mapping, TypeVar

from kopsgen.errors import RenderError
from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, Ref
from kopsgen.ir.iam import (
    AwsAccount, IamInstanceProfile, IamOidcProvider, IamRole, IamRolePolicy, IamRolePolicyAttachment, PolicyDocument,
)
from kopsgen.model import iam_policies as policies
from kopsgen.model.context import ModelContext
from kopsgen.model.iam_policies import PolicyInputs, S3Path, ServiceAccount
from kopsgen.spec import api, service_accounts

T = TypeVar("T")

# the order roles are built in (only decides the order of graph insertion, not the output)
ROLES = (api.ROLE_CONTROL_PLANE, api.ROLE_API_SERVER, api.ROLE_NODE, api.ROLE_BASTION)

SERVICE_ACCOUNT_NAME_TAG = "service-account.kops.k8s.io/name"
SERVICE_ACCOUNT_NAMESPACE_TAG = "service-account.kops.k8s.io/namespace"
OIDC_AUDIENCE = "amazonaws.com"
# SHA-1 fingerprints of the root CAs of S3's certificates, which serve the discovery documents (kops's values)
OIDC_THUMBPRINTS = ("9e99a48a9960b14926bb7f3b02e22da2b0ab7280", "a9d53002e97e00e043244f3d170d6f4c414104fd")


# ---------------------------------------------------------------- for the instance-group builder


def instance_profile(ctx: ModelContext, ig: api.InstanceGroup) -> Link:
    """The instance profile an instance group launches with, as the name a launch template takes:
    `Ref(IamInstanceProfile, <role name>, "id")` for the profile kopsgen creates, or
    `External(<profile name>)` for the existing profile of `spec.iam.profile` (given as an ARN)."""
    if ig.iam_profile:
        return External(ig.iam_profile.rsplit("/", 1)[-1])
    return Ref(IamInstanceProfile, naming.iam_role(ig.role, ctx.name), "id")


# ---------------------------------------------------------------- builder


def build_iam(ctx: ModelContext) -> None:
    inputs = policy_inputs(ctx)
    _check_shared_profiles(ctx)
    managed = {ig.role for ig in ctx.spec.instance_groups if not ig.iam_profile}
    for role in ROLES:
        if role in managed:
            _instance_group_role(ctx, role, inputs)

    provider: Link = External("")
    issuer = service_account_issuer(ctx.cluster)
    if ctx.cluster.service_account_issuer_discovery.enable_aws_oidc_provider:
        provider = _oidc_provider(ctx, issuer)
    for account, document, policy_arns in _service_accounts(ctx, inputs):
        _service_account_role(ctx, account, document, policy_arns, provider, issuer)


def _check_shared_profiles(ctx: ModelContext) -> None:
    # kops refuses one existing profile for groups of different roles: its role would need both policies
    roles: dict[str, str] = {}
    for ig in ctx.spec.instance_groups:
        if ig.iam_profile:
            other = roles.setdefault(ig.iam_profile, ig.role)
            if other != ig.role:
                raise RenderError(f"instance group {ig.name}: IAM instance profile {ig.iam_profile} is also used by "
                                  f"{other} instance groups; one profile cannot serve two roles")


def _instance_group_role(ctx: ModelContext, ig_role: str, inputs: PolicyInputs) -> None:
    name = naming.iam_role(ig_role, ctx.name)
    role = ctx.graph.add(IamRole(name=name, assume_role_policy=policies.ec2_trust_policy(ctx.partition),
                                 permissions_boundary=ctx.cluster.iam.permissions_boundary,
                                 tags=ctx.tags(name)))
    role_name = role.ref("name")
    document = policies.role_policy(ig_role, inputs)
    if document is not None:
        ctx.graph.add(IamRolePolicy(name=name, role=role_name, policy=document))
    ctx.graph.add(IamInstanceProfile(name=name, role=role_name, tags=ctx.tags(name)))
    if ctx.cluster.ssm_access:   # a policy of its own: kops's inline policy stays exactly kops's
        ctx.graph.add(IamRolePolicy(name=naming.iam_ssm_policy(name), role=role_name,
                                    policy=policies.ssm_session_policy(ctx.cluster.region)))

    key = naming.iam_role_key(ig_role)
    for arn in sorted(set(_per_role(ctx.cluster.external_policies, key) or ())):
        ctx.graph.add(IamRolePolicyAttachment(
            name=naming.iam_policy_attachment(naming.iam_policy_override(ig_role), arn), role=role_name,
            policy_arn=arn))
    additional = _per_role(ctx.cluster.additional_policies, key)
    if additional:
        ctx.graph.add(IamRolePolicy(name=naming.iam_additional_policy(name), role=role_name,
                                    policy=_user_policy(additional, f"spec.additionalPolicies.{key}")))

    word = naming.iam_role_output(ig_role)
    ctx.graph.output(f"{word}_role_arn", role.ref("arn"))
    ctx.graph.output(f"{word}_role_name", role_name)


def _per_role(by_role: Mapping[str, T], key: str) -> T | None:
    """A role's entry of `externalPolicies`/`additionalPolicies`; the control plane's key is `master`
    or `control-plane` (kops accepts both)."""
    if key == "master":
        return by_role.get("control-plane") or by_role.get("master")
    return by_role.get(key)


def _user_policy(text: str, where: str) -> PolicyDocument:
    try:
        return policies.user_policy(policies.parse_statements(text))
    except ValueError as e:
        raise RenderError(f"{where}: {e}") from None


# ---------------------------------------------------------------- service accounts (IRSA)


def service_account_issuer(cluster: api.Cluster) -> str:
    """The service-account token issuer URL. The spec's defaults decide it (spec/defaults.py, as kops's
    discovery options builder does) and kube-apiserver gets the same value from the completed spec."""
    issuer = cluster.service_account_issuer
    if not issuer:
        raise RenderError("spec.kubeAPIServer.serviceAccountIssuer: no issuer URL (set it, or a "
                          "serviceAccountIssuerDiscovery.discoveryStore)")
    return issuer


def _oidc_provider(ctx: ModelContext, issuer: str) -> Ref:
    audiences = (OIDC_AUDIENCE, *ctx.cluster.service_account_issuer_discovery.additional_audiences)
    name = naming.oidc_provider(ctx.name)
    provider = ctx.graph.add(IamOidcProvider(name=name, url=issuer, client_ids=tuple(audiences),
                                             thumbprints=OIDC_THUMBPRINTS, tags=ctx.tags(name)))
    ctx.graph.output("iam_openid_connect_provider_arn", provider.ref("arn"))
    ctx.graph.output("iam_openid_connect_provider_issuer", issuer.split("://", 1)[-1])
    return provider.ref("arn")


def _service_accounts(ctx: ModelContext, inputs: PolicyInputs) -> list[tuple[ServiceAccount, PolicyDocument | None,
                                                                                tuple[str, ...]]]:
    """Every service account that gets its own role: (account, inline policy, managed policy ARNs)."""
    found: dict[ServiceAccount, tuple[PolicyDocument | None, tuple[str, ...]]] = {}
    for i, entry in enumerate(ctx.cluster.iam.service_account_external_permissions):
        account = ServiceAccount(entry.namespace, entry.name)
        inline = entry.inline_policy
        document = (_user_policy(inline, f"spec.iam.serviceAccountExternalPermissions[{i}].aws.inlinePolicy")
                    if inline else None)
        found[account] = (document, entry.policy_arns)
    for account in service_accounts.addon_service_accounts(ctx.cluster):
        found.setdefault(account, (policies.addon_policy(account, inputs), ()))
    return [(account, document, arns) for account, (document, arns) in found.items()]


def _service_account_role(ctx: ModelContext, account: ServiceAccount, document: PolicyDocument | None,
                          policy_arns: tuple[str, ...], provider: Link, issuer: str) -> None:
    name = naming.service_account_role(account.name, account.namespace, ctx.name)
    trust = policies.service_account_trust_policy(
        provider, issuer.split("://", 1)[-1], account.namespace, account.name,
        Ref(AwsAccount, naming.aws_account(), "account_id"), ctx.partition)
    if "account_id" in trust.tokens() and ctx.graph.find(AwsAccount, naming.aws_account()) is None:
        ctx.graph.add(AwsAccount(name=naming.aws_account()))
    tags = ctx.tags(name, {SERVICE_ACCOUNT_NAME_TAG: account.name,
                           SERVICE_ACCOUNT_NAMESPACE_TAG: account.namespace.replace("*", "wildcard")})
    role = ctx.graph.add(IamRole(name=name, assume_role_policy=trust,
                                 permissions_boundary=ctx.cluster.iam.permissions_boundary, tags=tags))
    if document is not None:
        ctx.graph.add(IamRolePolicy(name=name, role=role.ref("name"), policy=document))
    for arn in sorted(set(policy_arns)):
        ctx.graph.add(IamRolePolicyAttachment(name=naming.iam_policy_attachment(f"external-{name}", arn),
                                              role=role.ref("name"), policy_arn=arn))
    prefix = naming.service_account_output(account.name, account.namespace)
    ctx.graph.output(f"{prefix}_role_arn", role.ref("arn"))
    ctx.graph.output(f"{prefix}_role_name", role.ref("name"))


# ---------------------------------------------------------------- reading the spec


def policy_inputs(ctx: ModelContext) -> PolicyInputs:
    cluster = ctx.cluster
    networking = cluster.networking
    lbc = cluster.aws_load_balancer_controller
    return PolicyInputs(
        cluster=ctx.name, partition=ctx.partition, region=cluster.region,
        hosted_zone=ctx.hosted_zone(),
        state_roots=_state_roots(cluster),
        backup_stores=_backup_stores(cluster),
        external_permissions=service_accounts.external_permissions(cluster),
        snapshot_controller=cluster.snapshot_controller_enabled,
        nlb_security_groups_managed=cluster.nlb_security_group_mode == "Managed",
        kubenet=networking.uses("kubenet"),
        load_balancer_controller=((lbc.enable_waf, lbc.enable_wafv2, lbc.enable_shield) if lbc.enabled else None),
        autoscaler_static_instance_list=bool(cluster.cluster_autoscaler.aws_use_static_instance_list),
        nth_queue=cluster.nth_queue_mode,
        allow_container_registry=cluster.iam.allow_container_registry,
        ecr_pull_through=cluster.containerd.use_ecr_credentials_for_mirrors,
        amazon_vpc_cni=networking.uses("amazonvpc"),
        cilium_eni=networking.cilium.ipam == "eni",
        calico_src_dst_check=(networking.uses("calico") and not cluster.ipv6
                              and networking.calico.aws_src_dst_check != "DoNothing"),
        kube_router=networking.uses("kuberouter"),
        kindnet=networking.uses("kindnet"),
        ipv6_only=cluster.ipv6,
        encryption_config=cluster.encryption_config,
        nvidia_roles=_nvidia_roles(ctx),
        lifecycle_hook_roles=_lifecycle_hook_roles(ctx),
        cert_manager_zones=cluster.cert_manager_hosted_zone_ids,
    )


def _s3_path(url: str | None) -> S3Path | None:
    """An S3 location the instances can be granted access to; None for stores they cannot read (file://)."""
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    if scheme not in ("s3", "memfs"):
        return None
    bucket, _, key = rest.partition("/")
    return S3Path(bucket, key.strip("/"))


def _state_roots(cluster: api.Cluster) -> tuple[S3Path, ...]:
    """The config base, key store and secret store, without those inside another (one grant covers both)."""
    locations = []
    for url in (cluster.key_store, cluster.secret_store, cluster.config_base.url):
        path = _s3_path(url)
        if path is not None and path not in locations:
            locations.append(path)

    def inside(a: S3Path, b: S3Path) -> bool:
        return a != b and a.bucket == b.bucket and (not b.key or a.key.startswith(b.key + "/"))

    return tuple(sorted((a for a in locations if not any(inside(a, b) for b in locations)), key=lambda p: p.path))


def _backup_stores(cluster: api.Cluster) -> tuple[S3Path, ...]:
    """Where etcd-manager writes each etcd cluster's backups (kops's default: `<configBase>/backups/etcd/<name>`)."""
    stores: list[S3Path] = []
    for etcd in cluster.etcd_clusters:
        url = etcd.backup_store or f"{cluster.config_base.url.rstrip('/')}/backups/etcd/{etcd.name}"
        path = _s3_path(url)
        if path is not None and path not in stores:
            stores.append(path)
    return tuple(stores)


def _nvidia_roles(ctx: ModelContext) -> frozenset[str]:
    if ctx.cluster.containerd.nvidia_gpu_enabled:
        return frozenset(ROLES)
    return frozenset(ig.role for ig in ctx.spec.instance_groups if ig.containerd.nvidia_gpu_enabled)


def _lifecycle_hook_roles(ctx: ModelContext) -> frozenset[str]:
    """Roles with an instance group whose warm pool (its own, else the cluster's) has a lifecycle hook."""
    return frozenset(ig.role for ig in ctx.spec.instance_groups
                     if (pool := ctx.spec.warm_pool(ig)) is not None and pool.enable_lifecycle_hook)
