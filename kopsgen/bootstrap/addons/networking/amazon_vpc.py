"""The Amazon VPC CNI (pods get VPC addresses)."""

from __future__ import annotations

import json

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.context import BootstrapContext


def _amazon_vpc_values(ctx: BootstrapContext) -> dict:
    options = ctx.spec.cluster.networking.amazon_vpc
    ipv6 = ctx.spec.cluster.ipv6
    env = {"ADDITIONAL_ENI_TAGS": "{}", "AWS_VPC_CNI_NODE_PORT_SUPPORT": "true", "AWS_VPC_ENI_MTU": "9001",
           "AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER": "false", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
           "AWS_VPC_K8S_CNI_EXTERNALSNAT": "false", "AWS_VPC_K8S_CNI_LOG_FILE": "/host/var/log/aws-routed-eni/ipamd.log",
           "AWS_VPC_K8S_CNI_LOGLEVEL": "DEBUG", "AWS_VPC_K8S_CNI_RANDOMIZESNAT": "prng",
           "AWS_VPC_K8S_CNI_VETHPREFIX": "eni", "AWS_VPC_K8S_PLUGIN_LOG_FILE": "/var/log/aws-routed-eni/plugin.log",
           "AWS_VPC_K8S_PLUGIN_LOG_LEVEL": "DEBUG", "DISABLE_INTROSPECTION": "false", "DISABLE_METRICS": "false",
           "ENABLE_POD_ENI": "false", "ENABLE_PREFIX_DELEGATION": "false", "ENABLE_SUBNET_DISCOVERY": "true",
           "NETWORK_POLICY_ENFORCING_MODE": "standard", "WARM_ENI_TARGET": "1", "WARM_PREFIX_TARGET": "1",
           "DISABLE_NETWORK_RESOURCE_PROVISIONING": "false"}
    env.update({e["name"]: str(e.get("value", "")) for e in options.env or ()})
    env["ENABLE_IPv4"], env["ENABLE_IPv6"] = _flag(not ipv6), _flag(ipv6)
    if ipv6:
        env["ENABLE_PREFIX_DELEGATION"], env["WARM_PREFIX_TARGET"] = "true", "1"
    env["ADDITIONAL_ENI_TAGS"] = json.dumps({"KubernetesCluster": ctx.name,
                                             f"kubernetes.io/cluster/{ctx.name}": "owned"}, separators=(",", ":"))
    version = versions.AMAZON_VPC_CNI_VERSION
    listed = [{"name": k, "value": v} for k, v in sorted(env.items())]
    listed += [{"name": "VPC_CNI_VERSION", "value": version},
               {"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
               {"name": "MY_POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
               {"name": "CLUSTER_NAME", "value": ctx.name}]
    return {"version": version, "env": listed, "ipv6": _flag(ipv6),
            "image": options.image_name or versions.AMAZON_VPC_CNI_IMAGE.format(version=version),
            "init_image": options.init_image_name or versions.AMAZON_VPC_CNI_INIT_IMAGE.format(version=version),
            "policy_agent_image": options.network_policy_agent_image or versions.AMAZON_VPC_POLICY_AGENT_IMAGE}


AMAZON_VPC = Addon(name="networking.amazon-vpc-routed-eni", id="k8s-1.16", template="addon-amazon-vpc-cni.yaml",
                   selector={"role.kubernetes.io/networking": "1"}, needs_rolling_update="all",
                   values=_amazon_vpc_values)
