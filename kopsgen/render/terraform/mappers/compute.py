"""Terraform for compute resources: AMI lookups, launch templates, auto-scaling groups, lifecycle hooks."""

from __future__ import annotations

from kopsgen.render.terraform import naming
from kopsgen.ir.base import Ref
from kopsgen.ir.compute import (
    AutoscalingGroup, AutoscalingLifecycleHook, EbsDevice, ImageLookup, LaunchTemplate, MixedInstances,
    SsmParameterLookup,
)
from kopsgen.render.terraform.hcl import Blocks, Expr
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body

# ---------------------------------------------------------------- image lookups


@mapper(ImageLookup, "aws_ami", data_source=True, label=lambda r: naming.image_lookup_label(r.name))
def map_image_lookup(r: ImageLookup, ctx: TfContext) -> dict:
    body: dict = {"most_recent": True}
    if r.owners:
        body["owners"] = list(r.owners)
    if r.name_pattern is not None:
        body["filter"] = Blocks.of({"name": "name", "values": [r.name_pattern]})
    else:
        # an ID the spec names (or an SSM parameter holds) is used even when its owner has deprecated it
        body["include_deprecated"] = True
        body["filter"] = Blocks.of({"name": "image-id", "values": [_image_id(r.image_id, ctx)]})
    return body


def _image_id(image_id: str | Ref | None, ctx: TfContext):
    if isinstance(image_id, Ref) and image_id.kind is SsmParameterLookup:
        # AMI IDs in public SSM parameters are not secrets; `value` would mark every use sensitive
        return Expr(f"{ctx.address(image_id.kind, image_id.name)}.insecure_value")
    return ctx.ref(image_id)


@mapper(SsmParameterLookup, "aws_ssm_parameter", data_source=True, label=lambda r: naming.image_lookup_label(r.name))
def map_ssm_parameter_lookup(r: SsmParameterLookup, ctx: TfContext) -> dict:
    return {"name": r.name}


# ---------------------------------------------------------------- launch templates


def _ebs_mapping(device: EbsDevice, ctx: TfContext) -> dict:
    ebs: dict = {"delete_on_termination": device.delete_on_termination, "encrypted": device.encrypted,
                 "volume_size": device.volume_size, "volume_type": device.volume_type}
    for key, value in (("iops", device.iops), ("throughput", device.throughput), ("kms_key_id", device.kms_key_id)):
        if value is not None:
            ebs[key] = value
    return {"device_name": ctx.ref(device.device_name), "ebs": Blocks.of(ebs)}


TAGGED_AT_LAUNCH = ("instance", "volume", "network-interface")


@mapper(LaunchTemplate, "aws_launch_template")
def map_launch_template(r: LaunchTemplate, ctx: TfContext) -> dict:
    mappings = [_ebs_mapping(d, ctx) for d in r.block_devices]
    mappings += [{"device_name": d.device_name, "virtual_name": d.virtual_name} for d in r.instance_store]
    body: dict = {
        "name": r.name,
        "image_id": _image_id(r.image_id, ctx),
        "block_device_mappings": Blocks.of(*mappings),
        "lifecycle": Blocks.of({"create_before_destroy": True}),
        "metadata_options": Blocks.of({
            # an explicit endpoint state keeps the provider from planning a change on every run
            "http_endpoint": "enabled",
            "http_tokens": r.metadata.http_tokens,
            "http_put_response_hop_limit": r.metadata.http_put_response_hop_limit,
            "http_protocol_ipv6": "enabled" if r.metadata.ipv6_endpoint else "disabled",
        }),
        "monitoring": Blocks.of({"enabled": r.detailed_monitoring}),
        "network_interfaces": Blocks.of({
            "associate_public_ip_address": r.associate_public_ip,
            "delete_on_termination": True,
            "ipv6_address_count": r.ipv6_address_count,
            "security_groups": ctx.refs(r.security_groups),
        }),
        **tags_body(r.tags),
    }
    if r.tags:
        body["tag_specifications"] = Blocks.of(*({"resource_type": kind, "tags": dict(sorted(r.tags.items()))}
                                                 for kind in TAGGED_AT_LAUNCH))
    if r.instance_type:
        body["instance_type"] = r.instance_type
    if r.iam_instance_profile is not None:
        profile = ctx.ref(r.iam_instance_profile)
        key = "arn" if isinstance(profile, str) and profile.startswith("arn:") else "name"
        body["iam_instance_profile"] = Blocks.of({key: profile})
    if r.key_pair is not None:
        body["key_name"] = ctx.ref(r.key_pair)
    if r.cpu_credits:
        body["credit_specification"] = Blocks.of({"cpu_credits": r.cpu_credits})
    if r.tenancy:
        body["placement"] = Blocks.of({"tenancy": r.tenancy})
    if r.ebs_optimized is not None:
        body["ebs_optimized"] = r.ebs_optimized
    if r.spot is not None:
        spot: dict = {}
        for key, value in (("max_price", r.spot.max_price), ("block_duration_minutes", r.spot.block_duration_minutes),
                           ("instance_interruption_behavior", r.spot.interruption_behavior)):
            if value is not None:
                spot[key] = value
        body["instance_market_options"] = Blocks.of({"market_type": "spot", "spot_options": Blocks.of(spot)})
    if r.user_data:
        body["user_data"] = ctx.data_file("aws_launch_template", r.name, "user_data", r.user_data, as_base64=True)
    return body


# ---------------------------------------------------------------- auto-scaling groups


def _sorted_links(values: list) -> list:
    """Sets of links in a stable order (literal IDs first, then references), as kops sorts them."""
    return sorted(values, key=lambda v: (not isinstance(v, str), v if isinstance(v, str) else v.text))


def _mixed_instances_policy(r: AutoscalingGroup, m: MixedInstances, ctx: TfContext) -> Blocks:
    spec = _launch_template_spec(r, ctx, "launch_template_id")
    launch_template: dict = {"launch_template_specification": Blocks.of(spec)}
    overrides = [{"instance_type": t} for t in m.instance_types]
    if m.instance_requirements is not None:
        req = m.instance_requirements
        vcpu: dict = {"min": req.vcpu_min}
        memory: dict = {"min": req.memory_min_mib}
        if req.vcpu_max is not None:
            vcpu["max"] = req.vcpu_max
        if req.memory_max_mib is not None:
            memory["max"] = req.memory_max_mib
        requirements: dict = {"vcpu_count": Blocks.of(vcpu), "memory_mib": Blocks.of(memory)}
        if req.excluded_instance_types:
            requirements["excluded_instance_types"] = list(req.excluded_instance_types)
        overrides.append({"instance_requirements": Blocks.of(requirements)})
    if overrides:
        launch_template["override"] = Blocks.of(*overrides)
    distribution: dict = {}
    for key, value in (("on_demand_allocation_strategy", m.on_demand_allocation_strategy),
                       ("on_demand_base_capacity", m.on_demand_base_capacity),
                       ("on_demand_percentage_above_base_capacity", m.on_demand_percentage_above_base),
                       ("spot_allocation_strategy", m.spot_allocation_strategy),
                       ("spot_instance_pools", m.spot_instance_pools)):
        if value is not None:
            distribution[key] = value
    # an empty price means "up to the on-demand price" and clears a price set before
    distribution["spot_max_price"] = m.spot_max_price or ""
    return Blocks.of({"launch_template": Blocks.of(launch_template), "instances_distribution": Blocks.of(distribution)})


def _launch_template_spec(r: AutoscalingGroup, ctx: TfContext, id_key: str = "id") -> dict:
    lt = r.launch_template
    return {id_key: ctx.ref(Ref(lt.kind, lt.name, "id")), "version": ctx.ref(Ref(lt.kind, lt.name, "latest_version"))}


@mapper(AutoscalingGroup, "aws_autoscaling_group")
def map_autoscaling_group(r: AutoscalingGroup, ctx: TfContext) -> dict:
    body: dict = {
        "name": r.name,
        "min_size": r.min_size,
        "max_size": r.max_size,
        "vpc_zone_identifier": ctx.refs(r.subnets),
        "enabled_metrics": list(r.metrics),
        "metrics_granularity": r.metrics_granularity,
        "protect_from_scale_in": r.protect_from_scale_in,
        "max_instance_lifetime": r.max_instance_lifetime_seconds,
        # desired_capacity is deliberately absent: AWS starts the group at min_size and the cluster
        # autoscaler moves it from there; setting it here would undo the autoscaler on every apply
        "tag": Blocks.of(*({"key": k, "value": v, "propagate_at_launch": True} for k, v in sorted(r.tags.items()))),
    }
    if r.mixed_instances is not None:
        body["mixed_instances_policy"] = _mixed_instances_policy(r, r.mixed_instances, ctx)
    else:
        body["launch_template"] = Blocks.of(_launch_template_spec(r, ctx))
    if r.load_balancers:
        body["load_balancers"] = _sorted_links(ctx.refs(r.load_balancers))
    if r.target_groups:
        body["target_group_arns"] = _sorted_links(ctx.refs(r.target_groups))
    if r.suspended_processes:
        body["suspended_processes"] = list(r.suspended_processes)
    if r.capacity_rebalance is not None:
        body["capacity_rebalance"] = r.capacity_rebalance
    if r.warm_pool is not None:
        pool: dict = {"min_size": r.warm_pool.min_size}
        if r.warm_pool.max_prepared_capacity is not None:
            pool["max_group_prepared_capacity"] = r.warm_pool.max_prepared_capacity
        body["warm_pool"] = Blocks.of(pool)
    if r.instance_refresh is not None:
        body["instance_refresh"] = Blocks.of({
            "strategy": "Rolling",
            "preferences": Blocks.of({"min_healthy_percentage": r.instance_refresh.min_healthy_percentage}),
        })
    return body


@mapper(AutoscalingLifecycleHook, "aws_autoscaling_lifecycle_hook")
def map_autoscaling_lifecycle_hook(r: AutoscalingLifecycleHook, ctx: TfContext) -> dict:
    return {"name": r.hook_name, "autoscaling_group_name": ctx.ref(r.autoscaling_group),
            "lifecycle_transition": r.lifecycle_transition, "default_result": r.default_result,
            "heartbeat_timeout": r.heartbeat_timeout}

