"""The peer of `make bench-peer`: the cluster of examples/ha-private-bastion.yaml written as an AWS CDK app.

This is what a team would write by hand in CDK (Python) instead of rendering a kops spec with kopsgen:
a VPC over three zones with public (utility) and private subnets and a NAT gateway per zone, VPC flow
logs to a KMS-encrypted log group, security groups with kops's rules, IAM roles, policies and instance
profiles for the control plane, nodes and bastion, a launch template and an auto-scaling group per
instance group (three control-plane groups, three node groups, one bastion group) with their lifecycle
hooks, six encrypted etcd volumes, the API's Network Load Balancer (internal, in the private subnets)
and the bastion's, Route53 records for the API, and the termination handler's SQS queue with its
EventBridge rules. It is written with CDK's own constructs (L2 where CDK has one), as its users do.

Run by bench/peer/run.py with the throw-away virtualenv's interpreter: `python bench/peer/app.py`
synthesizes into $CDK_OUTDIR, which is what `cdk synth` runs. It never calls AWS (no lookups).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elb_targets  # noqa: F401 (unused, left as measured)
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

CLUSTER = "ha.example.com"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
SSH_ACCESS = "203.0.113.0/24"
IMAGE_PARAMETER = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"

BOOT_SCRIPT = """#!/bin/bash
set -o errexit -o nounset -o pipefail
NODEUP_URL_AMD64=https://artifacts.k8s.io/binaries/kops/1.36.2/linux/amd64/nodeup
NODEUP_HASH_AMD64=
export AWS_REGION=eu-west-1
mkdir -p /opt/kops/conf
cat > /opt/kops/conf/kube_env.yaml <<'__EOF_KUBE_ENV'
CloudProvider: aws
ClusterName: {cluster}
ConfigBase: s3://my-kops-state-store/{cluster}
InstanceGroupName: {group}
InstanceGroupRole: {role}
__EOF_KUBE_ENV
download-release() {{ curl -fsSL -o /opt/kops/bin/nodeup "$NODEUP_URL_AMD64"; }}
download-release
/opt/kops/bin/nodeup --conf=/opt/kops/conf/kube_env.yaml --v=8
"""

MASTER_ACTIONS = ["ec2:AttachVolume", "ec2:CreateTags", "ec2:Describe*", "ec2:ModifyInstanceAttribute",
                  "autoscaling:Describe*", "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
                  "elasticloadbalancing:Describe*", "elasticloadbalancing:RegisterTargets",
                  "route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetChange",
                  "sqs:ReceiveMessage", "sqs:DeleteMessage", "kms:CreateGrant", "kms:Decrypt", "kms:Encrypt",
                  "iam:CreateServiceLinkedRole", "ecr:GetAuthorizationToken", "ecr:BatchGetImage"]
NODE_ACTIONS = ["ec2:DescribeInstances", "ec2:DescribeRegions", "ec2:ModifyNetworkInterfaceAttribute",
                "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeRepositories",
                "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy",
                "ecr:ListImages", "iam:GetServerCertificate", "iam:ListServerCertificates", "kms:GenerateRandom"]


class KopsCluster(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cdk.Tags.of(self).add("KubernetesCluster", CLUSTER)
        cdk.Tags.of(self).add(f"kubernetes.io/cluster/{CLUSTER}", "owned")

        # --- network: VPC, subnets, gateways, flow logs, DHCP options, IPv6 block
        flow_key = kms.Key(self, "FlowLogsKey", enable_key_rotation=True,
                           description=f"VPC flow logs of {CLUSTER}")
        flow_group = logs.LogGroup(self, "FlowLogs", log_group_name=f"flow-logs.{CLUSTER}", encryption_key=flow_key,
                                   retention=logs.RetentionDays.ONE_YEAR,
                                   removal_policy=cdk.RemovalPolicy.DESTROY)
        vpc = ec2.Vpc(self, "Vpc", vpc_name=CLUSTER, ip_addresses=ec2.IpAddresses.cidr("172.20.0.0/16"),
                      availability_zones=list(ZONES), nat_gateways=len(ZONES),
                      restrict_default_security_group=False,
                      subnet_configuration=[
                          ec2.SubnetConfiguration(name="utility", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=21),
                          ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                                                  cidr_mask=18)],
                      flow_logs={"all": ec2.FlowLogOptions(
                          destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_group),
                          traffic_type=ec2.FlowLogTrafficType.ALL)})
        dhcp = ec2.CfnDHCPOptions(self, "DhcpOptions", domain_name="eu-west-1.compute.internal",
                                  domain_name_servers=["AmazonProvidedDNS"])
        ec2.CfnVPCDHCPOptionsAssociation(self, "DhcpOptionsAssociation", vpc_id=vpc.vpc_id,
                                         dhcp_options_id=dhcp.ref)
        ec2.CfnVPCCidrBlock(self, "Ipv6Block", vpc_id=vpc.vpc_id, amazon_provided_ipv6_cidr_block=True)
        utility = vpc.public_subnets

        # --- firewall: kops's security groups and rules
        def group(name: str, description: str) -> ec2.SecurityGroup:
            return ec2.SecurityGroup(self, f"Sg{name.title().replace('-', '')}", vpc=vpc,
                                     security_group_name=f"{name}.{CLUSTER}", description=description,
                                     allow_all_outbound=True)
        masters = group("masters", "Security group for masters")
        nodes = group("nodes", "Security group for nodes")
        bastion = group("bastion", "Security group for bastion")
        api_elb = group("api-elb", "Security group for api ELB")
        bastion_elb = group("bastion-elb", "Security group for bastion ELB")
        pmtu = ec2.Port.icmp_type_and_code(3, 4)
        masters.add_ingress_rule(masters, ec2.Port.all_traffic(), "control plane to control plane")
        nodes.add_ingress_rule(masters, ec2.Port.all_traffic(), "control plane to nodes")
        nodes.add_ingress_rule(nodes, ec2.Port.all_traffic(), "nodes to nodes")
        masters.add_ingress_rule(nodes, ec2.Port.tcp_range(1, 2379), "nodes to control plane, below etcd")
        masters.add_ingress_rule(nodes, ec2.Port.tcp_range(2382, 4000), "nodes to control plane, between etcd")
        masters.add_ingress_rule(nodes, ec2.Port.tcp_range(4003, 65535), "nodes to control plane, above etcd")
        masters.add_ingress_rule(nodes, ec2.Port.udp_range(1, 65535), "nodes to control plane, UDP")
        masters.add_ingress_rule(nodes, ec2.Port(protocol=ec2.Protocol.IPIP, string_representation="ipip"),
                                 "Calico IP-in-IP")
        masters.add_ingress_rule(api_elb, ec2.Port.tcp(443), "API load balancer to kube-apiserver")
        masters.add_ingress_rule(api_elb, ec2.Port.tcp(3988), "API load balancer to kops-controller")
        masters.add_ingress_rule(api_elb, pmtu, "path MTU from the API load balancer")
        api_elb.add_ingress_rule(masters, pmtu, "path MTU from the control plane")
        api_elb.add_ingress_rule(nodes, ec2.Port.all_traffic(), "nodes to the API load balancer")
        api_elb.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "kubernetesApiAccess")
        api_elb.add_ingress_rule(ec2.Peer.any_ipv6(), ec2.Port.tcp(443), "kubernetesApiAccess")
        api_elb.add_ingress_rule(ec2.Peer.any_ipv4(), pmtu, "path MTU")
        api_elb.add_ingress_rule(ec2.Peer.any_ipv6(), ec2.Port.icmp_type_and_code(2, 0), "path MTU (IPv6)")
        masters.add_ingress_rule(bastion, ec2.Port.tcp(22), "bastion to control plane")
        nodes.add_ingress_rule(bastion, ec2.Port.tcp(22), "bastion to nodes")
        bastion.add_ingress_rule(bastion_elb, ec2.Port.tcp(22), "bastion load balancer to bastion")
        bastion.add_ingress_rule(bastion_elb, pmtu, "path MTU from the bastion load balancer")
        bastion_elb.add_ingress_rule(bastion, pmtu, "path MTU from the bastion")
        for cidr in (SSH_ACCESS, *(s.ipv4_cidr_block for s in utility)):
            bastion_elb.add_ingress_rule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(22), "SSH to the bastion")
            bastion_elb.add_ingress_rule(ec2.Peer.ipv4(cidr), pmtu, "path MTU")

        # --- IAM: a role, its policy and an instance profile per role
        def role(name: str, actions: list[str]) -> iam.InstanceProfile:
            r = iam.Role(self, f"Role{name.title()}", role_name=f"{name}.{CLUSTER}",
                         assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
            policy = iam.Policy(self, f"Policy{name.title()}", policy_name=f"{name}.{CLUSTER}")
            policy.add_statements(iam.PolicyStatement(actions=actions, resources=["*"]))
            policy.add_statements(iam.PolicyStatement(
                actions=["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
                resources=["arn:aws:s3:::my-kops-state-store", f"arn:aws:s3:::my-kops-state-store/{CLUSTER}/*"]))
            policy.attach_to_role(r)
            return iam.InstanceProfile(self, f"Profile{name.title()}", role=r,
                                       instance_profile_name=f"{name}.{CLUSTER}")
        profiles = {"masters": role("masters", MASTER_ACTIONS), "nodes": role("nodes", NODE_ACTIONS),
                    "bastions": role("bastions", ["ec2:DescribeRegions"])}

        # --- compute: a launch template, an auto-scaling group and a lifecycle hook per instance group
        image = ec2.MachineImage.from_ssm_parameter(IMAGE_PARAMETER)
        groups = [(f"control-plane-{z}", "ControlPlane", "masters", masters, "m5.large", i, 64)
                  for i, z in enumerate(ZONES)]
        groups += [(f"nodes-{z}", "Node", "nodes", nodes, "t3.medium", i, 128) for i, z in enumerate(ZONES)]
        groups += [("bastions", "Bastion", "bastions", bastion, "t3.micro", 0, 32)]
        asgs: dict[str, autoscaling.AutoScalingGroup] = {}
        for name, kops_role, profile, sg, machine, zone, disk in groups:
            full = f"{name}.masters.{CLUSTER}" if kops_role == "ControlPlane" else f"{name}.{CLUSTER}"
            template = ec2.LaunchTemplate(
                self, f"Lt{name}", launch_template_name=full, machine_image=image,
                instance_type=ec2.InstanceType(machine), security_group=sg,
                instance_profile=profiles[profile], require_imdsv2=True, http_put_response_hop_limit=1,
                user_data=ec2.UserData.custom(BOOT_SCRIPT.format(cluster=CLUSTER, group=name, role=kops_role)),
                block_devices=[ec2.BlockDevice(device_name="/dev/sda1", volume=ec2.BlockDeviceVolume.ebs(
                    disk, volume_type=ec2.EbsDeviceVolumeType.GP3, encrypted=True, delete_on_termination=True))])
            subnets = utility if kops_role == "Bastion" else vpc.private_subnets
            asg = autoscaling.AutoScalingGroup(
                self, f"Asg{name}", vpc=vpc, launch_template=template, auto_scaling_group_name=full,
                min_capacity=1, max_capacity=1, vpc_subnets=ec2.SubnetSelection(subnets=[subnets[zone]]),
                group_metrics=[autoscaling.GroupMetrics.all()])
            cdk.Tags.of(asg).add("kops.k8s.io/instancegroup", name)
            cdk.Tags.of(asg).add(f"k8s.io/role/{'control-plane' if kops_role == 'ControlPlane' else kops_role.lower()}", "1")
            asg.add_lifecycle_hook("Drain", lifecycle_transition=autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
                                   lifecycle_hook_name=f"{name}-NTHLifecycleHook",
                                   default_result=autoscaling.DefaultResult.CONTINUE,
                                   heartbeat_timeout=cdk.Duration.minutes(5))
            asgs[name] = asg

        # --- etcd: one encrypted volume per member and etcd cluster
        for etcd in ("main", "events"):
            for member, zone in zip("abc", ZONES):
                volume = ec2.Volume(self, f"Etcd{member}{etcd}", availability_zone=zone,
                                    size=cdk.Size.gibibytes(20), volume_type=ec2.EbsDeviceVolumeType.GP3,
                                    iops=3000, encrypted=True, volume_name=f"{member}.etcd-{etcd}.{CLUSTER}",
                                    removal_policy=cdk.RemovalPolicy.SNAPSHOT)
                cdk.Tags.of(volume).add(f"k8s.io/etcd/{etcd}", f"{member}/a,b,c")
                cdk.Tags.of(volume).add("k8s.io/role/control-plane", "1")

        # --- load balancers: the API's (internal) and the bastion's, with their listeners and target groups
        api = elbv2.NetworkLoadBalancer(self, "ApiNlb", vpc=vpc, internet_facing=False, load_balancer_name="api-ha",
                                        vpc_subnets=ec2.SubnetSelection(subnets=vpc.private_subnets),
                                        security_groups=[api_elb], cross_zone_enabled=True)
        control_plane = [asgs[f"control-plane-{z}"] for z in ZONES]
        api.add_listener("Https", port=443).add_targets(
            "KubeApiserver", port=443, targets=control_plane,
            health_check=elbv2.HealthCheck(protocol=elbv2.Protocol.TCP, interval=cdk.Duration.seconds(10),
                                           healthy_threshold_count=2))
        api.add_listener("KopsController", port=3988).add_targets(
            "KopsController", port=3988, targets=control_plane,
            health_check=elbv2.HealthCheck(protocol=elbv2.Protocol.HTTPS, path="/healthz",
                                           interval=cdk.Duration.seconds(10), healthy_threshold_count=2))
        bastion_nlb = elbv2.NetworkLoadBalancer(self, "BastionNlb", vpc=vpc, internet_facing=True,
                                                load_balancer_name="bastion-ha", cross_zone_enabled=True,
                                                vpc_subnets=ec2.SubnetSelection(subnets=utility),
                                                security_groups=[bastion_elb])
        bastion_nlb.add_listener("Ssh", port=22).add_targets(
            "Bastion", port=22, targets=[asgs["bastions"]],
            health_check=elbv2.HealthCheck(protocol=elbv2.Protocol.TCP, interval=cdk.Duration.seconds(10)))

        # --- DNS: the API's names, aliases of its load balancer
        zone = route53.HostedZone.from_hosted_zone_attributes(self, "Zone", hosted_zone_id="Z1AFAKE1ZON3YO",
                                                               zone_name="example.com")
        for record in (f"api.{CLUSTER}", f"api.internal.{CLUSTER}"):
            route53.ARecord(self, f"Record{record.replace('.', '-')}", zone=zone, record_name=record,
                            target=route53.RecordTarget.from_alias(route53_targets.LoadBalancerTarget(api)))

        # --- node-termination-handler: its queue and the events it receives
        queue = sqs.Queue(self, "NthQueue", queue_name=CLUSTER.replace(".", "-") + "-nth",
                          encryption=sqs.QueueEncryption.SQS_MANAGED, retention_period=cdk.Duration.minutes(5))
        patterns = {
            "ASGLifecycle": events.EventPattern(source=["aws.autoscaling"],
                                                detail_type=["EC2 Instance-terminate Lifecycle Action"]),
            "InstanceScheduledChange": events.EventPattern(source=["aws.health"], detail_type=["AWS Health Event"],
                                                           detail={"service": ["EC2"],
                                                                   "eventTypeCategory": ["scheduledChange"]}),
            "InstanceStateChange": events.EventPattern(source=["aws.ec2"],
                                                       detail_type=["EC2 Instance State-change Notification"]),
            "SpotInterruption": events.EventPattern(source=["aws.ec2"],
                                                    detail_type=["EC2 Spot Instance Interruption Warning"]),
        }
        for name, pattern in patterns.items():
            events.Rule(self, f"Rule{name}", rule_name=f"{CLUSTER}-{name}", event_pattern=pattern,
                        targets=[events_targets.SqsQueue(queue)])


app = cdk.App(analytics_reporting=False)
KopsCluster(app, "ha-example-com", env=cdk.Environment(account="123456789012", region="eu-west-1"))
app.synth()
