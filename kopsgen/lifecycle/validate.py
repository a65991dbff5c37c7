"""`kopsgen validate cluster`: is the applied cluster up? The checks kops's `validate cluster` makes, read from
the Kubernetes API alone (kopsgen does not ask AWS):

1. the API server answers `/readyz` (or `/healthz` on servers without it) with 200;
2. each instance group (bastions excepted) has at least `minSize` registered nodes that are Ready, told
   apart by their `kops.k8s.io/instancegroup` label; a registered node that is not Ready is a problem
   (kops compares with the auto-scaling group's current size, which only AWS knows: minSize is the
   floor kopsgen can check);
3. each Ready control-plane node runs kube-apiserver, kube-controller-manager and kube-scheduler, the
   etcd-manager of each etcd cluster with a member in its group, and kops-controller (by `k8s-app`);
4. at least one cluster DNS pod (`k8s-app=kube-dns`: CoreDNS or kube-dns) is ready;
5. no critical pod in kube-system (priority class system-cluster-critical or system-node-critical, as
   kops checks, plus the pods of 3 and 4) is pending, in an unknown phase, or has a container not ready
   (the container's waiting reason and restart count say why: CrashLoopBackOff, ...).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

from kopsgen.lifecycle.kubeclient import ApiUnreachable, Client
from kopsgen.spec.api import ClusterSpec

GROUP_LABEL = "kops.k8s.io/instancegroup"
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
APP_LABEL = "k8s-app"
CONTROL_PLANE_APPS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kops-controller")
DNS_APP = "kube-dns"
CRITICAL_PRIORITIES = ("system-cluster-critical", "system-node-critical")


def etcd_manager_app(etcd_cluster: str) -> str:
    return f"etcd-manager-{etcd_cluster}"


@dataclass(frozen=True)
class Problem:
    kind: str        # API, InstanceGroup, Node, Pod
    name: str
    message: str


@dataclass(frozen=True)
class GroupRow:
    name: str
    role: str
    machine_type: str
    min_size: int
    max_size: int
    ready: int
    registered: int


@dataclass(frozen=True)
class NodeRow:
    name: str
    group: str
    role: str
    ready: bool


@dataclass
class Validation:
    cluster: str
    server: str
    groups: list[GroupRow] = field(default_factory=list)
    nodes: list[NodeRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"cluster": self.cluster, "server": self.server, "valid": self.valid,
                "instanceGroups": [asdict(g) for g in self.groups], "nodes": [asdict(n) for n in self.nodes],
                "failures": [asdict(p) for p in self.problems]}


def validate(spec: ClusterSpec, client: Client) -> Validation:
    result = Validation(spec.cluster.name, client.server)
    if not _api_answers(client, result):
        return result
    nodes = _items(client, "/api/v1/nodes", result)
    pods = _items(client, "/api/v1/namespaces/kube-system/pods", result)
    if nodes is None or pods is None:
        return result
    ready_control_plane = _check_nodes(spec, nodes, result)
    _check_pods(spec, pods, ready_control_plane, result)
    return result


def _api_answers(client: Client, result: Validation) -> bool:
    try:
        answer = client.get("/readyz")
        if answer.status == 404:
            answer = client.get("/healthz")
    except ApiUnreachable as exc:
        result.problems.append(Problem("API", client.server, f"the API server cannot be reached: {exc}"))
        return False
    if answer.status in (401, 403):
        result.problems.append(Problem("API", client.server, f"the API server refused our credentials (HTTP "
                                                             f"{answer.status}): export them again with `kopsgen "
                                                             "export kubeconfig --admin`"))
        return False
    if answer.status != 200:
        detail = answer.body.decode(errors="replace").strip().splitlines()[-1:] or [""]
        result.problems.append(Problem("API", client.server, f"the API server is not ready (HTTP {answer.status}"
                                                             f"{': ' + detail[0] if detail[0] else ''})"))
        return False
    return True


def _items(client: Client, path: str, result: Validation) -> list[dict] | None:
    try:
        answer = client.get(path)
    except ApiUnreachable as exc:
        result.problems.append(Problem("API", client.server, f"GET {path} failed: {exc}"))
        return None
    if answer.status != 200:
        result.problems.append(Problem("API", client.server, f"GET {path} answered HTTP {answer.status}"))
        return None
    try:
        return list(answer.json().get("items") or [])
    except (ValueError, AttributeError):
        result.problems.append(Problem("API", client.server, f"GET {path} did not answer a Kubernetes list"))
        return None


def _is_ready(node: dict) -> tuple[bool, str]:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            ok = condition.get("status") == "True"
            return ok, "" if ok else (condition.get("reason") or condition.get("message") or "not ready")
    return False, "no Ready condition yet"


def _check_nodes(spec: ClusterSpec, nodes: list[dict], result: Validation) -> dict[str, str]:
    """Rows and problems for groups and nodes; the Ready control-plane nodes, name -> group."""
    by_group: dict[str, list[tuple[str, bool]]] = {}
    ready_control_plane: dict[str, str] = {}
    for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
        name = node["metadata"]["name"]
        labels = node["metadata"].get("labels") or {}
        group = labels.get(GROUP_LABEL, "")
        role = "control-plane" if CONTROL_PLANE_LABEL in labels else "node"
        ready, reason = _is_ready(node)
        result.nodes.append(NodeRow(name, group or "-", role, ready))
        by_group.setdefault(group, []).append((name, ready))
        if not ready:
            result.problems.append(Problem("Node", name, f"node {name} ({group or 'no instance group'}) is not "
                                                         f"ready: {reason}"))
        elif role == "control-plane":
            ready_control_plane[name] = group
    for ig in spec.instance_groups:
        if ig.is_bastion:
            continue  # bastions never join the cluster
        members = by_group.get(ig.name, [])
        ready = sum(1 for _, ok in members if ok)
        result.groups.append(GroupRow(ig.name, "ControlPlane" if ig.is_control_plane else ig.role, ig.machine_type,
                                      ig.min_size, ig.max_size, ready, len(members)))
        if ready < ig.min_size:
            result.problems.append(Problem("InstanceGroup", ig.name,
                                           f"instance group {ig.name} has {ready} ready node"
                                           f"{'' if ready == 1 else 's'}, fewer than its minSize {ig.min_size}"))
    return ready_control_plane


def _expected_on_control_plane(spec: ClusterSpec, group: str) -> list[str]:
    apps = list(CONTROL_PLANE_APPS)
    for etcd in spec.cluster.etcd_clusters:
        if any(member.instance_group == group for member in etcd.members):
            apps.append(etcd_manager_app(etcd.name))
    return apps


def _check_pods(spec: ClusterSpec, pods: list[dict], ready_control_plane: dict[str, str],
                result: Validation) -> None:
    watched_apps = set(CONTROL_PLANE_APPS) | {DNS_APP} | {etcd_manager_app(e.name) for e in spec.cluster.etcd_clusters}
    present: dict[str, set[str]] = {}
    dns_ready = False
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        meta, pod_spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
        app = (meta.get("labels") or {}).get(APP_LABEL, "")
        present.setdefault(pod_spec.get("nodeName", ""), set()).add(app)
        if app not in watched_apps and pod_spec.get("priorityClassName") not in CRITICAL_PRIORITIES:
            continue
        trouble = _pod_trouble(status)
        if app == DNS_APP and not trouble:
            dns_ready = True
        if trouble:
            result.problems.append(Problem("Pod", f"kube-system/{meta['name']}", f"pod {meta['name']} {trouble}"))
    for node, group in sorted(ready_control_plane.items()):
        for app in _expected_on_control_plane(spec, group):
            if app not in present.get(node, set()):
                result.problems.append(Problem("Node", node, f"control-plane node {node} has no {app} pod"))
    if not dns_ready:
        result.problems.append(Problem("Pod", f"kube-system/{APP_LABEL}={DNS_APP}",
                                       "no cluster DNS pod (k8s-app=kube-dns) is ready"))


def _pod_trouble(status: dict) -> str | None:
    phase = status.get("phase")
    if phase == "Succeeded":
        return None
    if phase in ("Pending", "Unknown", "Failed"):
        return f"is {phase.lower()}"
    waiting = []
    for container in status.get("containerStatuses") or []:
        if not container.get("ready"):
            state = container.get("state") or {}
            reason = ((state.get("waiting") or state.get("terminated") or {}).get("reason")) or "not ready"
            restarts = container.get("restartCount", 0)
            waiting.append(f"{container.get('name')}: {reason}"
                           + (f", {restarts} restart{'' if restarts == 1 else 's'}" if restarts else ""))
    return f"is not ready ({'; '.join(waiting)})" if waiting else None


def validate_until(spec: ClusterSpec, client: Client, wait_seconds: float, interval_seconds: float,
                   on_retry: Callable[[Validation, float], None] = lambda v, s: None,
                   clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
                   ) -> Validation:
    """Validate, and while not valid and `wait_seconds` have not passed, wait `interval_seconds` and retry."""
    deadline = clock() + wait_seconds
    while True:
        result = validate(spec, client)
        remaining = deadline - clock()
        if result.valid or remaining <= 0:
            return result
        pause = min(interval_seconds, remaining)
        on_retry(result, pause)
        sleep(pause)


# --- the report -----------------------------------------------------------------------------------------------------


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]


def report(result: Validation) -> str:
    lines = [f"Validating cluster {result.cluster} at {result.server}", ""]
    if result.groups:
        lines += _table([["INSTANCE GROUP", "ROLE", "MACHINETYPE", "MIN", "MAX", "READY/NODES"]]
                        + [[g.name, g.role, g.machine_type, str(g.min_size), str(g.max_size),
                            f"{g.ready}/{g.registered}"] for g in result.groups]) + [""]
    if result.nodes:
        lines += _table([["NODE", "INSTANCE GROUP", "ROLE", "READY"]]
                        + [[n.name, n.group, n.role, str(n.ready)] for n in result.nodes]) + [""]
    if result.problems:
        lines += ["VALIDATION ERRORS"] + _table([["KIND", "NAME", "MESSAGE"]]
                                                + [[p.kind, p.name, p.message] for p in result.problems]) + [""]
        lines.append(f"Cluster {result.cluster} is NOT valid: {len(result.problems)} "
                     f"problem{'' if len(result.problems) == 1 else 's'}.")
    else:
        lines.append(f"Cluster {result.cluster} is valid.")
    return "\n".join(lines) + "\n"
