"""The IAM policy documents of the cluster's roles, built with awacs and scoped as kops scopes them.

A `Policy` collects statements the way kops's policy builder does: explicit statements (scoped to
ARNs or guarded by conditions) in the order they are added, then the actions that only work on `*`
merged into a few shared statements at the end: KMS through AWS services, read-only (`Describe*`)
calls, mutating calls allowed only on resources tagged `KubernetesCluster=<cluster>`, and create calls
allowed only when the request tags the new resource with it. Actions and resources are sorted and
identical statements are written once, so the JSON is deterministic and equals kops's document as a
set of statements.

The permission groups below (`etcd_manager`, `ccm`, `ebs_csi`, ...) each grant what one component
calls; `control_plane_policy`, `api_server_policy` and `node_policy` combine them per instance-group
role, and `service_account_policies` per addon when addons use their own (IRSA) roles.

Which state store gets S3 permissions:
- `s3://bucket/prefix`: read on the cluster's prefix, write on the etcd backup prefixes, and the bucket
  calls (GetBucketLocation, ListBucket, ...) on the bucket, as kops grants them;
- `memfs://bucket/prefix` (kops's in-memory test store, used by kops's reference cases) is read as
  `s3://bucket/prefix`, so those cases get comparable statements (kops's own tests write the placeholder
  buckets `placeholder-read-bucket/<location>` and `placeholder-write-bucket/<location>` instead);
- `file://` and any other store: no S3 statement at all. Instances cannot read a directory on the
  machine that rendered the cluster, so granting S3 access to some bucket would only widen the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from awacs import (
    acm, autoscaling, cognito_idp, ec2, ecr, elasticloadbalancing as elb, iam, kms, route53, s3, shield, sqs, ssm,
    ssmmessages, sts, waf_regional, wafv2,
)
from awacs.aws import (
    Action, Allow, Bool, Condition, ConditionElement, ForAllValuesStringEquals, ForAllValuesStringLike, Null,
    PolicyDocument, Principal, Statement, StringEquals, StringLike,
)

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link
from kopsgen.ir.iam import PolicyDocument as PolicyDocumentIR
from kopsgen.ir.iam import link_token
from kopsgen.spec import iam_statements
from kopsgen.spec.api import ROLE_API_SERVER, ROLE_CONTROL_PLANE, ROLE_NODE
from kopsgen.spec.service_accounts import (  # noqa: F401  (the addons' accounts; iam.py reads them from here)
    CERT_MANAGER, CLOUD_CONTROLLER_MANAGER, CLUSTER_AUTOSCALER, DNS_CONTROLLER, EBS_CSI_DRIVER, EXTERNAL_DNS,
    FLUENT_BIT, KUBE_ROUTER, LOAD_BALANCER_CONTROLLER, NODE_TERMINATION_HANDLER, ServiceAccount,
)

VERSION = "2012-10-17"
CLUSTER_TAG = "KubernetesCluster"
RESOURCE_TAG = f"aws:ResourceTag/{CLUSTER_TAG}"
REQUEST_TAG = f"aws:RequestTag/{CLUSTER_TAG}"
CONTROL_PLANE_VOLUME_TAG = "aws:ResourceTag/k8s.io/role/master"
ELB_SERVICE_LINKED_ROLE = ("arn:{partition}:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/"
                           "AWSServiceRoleForElasticLoadBalancing")


def ec2_service_principal(partition: str) -> str:
    """The service principal EC2 instances assume roles as (`ec2.amazonaws.com`, `.com.cn` in China)."""
    return {"aws-cn": "ec2.amazonaws.com.cn", "aws-iso": "ec2.c2s.ic.gov",
            "aws-iso-b": "ec2.sc2s.sgov.gov"}.get(partition, "ec2.amazonaws.com")


def _actions(actions: Iterable[Action]) -> list[Action]:
    unique = {a.JSONrepr(): a for a in actions}
    return [unique[k] for k in sorted(unique)]


class Policy:
    """One policy document being built (see the module docstring for how statements are merged)."""

    def __init__(self, cluster: str, partition: str, region: str) -> None:
        self.cluster = cluster
        self.partition = partition
        self.region = region
        self._statements: list[Statement] = []
        self._unconditional: list[Action] = []
        self._cluster_tagged: list[Action] = []
        self._cluster_tagged_create: list[Action] = []
        self._kms_via_service: list[Action] = []
        self._kms_grant = False
        self._links: dict[str, Link] = {}

    # -- building blocks

    def arn(self, service: str, resource: str, region: str = "", account: str = "") -> str:
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    def link(self, name: str, link: Link) -> str:
        """The text to embed for a value that may only be known at apply time."""
        if isinstance(link, External):
            return link.id
        self._links[name] = link
        return link_token(name)

    def allow(self, actions: Iterable[Action], resources: Iterable[str],
              conditions: Iterable[ConditionElement] = ()) -> None:
        kwargs: dict = {"Effect": Allow, "Action": _actions(actions), "Resource": sorted(set(resources))}
        conditions = list(conditions)
        if conditions:
            kwargs["Condition"] = Condition(conditions)
        self._statements.append(Statement(**kwargs))

    def add_statements(self, statements: Iterable[Statement]) -> None:
        """Statements written by the user (additionalPolicies, serviceAccountExternalPermissions), as given."""
        self._statements.extend(statements)

    def unconditional(self, *actions: Action) -> None:
        """Calls that only work on `*` (reads, and the few writes AWS cannot scope)."""
        self._unconditional.extend(actions)

    def cluster_tagged(self, *actions: Action) -> None:
        """Calls allowed on any resource tagged as this cluster's."""
        self._cluster_tagged.extend(actions)

    def cluster_tagged_create(self, *actions: Action) -> None:
        """Creates allowed only when the request tags the new resource as this cluster's."""
        self._cluster_tagged_create.extend(actions)

    def ec2_create_with_tags(self, create_actions: list[str], resource_types: list[str]) -> None:
        """EC2 creates that tag on creation: the create itself, tagging at creation (only with the cluster
        tag, only from those creates) and re-tagging later without changing the cluster tag."""
        self.cluster_tagged_create(*(ec2.Action(a) for a in create_actions))
        resources = [self.arn("ec2", f"{t}/*", "*", "*") for t in resource_types]
        self.allow([ec2.CreateTags], resources,
                   [StringEquals({REQUEST_TAG: self.cluster, "ec2:CreateAction": list(create_actions)})])
        self.allow([ec2.CreateTags, ec2.DeleteTags], resources,
                   [Null({REQUEST_TAG: "true"}), StringEquals({RESOURCE_TAG: self.cluster})])

    def kms(self, bypass_via_service: bool) -> None:
        """Customer-managed KMS keys (EBS, state-store SSE-KMS): grants only for AWS resources, and data
        calls only through EC2 in this region or S3, unless a kms-plugin calls KMS directly."""
        self._kms_grant = True
        data = [kms.Decrypt, kms.DescribeKey, kms.Encrypt, kms.Action("GenerateDataKey*"), kms.Action("ReEncrypt*")]
        if bypass_via_service:
            self.unconditional(*data)
        else:
            self._kms_via_service.extend(data)

    # -- result

    def statements(self) -> list[Statement]:
        statements = list(self._statements)
        everything = ["*"]
        if self._kms_grant:
            statements.append(Statement(Effect=Allow, Action=[kms.CreateGrant], Resource=everything,
                                        Condition=Condition(Bool({"kms:GrantIsForAWSResource": "true"}))))
        if self._kms_via_service:
            statements.append(Statement(
                Effect=Allow, Action=_actions(self._kms_via_service), Resource=everything,
                Condition=Condition(StringLike({"kms:ViaService": [f"ec2.{self.region}.amazonaws.com",
                                                                   "s3.*.amazonaws.com"]}))))
        if self._unconditional:
            statements.append(Statement(Effect=Allow, Action=_actions(self._unconditional), Resource=everything))
        if self._cluster_tagged:
            statements.append(Statement(Effect=Allow, Action=_actions(self._cluster_tagged), Resource=everything,
                                        Condition=Condition(StringEquals({RESOURCE_TAG: self.cluster}))))
        if self._cluster_tagged_create:
            statements.append(Statement(Effect=Allow, Action=_actions(self._cluster_tagged_create),
                                        Resource=everything,
                                        Condition=Condition(StringEquals({REQUEST_TAG: self.cluster}))))
            if any(a.JSONrepr() == "ec2:CreateSecurityGroup" for a in self._cluster_tagged_create):
                # a VPC carries no request tag; security groups may be created in any VPC
                statements.append(Statement(Effect=Allow, Action=[ec2.CreateSecurityGroup],
                                            Resource=[self.arn("ec2", "vpc/*", "*", "*")]))
        unique: dict[str, Statement] = {}
        for statement in statements:
            unique.setdefault(statement.to_json(), statement)
        return list(unique.values())

    def document(self) -> PolicyDocumentIR | None:
        """The finished document, or None when it grants nothing (then no inline policy is created)."""
        statements = self.statements()
        if not statements:
            return None
        return to_document(PolicyDocument(Version=VERSION, Statement=statements), self._links)


def to_document(document: PolicyDocument, links: dict[str, Link] | None = None) -> PolicyDocumentIR:
    """The canonical JSON of an awacs document (sorted keys, 2-space indent, as kops indents)."""
    return PolicyDocumentIR(json=document.to_json(indent=2, sort_keys=True),
                            links=tuple(sorted((links or {}).items())))


# ---------------------------------------------------------------- trust policies


def ec2_trust_policy(partition: str) -> PolicyDocumentIR:
    return to_document(PolicyDocument(Version=VERSION, Statement=[Statement(
        Effect=Allow, Principal=Principal("Service", ec2_service_principal(partition)), Action=[sts.AssumeRole])]))


def service_account_trust_policy(provider_arn: Link, issuer_host: str, namespace: str, name: str,
                                 account: Link, partition: str) -> PolicyDocumentIR:
    """Web-identity trust for one Kubernetes service account. `provider_arn` is the OIDC provider's
    ARN when kopsgen creates it; otherwise (External("")) the ARN is built from the account ID."""
    links: dict[str, Link] = {}
    if isinstance(provider_arn, External) and provider_arn.id:
        federated = provider_arn.id
    elif isinstance(provider_arn, External):
        account_id = account.id if isinstance(account, External) else link_token("account_id")
        if not isinstance(account, External):
            links["account_id"] = account
        federated = f"arn:{partition}:iam::{account_id}:oidc-provider/{issuer_host}"
    else:
        links["oidc_provider_arn"] = provider_arn
        federated = link_token("oidc_provider_arn")
    # a wildcard namespace matches with StringLike; the name itself never holds one (validation)
    operator = StringLike if "*" in namespace else StringEquals
    statement = Statement(Effect=Allow, Principal=Principal("Federated", federated),
                          Action=[sts.AssumeRoleWithWebIdentity],
                          Condition=Condition(operator({f"{issuer_host}:sub":
                                                        f"system:serviceaccount:{namespace}:{name}"})))
    return to_document(PolicyDocument(Version=VERSION, Statement=[statement]), links)


# ---------------------------------------------------------------- user-written statements


class _Operator(ConditionElement):
    """A condition operator by name, for operators in user-written statements."""

    condition = ""

    def __init__(self, operator: str, values: dict) -> None:
        super().__init__(values)
        self.condition = operator  # type: ignore[misc]


def _action(text: str) -> Action:
    prefix, _, name = text.partition(":")
    return Action(prefix, name or None)


def parse_statements(text: str) -> list[Statement]:
    """A user-written JSON list of IAM statements (kops's `additionalPolicies` and inline policy format)
    as awacs statements; ValueError with a readable message when it is not one. The parsing and its
    rules are the spec layer's (validation reports the same problems at the field)."""
    return [_user_statement(s) for s in iam_statements.parse_statements(text)]


def _user_statement(s: iam_statements.UserStatement) -> Statement:
    kwargs: dict = {"Effect": s.effect}
    if s.sid is not None:
        kwargs["Sid"] = s.sid
    if s.action is not None:
        kwargs["Action"] = [_action(a) for a in s.action]
    if s.not_action is not None:
        kwargs["NotAction"] = [_action(a) for a in s.not_action]
    if s.resource is not None:
        kwargs["Resource"] = list(s.resource)
    if s.not_resource is not None:
        kwargs["NotResource"] = list(s.not_resource)
    if s.condition is not None:
        kwargs["Condition"] = Condition([_Operator(op, values) for op, values in sorted(s.condition.items())])
    return Statement(**kwargs)


def user_policy(statements: list[Statement]) -> PolicyDocumentIR:
    return to_document(PolicyDocument(Version=VERSION, Statement=statements))


# ---------------------------------------------------------------- what the policies depend on


@dataclass(frozen=True)
class S3Path:
    bucket: str
    key: str  # without leading or trailing "/"; "" for the whole bucket

    @property
    def path(self) -> str:
        return f"{self.bucket}/{self.key}" if self.key else self.bucket


@dataclass(frozen=True)
class PolicyInputs:
    """Everything about the cluster that changes a role's permissions, read from the spec once
    (model/iam.py) so that the policies below read no spec syntax."""

    cluster: str
    partition: str
    region: str
    hosted_zone: Link | None = None           # zone the control plane (dns-controller) writes into
    state_roots: tuple[S3Path, ...] = ()      # readable by the control plane (config base, keys, secrets)
    backup_stores: tuple[S3Path, ...] = ()    # writable by etcd-manager
    external_permissions: bool = False        # addons use their own roles (iam.useServiceAccountExternalPermissions)
    snapshot_controller: bool = False
    nlb_security_groups_managed: bool = False
    kubenet: bool = False                     # the cloud controller manager writes routes
    load_balancer_controller: tuple[bool, bool, bool] | None = None   # (WAF, WAFv2, Shield) when enabled
    autoscaler_static_instance_list: bool = False
    nth_queue: bool = False                   # node-termination-handler in SQS queue mode
    allow_container_registry: bool = False
    ecr_pull_through: bool = False
    amazon_vpc_cni: bool = False
    cilium_eni: bool = False
    calico_src_dst_check: bool = False
    kube_router: bool = False
    kindnet: bool = False
    ipv6_only: bool = False                   # kops-controller assigns the nodes' IPv6 prefixes
    encryption_config: bool = False           # kube-apiserver's kms-plugin calls KMS directly
    nvidia_roles: frozenset[str] = field(default_factory=frozenset)          # roles with GPU instance groups
    lifecycle_hook_roles: frozenset[str] = field(default_factory=frozenset)  # roles with warm-pool hooks
    cert_manager_zones: tuple[str, ...] = ()

    def new_policy(self) -> Policy:
        return Policy(self.cluster, self.partition, self.region)


# ---------------------------------------------------------------- permission groups


def etcd_manager(p: Policy) -> None:
    """Finds its volumes and attaches only control-plane volumes of this cluster."""
    p.unconditional(ec2.DescribeInstances, ec2.DescribeVolumes)
    p.allow([ec2.AttachVolume], ["*"], [StringEquals({CONTROL_PLANE_VOLUME_TAG: "1", RESOURCE_TAG: p.cluster})])


def kops_controller(p: Policy, ipam: bool) -> None:
    """Verifies and labels joining nodes; with IPv6 it also hands out their prefixes."""
    p.unconditional(ec2.DescribeInstances)
    if ipam:
        p.unconditional(ec2.DescribeNetworkInterfaces)


def nodeup(p: Policy, inputs: PolicyInputs, role: str) -> None:
    if role in inputs.lifecycle_hook_roles:
        p.cluster_tagged(autoscaling.CompleteLifecycleAction)
        p.unconditional(autoscaling.DescribeLifecycleHooks)
    # GPU detection, and max-pods for ENI-based pod networking
    if role in inputs.nvidia_roles or inputs.amazon_vpc_cni or inputs.cilium_eni:
        p.unconditional(ec2.DescribeInstanceTypes)
    if inputs.ipv6_only:
        p.unconditional(ec2.AssignIpv6Addresses)


def state_store(p: Policy, roots: Iterable[S3Path], backups: Iterable[S3Path]) -> None:
    buckets = set()
    for root in sorted(roots, key=lambda r: r.path):
        p.allow([s3.Action("Get*")], [p.arn("s3", f"{root.path}/*")])
        buckets.add(root.bucket)
    for backup in backups:
        p.allow([s3.GetObject, s3.DeleteObject, s3.DeleteObjectVersion, s3.PutObject],
                [p.arn("s3", f"{backup.path}/*")])
        buckets.add(backup.bucket)
    for bucket in sorted(buckets):
        p.allow([s3.GetBucketLocation, s3.GetEncryptionConfiguration, s3.ListBucket, s3.ListBucketVersions],
                [p.arn("s3", bucket)])


def dns_controller(p: Policy, zone: Link | None) -> None:
    """Writes the cluster's records into its one hosted zone."""
    if zone is None:
        return
    zone_id = p.link("hosted_zone_id", zone)
    p.allow([route53.ChangeResourceRecordSets, route53.ListResourceRecordSets, route53.GetHostedZone],
            [p.arn("route53", f"hostedzone/{zone_id}")])
    p.allow([route53.GetChange], [p.arn("route53", "change/*")])
    p.allow([route53.ListHostedZones, route53.ListTagsForResource], ["*"])


def ebs_csi(p: Policy, snapshots: bool) -> None:
    p.kms(bypass_via_service=False)
    if snapshots:
        snapshot_controller(p)
    p.unconditional(ec2.DescribeAvailabilityZones, ec2.DescribeInstances, ec2.DescribeInstanceTypes,
                    ec2.DescribeTags, ec2.DescribeVolumes, ec2.DescribeVolumesModifications,
                    ec2.DescribeVolumeStatus)
    p.cluster_tagged(ec2.AttachVolume, ec2.DeleteVolume, ec2.DetachVolume, ec2.ModifyVolume)
    p.ec2_create_with_tags(["CopyVolumes", "CreateVolume"], ["volume", "snapshot"])


def snapshot_controller(p: Policy) -> None:
    p.unconditional(ec2.CreateSnapshot, ec2.DescribeAvailabilityZones, ec2.DescribeSnapshots)
    p.cluster_tagged(ec2.DeleteSnapshot, ec2.EnableFastSnapshotRestores)
    p.ec2_create_with_tags(["CreateSnapshot"], ["volume", "snapshot"])
    p.allow([ec2.CreateVolume], [p.arn("ec2", "snapshot/*", "*", "*")],
            [StringEquals({RESOURCE_TAG: p.cluster})])


def cloud_controller_manager(p: Policy, cloud_routes: bool, nlb_security_groups: bool) -> None:
    p.unconditional(
        autoscaling.DescribeAutoScalingGroups, autoscaling.DescribeTags,
        ec2.DescribeInstances, ec2.DescribeRegions, ec2.DescribeAvailabilityZones, ec2.DescribeRouteTables,
        ec2.DescribeSecurityGroups, ec2.DescribeSubnets, ec2.DescribeVpcs, ec2.DescribeInstanceTopology,
        elb.DescribeLoadBalancers, elb.DescribeLoadBalancerAttributes, elb.DescribeListeners,
        elb.DescribeLoadBalancerPolicies, elb.DescribeTargetGroups, elb.DescribeTargetGroupAttributes,
        elb.DescribeTargetHealth, kms.DescribeKey)
    # kops grants this on `*`; the controller only ever creates the load balancers' service-linked role
    # (a deliberate difference: least privilege)
    p.allow([iam.CreateServiceLinkedRole], [ELB_SERVICE_LINKED_ROLE.format(partition=p.partition)])
    p.cluster_tagged(
        ec2.ModifyInstanceAttribute, ec2.AuthorizeSecurityGroupIngress, ec2.DeleteSecurityGroup,
        ec2.RevokeSecurityGroupIngress,
        elb.AttachLoadBalancerToSubnets, elb.ApplySecurityGroupsToLoadBalancer, elb.CreateLoadBalancerListeners,
        elb.CreateLoadBalancerPolicy, elb.ConfigureHealthCheck, elb.DeleteLoadBalancer,
        elb.DeleteLoadBalancerListeners, elb.DetachLoadBalancerFromSubnets,
        elb.DeregisterInstancesFromLoadBalancer, elb.ModifyLoadBalancerAttributes,
        elb.RegisterInstancesWithLoadBalancer, elb.SetLoadBalancerPoliciesForBackendServer, elb.AddTags,
        elb.DeleteListener, elb.DeleteTargetGroup, elb.ModifyListener, elb.ModifyTargetGroup,
        elb.ModifyTargetGroupAttributes, elb.RegisterTargets, elb.DeregisterTargets,
        elb.SetLoadBalancerPoliciesOfListener)
    if nlb_security_groups:
        p.cluster_tagged(elb.SetSecurityGroups)
    p.cluster_tagged_create(elb.CreateLoadBalancer, elb.CreateListener, elb.CreateTargetGroup)
    p.ec2_create_with_tags(["CreateSecurityGroup"], ["security-group"])
    if cloud_routes:
        p.cluster_tagged(ec2.CreateRoute, ec2.DeleteRoute)


# kops's spelling; awacs only has `SetWebAcl` (IAM action names are case-insensitive)
_ELB_SET_WEB_ACL = Action("elasticloadbalancing", "SetWebACL")


def load_balancer_controller(p: Policy, waf: bool, waf_v2: bool, shield_: bool) -> None:
    p.unconditional(
        cognito_idp.DescribeUserPoolClient, acm.DescribeCertificate, acm.ListCertificates,
        ec2.DescribeAvailabilityZones, ec2.DescribeInstances, ec2.DescribeInternetGateways,
        ec2.DescribeNetworkInterfaces, ec2.DescribeSubnets, ec2.DescribeSecurityGroups,
        ec2.DescribeVpcPeeringConnections, ec2.DescribeVpcs, ec2.DescribeAccountAttributes,
        ec2.GetSecurityGroupsForVpc,
        elb.DescribeCapacityReservation, elb.DescribeListeners, elb.DescribeListenerAttributes,
        elb.DescribeListenerCertificates, elb.DescribeLoadBalancers, elb.DescribeLoadBalancerAttributes,
        elb.DescribeRules, elb.DescribeTags, elb.DescribeTargetGroups, elb.DescribeTargetGroupAttributes,
        elb.DescribeTargetHealth, elb.DescribeTrustStores,
        # rule priorities are set on listeners; kops grants it unscoped
        elb.SetRulePriorities)
    if waf:
        p.unconditional(_ELB_SET_WEB_ACL, waf_regional.AssociateWebACL, waf_regional.DisassociateWebACL,
                        waf_regional.GetWebACL, waf_regional.GetWebACLForResource)
    if waf_v2:
        p.unconditional(_ELB_SET_WEB_ACL, wafv2.AssociateWebACL, wafv2.DisassociateWebACL, wafv2.GetWebACL,
                        wafv2.GetWebACLForResource)
    if shield_:
        p.unconditional(shield.GetSubscriptionState, shield.DescribeProtection, shield.CreateProtection,
                        shield.DeleteProtection)
    p.cluster_tagged(
        ec2.AuthorizeSecurityGroupIngress, ec2.DeleteSecurityGroup, ec2.RevokeSecurityGroupIngress,
        elb.AddListenerCertificates, elb.AddTags, elb.DeleteListener, elb.DeleteLoadBalancer, elb.DeleteRule,
        elb.DeleteTargetGroup, elb.DeregisterTargets, elb.ModifyCapacityReservation, elb.ModifyListener,
        elb.ModifyListenerAttributes, elb.ModifyLoadBalancerAttributes, elb.ModifyRule, elb.ModifyTargetGroup,
        elb.ModifyTargetGroupAttributes, elb.RegisterTargets, elb.RemoveListenerCertificates, elb.RemoveTags,
        elb.SetIpAddressType, elb.SetSecurityGroups, elb.SetSubnets)
    p.cluster_tagged_create(elb.CreateListener, elb.CreateLoadBalancer, elb.CreateRule, elb.CreateTargetGroup)
    p.ec2_create_with_tags(["CreateSecurityGroup"], ["security-group"])


def cluster_autoscaler(p: Policy, static_instance_list: bool) -> None:
    p.cluster_tagged(autoscaling.SetDesiredCapacity, autoscaling.TerminateInstanceInAutoScalingGroup)
    p.unconditional(autoscaling.DescribeAutoScalingGroups, autoscaling.DescribeAutoScalingInstances,
                    autoscaling.DescribeLaunchConfigurations, autoscaling.DescribeScalingActivities,
                    ec2.DescribeImages, ec2.DescribeLaunchTemplateVersions,
                    ec2.GetInstanceTypesFromInstanceRequirements)
    if not static_instance_list:
        p.unconditional(ec2.DescribeInstanceTypes)


def node_termination_handler(p: Policy) -> None:
    p.unconditional(autoscaling.DescribeAutoScalingInstances, autoscaling.DescribeTags, ec2.DescribeInstances)
    # kops grants the queue calls on `*`; kopsgen names the cluster's own queue (a deliberate difference:
    # least privilege). The account is left open, as in the queue's own policy: kopsgen never looks it up.
    p.allow([sqs.DeleteMessage, sqs.ReceiveMessage], [p.arn("sqs", naming.nth_queue(p.cluster), p.region, "*")])
    p.cluster_tagged(autoscaling.CompleteLifecycleAction)


def container_registry(p: Policy) -> None:
    p.unconditional(ecr.GetAuthorizationToken, ecr.BatchCheckLayerAvailability, ecr.GetDownloadUrlForLayer,
                    ecr.GetRepositoryPolicy, ecr.DescribeRepositories, ecr.ListImages, ecr.BatchGetImage)


def container_registry_pull_through(p: Policy) -> None:
    p.unconditional(ecr.ReplicateImage, ecr.BatchImportUpstreamImage, ecr.CreateRepository, ecr.TagResource)


def amazon_vpc_cni(p: Policy) -> None:
    p.unconditional(ec2.AssignPrivateIpAddresses, ec2.AttachNetworkInterface, ec2.CreateNetworkInterface,
                    ec2.DeleteNetworkInterface, ec2.DescribeInstances, ec2.DescribeTags,
                    ec2.DescribeNetworkInterfaces, ec2.DescribeInstanceTypes, ec2.DescribeSecurityGroups,
                    ec2.DescribeSubnets, ec2.DetachNetworkInterface, ec2.ModifyNetworkInterfaceAttribute,
                    ec2.UnassignPrivateIpAddresses)
    p.allow([ec2.CreateTags], [p.arn("ec2", "network-interface/*", "*", "*")])


def cilium_eni(p: Policy) -> None:
    p.unconditional(ec2.DescribeSubnets, ec2.AttachNetworkInterface, ec2.AssignPrivateIpAddresses,
                    ec2.UnassignPrivateIpAddresses, ec2.CreateNetworkInterface, ec2.DescribeNetworkInterfaces,
                    ec2.DescribeSecurityGroups, ec2.DeleteNetworkInterface, ec2.ModifyNetworkInterfaceAttribute,
                    ec2.DescribeVpcs, ec2.CreateTags, ec2.DescribeRouteTables, ec2.DescribeTags,
                    ec2.DescribeInstances)


def calico_src_dst_check(p: Policy) -> None:
    p.unconditional(ec2.DescribeInstances)
    # kops grants this on `*`. Calico only turns off the source/destination check of its own instance's
    # network interface: network interfaces in the cluster's region, which also keeps it from moving
    # interfaces into other security groups (a deliberate difference: least privilege)
    p.allow([ec2.ModifyNetworkInterfaceAttribute], [p.arn("ec2", "network-interface/*", p.region, "*")])


def src_dst_check(p: Policy) -> None:
    """kube-router and kindnet turn off the source/destination check of this cluster's instances."""
    p.cluster_tagged(ec2.ModifyInstanceAttribute)


def cert_manager(p: Policy, zone_ids: Iterable[str]) -> None:
    """DNS-01 challenges: only `_acme-challenge` TXT records in the listed zones."""
    zones = [p.arn("route53", f"hostedzone/{z}") for z in zone_ids]
    p.allow([route53.ListResourceRecordSets], zones)
    p.allow([route53.ChangeResourceRecordSets], zones, [
        ForAllValuesStringLike({"route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"]}),
        ForAllValuesStringEquals({"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]})])
    p.allow([route53.GetChange], [p.arn("route53", "change/*")])
    p.allow([route53.ListHostedZonesByName], ["*"])


def _common_workload(p: Policy, inputs: PolicyInputs) -> None:
    """What every Kubernetes node role gets for images and pod networking."""
    if inputs.allow_container_registry:
        container_registry(p)
    if inputs.ecr_pull_through:
        container_registry_pull_through(p)
    if inputs.amazon_vpc_cni:
        amazon_vpc_cni(p)


# ---------------------------------------------------------------- policies per role


def _pod_network(p: Policy, inputs: PolicyInputs, role: str) -> None:
    """The pod network's own calls. kops grants them per role: Cilium's ENI IPAM runs its operator on the
    control plane only, and kube-router's source/destination check is turned off from the nodes."""
    if inputs.cilium_eni and role != ROLE_NODE:
        cilium_eni(p)
    if inputs.calico_src_dst_check:
        calico_src_dst_check(p)
    if inputs.kindnet or (inputs.kube_router and role == ROLE_NODE):
        src_dst_check(p)


def control_plane_policy(inputs: PolicyInputs) -> PolicyDocumentIR | None:
    p = inputs.new_policy()
    etcd_manager(p)
    kops_controller(p, ipam=inputs.ipv6_only)
    nodeup(p, inputs, ROLE_CONTROL_PLANE)
    state_store(p, inputs.state_roots, inputs.backup_stores)
    p.kms(bypass_via_service=inputs.encryption_config)
    if not inputs.external_permissions:
        # the addons that run on the control plane with its role
        dns_controller(p, inputs.hosted_zone)
        ebs_csi(p, inputs.snapshot_controller)
        cloud_controller_manager(p, inputs.kubenet, inputs.nlb_security_groups_managed)
        if inputs.load_balancer_controller is not None:
            load_balancer_controller(p, *inputs.load_balancer_controller)
        cluster_autoscaler(p, inputs.autoscaler_static_instance_list)
        if inputs.nth_queue:
            node_termination_handler(p)
    _common_workload(p, inputs)
    _pod_network(p, inputs, ROLE_CONTROL_PLANE)
    return p.document()


def api_server_policy(inputs: PolicyInputs) -> PolicyDocumentIR | None:
    p = inputs.new_policy()
    nodeup(p, inputs, ROLE_API_SERVER)
    state_store(p, inputs.state_roots, ())
    p.kms(bypass_via_service=inputs.encryption_config)
    _common_workload(p, inputs)
    _pod_network(p, inputs, ROLE_API_SERVER)
    return p.document()


def node_policy(inputs: PolicyInputs) -> PolicyDocumentIR | None:
    p = inputs.new_policy()
    nodeup(p, inputs, ROLE_NODE)
    _common_workload(p, inputs)
    _pod_network(p, inputs, ROLE_NODE)
    return p.document()


def role_policy(ig_role: str, inputs: PolicyInputs) -> PolicyDocumentIR | None:
    """The inline policy of an instance-group role; None for bastions, which call no AWS API."""
    builder = {ROLE_CONTROL_PLANE: control_plane_policy, ROLE_API_SERVER: api_server_policy,
               ROLE_NODE: node_policy}.get(ig_role)
    return builder(inputs) if builder else None


def ssm_session_policy(region: str) -> PolicyDocumentIR:
    """What the SSM agent needs for Session Manager (spec.kopsgen.ssmAccess): register the instance and open
    its session channels. These calls only ever act on the calling instance and AWS offers no resource to
    scope them to, hence `*`, held to the cluster's region (the agent calls its own region's endpoints).
    AWS's managed AmazonSSMManagedInstanceCore would also let every node read any Parameter Store
    parameter, fetch SSM documents and run commands: more than a way in needs."""
    actions = [ssm.UpdateInstanceInformation, ssmmessages.CreateControlChannel, ssmmessages.CreateDataChannel,
               ssmmessages.OpenControlChannel, ssmmessages.OpenDataChannel]
    return to_document(PolicyDocument(Version=VERSION, Statement=[
        Statement(Effect=Allow, Action=_actions(actions), Resource=["*"],
                  Condition=Condition(StringEquals({"aws:RequestedRegion": region})))]))


# ---------------------------------------------------------------- addon service-account roles (IRSA)


def addon_policy(account: ServiceAccount, inputs: PolicyInputs) -> PolicyDocumentIR | None:
    """The inline policy of one addon's own role: the same permission group the control plane
    would otherwise hold for it."""
    p = inputs.new_policy()
    if account in (DNS_CONTROLLER, EXTERNAL_DNS):
        dns_controller(p, inputs.hosted_zone)
    elif account == CLUSTER_AUTOSCALER:
        cluster_autoscaler(p, inputs.autoscaler_static_instance_list)
    elif account == CERT_MANAGER:
        cert_manager(p, inputs.cert_manager_zones)
    elif account == NODE_TERMINATION_HANDLER:
        node_termination_handler(p)
    elif account == LOAD_BALANCER_CONTROLLER:
        load_balancer_controller(p, *(inputs.load_balancer_controller or (False, False, False)))
    elif account == KUBE_ROUTER:
        src_dst_check(p)
    elif account == CLOUD_CONTROLLER_MANAGER:
        cloud_controller_manager(p, inputs.kubenet, inputs.nlb_security_groups_managed)
    elif account == EBS_CSI_DRIVER:
        ebs_csi(p, inputs.snapshot_controller)
    elif account == FLUENT_BIT:
        return None   # its statement names the cluster's log group: the cluster-logs builder adds it (clusterlogs.py)
    else:
        raise ValueError(f"no policy for service account {account}")
    return p.document()
