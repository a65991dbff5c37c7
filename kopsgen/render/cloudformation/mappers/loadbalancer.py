"""CloudFormation for Network Load Balancers, target groups and listeners."""

from __future__ import annotations

from troposphere import elasticloadbalancingv2 as elb

from kopsgen.ir.loadbalancer import LoadBalancerListener, NetworkLoadBalancer, TargetGroup
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, ref_of, tags


def _flag(value: bool) -> str:
    return "true" if value else "false"


@mapper(NetworkLoadBalancer, attributes={"arn": ref_of(), "dns_name": get_att("DNSName"),
                                         "zone_id": get_att("CanonicalHostedZoneID"),
                                         "name": get_att("LoadBalancerName")})
def map_network_load_balancer(r: NetworkLoadBalancer, ctx: CfnContext):
    mappings = []
    for m in r.subnet_mappings:
        mapping: dict = {"SubnetId": ctx.ref(m.subnet)}
        if m.allocation_id:
            mapping["AllocationId"] = m.allocation_id
        if m.private_ipv4_address:
            mapping["PrivateIPv4Address"] = m.private_ipv4_address
        mappings.append(elb.SubnetMapping(**mapping))
    attributes = {"load_balancing.cross_zone.enabled": _flag(r.cross_zone),
                  "deletion_protection.enabled": _flag(r.deletion_protection)}
    if r.access_log:
        attributes["access_logs.s3.enabled"] = "true"
        attributes["access_logs.s3.bucket"] = r.access_log.bucket
        if r.access_log.prefix:
            attributes["access_logs.s3.prefix"] = r.access_log.prefix
    groups = ctx.refs(r.security_groups)
    props: dict = {
        "Name": r.load_balancer_name, "Type": "network", "Scheme": "internal" if r.internal else "internet-facing",
        "SubnetMappings": mappings, "IpAddressType": "dualstack" if r.dualstack else "ipv4",
        "LoadBalancerAttributes": [elb.LoadBalancerAttributes(Key=k, Value=v) for k, v in sorted(attributes.items())],
        **tags(r.tags),
    }
    if groups:
        props["SecurityGroups"] = groups
    return [elb.LoadBalancer(ctx.logical_id(r), **props)]


@mapper(TargetGroup, attributes={"arn": ref_of(), "name": get_att("TargetGroupName")})
def map_target_group(r: TargetGroup, ctx: CfnContext):
    check = r.health_check
    props: dict = {
        "Name": r.name, "Port": r.port, "Protocol": r.protocol, "VpcId": ctx.ref(r.vpc), "TargetType": "instance",
        "HealthCheckProtocol": check.protocol, "HealthCheckIntervalSeconds": check.interval_seconds,
        "HealthyThresholdCount": check.healthy_threshold, "UnhealthyThresholdCount": check.unhealthy_threshold,
        "TargetGroupAttributes": [
            elb.TargetGroupAttribute(Key="deregistration_delay.connection_termination.enabled",
                                     Value=_flag(r.connection_termination)),
            elb.TargetGroupAttribute(Key="deregistration_delay.timeout_seconds",
                                     Value=str(r.deregistration_delay_seconds)),
        ],
        **tags(r.tags),
    }
    if check.path:
        props["HealthCheckPath"] = check.path
    return [elb.TargetGroup(ctx.logical_id(r), **props)]


@mapper(LoadBalancerListener)
def map_load_balancer_listener(r: LoadBalancerListener, ctx: CfnContext):
    props: dict = {"LoadBalancerArn": ctx.ref(r.load_balancer), "Port": r.port, "Protocol": r.protocol,
                   "DefaultActions": [elb.Action(Type="forward", TargetGroupArn=ctx.ref(r.target_group))]}
    if r.certificate_arn:
        props["Certificates"] = [elb.Certificate(CertificateArn=r.certificate_arn)]
    if r.ssl_policy:
        props["SslPolicy"] = r.ssl_policy
    return [elb.Listener(ctx.logical_id(r), **props)]
