"""The cluster as a whole: its name, its Kubernetes version against the chosen kops release, its
cluster-wide settings (which call the IAM, component, CNI and addon checks, in that order) and its
configBase."""

from __future__ import annotations

import re

from kopsgen.spec import releases
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.validate.addons import check_addons
from kopsgen.spec.validate.cni import check_networking
from kopsgen.spec.validate.common import DNS_SUBDOMAIN, Validation, dict_of, dicts_of, list_of, text_of, version_of
from kopsgen.spec.validate.components import check_components
from kopsgen.spec.validate.iam import check_service_accounts, policy_problem
from kopsgen.spec.validate.shared import check_cloud_labels, check_hooks, check_rolling_update

OLDEST_KUBERNETES = (1, 32, 0)          # kops 1.37 supports Kubernetes 1.32 and later


def check_cluster_identity(v: Validation) -> None:
    name = v.name
    if name and not DNS_SUBDOMAIN.match(name.rstrip(".")):
        v.error(("metadata", "name"), f'cluster name "{name}" is not a DNS name (lower-case letters, digits, '
                                      f"'-' and '.')")
    elif name and "." not in name and v.dns_type != "None":
        v.error(("metadata", "name"), f'cluster name "{name}" must be a fully qualified DNS name such as '
                                      f"{name}.example.com (or use topology.dns.type: None)")
    elif any(len(label) > 63 for label in name.split(".")):
        v.error(("metadata", "name"), "each part of the cluster name between dots must be at most 63 characters")
    _check_kubernetes_version(v)


def _check_kubernetes_version(v: Validation) -> None:
    """kopsgen's own floor (its bootstrap follows kops 1.37's models), then the chosen kops release's
    range (spec/releases.py): kops would refuse the cluster at update, or its nodes at boot."""
    text = v.spec.get("kubernetesVersion")
    version = version_of(text)
    if version is None:
        return
    if version < OLDEST_KUBERNETES:
        v.error(("spec", "kubernetesVersion"), f"kopsgen supports Kubernetes {'.'.join(map(str, OLDEST_KUBERNETES))} "
                                               f"and later, as kops 1.37 does (got {text})")
        return
    kopsgen = dict_of(v.spec.get("kopsgen"))
    setting = kopsgen.get("kopsVersion")
    kops = releases.DEFAULT_KOPS_VERSION if setting is None else releases.parse(setting)
    if kops is None:
        return  # not a version: the schema says so
    info = releases.release_info(kops)
    minor = version[:2]
    too_new = minor > info.newest_kubernetes
    if info.supports(minor) or (too_new and kopsgen.get("allowTooNewKubernetes") is True):
        return
    chosen = (f"kops {kops} ({releases.SETTING_PATH})" if setting is not None else
              f"kops {kops} (the default release; choose another with {releases.SETTING_PATH})")
    advice = (f"; use a kops release of {minor[0]}.{minor[1]} or later, or set {releases.TOO_NEW_SETTING_PATH}: "
              f"true to run it anyway, as kops's KOPS_RUN_TOO_NEW_VERSION does" if too_new else "")
    v.error(("spec", "kubernetesVersion"), f"Kubernetes {str(text).removeprefix('v')} is not supported by {chosen}, "
                                           f"which runs Kubernetes {info.kubernetes_range}{advice}")


def check_cluster_settings(v: Validation) -> None:
    s = v.spec
    check_cloud_labels(v.error, ("spec", "cloudLabels"), s.get("cloudLabels"), None)
    check_hooks(v.error, s)
    check_rolling_update(v.error, ("spec", "rollingUpdate"), s.get("rollingUpdate"), False)
    for i, item in enumerate(list_of(s.get("sysctlParameters"))):
        if isinstance(item, str) and "=" not in item:
            v.error(("spec", "sysctlParameters", i), f'"{item}" must look like key=value')
    for i, addon in dicts_of(s.get("addons")):
        if text_of(addon.get("manifest")).startswith("file://"):
            v.error(("spec", "addons", i, "manifest"), "file:// manifests cannot be read by the cluster; put the "
                                                       "manifest in the state store or on a web server")
    policies = s.get("additionalPolicies")
    for role, text in (policies.items() if isinstance(policies, dict) else ()):
        problem = policy_problem(text)
        if problem:
            v.error(("spec", "additionalPolicies", role), problem)
    # the form of externalPolicies ARNs is the schema's (iamPolicyArn)
    assets = s.get("assets")
    if isinstance(assets, dict):
        if assets.get("containerProxy") and assets.get("containerRegistry"):
            v.error(("spec", "assets", "containerProxy"), "containerProxy cannot be used with containerRegistry")
        repo = assets.get("fileRepository")
        # the boot script downloads with curl, unsigned: an s3:// repository (kops 1.37) would never answer
        if isinstance(repo, str) and not re.match(r"^https?://[^/]+", repo):
            v.error(("spec", "assets", "fileRepository"), "must be an http:// or https:// URL with a host (kopsgen's "
                                                          "boot script cannot read an s3:// repository)")
    check_service_accounts(v)
    check_components(v)
    check_networking(v)
    check_addons(v)


def check_config_base(v: Validation) -> None:
    """A relative file:// configBase is refused rather than resolved: relative to the folder kopsgen runs in,
    each folder would get its own files; relative to the spec, the rendered output would hold a path that
    differs on every machine. Neither is readable by nodes anyway (they read S3)."""
    base = v.spec.get("configBase")
    scheme, _, rest = base.partition("://") if isinstance(base, str) else ("", "", "")
    if scheme == "file" and rest and not rest.startswith("/"):
        v.error(("spec", "configBase"),
                f"{base} is relative (to whatever folder kopsgen runs in): use s3://BUCKET/{v.name or 'CLUSTER'} "
                f"for a cluster you apply (nodes read S3), or an absolute file:///DIR/{v.name or 'CLUSTER'} to try "
                f"kopsgen out")
    region = value_at(v.spec, "kopsgen", "configBaseRegion")
    if not isinstance(region, str) or not region:
        return
    if scheme not in ("s3", "memfs"):
        v.error(("spec", "kopsgen", "configBaseRegion"),
                f"is the region of configBase's S3 bucket, but configBase ({base}) is not on S3")
    files_region = value_at(v.spec, "target", "terraform", "filesProviderExtraConfig", "region")
    if isinstance(files_region, str) and files_region != region:
        v.error(("spec", "target", "terraform", "filesProviderExtraConfig", "region"),
                f"{files_region} contradicts spec.kopsgen.configBaseRegion {region}: keep one of them")
