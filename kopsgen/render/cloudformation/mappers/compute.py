"""CloudFormation for compute resources: images, launch templates, auto-scaling groups, lifecycle hooks.

Image lookups create nothing: an image becomes a literal AMI ID or a template parameter resolved at
deploy time (images.py). Every auto-scaling group carries an UpdatePolicy, so that a changed launch
template replaces its instances in rolling batches; control-plane groups additionally wait for each
other, so that a stack update never replaces two etcd members at once.
"""

from __future__ import annotations

import base64

from troposphere import Base64, Ref, autoscaling, ec2
from troposphere.policies import AutoScalingRollingUpdate, UpdatePolicy

from kopsgen.ir.base import Ref as IrRef
from kopsgen.ir.compute import (
    AutoscalingGroup, AutoscalingLifecycleHook, EbsDevice, ImageLookup, LaunchTemplate, MixedInstances,
    SsmParameterLookup,
)
from kopsgen.render.cloudformation import images
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, tags

# ---------------------------------------------------------------- images

_IMAGE_ID_TYPE = "AWS::EC2::Image::Id"
_SSM_IMAGE_ID_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"


def _image_id(ctx: CfnContext, r: ImageLookup):
    if isinstance(r.image_id, str):
        return r.image_id
    if isinstance(r.image_id, IrRef):   # an `ssm:` image: the parameter the spec names
        parameter = r.image_id.name
        return ctx.parameter(ctx.logical_id(r), Type=_SSM_IMAGE_ID_TYPE, Default=parameter,
                             Description=f"The image {r.name}: the SSM parameter holding its AMI ID.")
    family = images.family_of(r.owners, r.name_pattern or "")
    if family.ssm_parameter:
        return ctx.parameter(
            ctx.logical_id(r), Type=_SSM_IMAGE_ID_TYPE, Default=family.ssm_parameter,
            Description=f"The image {r.name}, resolved when the stack is deployed to the current image of its "
                        "family through this public SSM parameter; to pin one build, name an SSM parameter "
                        "holding its AMI ID.")
    return ctx.parameter(ctx.logical_id(r), Type=_IMAGE_ID_TYPE,
                         Description=f"The AMI ID of the image {r.name} (owner {', '.join(r.owners)}); "
                                     "kopsgen does not search images while rendering.")


def _root_device(ctx: CfnContext, r: ImageLookup):
    if isinstance(r.image_id, IrRef):
        known = images.root_device_of_ssm(r.image_id.name)
    elif r.name_pattern is not None:
        known = images.family_of(r.owners, r.name_pattern).root_device
    else:
        known = None
    if known:
        return known
    # Terraform reads it from the image; a template cannot, and a wrong name would attach the
    # root-volume settings to an extra, empty disk, so the user says which it is.
    return ctx.parameter(ctx.logical_id(r, "root_device"), Type="String",
                         AllowedValues=[images.ROOT_XVDA, images.ROOT_SDA1],
                         Description=f"The root device name of the image {r.name} (see `aws ec2 describe-images`).")


@mapper(ImageLookup, id_prefix="Image", parts={"root_device": "ImageRootDevice"},
        attributes={"id": _image_id, "root_device_name": _root_device})
def map_image_lookup(r: ImageLookup, ctx: CfnContext):
    return []


def _ssm_value(ctx: CfnContext, r: SsmParameterLookup):
    return ctx.parameter(ctx.logical_id(r), Type="AWS::SSM::Parameter::Value<String>", Default=r.name,
                         Description=f"The value of the SSM parameter {r.name}.")


@mapper(SsmParameterLookup, id_prefix="Ssm", attributes={"value": _ssm_value})
def map_ssm_parameter_lookup(r: SsmParameterLookup, ctx: CfnContext):
    return []   # read through the ImageLookup that uses it (typed as an image ID there)


# ---------------------------------------------------------------- launch templates

TAGGED_AT_LAUNCH = ("instance", "volume", "network-interface")


def _ebs_mapping(device: EbsDevice, ctx: CfnContext) -> ec2.LaunchTemplateBlockDeviceMapping:
    ebs: dict = {"DeleteOnTermination": device.delete_on_termination, "Encrypted": device.encrypted,
                 "VolumeSize": device.volume_size, "VolumeType": device.volume_type}
    for key, value in (("Iops", device.iops), ("Throughput", device.throughput), ("KmsKeyId", device.kms_key_id)):
        if value is not None:
            ebs[key] = value
    return ec2.LaunchTemplateBlockDeviceMapping(DeviceName=ctx.ref(device.device_name), Ebs=ec2.EBSBlockDevice(**ebs))


def user_data(data: bytes):
    """The user data, as the same bytes Terraform embeds: Fn::Base64 of the text; bytes that are not
    text (compressed user data) are already base64 here, which is what EC2 takes."""
    try:
        return Base64(data.decode("utf-8"))
    except UnicodeDecodeError:
        return base64.b64encode(data).decode()


@mapper(LaunchTemplate, attributes={"latest_version": get_att("LatestVersionNumber")})
def map_launch_template(r: LaunchTemplate, ctx: CfnContext):
    mappings = [_ebs_mapping(d, ctx) for d in r.block_devices]
    mappings += [ec2.LaunchTemplateBlockDeviceMapping(DeviceName=d.device_name, VirtualName=d.virtual_name)
                 for d in r.instance_store]
    data: dict = {
        "ImageId": ctx.ref(r.image_id),
        "BlockDeviceMappings": mappings,
        "MetadataOptions": ec2.MetadataOptions(
            HttpEndpoint="enabled", HttpTokens=r.metadata.http_tokens,
            HttpPutResponseHopLimit=r.metadata.http_put_response_hop_limit,
            HttpProtocolIpv6="enabled" if r.metadata.ipv6_endpoint else "disabled"),
        "Monitoring": ec2.Monitoring(Enabled=r.detailed_monitoring),
        "NetworkInterfaces": [ec2.NetworkInterfaces(
            DeviceIndex=0, AssociatePublicIpAddress=r.associate_public_ip, DeleteOnTermination=True,
            Ipv6AddressCount=r.ipv6_address_count, Groups=ctx.refs(r.security_groups))],
    }
    if r.tags:
        data["TagSpecifications"] = [ec2.TagSpecifications(ResourceType=kind, **tags(r.tags))
                                     for kind in TAGGED_AT_LAUNCH]
    if r.instance_type:
        data["InstanceType"] = r.instance_type
    if r.iam_instance_profile is not None:
        profile = ctx.ref(r.iam_instance_profile)
        is_arn = isinstance(profile, str) and profile.startswith("arn:")
        data["IamInstanceProfile"] = ec2.IamInstanceProfile(**({"Arn": profile} if is_arn else {"Name": profile}))
    if r.key_pair is not None:
        data["KeyName"] = ctx.ref(r.key_pair)
    if r.cpu_credits:
        data["CreditSpecification"] = ec2.LaunchTemplateCreditSpecification(CpuCredits=r.cpu_credits)
    if r.tenancy:
        data["Placement"] = ec2.Placement(Tenancy=r.tenancy)
    if r.ebs_optimized is not None:
        data["EbsOptimized"] = r.ebs_optimized
    if r.spot is not None:
        spot: dict = {}
        for key, value in (("MaxPrice", r.spot.max_price), ("BlockDurationMinutes", r.spot.block_duration_minutes),
                           ("InstanceInterruptionBehavior", r.spot.interruption_behavior)):
            if value is not None:
                spot[key] = value
        data["InstanceMarketOptions"] = ec2.InstanceMarketOptions(MarketType="spot",
                                                                  SpotOptions=ec2.SpotOptions(**spot))
    if r.user_data:
        data["UserData"] = user_data(r.user_data)
    props: dict = {"LaunchTemplateName": r.name, "LaunchTemplateData": ec2.LaunchTemplateData(**data)}
    if r.tags:
        props["TagSpecifications"] = [ec2.TagSpecifications(ResourceType="launch-template", **tags(r.tags))]
    return [ec2.LaunchTemplate(ctx.logical_id(r), **props)]


# ---------------------------------------------------------------- auto-scaling groups

# Without signals from the instances, CloudFormation waits this long after replacing a batch before
# the next: time for a new instance to boot and join. etcd members need longer to rejoin.
CONTROL_PLANE_PAUSE = "PT5M"
NODE_PAUSE = "PT2M"
# Processes AWS recommends suspending while CloudFormation replaces instances, so that the group
# does not replace or rebalance them at the same time.
SUSPENDED_METADATA = "kopsgen"
SUSPENDED_DURING_UPDATE = ("AlarmNotification", "AZRebalance", "HealthCheck", "ReplaceUnhealthy", "ScheduledActions")


def _update_policy(r: AutoscalingGroup) -> UpdatePolicy:
    control_plane = r.rolling_update.control_plane
    batch = r.rolling_update.max_unavailable
    # CloudFormation requires fewer instances in service than the group's maximum
    in_service = max(0, min(r.min_size - batch, r.max_size - 1))
    # CloudFormation resumes what it suspended once the update is done: a process the spec keeps
    # suspended for good (suspended after creation, see DEPLOY.md) must not be in this list
    suspended = sorted(set(SUSPENDED_DURING_UPDATE) - set(r.suspended_processes))
    return UpdatePolicy(AutoScalingRollingUpdate=AutoScalingRollingUpdate(
        MaxBatchSize=batch, MinInstancesInService=in_service, SuspendProcesses=suspended,
        PauseTime=CONTROL_PLANE_PAUSE if control_plane else NODE_PAUSE))


def _launch_template_spec(r: AutoscalingGroup, ctx: CfnContext) -> autoscaling.LaunchTemplateSpecification:
    lt = r.launch_template
    return autoscaling.LaunchTemplateSpecification(
        LaunchTemplateId=ctx.ref(IrRef(lt.kind, lt.name, "id")),
        Version=ctx.ref(IrRef(lt.kind, lt.name, "latest_version")))


def _mixed_instances_policy(r: AutoscalingGroup, m: MixedInstances, ctx: CfnContext):
    overrides = [autoscaling.LaunchTemplateOverrides(InstanceType=t) for t in m.instance_types]
    if m.instance_requirements is not None:
        req = m.instance_requirements
        vcpu: dict = {"Min": req.vcpu_min}
        memory: dict = {"Min": req.memory_min_mib}
        if req.vcpu_max is not None:
            vcpu["Max"] = req.vcpu_max
        if req.memory_max_mib is not None:
            memory["Max"] = req.memory_max_mib
        requirements: dict = {"VCpuCount": autoscaling.VCpuCountRequest(**vcpu),
                              "MemoryMiB": autoscaling.MemoryMiBRequest(**memory)}
        if req.excluded_instance_types:
            requirements["ExcludedInstanceTypes"] = list(req.excluded_instance_types)
        overrides.append(autoscaling.LaunchTemplateOverrides(
            InstanceRequirements=autoscaling.InstanceRequirements(**requirements)))
    launch_template: dict = {"LaunchTemplateSpecification": _launch_template_spec(r, ctx)}
    if overrides:
        launch_template["Overrides"] = overrides
    distribution: dict = {}
    for key, value in (("OnDemandAllocationStrategy", m.on_demand_allocation_strategy),
                       ("OnDemandBaseCapacity", m.on_demand_base_capacity),
                       ("OnDemandPercentageAboveBaseCapacity", m.on_demand_percentage_above_base),
                       ("SpotAllocationStrategy", m.spot_allocation_strategy),
                       ("SpotInstancePools", m.spot_instance_pools),
                       ("SpotMaxPrice", m.spot_max_price)):
        if value is not None:
            distribution[key] = value
    policy: dict = {"LaunchTemplate": autoscaling.LaunchTemplate(**launch_template)}
    if distribution:
        policy["InstancesDistribution"] = autoscaling.InstancesDistribution(**distribution)
    return autoscaling.MixedInstancesPolicy(**policy)


@mapper(AutoscalingGroup, id_prefix="AutoScalingGroup", parts={"warm_pool": "WarmPool"},
        attributes={"name": lambda ctx, r: Ref(ctx.logical_id(r))})
def map_autoscaling_group(r: AutoscalingGroup, ctx: CfnContext):
    props: dict = {
        "AutoScalingGroupName": r.name,
        "MinSize": str(r.min_size),
        "MaxSize": str(r.max_size),
        "VPCZoneIdentifier": ctx.refs(r.subnets),
        "NewInstancesProtectedFromScaleIn": r.protect_from_scale_in,
        # DesiredCapacity is deliberately absent, as in Terraform: the cluster autoscaler owns it
        "Tags": autoscaling.Tags(**dict(sorted(r.tags.items()))),
    }
    if r.metrics:
        props["MetricsCollection"] = [autoscaling.MetricsCollection(Granularity=r.metrics_granularity,
                                                                    Metrics=list(r.metrics))]
    if r.max_instance_lifetime_seconds:
        props["MaxInstanceLifetime"] = r.max_instance_lifetime_seconds
    if r.mixed_instances is not None:
        props["MixedInstancesPolicy"] = _mixed_instances_policy(r, r.mixed_instances, ctx)
    else:
        props["LaunchTemplate"] = _launch_template_spec(r, ctx)
    if r.load_balancers:
        props["LoadBalancerNames"] = _sorted(ctx.refs(r.load_balancers))
    if r.target_groups:
        props["TargetGroupARNs"] = _sorted(ctx.refs(r.target_groups))
    if r.capacity_rebalance is not None:
        props["CapacityRebalance"] = r.capacity_rebalance
    if r.suspended_processes:
        # CloudFormation has no property for processes suspended for good: the template records them
        # and DEPLOY.md gives the command that suspends them once the stack exists
        props["Metadata"] = {SUSPENDED_METADATA: {"SuspendedProcesses": sorted(r.suspended_processes)}}
    group = autoscaling.AutoScalingGroup(ctx.logical_id(r), UpdatePolicy=_update_policy(r), **props)
    _after_previous_group(ctx, r)
    objects = [group]
    if r.warm_pool is not None:
        pool: dict = {"AutoScalingGroupName": Ref(group), "MinSize": r.warm_pool.min_size}
        if r.warm_pool.max_prepared_capacity is not None:
            pool["MaxGroupPreparedCapacity"] = r.warm_pool.max_prepared_capacity
        objects.append(autoscaling.WarmPool(ctx.logical_id(r, "warm_pool"), **pool))
    return objects


def _after_previous_group(ctx: CfnContext, r: AutoscalingGroup) -> None:
    """Chain the groups that roll in turn (control-plane groups): CloudFormation then creates and updates
    them one at a time."""
    previous = ctx.graph.find(AutoscalingGroup, r.rolling_update.after) if r.rolling_update.after else None
    if previous is not None:
        ctx.depend_on(ctx.logical_id(previous))


def _sorted(values: list) -> list:
    """Literal IDs first (sorted), then references in the order given."""
    literal = sorted(v for v in values if isinstance(v, str))
    return literal + [v for v in values if not isinstance(v, str)]


@mapper(AutoscalingLifecycleHook, id_prefix="LifecycleHook")
def map_autoscaling_lifecycle_hook(r: AutoscalingLifecycleHook, ctx: CfnContext):
    return [autoscaling.LifecycleHook(
        ctx.logical_id(r), LifecycleHookName=r.hook_name, AutoScalingGroupName=ctx.ref(r.autoscaling_group),
        LifecycleTransition=r.lifecycle_transition, DefaultResult=r.default_result,
        HeartbeatTimeout=r.heartbeat_timeout)]

