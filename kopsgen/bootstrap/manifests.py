"""Static pods nodeup starts on control-plane nodes: the kube-apiserver health-check sidecar
(`manifests/static/kube-apiserver-healthcheck.yaml`) and kops-channels
(`manifests/channels/kops-channels.yaml`), which applies the bootstrap addon channel."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.context import BootstrapContext

HEALTHCHECK_PORT = 3990
HEALTHCHECK_USER = 10012
CHANNELS_HEALTH_PORT = 3986
CHANNELS_USER = 10013
CHANNELS_INTERVAL = "1m0s"
CHANNELS_KUBECONFIG = "/var/lib/kops/kubeconfig"
BOOTSTRAP_CHANNEL_PATH = "addons/bootstrap-channel.yaml"


def system_component_env(ctx: BootstrapContext) -> list[dict]:
    """Environment kops gives its system pods: the egress proxy, and the region (so that clients
    never need the instance metadata service to find it). Sorted by name."""
    env: dict[str, str] = {"AWS_REGION": ctx.spec.cluster.region}
    proxy = ctx.spec.cluster.egress_proxy
    http = proxy.http_proxy if proxy is not None else None
    if http is not None and http.host:
        url = http.host if http.host.startswith("http") else f"http://{http.host}"
        if http.port:
            url += f":{http.port}"
        env.update(http_proxy=url, https_proxy=url)
        if proxy.excludes:
            env.update(NO_PROXY=proxy.excludes, no_proxy=proxy.excludes)
    return [{"name": k, "value": v} for k, v in sorted(env.items())]


def healthcheck(ctx: BootstrapContext) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {},
        "spec": {
            "containers": [{
                "args": ["--ca-cert=/secrets/ca.crt", "--client-cert=/secrets/client.crt",
                         "--client-key=/secrets/client.key"],
                "image": versions.kops_image("kube-apiserver-healthcheck", ctx.kops_version),
                "livenessProbe": {
                    "httpGet": {"host": "127.0.0.1", "path": "/.kube-apiserver-healthcheck/healthz",
                                "port": HEALTHCHECK_PORT},
                    "initialDelaySeconds": 5, "timeoutSeconds": 5},
                "name": "healthcheck",
                "resources": {},
                "securityContext": {"runAsNonRoot": True, "runAsUser": HEALTHCHECK_USER},
                "volumeMounts": [{"mountPath": "/secrets", "name": "healthcheck-secrets", "readOnly": True}],
            }],
            "volumes": [{"hostPath": {"path": "/etc/kubernetes/kube-apiserver-healthcheck/secrets",
                                      "type": "Directory"}, "name": "healthcheck-secrets"}],
        },
        "status": {},
    }


def channels(ctx: BootstrapContext) -> dict:
    channels_list = [ctx.config_base.path(BOOTSTRAP_CHANNEL_PATH)]
    channels_list += list(ctx.spec.cluster.addon_manifests)
    if ctx.spec.control_plane_groups:
        node_labels = "node-role.kubernetes.io/control-plane"
    else:  # control plane run elsewhere: kops's dedicated-role labels
        node_labels = ("node-role.kops.k8s.io/cloud-controller-manager,node-role.kops.k8s.io/kops-channel,"
                       "node-role.kops.k8s.io/kops-controller")
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": {"k8s-app": "kops-channels"}, "name": "kops-channels", "namespace": "kube-system"},
        "spec": {
            "containers": [{
                "args": ["apply", "channel", "--v=4", "--yes", f"--interval={CHANNELS_INTERVAL}",
                         f"--node-labels={node_labels}", "--node-name=$(NODE_NAME)", *channels_list],
                "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                        {"name": "KUBECONFIG", "value": CHANNELS_KUBECONFIG},
                        {"name": "HOME", "value": "/tmp"},
                        *system_component_env(ctx)],
                "image": versions.kops_image("channels", ctx.kops_version),
                "name": "kops-channels",
                "readinessProbe": {"failureThreshold": 2,
                                   "httpGet": {"host": "127.0.0.1", "path": "/readyz", "port": CHANNELS_HEALTH_PORT},
                                   "initialDelaySeconds": 30, "periodSeconds": 10},
                "resources": {"requests": {"cpu": "50m", "memory": "50Mi"}},
                "securityContext": {"runAsNonRoot": True, "runAsUser": CHANNELS_USER},
                "volumeMounts": [{"mountPath": CHANNELS_KUBECONFIG, "name": "kubeconfig", "readOnly": True}],
            }],
            "dnsPolicy": "Default",
            "hostNetwork": True,
            "priorityClassName": "system-node-critical",
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
            "volumes": [{"hostPath": {"path": CHANNELS_KUBECONFIG, "type": "File"}, "name": "kubeconfig"}],
        },
        "status": {},
    }
