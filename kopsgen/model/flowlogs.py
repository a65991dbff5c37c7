"""VPC flow logs (kops has none): a record of the traffic in and out of the VPC kopsgen creates.

By default they go to a CloudWatch Logs group of their own, which
- is encrypted with a customer-managed KMS key made for it alone, whose policy lets CloudWatch Logs
  use it only for this group (the encryption context names the group) and leaves its administration
  to the account, as AWS's default key policy does;
- keeps records for a year (`retentionInDays`);
- is written by a role that only the flow-logs service of this account may assume, for flow logs
  of this account and region, and that may only create streams in and write to this group.
With `destination: S3` they go to an existing bucket instead (no key, group or role is needed: the
bucket's policy admits the delivery service). `spec.kopsgen.flowLogs.enabled: false` turns them off.
A shared VPC (`networkID`) is not ours to record: it gets none.
"""

from __future__ import annotations

from awacs import kms, logs, sts
from awacs.aws import (
    Allow, ArnEquals, ArnLike, Condition, PolicyDocument, Principal, Statement, StringEquals,
)

from kopsgen.ir import naming
from kopsgen.ir.base import External, Ref
from kopsgen.ir.iam import AwsAccount, IamRole, IamRolePolicy, link_token
from kopsgen.ir.iam import PolicyDocument as PolicyDocumentIR
from kopsgen.ir.kms import KmsKey
from kopsgen.ir.logs import LogGroup
from kopsgen.ir.network import FLOW_LOGS_TO_CLOUDWATCH, FLOW_LOGS_TO_S3, FlowLog
from kopsgen.model.context import ModelContext
from kopsgen.model.iam_policies import VERSION, to_document
from kopsgen.spec import api
from kopsgen.spec.api.extensions import FLOW_LOGS_S3

ACCOUNT = "account_id"   # the link name of the account ID inside the documents below
FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"


def build_flow_logs(ctx: ModelContext) -> None:
    settings = ctx.cluster.flow_logs
    if settings is None or ctx.cluster.network_id:
        return
    name = naming.flow_logs(ctx.name)
    if settings.destination == FLOW_LOGS_S3:
        # the schema requires s3BucketARN with destination S3
        ctx.graph.add(FlowLog(name=name, vpc=ctx.vpc(), traffic_type=settings.traffic_type,
                              destination_type=FLOW_LOGS_TO_S3, destination=External(settings.s3_bucket_arn),
                              tags=ctx.tags(name)))
        return

    account = account_id(ctx)
    group_arn = regional_arn(ctx, "logs", f"log-group:{name}")
    key = ctx.graph.add(KmsKey(name=name, description=f"Encrypts the VPC flow logs of the cluster {ctx.name}",
                               policy=log_group_key_policy(ctx, group_arn, account,
                                                           "CloudWatchLogsEncryptsTheFlowLogGroup"),
                               tags=ctx.tags(name)))
    group = ctx.graph.add(LogGroup(name=name, retention_days=settings.retention_days, kms_key=key.ref("arn"),
                                   tags=ctx.tags(name)))
    role = ctx.graph.add(IamRole(name=name, assume_role_policy=_trust_policy(ctx, account),
                                 permissions_boundary=ctx.cluster.iam.permissions_boundary,
                                 tags=ctx.tags(name)))
    ctx.graph.add(IamRolePolicy(name=name, role=role.ref("name"), policy=_delivery_policy(ctx, group_arn, account)))
    ctx.graph.add(FlowLog(name=name, vpc=ctx.vpc(), traffic_type=settings.traffic_type,
                          destination_type=FLOW_LOGS_TO_CLOUDWATCH, destination=group.ref("arn"),
                          role=role.ref("arn"), tags=ctx.tags(name)))


def account_id(ctx: ModelContext) -> Ref:
    """The account ID (known at apply time), for ARNs inside policy documents."""
    if ctx.graph.find(AwsAccount, naming.aws_account()) is None:
        ctx.graph.add(AwsAccount(name=naming.aws_account()))
    return Ref(AwsAccount, naming.aws_account(), "account_id")


def regional_arn(ctx: ModelContext, service: str, resource: str) -> str:
    """An ARN of this account and region; the account is filled in at apply time."""
    return f"arn:{ctx.partition}:{service}:{ctx.cluster.region}:{link_token(ACCOUNT)}:{resource}"


def document(statements: list[Statement], account: Ref) -> PolicyDocumentIR:
    return to_document(PolicyDocument(Version=VERSION, Statement=statements), {ACCOUNT: account})


def log_group_key_policy(ctx: ModelContext, group_arn: str, account: Ref, sid: str) -> PolicyDocumentIR:
    """The policy of a log group's own key: the account administers it, CloudWatch Logs uses it for that
    group alone (the encryption context names the group)."""
    suffix = ".cn" if ctx.partition == "aws-cn" else ""
    return document([
        # without a statement for the account, no IAM policy could ever grant use of the key
        Statement(Sid="AccountAdministersTheKey", Effect=Allow,
                  Principal=Principal("AWS", f"arn:{ctx.partition}:iam::{link_token(ACCOUNT)}:root"),
                  Action=[kms.Action("*")], Resource=["*"]),
        Statement(Sid=sid, Effect=Allow,
                  Principal=Principal("Service", f"logs.{ctx.cluster.region}.amazonaws.com{suffix}"),
                  Action=[kms.Decrypt, kms.DescribeKey, kms.Encrypt, kms.Action("GenerateDataKey*"),
                          kms.Action("ReEncrypt*")],
                  Resource=["*"],
                  Condition=Condition(ArnEquals({"kms:EncryptionContext:aws:logs:arn": group_arn}))),
    ], account)


def _trust_policy(ctx: ModelContext, account: Ref) -> PolicyDocumentIR:
    # only flow logs of this account and region may act through the role (no confused deputy)
    return document([Statement(
        Effect=Allow, Principal=Principal("Service", FLOW_LOGS_SERVICE), Action=[sts.AssumeRole],
        Condition=Condition([StringEquals({"aws:SourceAccount": link_token(ACCOUNT)}),
                             ArnLike({"aws:SourceArn": regional_arn(ctx, "ec2", "vpc-flow-log/*")})]))], account)


def _delivery_policy(ctx: ModelContext, group_arn: str, account: Ref) -> PolicyDocumentIR:
    return document([
        Statement(Effect=Allow, Action=[logs.CreateLogStream, logs.DescribeLogStreams, logs.PutLogEvents],
                  Resource=[group_arn, f"{group_arn}:*"]),
        # the service checks that the group exists; this lists the account's groups in the region, no more
        Statement(Effect=Allow, Action=[logs.DescribeLogGroups],
                  Resource=[regional_arn(ctx, "logs", "log-group:*")]),
    ], account)
