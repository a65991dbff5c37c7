"""`spec.kopsgen`: kopsgen's own fields, which kops does not have (VPC flow logs, SSM access, kopsgen's
own addons and their defaults). The schemas mark them `x-kopsgen-extension`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kopsgen.spec.api.fields import value_at


FLOW_LOGS_CLOUDWATCH = "CloudWatchLogs"
FLOW_LOGS_S3 = "S3"


@dataclass(frozen=True)
class FlowLogs:
    """`spec.kopsgen.flowLogs` (a kopsgen extension): the VPC's flow logs, on unless `enabled: false`."""

    destination: str = FLOW_LOGS_CLOUDWATCH   # CloudWatchLogs | S3
    traffic_type: str = "ALL"                 # ALL | ACCEPT | REJECT
    retention_days: int = 365                 # CloudWatchLogs: how long records are kept
    s3_bucket_arn: str | None = None          # S3: an existing bucket (and optional prefix) to write to

    @staticmethod
    def from_spec(s: dict) -> "FlowLogs | None":
        d = value_at(s, "kopsgen", "flowLogs", default={}) or {}
        if d.get("enabled", True) is False:
            return None
        return FlowLogs(destination=d.get("destination", FLOW_LOGS_CLOUDWATCH),
                        traffic_type=d.get("trafficType", "ALL"), retention_days=d.get("retentionInDays", 365),
                        s3_bucket_arn=d.get("s3BucketARN"))


def ssm_access_of(s: dict) -> bool:
    """`spec.kopsgen.ssmAccess`; unset, on exactly when no SSH access is configured, so that a cluster
    always has a way in (sessions through SSM need no open port and no key)."""
    value = value_at(s, "kopsgen", "ssmAccess")
    return value if isinstance(value, bool) else not s.get("sshAccess")


# ---------------------------------------------------------------- spec.kopsgen.addons (kopsgen's own addons)

# The defaults of each addon's settings; spec/defaults.py writes them into an enabled addon's block.
ADDON_RESOURCES = {
    "nginxGatewayFabric": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    "nginx": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
    "headlamp": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    "fluentBit": {"requests": {"cpu": "50m", "memory": "100Mi"}, "limits": {"memory": "300Mi"}},
    "kubeStateMetrics": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
    "nodeExporter": {"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
}
NGF_REPLICAS = 2
NGINX_REPLICAS = 2
HEADLAMP_REPLICAS = 1
CLUSTER_LOGS_RETENTION_DAYS = 365


def addon_resources(written: Any, default: dict) -> dict:
    """`resources` of an addon: what the spec writes, each missing request or limit taken from `default`."""
    out = {kind: dict(values) for kind, values in default.items()}
    for kind in ("requests", "limits"):
        values = value_at(written, kind)
        for key, value in (values.items() if isinstance(values, dict) else ()):
            out.setdefault(kind, {})[key] = value
    return {kind: dict(sorted(values.items())) for kind, values in sorted(out.items()) if values}


@dataclass(frozen=True)
class NginxGatewayFabric:
    """`spec.kopsgen.addons.nginxGatewayFabric` (enabled)."""

    replicas: int = NGF_REPLICAS
    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["nginxGatewayFabric"]))
    image: str | None = None
    nginx_replicas: int = NGINX_REPLICAS
    nginx_resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["nginx"]))
    nginx_image: str | None = None
    scheme: str = "internet-facing"
    source_ranges: tuple[str, ...] = ()
    target_type: str | None = None        # None: ip where pods have VPC addresses, else instance
    default_gateway: bool = True


@dataclass(frozen=True)
class Headlamp:
    """`spec.kopsgen.addons.headlamp` (enabled)."""

    replicas: int = HEADLAMP_REPLICAS
    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["headlamp"]))
    image: str | None = None
    read_only_viewer: bool = True
    base_url: str = ""


@dataclass(frozen=True)
class FluentBit:
    """`spec.kopsgen.addons.fluentBit` (enabled): container and node logs to the cluster's log group."""

    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["fluentBit"]))
    image: str | None = None
    retention_days: int = CLUSTER_LOGS_RETENTION_DAYS
    kms_key_arn: str | None = None        # None: a key of its own


@dataclass(frozen=True)
class MetricsExporter:
    """`spec.kopsgen.addons.kubeStateMetrics` / `nodeExporter` (enabled)."""

    resources: dict
    image: str | None = None


@dataclass(frozen=True)
class KopsgenAddons:
    """`spec.kopsgen.addons`: kopsgen's own addons; each is None when off (the default)."""

    gateway_api: bool = False
    nginx_gateway_fabric: NginxGatewayFabric | None = None
    headlamp: Headlamp | None = None
    fluent_bit: FluentBit | None = None
    kube_state_metrics: MetricsExporter | None = None
    node_exporter: MetricsExporter | None = None

    @staticmethod
    def from_spec(s: dict) -> "KopsgenAddons":
        a = value_at(s, "kopsgen", "addons", default={})

        def on(key: str) -> dict | None:
            d = value_at(a, key, default={})
            return d if d.get("enabled") is True else None

        ngf, headlamp, logs, ksm, exporter = (on(k) for k in ("nginxGatewayFabric", "headlamp", "fluentBit",
                                                              "kubeStateMetrics", "nodeExporter"))
        gateway_api = value_at(a, "gatewayAPI", "enabled")
        return KopsgenAddons(
            gateway_api=gateway_api if isinstance(gateway_api, bool) else ngf is not None,
            nginx_gateway_fabric=None if ngf is None else NginxGatewayFabric(
                replicas=ngf.get("replicas", NGF_REPLICAS),
                resources=addon_resources(ngf.get("resources"), ADDON_RESOURCES["nginxGatewayFabric"]),
                image=ngf.get("image"),
                nginx_replicas=value_at(ngf, "nginx", "replicas", default=NGINX_REPLICAS),
                nginx_resources=addon_resources(value_at(ngf, "nginx", "resources"), ADDON_RESOURCES["nginx"]),
                nginx_image=value_at(ngf, "nginx", "image"),
                scheme=value_at(ngf, "loadBalancer", "scheme", default="internet-facing"),
                source_ranges=tuple(value_at(ngf, "loadBalancer", "sourceRanges", default=())),
                target_type=value_at(ngf, "loadBalancer", "targetType"),
                default_gateway=ngf.get("defaultGateway") is not False),
            headlamp=None if headlamp is None else Headlamp(
                replicas=headlamp.get("replicas", HEADLAMP_REPLICAS),
                resources=addon_resources(headlamp.get("resources"), ADDON_RESOURCES["headlamp"]),
                image=headlamp.get("image"), read_only_viewer=headlamp.get("readOnlyViewer") is not False,
                base_url=headlamp.get("baseURL") or ""),
            fluent_bit=None if logs is None else FluentBit(
                resources=addon_resources(logs.get("resources"), ADDON_RESOURCES["fluentBit"]),
                image=logs.get("image"),
                retention_days=value_at(logs, "logGroup", "retentionInDays", default=CLUSTER_LOGS_RETENTION_DAYS),
                kms_key_arn=value_at(logs, "logGroup", "kmsKeyARN")),
            kube_state_metrics=None if ksm is None else MetricsExporter(
                addon_resources(ksm.get("resources"), ADDON_RESOURCES["kubeStateMetrics"]), ksm.get("image")),
            node_exporter=None if exporter is None else MetricsExporter(
                addon_resources(exporter.get("resources"), ADDON_RESOURCES["nodeExporter"]), exporter.get("image")),
        )
