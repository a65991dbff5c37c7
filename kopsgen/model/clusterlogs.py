"""The cluster's log group (spec.kopsgen.addons.fluentBit; kops has none): where Fluent Bit ships every
node's container and node logs (bootstrap/addons/logging.py), made here so that Terraform and
CloudFormation own it, never the pods.

Like the flow logs' group (flowlogs.py), it
- is encrypted with a customer-managed KMS key of its own, which CloudWatch Logs may use for this
  group alone, unless `logGroup.kmsKeyARN` names an existing key;
- keeps the logs `logGroup.retentionInDays` (default 365).
Its writers get one statement: create streams in, describe the streams of and write to this group,
nothing else (no group creation: the pods never create it). The writers are the pods' own role when
addons have roles of their own (iam.useServiceAccountExternalPermissions: the IRSA role of
kube-system/fluent-bit, made by the IAM builder), else the instance roles of every group that runs
Fluent Bit (control plane, API servers, nodes: the DaemonSet tolerates their taints), as an inline
policy `cluster-logs.<role>` beside kops's own. A group with an existing profile (iam.profile) gets
nothing: its role is not kopsgen's (docs/addons/logging.md).
"""

from __future__ import annotations

from awacs import logs
from awacs.aws import Allow, Statement

from kopsgen.ir import naming
from kopsgen.ir.base import External
from kopsgen.ir.iam import IamRole, IamRolePolicy
from kopsgen.ir.kms import KmsKey
from kopsgen.ir.logs import LogGroup
from kopsgen.model.context import ModelContext
from kopsgen.model.flowlogs import account_id, document, log_group_key_policy, regional_arn
from kopsgen.spec import api, service_accounts

WRITER_ROLES = (api.ROLE_CONTROL_PLANE, api.ROLE_API_SERVER, api.ROLE_NODE)   # bastions run no pods


def build_cluster_logs(ctx: ModelContext) -> None:
    settings = ctx.cluster.kopsgen_addons.fluent_bit
    if settings is None:
        return
    name = naming.cluster_logs(ctx.name)
    account = account_id(ctx)
    group_arn = regional_arn(ctx, "logs", f"log-group:{name}")
    if settings.kms_key_arn:
        key = External(settings.kms_key_arn)
    else:
        key = ctx.graph.add(KmsKey(
            name=name, description=f"Encrypts the container and node logs of the cluster {ctx.name}",
            policy=log_group_key_policy(ctx, group_arn, account, "CloudWatchLogsEncryptsTheClusterLogGroup"),
            tags=ctx.tags(name))).ref("arn")
    ctx.graph.add(LogGroup(name=name, retention_days=settings.retention_days, kms_key=key, tags=ctx.tags(name)))

    policy = document([Statement(Effect=Allow, Action=[logs.CreateLogStream, logs.DescribeLogStreams,
                                                       logs.PutLogEvents],
                                 Resource=[group_arn, f"{group_arn}:log-stream:*"])], account)
    if service_accounts.external_permissions(ctx.cluster):
        account_sa = service_accounts.FLUENT_BIT
        role = naming.service_account_role(account_sa.name, account_sa.namespace, ctx.name)
        ctx.graph.add(IamRolePolicy(name=role, role=ctx.graph.get(IamRole, role).ref("name"), policy=policy))
        return
    for ig_role in WRITER_ROLES:
        role = ctx.graph.find(IamRole, naming.iam_role(ig_role, ctx.name))
        if role is not None:
            ctx.graph.add(IamRolePolicy(name=naming.cluster_logs_policy(role.name), role=role.ref("name"),
                                        policy=policy))
