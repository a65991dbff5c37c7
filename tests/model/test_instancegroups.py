"""Instance groups and the node termination handler's queue on the graph: what exists, how it is linked,
how it is named and tagged."""

from __future__ import annotations

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.errors import RenderError, SpecError
from kopsgen.ir.base import External, Ref
from kopsgen.ir.compute import (
    AutoscalingGroup, AutoscalingLifecycleHook, ImageLookup, LaunchTemplate, SsmParameterLookup,
)
from kopsgen.ir.events import EventRule, EventTarget, SqsQueue
from kopsgen.ir.firewall import SecurityGroup
from kopsgen.ir.iam import IamInstanceProfile
from kopsgen.ir.loadbalancer import TargetGroup
from kopsgen.ir.sshkey import KeyPair
from kopsgen.model.instancegroups import instance_store_devices
from tests.support import specs
from tests.support.paths import case_input, reference_cases
from tests.support.specs import CLUSTER, instance_group
from tests.support.spec_edit import edited_spec
from tests.support.sessions import session

CP = "control-plane-us-east-1a"
CP_GROUP = f"{CP}.masters.{CLUSTER}"
NODES_GROUP = f"nodes.{CLUSTER}"
LABEL = "k8s.io/cluster-autoscaler/node-template/label/"
TAINT = "k8s.io/cluster-autoscaler/node-template/taint/"


def _graph(tmp_path, edit=None):
    return pipeline.build_graph(session(specs.load(tmp_path, edit)))


def _edit_group(name: str, **changes):
    def edit(cluster, groups):
        next(g for g in groups if g["metadata"]["name"] == name)["spec"].update(changes)
    return edit


def _template(graph, name=NODES_GROUP) -> LaunchTemplate:
    return graph.get(LaunchTemplate, name)


def _group(graph, name=NODES_GROUP) -> AutoscalingGroup:
    return graph.get(AutoscalingGroup, name)


# ---------------------------------------------------------------- what exists, per reference case


@pytest.mark.parametrize("case", reference_cases())
def test_one_template_and_group_per_instance_group_and_a_hook_on_each(case):
    spec = pipeline.load_spec([case_input(case)])
    graph = pipeline.build_graph(session(spec))
    expected = sorted(f"{ig.name}.masters.{spec.cluster.name}" if ig.is_control_plane
                      else f"{ig.name}.{spec.cluster.name}" for ig in spec.instance_groups)
    assert [r.name for r in graph.of_kind(LaunchTemplate)] == expected
    assert [r.name for r in graph.of_kind(AutoscalingGroup)] == expected
    hooks = graph.of_kind(AutoscalingLifecycleHook)
    assert sorted(h.name for h in hooks) == sorted(f"{ig.name}-NTHLifecycleHook" for ig in spec.instance_groups)
    # every reference case runs the termination handler in queue mode (kops's default)
    assert len(graph.of_kind(SqsQueue)) == 1
    assert len(graph.of_kind(EventRule)) == len(graph.of_kind(EventTarget)) == 4


@pytest.mark.parametrize("case", reference_cases())
def test_templates_link_to_the_clusters_own_groups_profiles_and_key(case):
    graph = pipeline.build_graph(session(pipeline.load_spec([case_input(case)])))
    for template in graph.of_kind(LaunchTemplate):
        assert template.security_groups[0].kind is SecurityGroup
        assert template.iam_instance_profile.kind is IamInstanceProfile
        assert template.key_pair is None or template.key_pair.kind is KeyPair
        for link in (template.security_groups[0], template.iam_instance_profile, template.image_id):
            assert not isinstance(link, Ref) or link in graph, link
    graph.check()


def test_ha_control_plane_has_one_group_per_zone(tmp_path):
    zones = ("us-east-1a", "us-east-1b", "us-east-1c")

    def edit(cluster, groups):
        cluster["subnets"] = [{"name": z, "zone": z, "type": "Public", "cidr": f"172.20.{32 * i}.0/19"}
                              for i, z in enumerate(zones, start=1)]
        groups[:] = [instance_group(f"cp-{z}", "ControlPlane", [z]) for z in zones] + \
                    [instance_group("nodes", "Node", list(zones))]
        for etcd in cluster["etcdClusters"]:
            etcd["etcdMembers"] = [{"name": z[-1], "instanceGroup": f"cp-{z}"} for z in zones]

    graph = _graph(tmp_path, edit)
    for zone in zones:
        group = _group(graph, f"cp-{zone}.masters.{CLUSTER}")
        assert [s.name for s in group.subnets] == [f"{zone}.{CLUSTER}"]
    assert [s.name for s in _group(graph).subnets] == [f"{z}.{CLUSTER}" for z in zones]
    assert graph.outputs["master_autoscaling_group_ids"] == tuple(
        Ref(AutoscalingGroup, f"cp-{z}.masters.{CLUSTER}") for z in zones)


# ---------------------------------------------------------------- tags


def test_group_tags_carry_node_template_labels_and_taints_for_the_cluster_autoscaler(tmp_path):
    edit = _edit_group("nodes", nodeLabels={"team": "ml", "kops.k8s.io/instancegroup": "nodes"},
                       taints=["dedicated=gpu:NoSchedule", "spot:PreferNoSchedule"],
                       cloudLabels={"cost-center": "42"})
    tags = _group(_graph(tmp_path, edit)).tags
    assert tags[LABEL + "team"] == "ml"
    assert tags[LABEL + "kops.k8s.io/instancegroup"] == "nodes"
    assert tags[LABEL + "node-role.kubernetes.io/node"] == ""
    assert tags[TAINT + "dedicated"] == "gpu:NoSchedule"
    assert tags[TAINT + "spot"] == ":PreferNoSchedule"
    assert tags["cost-center"] == "42"
    assert tags["k8s.io/role/node"] == "1"
    assert tags["kops.k8s.io/instancegroup"] == "nodes"
    assert tags["aws-node-termination-handler/managed"] == ""
    assert tags["Name"] == NODES_GROUP
    assert tags[f"kubernetes.io/cluster/{CLUSTER}"] == "owned"


def test_control_plane_tags_and_labels(tmp_path):
    def edit(cluster, groups):
        cluster["masterKubelet"] = {"nodeLabels": {"tier": "cp"}}
        cluster["kubelet"] = {"nodeLabels": {"tier": "worker"}}

    graph = _graph(tmp_path, edit)
    tags = _group(graph, CP_GROUP).tags
    for label in ("node-role.kubernetes.io/control-plane", "kops.k8s.io/kops-controller-pki",
                  "node.kubernetes.io/exclude-from-external-load-balancers"):
        assert tags[LABEL + label] == ""
    assert tags[LABEL + "tier"] == "cp"
    assert tags["k8s.io/role/control-plane"] == tags["k8s.io/role/master"] == "1"
    assert LABEL + "node-role.kubernetes.io/node" not in tags
    assert _group(graph).tags[LABEL + "tier"] == "worker"
    # the template and its instances carry the same tags as the group
    assert _template(graph, CP_GROUP).tags == tags


# ---------------------------------------------------------------- launch template


@pytest.mark.parametrize("image,lookup", [
    ("ubuntu/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
     {"owners": ("099720109477",), "name_pattern": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"}),
    ("amazon/al2023-ami-2023.*-x86_64", {"owners": ("137112412989",), "name_pattern": "al2023-ami-2023.*-x86_64"}),
    ("debian/debian-12-amd64-*", {"owners": ("136693071363",), "name_pattern": "debian-12-amd64-*"}),
    ("flatcar/Flatcar-stable-*", {"owners": ("075585003325",), "name_pattern": "Flatcar-stable-*"}),
    ("123456789012/my-golden-image", {"owners": ("123456789012",), "name_pattern": "my-golden-image"}),
    ("my-own-image", {"owners": ("self",), "name_pattern": "my-own-image"}),
])
def test_image_names_become_plan_time_lookups_with_kops_owner_aliases(tmp_path, image, lookup):
    graph = _graph(tmp_path, _edit_group("nodes", image=image))
    found = graph.get(ImageLookup, image)
    assert {k: getattr(found, k) for k in lookup} == lookup
    template = _template(graph)
    assert template.image_id == Ref(ImageLookup, image)
    assert template.block_devices[0].device_name == Ref(ImageLookup, image, "root_device_name")


def test_an_ami_id_is_used_as_given_and_looked_up_only_for_its_root_device(tmp_path):
    graph = _graph(tmp_path, _edit_group("nodes", image="ami-0123456789abcdef0"))
    template = _template(graph)
    assert template.image_id == "ami-0123456789abcdef0"
    assert graph.get(ImageLookup, "ami-0123456789abcdef0").image_id == "ami-0123456789abcdef0"
    assert template.block_devices[0].device_name == Ref(ImageLookup, "ami-0123456789abcdef0", "root_device_name")


def test_an_ssm_image_is_read_from_the_parameter_at_plan_time(tmp_path):
    image = "ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
    graph = _graph(tmp_path, _edit_group("nodes", image=image))
    parameter = image.removeprefix("ssm:")
    assert graph.get(SsmParameterLookup, parameter)
    assert graph.get(ImageLookup, image).image_id == Ref(SsmParameterLookup, parameter, "value")
    assert _template(graph).image_id == Ref(ImageLookup, image)


def test_groups_sharing_an_image_share_one_lookup(tmp_path):
    graph = _graph(tmp_path)
    assert len(graph.of_kind(ImageLookup)) == 1


def test_root_volume_defaults_are_encrypted_gp3_at_aws_baseline(tmp_path):
    graph = _graph(tmp_path)
    for name, size in ((CP_GROUP, 64), (NODES_GROUP, 128)):
        root = _template(graph, name).block_devices[0]
        assert (root.volume_type, root.volume_size, root.iops, root.throughput, root.encrypted, root.kms_key_id,
                root.delete_on_termination) == ("gp3", size, 3000, 125, True, None, True)


def test_root_and_extra_volumes_from_the_spec(tmp_path):
    key = "arn:aws:kms:us-east-1:111122223333:key/k"
    edit = _edit_group("nodes", rootVolumeSize=200, rootVolumeType="io2", rootVolumeIops=50,
                       rootVolumeEncryptionKey=key,
                       volumes=[{"device": "/dev/xvdz", "size": 30, "type": "gp3", "deleteOnTermination": False},
                                {"device": "/dev/xvdf", "size": 10, "type": "st1", "encrypted": False}])
    root, first, second = _template(_graph(tmp_path, edit)).block_devices
    assert (root.volume_type, root.volume_size, root.iops, root.throughput, root.kms_key_id) == \
        ("io2", 200, 100, None, key)
    # extra devices in device order; the spec's deleteOnTermination is honoured (kops's Terraform drops it)
    assert (first.device_name, first.volume_type, first.iops, first.encrypted) == ("/dev/xvdf", "st1", None, False)
    assert (second.device_name, second.iops, second.throughput, second.delete_on_termination) == \
        ("/dev/xvdz", 3000, 125, False)


@pytest.mark.parametrize("instance_type,disks", [("m3.medium", 1), ("c3.large", 2), ("d2.8xlarge", 24),
                                                 ("t3.medium", 0), ("m5d.large", 0), ("i3.large", 0)])
def test_instance_store_is_mapped_only_where_the_mapping_takes_effect(instance_type, disks):
    devices = instance_store_devices(instance_type)
    assert len(devices) == disks
    assert [(d.device_name, d.virtual_name) for d in devices[:2]] == \
        [("/dev/sdc", "ephemeral0"), ("/dev/sdd", "ephemeral1")][:disks]


@pytest.mark.parametrize("subnet_type,associate,expected", [
    ("Public", None, True), ("Public", False, False), ("Utility", None, True),
    ("Private", None, False), ("Private", True, False),   # a private subnet never gets public addresses
])
def test_public_addresses_follow_the_subnet_type(tmp_path, subnet_type, associate, expected):
    def edit(cluster, groups):
        cluster["api"] = {"dns": {}}
        cluster["subnets"][0]["type"] = subnet_type
        if subnet_type in ("Private",):
            cluster["subnets"].append({"name": "utility-us-east-1a", "zone": "us-east-1a", "type": "Utility",
                                       "cidr": "172.20.0.0/22"})
        if associate is not None:
            groups[1]["spec"]["associatePublicIp"] = associate

    assert _template(_graph(tmp_path, edit)).associate_public_ip is expected


def test_ipv6_subnets_give_instances_an_ipv6_address_and_the_ipv6_metadata_endpoint(tmp_path):
    graph = pipeline.build_graph(session(pipeline.load_spec([case_input("minimal-ipv6")])))
    for template in graph.of_kind(LaunchTemplate):
        assert template.ipv6_address_count == 1
        assert template.metadata.ipv6_endpoint is True
    template = _template(_graph(tmp_path))
    assert (template.ipv6_address_count, template.metadata.ipv6_endpoint) == (0, False)


def test_metadata_monitoring_credits_tenancy_and_security_groups(tmp_path):
    edit = _edit_group("nodes", instanceMetadata={"httpTokens": "optional", "httpPutResponseHopLimit": 3},
                       detailedInstanceMonitoring=True, cpuCredits="unlimited", tenancy="dedicated",
                       additionalSecurityGroups=["sg-0aaa", "sg-0bbb"])
    template = _template(_graph(tmp_path, edit))
    assert (template.metadata.http_tokens, template.metadata.http_put_response_hop_limit) == ("optional", 3)
    assert (template.detailed_monitoring, template.cpu_credits, template.tenancy) == (True, "unlimited", "dedicated")
    assert template.security_groups == (Ref(SecurityGroup, NODES_GROUP), External("sg-0aaa"), External("sg-0bbb"))


def test_existing_instance_profile_and_key_pair(tmp_path):
    def edit(cluster, groups):
        cluster["sshKeyName"] = "ops-key"
        groups[1]["spec"]["iam"] = {"profile": "arn:aws:iam::111122223333:instance-profile/custom-nodes"}

    graph = _graph(tmp_path, edit)
    template = _template(graph)
    assert template.key_pair == External("ops-key")
    assert isinstance(template.iam_instance_profile, External)
    assert template.iam_instance_profile.id.endswith("custom-nodes")
    assert _template(graph, CP_GROUP).iam_instance_profile == Ref(IamInstanceProfile, f"masters.{CLUSTER}", "id")


def test_no_key_pair_when_ssh_key_name_is_empty(tmp_path):
    def edit(cluster, groups):
        cluster["sshKeyName"] = ""

    assert _template(_graph(tmp_path, edit)).key_pair is None


def test_spot_price_goes_on_the_template_without_mixed_instances(tmp_path):
    graph = _graph(tmp_path, _edit_group("nodes", maxPrice="0.05", instanceInterruptionBehavior="stop"))
    spot = _template(graph).spot
    assert (spot.max_price, spot.interruption_behavior) == ("0.05", "stop")
    assert _template(graph, CP_GROUP).spot is None


def test_mixed_instances_take_the_spot_price_on_the_group(tmp_path):
    edit = _edit_group("nodes", maxPrice="0.08", machineType="m5.large,m5a.large", mixedInstancesPolicy={
        "instances": ["m5.large", "m5a.large", "m6i.large"], "onDemandBase": 1, "onDemandAboveBase": 20,
        "spotAllocationStrategy": "capacity-optimized"})
    graph = _graph(tmp_path, edit)
    template, mixed = _template(graph), _group(graph).mixed_instances
    assert template.spot is None
    assert template.instance_type == "m5.large"
    assert mixed.instance_types == ("m5.large", "m5a.large", "m6i.large")
    assert mixed.instance_requirements is None
    assert (mixed.on_demand_base_capacity, mixed.on_demand_percentage_above_base, mixed.spot_allocation_strategy,
            mixed.spot_max_price) == (1, 20, "capacity-optimized", "0.08")


def test_mixed_instances_by_requirements(tmp_path):
    edit = _edit_group("nodes", mixedInstancesPolicy={"instanceRequirements": {
        "cpu": {"min": "2", "max": "8"}, "memory": {"min": "4G", "max": "16Gi"},
        "excludedInstanceTypes": ["t2.*"]}})
    mixed = _group(_graph(tmp_path, edit)).mixed_instances
    req = mixed.instance_requirements
    assert mixed.instance_types == ()
    # memory in units of 10^6 bytes, rounded up, as kops converts it
    assert (req.vcpu_min, req.vcpu_max, req.memory_min_mib, req.memory_max_mib, req.excluded_instance_types) == \
        (2, 8, 4000, 17180, ("t2.*",))


def test_instance_types_and_requirements_exclude_each_other(tmp_path):
    edit = _edit_group("nodes", mixedInstancesPolicy={"instances": ["m5.large"],
                                                      "instanceRequirements": {"cpu": {"min": "2"}}})
    with pytest.raises(SpecError) as failure:
        specs.load(tmp_path, edit)
    assert [e.path for e in failure.value.errors] == ["spec.mixedInstancesPolicy.instanceRequirements"]


# ---------------------------------------------------------------- auto-scaling group


def test_group_sizes_metrics_and_settings(tmp_path):
    edit = _edit_group("nodes", minSize=2, maxSize=7, suspendProcesses=["AZRebalance"], instanceProtection=True,
                       maxInstanceLifetime="168h", capacityRebalance=True,
                       externalLoadBalancers=[{"loadBalancerName": "legacy-elb"},
                                              {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:"
                                                                 "111122223333:targetgroup/web/0123456789abcdef"}])
    group = _group(_graph(tmp_path, edit))
    assert (group.min_size, group.max_size) == (2, 7)
    assert len(group.metrics) == 8 and group.metrics_granularity == "1Minute"
    assert (group.suspended_processes, group.protect_from_scale_in, group.max_instance_lifetime_seconds,
            group.capacity_rebalance) == (("AZRebalance",), True, 168 * 3600, True)
    assert group.load_balancers == (External("legacy-elb"),)
    assert group.target_groups == (External("arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/"
                                            "0123456789abcdef"),)
    assert group.launch_template == Ref(LaunchTemplate, NODES_GROUP)
    assert group.instance_refresh is None


def test_api_servers_join_the_api_target_groups_and_bastions_the_bastion_one():
    graph = pipeline.build_graph(session(pipeline.load_spec([case_input("privatecalico")])))
    cluster = "privatecalico.example.com"
    assert [r.kind for r in _group(graph, f"master-us-test-1a.masters.{cluster}").target_groups] == [TargetGroup]
    assert [r.name.split("-")[0] for r in _group(graph, f"bastion.{cluster}").target_groups] == ["bastion"]
    assert _group(graph, f"nodes.{cluster}").target_groups == ()


def test_instance_refresh_when_the_group_asks(tmp_path):
    graph = _graph(tmp_path, _edit_group("nodes", instanceRefresh={"enabled": True}))
    assert _group(graph).instance_refresh.min_healthy_percentage == 90
    assert _group(graph, CP_GROUP).instance_refresh is None


def test_cluster_warm_pool_applies_to_nodes_only_with_its_hook(tmp_path):
    def edit(cluster, groups):
        cluster["warmPool"] = {"minSize": 1, "maxSize": 3, "enableLifecycleHook": True}

    graph = _graph(tmp_path, edit)
    group = _group(graph)
    assert (group.warm_pool.min_size, group.warm_pool.max_prepared_capacity) == (1, 3)
    assert "WarmPoolWarmedCapacity" in group.metrics
    assert _group(graph, CP_GROUP).warm_pool is None
    hook = graph.get(AutoscalingLifecycleHook, "kops-warmpool-nodes")
    assert (hook.hook_name, hook.lifecycle_transition, hook.default_result, hook.heartbeat_timeout) == \
        ("kops-warmpool", "autoscaling:EC2_INSTANCE_LAUNCHING", "ABANDON", 600)


def test_nodeup_completes_the_lifecycle_hook_only_where_there_is_a_warm_pool(tmp_path):
    """nodeup answers the hook only on the groups that have it: the builder and the bootstrap resolve the
    cluster's warm pool in one place (the control plane gets none)."""
    def edit(cluster, groups):
        cluster["warmPool"] = {"minSize": 1, "enableLifecycleHook": True}

    spec = specs.load(tmp_path, edit)
    configs = {ig.name: yaml.safe_load(session(spec).bootstrap.nodeup_config(ig)) for ig in spec.instance_groups}
    assert {name: config.get("EnableLifecycleHook", False) for name, config in configs.items()} == {
        CP: False, "nodes": True}


def test_a_group_can_turn_the_warm_pool_off(tmp_path):
    def edit(cluster, groups):
        cluster["warmPool"] = {"minSize": 1}
        groups[1]["spec"]["warmPool"] = {"maxSize": 0}

    assert _group(_graph(tmp_path, edit)).warm_pool is None


def test_outputs_list_groups_by_role_and_the_node_subnets(tmp_path):
    graph = _graph(tmp_path)
    assert graph.outputs["master_autoscaling_group_ids"] == (Ref(AutoscalingGroup, CP_GROUP),)
    assert graph.outputs["node_autoscaling_group_ids"] == (Ref(AutoscalingGroup, NODES_GROUP),)
    assert [r.name for r in graph.outputs["node_subnet_ids"]] == [f"us-east-1a.{CLUSTER}"]
    assert "bastion_autoscaling_group_ids" not in graph.outputs


# ---------------------------------------------------------------- node termination handler


def test_queue_rules_and_targets(tmp_path):
    graph = _graph(tmp_path)
    queue = graph.get(SqsQueue, "unit-example-com-nth")
    assert queue.message_retention_seconds == 300 and queue.managed_encryption
    statement = queue.policy["Statement"][0]
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == "arn:aws:sqs:us-east-1:*:unit-example-com-nth"
    assert sorted(statement["Principal"]["Service"]) == ["events.amazonaws.com", "sqs.amazonaws.com"]
    rules = {r.name: r for r in graph.of_kind(EventRule)}
    assert sorted(rules) == [f"{CLUSTER}-{e}" for e in
                             ("ASGLifecycle", "InstanceScheduledChange", "InstanceStateChange", "SpotInterruption")]
    assert rules[f"{CLUSTER}-SpotInterruption"].event_pattern == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]}
    for target in graph.of_kind(EventTarget):
        assert target.target == Ref(SqsQueue, "unit-example-com-nth", "arn")
        assert target.name == f"{target.rule.name}-Target"
    hook = graph.get(AutoscalingLifecycleHook, "nodes-NTHLifecycleHook")
    assert (hook.autoscaling_group, hook.lifecycle_transition, hook.default_result, hook.heartbeat_timeout) == \
        (Ref(AutoscalingGroup, NODES_GROUP), "autoscaling:EC2_INSTANCE_TERMINATING", "CONTINUE", 300)


def test_rebalance_draining_adds_its_rule(tmp_path):
    def edit(cluster, groups):
        cluster["nodeTerminationHandler"] = {"enableRebalanceDraining": True}

    assert f"{CLUSTER}-RebalanceRecommendation" in {r.name for r in _graph(tmp_path, edit).of_kind(EventRule)}


@pytest.mark.parametrize("setting", [
    {"nodeTerminationHandler": {"enabled": False}},
    {"nodeTerminationHandler": {"enableSQSTerminationDraining": False}},   # IMDS mode: no queue
])
def test_no_queue_no_hooks_no_managed_tag_outside_queue_mode(tmp_path, setting):
    graph = _graph(tmp_path, lambda cluster, groups: cluster.update(setting))
    assert not graph.of_kind(SqsQueue) and not graph.of_kind(EventRule) and not graph.of_kind(AutoscalingLifecycleHook)
    assert "aws-node-termination-handler/managed" not in _group(graph).tags


def test_a_custom_managed_tag_that_is_already_set_keeps_its_value(tmp_path):
    def edit(cluster, groups):
        cluster["nodeTerminationHandler"] = {"managedASGTag": f"kubernetes.io/cluster/{CLUSTER}"}

    tags = _group(_graph(tmp_path, edit)).tags
    assert tags[f"kubernetes.io/cluster/{CLUSTER}"] == "owned"
    assert "aws-node-termination-handler/managed" not in tags


def test_long_cluster_names_are_cut_to_what_sqs_and_eventbridge_accept():
    from kopsgen.ir import naming

    cluster = "a-really-long-cluster-name-that-goes-on-and-on.with-many-subdomains.example-corporation.com"
    queue = naming.nth_queue(cluster)
    rule = naming.nth_event_rule(cluster, "InstanceScheduledChange")
    assert len(queue) <= 80 and "." not in queue and queue.endswith("-nth")
    assert len(rule) <= 64
    assert queue != naming.nth_queue(cluster + "x")


@pytest.mark.parametrize("labels,refused", [(30, False), (48, True)])
def test_more_tags_than_aws_takes_are_refused_at_render(tmp_path, labels, refused):
    def crowd(docs):
        next(d for d in docs if d["kind"] == "Cluster")["spec"]["cloudLabels"] = {
            f"team{n:02d}": "x" for n in range(labels)}

    spec = edited_spec("minimal-1.36", tmp_path, crowd)
    if not refused:
        assert max(len(r.tags) for r in pipeline.build_graph(session(spec))) <= 50
        return
    with pytest.raises(RenderError, match=r"^spec.cloudLabels: AWS takes 50 tags on a resource, and \d+ would "
                                          r"carry more \(up to \d+\), e\.g\. LaunchTemplate \S+\. A resource.s tags are "):
        pipeline.build_graph(session(spec))
