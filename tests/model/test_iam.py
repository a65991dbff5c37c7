"""The IAM builder on the graph: which roles, profiles and policies exist for which spec, and how the
policies are scoped. Specs are kops's minimal-1.36 reference input with one thing changed per test.

Expected names marked "kops:" are taken from kops's own integration outputs for the same input
(update_cluster/externalpolicies, irsa, many-addons-ccm-irsa, minimal-longclustername).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.errors import RenderError, SpecError
from kopsgen.ir.base import External, Ref
from kopsgen.ir.dns import SharedHostedZone
from kopsgen.ir.iam import (
    AwsAccount, IamInstanceProfile, IamOidcProvider, IamRole, IamRolePolicy, IamRolePolicyAttachment,
)
from kopsgen.model.context import ModelContext
from tests.support.specs import NO_BOOTSTRAP
from kopsgen.model.iam import instance_profile, service_account_issuer
from kopsgen.spec.api.fields import value_at
from tests.support.spec_edit import cluster_spec, edited_spec, group_spec
from tests.support.sessions import session

CLUSTER = "minimal.example.com"
BASE_CASE = "minimal-1.36"
_cluster = cluster_spec
_group = group_spec


def _spec(tmp_path: Path, edit=None):
    return edited_spec(BASE_CASE, tmp_path, edit)


def _graph(tmp_path: Path, edit=None):
    """The graph with VPC flow logs off: their delivery role is no instance-group role (it is checked with
    the rest of the hardening, in tests/system/test_security_hardening.py)."""
    def without_flow_logs(docs):
        _cluster(docs).setdefault("kopsgen", {})["flowLogs"] = {"enabled": False}
        if edit:
            edit(docs)

    return pipeline.build_graph(session(_spec(tmp_path, without_flow_logs)))


def _names(graph, kind) -> set[str]:
    return {r.name for r in graph.of_kind(kind)}


def _policy(graph, name: str) -> dict:
    return json.loads(graph.get(IamRolePolicy, name).policy.json)


def _actions(document: dict) -> set[str]:
    return {a for s in document["Statement"] for a in s.get("Action", [])}


def _resources(document: dict) -> set[str]:
    return {r for s in document["Statement"] for r in s.get("Resource", [])}


def _statements_with(document: dict, action: str) -> list[dict]:
    return [s for s in document["Statement"] if action in s.get("Action", [])]


# ---------------------------------------------------------------- roles, profiles, outputs


def test_one_role_profile_and_policy_per_instance_group_role(tmp_path):
    graph = _graph(tmp_path)
    assert _names(graph, IamRole) == {f"masters.{CLUSTER}", f"nodes.{CLUSTER}"}
    assert _names(graph, IamInstanceProfile) == _names(graph, IamRole)
    for profile in graph.of_kind(IamInstanceProfile):
        assert profile.role == Ref(IamRole, profile.name, "name")
    role = graph.get(IamRole, f"masters.{CLUSTER}")
    assert role.tags == {"KubernetesCluster": CLUSTER, "Name": f"masters.{CLUSTER}",
                         f"kubernetes.io/cluster/{CLUSTER}": "owned"}
    assert json.loads(role.assume_role_policy.json)["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert set(graph.outputs) >= {"masters_role_arn", "masters_role_name", "nodes_role_arn", "nodes_role_name"}
    assert graph.outputs["nodes_role_arn"] == Ref(IamRole, f"nodes.{CLUSTER}", "arn")


def test_a_bastion_group_gets_a_role_without_inline_policy(tmp_path):
    def edit(docs):
        bastion = copy.deepcopy(next(d for d in docs if d["metadata"]["name"] == "nodes"))
        bastion["metadata"]["name"] = "bastions"
        bastion["spec"]["role"] = "Bastion"
        docs.append(bastion)

    graph = _graph(tmp_path, edit)
    assert f"bastions.{CLUSTER}" in _names(graph, IamRole)
    assert f"bastions.{CLUSTER}" in _names(graph, IamInstanceProfile)
    assert f"bastions.{CLUSTER}" not in _names(graph, IamRolePolicy)  # a bastion calls no AWS API
    assert {"bastions_role_arn", "bastions_role_name"} <= set(graph.outputs)


def test_groups_on_an_existing_profile_get_no_iam_resources(tmp_path):
    arn = "arn:aws:iam::123456789012:instance-profile/custom-node-profile"

    def edit(docs):
        _group(docs, "nodes")["iam"] = {"profile": arn}

    spec = _spec(tmp_path, edit)
    ctx = ModelContext(spec, NO_BOOTSTRAP)
    graph = pipeline.build_graph(session(spec))
    ctx.graph = graph
    assert f"nodes.{CLUSTER}" not in _names(graph, IamRole) | _names(graph, IamInstanceProfile)
    assert "nodes_role_arn" not in graph.outputs
    assert instance_profile(ctx, spec.instance_group("nodes")) == External("custom-node-profile")
    masters = instance_profile(ctx, spec.instance_group("master-us-test-1a"))
    assert masters == Ref(IamInstanceProfile, f"masters.{CLUSTER}", "id") and masters in graph


def test_a_role_keeps_its_resources_while_one_of_its_groups_uses_them(tmp_path):
    def edit(docs):
        other = copy.deepcopy(next(d for d in docs if d["metadata"]["name"] == "nodes"))
        other["metadata"]["name"] = "nodes-custom"
        other["spec"]["iam"] = {"profile": "arn:aws:iam::123456789012:instance-profile/custom"}
        docs.append(other)

    spec = _spec(tmp_path, edit)
    graph = pipeline.build_graph(session(spec))
    ctx = ModelContext(spec, NO_BOOTSTRAP, graph)
    assert f"nodes.{CLUSTER}" in _names(graph, IamInstanceProfile)
    assert instance_profile(ctx, spec.instance_group("nodes")) == Ref(IamInstanceProfile, f"nodes.{CLUSTER}", "id")
    assert instance_profile(ctx, spec.instance_group("nodes-custom")) == External("custom")


def test_one_existing_profile_cannot_serve_two_roles(tmp_path):
    arn = "arn:aws:iam::123456789012:instance-profile/shared"

    def edit(docs):
        _group(docs, "nodes")["iam"] = {"profile": arn}
        _group(docs, "master-us-test-1a")["iam"] = {"profile": arn}

    with pytest.raises(RenderError, match="cannot serve two roles"):
        _graph(tmp_path, edit)


def test_permissions_boundary_on_every_role(tmp_path):
    boundary = "arn:aws:iam::123456789012:policy/boundaries"
    graph = _graph(tmp_path, lambda docs: _cluster(docs)["iam"].update(permissionsBoundary=boundary))
    assert {r.permissions_boundary for r in graph.of_kind(IamRole)} == {boundary}


def test_long_cluster_names_are_truncated_as_kops_does(tmp_path):
    name = "this.is.truly.a.really.really.really.really.really.long.cluster-name.minimal.example.com"

    def edit(docs):
        for doc in docs:
            if doc["kind"] == "Cluster":
                doc["metadata"]["name"] = name
                doc["spec"]["masterPublicName"] = f"api.{name}"
            else:
                doc["metadata"]["labels"]["kops.k8s.io/cluster"] = name

    # kops: minimal-longclustername
    assert _names(_graph(tmp_path, edit), IamRole) == {
        "masters.this.is.truly.a.really.really.really.really.reall-g6fsnu",
        "nodes.this.is.truly.a.really.really.really.really.really.-d86ibl"}


# ---------------------------------------------------------------- user policies


@pytest.mark.parametrize("control_plane_key", ["master", "control-plane"])
def test_external_policies_are_attached_under_kops_names(tmp_path, control_plane_key):
    arn = "arn:aws-test:iam::123456789000:policy/test-policy"

    def edit(docs):
        _cluster(docs)["externalPolicies"] = {"node": [arn], control_plane_key: [arn], "bastion": [arn]}

    graph = _graph(tmp_path, edit)
    # kops: externalpolicies (no bastion group, so no bastion attachment)
    assert _names(graph, IamRolePolicyAttachment) == {"master-policyoverride-1544513530",
                                                      "node-policyoverride-1544513530"}
    attachment = graph.get(IamRolePolicyAttachment, "node-policyoverride-1544513530")
    assert attachment.policy_arn == arn and attachment.role == Ref(IamRole, f"nodes.{CLUSTER}", "name")


def test_additional_policies_become_a_second_inline_policy(tmp_path):
    statements = [{"Sid": "Logs", "Effect": "Allow", "Action": ["logs:PutLogEvents"],
                   "Resource": "arn:aws:logs:*:*:log-group:/k8s/*"},
                  {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]

    graph = _graph(tmp_path, lambda docs: _cluster(docs).update(additionalPolicies={"node": json.dumps(statements)}))
    document = _policy(graph, f"additional.nodes.{CLUSTER}")
    assert document["Version"] == "2012-10-17"
    assert document["Statement"] == [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:PutLogEvents"],
         "Resource": ["arn:aws:logs:*:*:log-group:/k8s/*"]},
        {"Effect": "Deny", "NotAction": ["iam:*"], "Resource": ["*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    assert f"additional.masters.{CLUSTER}" not in _names(graph, IamRolePolicy)


@pytest.mark.parametrize("text,message", [
    ("{not json", "not valid JSON"),
    ('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}', "must be a JSON list"),
    ('[{"Effect": "Allow", "Resource": "*"}]', "needs Action or NotAction"),
    ('[{"Effect": "Maybe", "Action": "s3:GetObject"}]', "Effect"),
    ('[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}]', "unsupported field"),
    ('[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": true}}]',
     "Condition must map"),
])
def test_bad_additional_policies_are_spec_errors_at_the_field(tmp_path, text, message):
    # validation parses with the builder's own parser: every policy the builder would refuse is a spec
    # error with the file position, never a render error without one
    with pytest.raises(SpecError) as raised:
        _graph(tmp_path, lambda docs: _cluster(docs).update(additionalPolicies={"node": text}))
    [error] = raised.value.errors
    assert error.path == "spec.additionalPolicies.node" and message in error.message
    assert error.line > 1 and error.file.endswith("cluster.yaml")


# ---------------------------------------------------------------- scoping


def test_dns_none_grants_no_route53(tmp_path):
    def edit(docs):
        _cluster(docs)["topology"]["dns"]["type"] = "None"
        _cluster(docs)["api"] = {"loadBalancer": {"type": "Public", "class": "Network"}}

    graph = _graph(tmp_path, edit)
    assert not any(a.startswith("route53:") for a in _actions(_policy(graph, f"masters.{CLUSTER}")))
    assert not graph.of_kind(SharedHostedZone)


def test_a_zone_id_is_written_into_the_policy(tmp_path):
    graph = _graph(tmp_path, lambda docs: _cluster(docs).update(dnsZone="Z0123456789ABC"))
    document = graph.get(IamRolePolicy, f"masters.{CLUSTER}").policy
    assert document.links == ()
    changes = _statements_with(json.loads(document.json), "route53:ChangeResourceRecordSets")
    assert [s["Resource"] for s in changes] == [["arn:aws:route53:::hostedzone/Z0123456789ABC"]]


@pytest.mark.parametrize("dns_type,private", [("Public", False), ("Private", True)])
def test_a_zone_name_is_looked_up_at_apply_time(tmp_path, dns_type, private):
    def edit(docs):
        _cluster(docs).update(dnsZone="example.com")
        _cluster(docs)["topology"]["dns"]["type"] = dns_type

    graph = _graph(tmp_path, edit)
    document = graph.get(IamRolePolicy, f"masters.{CLUSTER}").policy
    zone = graph.get(SharedHostedZone, "example.com")
    assert (zone.zone_name, zone.private) == ("example.com", private)
    assert document.links == (("hosted_zone_id", Ref(SharedHostedZone, "example.com", "zone_id")),)
    changes = _statements_with(json.loads(document.json), "route53:ChangeResourceRecordSets")
    assert document.split(changes[0]["Resource"][0]) == ["arn:aws:route53:::hostedzone/",
                                                         Ref(SharedHostedZone, "example.com", "zone_id")]


@pytest.mark.parametrize("zone,partition,principal", [
    ("cn-north-1a", "aws-cn", "ec2.amazonaws.com.cn"),
    ("us-gov-west-1a", "aws-us-gov", "ec2.amazonaws.com"),
    ("eu-west-1a", "aws", "ec2.amazonaws.com"),
])
def test_partition_follows_the_region(tmp_path, zone, partition, principal):
    graph = _graph(tmp_path, lambda docs: _cluster(docs)["subnets"][0].update(zone=zone))
    for role in graph.of_kind(IamRole):
        assert json.loads(role.assume_role_policy.json)["Statement"][0]["Principal"] == {"Service": principal}
    arns = {r for r in _resources(_policy(graph, f"masters.{CLUSTER}")) if r.startswith("arn:")}
    assert arns and all(r.startswith(f"arn:{partition}:") for r in arns)
    kms_via = [s for s in _policy(graph, f"masters.{CLUSTER}")["Statement"]
               if "StringLike" in s.get("Condition", {})]
    assert kms_via[0]["Condition"]["StringLike"]["kms:ViaService"] == [f"ec2.{zone[:-1]}.amazonaws.com",
                                                                       "s3.*.amazonaws.com"]


def test_s3_state_store_is_scoped_to_the_cluster_prefix(tmp_path):
    def edit(docs):
        _cluster(docs).update(configBase="s3://my-state/clusters/minimal.example.com",
                              keyStore="s3://my-keys/minimal.example.com/pki")

    document = _policy(_graph(tmp_path, edit), f"masters.{CLUSTER}")
    s3 = [s for s in document["Statement"] if any(a.startswith("s3:") for a in s["Action"])]
    assert s3 == [
        {"Action": ["s3:Get*"], "Effect": "Allow", "Resource": ["arn:aws:s3:::my-keys/minimal.example.com/pki/*"]},
        {"Action": ["s3:Get*"], "Effect": "Allow",
         "Resource": ["arn:aws:s3:::my-state/clusters/minimal.example.com/*"]},
        *({"Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"],
           "Effect": "Allow",
           "Resource": [f"arn:aws:s3:::my-state/clusters/minimal.example.com/backups/etcd/{etcd}/*"]}
          for etcd in ("main", "events")),
        *({"Action": ["s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "s3:ListBucket",
                      "s3:ListBucketVersions"], "Effect": "Allow", "Resource": [f"arn:aws:s3:::{bucket}"]}
          for bucket in ("my-keys", "my-state")),
    ]


def test_a_file_state_store_grants_no_s3(tmp_path):
    graph = _graph(tmp_path, lambda docs: _cluster(docs).update(configBase="file:///var/kopsgen/minimal.example.com"))
    assert not any(a.startswith("s3:") for a in _actions(_policy(graph, f"masters.{CLUSTER}")))


def test_container_registry_only_when_allowed(tmp_path):
    graph = _graph(tmp_path, lambda docs: _cluster(docs)["iam"].update(allowContainerRegistry=False))
    assert not any(a.startswith("ecr:") for a in _actions(_policy(graph, f"masters.{CLUSTER}")))
    # nothing else for nodes of this cluster: no inline policy at all, as kops
    assert f"nodes.{CLUSTER}" not in _names(graph, IamRolePolicy)


@pytest.mark.parametrize("nth", [{"enabled": False}, {"enabled": True, "enableSQSTerminationDraining": False}])
def test_node_termination_handler_queue_only_in_queue_mode(tmp_path, nth):
    graph = _graph(tmp_path, lambda docs: _cluster(docs).update(nodeTerminationHandler=nth))
    assert not any(a.startswith("sqs:") for a in _actions(_policy(graph, f"masters.{CLUSTER}")))


def test_warm_pool_lifecycle_hook_lets_nodes_complete_it_on_their_own_groups(tmp_path):
    graph = _graph(tmp_path, lambda docs: _cluster(docs).update(warmPool={"enableLifecycleHook": True}))
    document = _policy(graph, f"nodes.{CLUSTER}")
    [complete] = _statements_with(document, "autoscaling:CompleteLifecycleAction")
    assert complete["Condition"] == {"StringEquals": {"aws:ResourceTag/KubernetesCluster": CLUSTER}}
    assert "autoscaling:DescribeLifecycleHooks" in _actions(document)


def test_calico_without_source_destination_check_changes(tmp_path):
    def edit(docs):
        _cluster(docs)["networking"] = {"calico": {"awsSrcDstCheck": "DoNothing"}}

    assert "ec2:ModifyNetworkInterfaceAttribute" not in _actions(_policy(_graph(tmp_path, edit), f"nodes.{CLUSTER}"))


def test_mutating_calls_are_tag_conditioned(tmp_path):
    """Every statement on `*` that can change something carries the cluster-tag condition."""
    document = _policy(_graph(tmp_path), f"masters.{CLUSTER}")
    mutating = ("Add", "Apply", "Assign", "Attach", "Authorize", "Complete", "Configure", "Copy", "Create", "Delete",
                "Deregister", "Detach", "Enable", "Modify", "Put", "Register", "Remove", "Replace", "Revoke", "Run",
                "Set", "Tag", "Terminate", "Unassign", "Untag")
    for statement in document["Statement"]:
        if statement["Resource"] != ["*"] or "Condition" in statement:
            continue
        writes = [a for a in statement["Action"] if a.split(":")[1].startswith(mutating)]
        # kops's only unconditional writes: SQS (no condition keys) and the service-linked role for ELB
        assert set(writes) <= {"sqs:DeleteMessage", "iam:CreateServiceLinkedRole"}, writes


def test_policies_are_deterministic(tmp_path):
    first = {r.name: r.policy.json for r in _graph(tmp_path).of_kind(IamRolePolicy)}
    second = {r.name: r.policy.json for r in _graph(tmp_path).of_kind(IamRolePolicy)}
    assert first == second
    for text in first.values():
        for statement in json.loads(text)["Statement"]:
            assert statement["Action"] == sorted(statement["Action"])
            assert statement["Resource"] == sorted(statement["Resource"])


# ---------------------------------------------------------------- service accounts (IRSA)


def _irsa(docs):
    spec = _cluster(docs)
    spec["iam"]["useServiceAccountExternalPermissions"] = True
    spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://oidc-bucket/minimal.example.com",
                                             "enableAWSOIDCProvider": True,
                                             "additionalAudiences": ["sts.amazonaws.com"]}
    spec.update(awsLoadBalancerController={"enabled": True}, certManager={"enabled": True},
                clusterAutoscaler={"enabled": True})


def test_addons_get_their_own_roles_with_external_permissions(tmp_path):
    graph = _graph(tmp_path, _irsa)
    provider = graph.get(IamOidcProvider, CLUSTER)
    assert provider.url == "https://oidc-bucket.s3.us-test-1.amazonaws.com/minimal.example.com"
    assert provider.client_ids == ("amazonaws.com", "sts.amazonaws.com")
    # kops: many-addons-ccm-irsa
    addons = {"aws-cloud-controller-manager", "aws-load-balancer-controller", "aws-node-termination-handler",
              "cluster-autoscaler", "dns-controller", "ebs-csi-controller-sa"}
    assert _names(graph, IamRole) == {f"masters.{CLUSTER}", f"nodes.{CLUSTER}"} | {
        f"{a}.kube-system.sa.{CLUSTER}" for a in addons}
    assert {f"kube-system-{a}_role_arn" for a in addons} <= set(graph.outputs)
    assert graph.outputs["iam_openid_connect_provider_issuer"] == "oidc-bucket.s3.us-test-1.amazonaws.com/" \
                                                                  "minimal.example.com"

    # the addons' permissions left the control plane
    masters = _actions(_policy(graph, f"masters.{CLUSTER}"))
    assert not any(a.startswith(("route53:", "elasticloadbalancing:", "sqs:")) for a in masters)
    assert "autoscaling:SetDesiredCapacity" not in masters

    dns = graph.get(IamRole, f"dns-controller.kube-system.sa.{CLUSTER}")
    trust = json.loads(dns.assume_role_policy.json)["Statement"][0]
    assert dns.assume_role_policy.split(trust["Principal"]["Federated"]) == [Ref(IamOidcProvider, CLUSTER, "arn")]
    issuer = "oidc-bucket.s3.us-test-1.amazonaws.com/minimal.example.com"
    assert trust["Condition"] == {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:kube-system:dns-controller"}}
    assert dns.tags["service-account.kops.k8s.io/name"] == "dns-controller"
    assert "route53:ChangeResourceRecordSets" in _actions(_policy(graph, dns.name))


def test_user_service_accounts_get_roles_policies_and_attachments(tmp_path):
    arn = "arn:aws-test:iam::123456789012:policy/UsersManageOwnCredentials"

    def edit(docs):
        _cluster(docs)["iam"]["serviceAccountExternalPermissions"] = [
            {"name": "myserviceaccount", "namespace": "default", "aws": {"policyARNs": [arn]}},
            {"name": "myserviceaccount", "namespace": "test-*", "aws": {"policyARNs": [arn]}},
            {"name": "myotherserviceaccount", "namespace": "myapp",
             "aws": {"inlinePolicy": '[{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": ["*"]}]'}},
        ]

    graph = _graph(tmp_path, edit)
    # kops: irsa
    assert _names(graph, IamRolePolicyAttachment) == {
        "external-myserviceaccount.default.sa.minimal.example.com-3197825879",
        "external-myserviceaccount.test-wildcard.sa.minimal.example.com-3197825879"}
    assert _policy(graph, f"myotherserviceaccount.myapp.sa.{CLUSTER}")["Statement"] == [
        {"Action": ["dynamodb:*"], "Effect": "Allow", "Resource": ["*"]}]
    assert {"test-wildcard-myserviceaccount_role_arn", "myapp-myotherserviceaccount_role_name"} <= set(graph.outputs)

    # no OIDC provider created here: the trust names it by the account the configuration is applied in
    wildcard = graph.get(IamRole, f"myserviceaccount.test-wildcard.sa.{CLUSTER}")
    trust = json.loads(wildcard.assume_role_policy.json)["Statement"][0]
    assert list(trust["Condition"]) == ["StringLike"]
    assert wildcard.assume_role_policy.split(trust["Principal"]["Federated"]) == [
        "arn:aws:iam::", Ref(AwsAccount, "current", "account_id"), ":oidc-provider/api.internal.minimal.example.com"]
    assert graph.find(AwsAccount, "current") is not None
    assert wildcard.tags["service-account.kops.k8s.io/namespace"] == "test-wildcard"


@pytest.mark.parametrize("edit,issuer", [
    (lambda s: s.update(serviceAccountIssuerDiscovery={"discoveryStore": "s3://b/k/"}), "https://b.s3.us-test-1.amazonaws.com/k"),
    (lambda s: s.update(serviceAccountIssuerDiscovery={"discoveryStore": "s3://b/k"}, nonMasqueradeCIDR="::/0",
                        subnets=[dict(sub, ipv6CIDR=f"/64#{n}") for n, sub in enumerate(s["subnets"])]),
     "https://b.s3.dualstack.us-test-1.amazonaws.com/k"),   # an IPv6 cluster: the bucket's dual-stack name
    (lambda s: s.update(serviceAccountIssuerDiscovery={"discoveryStore": "memfs://discovery.example.com/c"}),
     "https://discovery.example.com/c"),
    (lambda s: s.update(kubeAPIServer={"serviceAccountIssuer": "https://issuer.example.com"}),
     "https://issuer.example.com"),
    (lambda s: s.update(kubeAPIServer={"anonymousAuth": True}), "https://api.minimal.example.com"),
    (lambda s: None, "https://api.internal.minimal.example.com"),
])
def test_service_account_issuer_defaults_as_kops(tmp_path, edit, issuer):
    spec = _spec(tmp_path, lambda docs: edit(_cluster(docs)))
    assert service_account_issuer(spec.cluster) == issuer
    # kube-apiserver is told the same issuer: one decision, in the spec's defaults
    assert value_at(spec.cluster.raw, "spec", "kubeAPIServer", "serviceAccountIssuer") == issuer


def test_load_balancer_controller_gets_the_waf_shield_calls_it_is_enabled_for(tmp_path):
    # each option adds its service's calls to the role that runs the controller (here: the control plane)
    def edit(docs):
        _cluster(docs).update(awsLoadBalancerController={"enabled": True, "enableWAF": True, "enableWAFv2": True,
                                                         "enableShield": True}, certManager={"enabled": True})

    masters = _actions(_policy(_graph(tmp_path, edit), f"masters.{CLUSTER}"))
    assert {"waf-regional:AssociateWebACL", "wafv2:AssociateWebACL", "wafv2:GetWebACLForResource",
            "shield:CreateProtection"} <= masters
