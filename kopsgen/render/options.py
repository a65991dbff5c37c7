"""What each renderer reads besides the graph: a small, typed set of options per target.

A renderer takes the graph and its target's options, nothing else: it never sees the spec. The
options are made from the spec in one place, kopsgen/render_options.py; what a mapper needs to know
about one resource is on that resource in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TerraformOptions:
    """`kubernetes.tf` (format "hcl") or `kubernetes.tf.json` ("json"), and its two AWS providers."""

    region: str
    # the region of the provider that writes the state-store objects: the config base bucket's
    files_region: str
    format: str = "hcl"
    # kops's spec.target.terraform.providerExtraConfig and filesProviderExtraConfig, written into the providers
    provider_extras: dict[str, Any] = field(default_factory=dict)
    files_provider_extras: dict[str, Any] = field(default_factory=dict)
    # "flat": kops's one file with its providers; "module": the cluster as a module and a root calling it
    # (render/terraform/module.py)
    layout: str = "flat"


@dataclass(frozen=True)
class CloudFormationOptions:
    """`<cluster>.json` or `.yaml`, split into nested stacks when CloudFormation's limits require it."""

    cluster: str                           # in the templates' description; left out of logical IDs
    format: str = "json"
    nested_stacks: bool = False            # split even when one template would do (spec.kopsgen.nestedStacks)
    template_base_url: str | None = None   # the default of the parent template's TemplateBaseUrl
