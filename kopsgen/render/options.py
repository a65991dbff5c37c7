"""What each renderer reads besides the graph: a small, typed set of options per target.

A renderer takes the graph and its target's options, nothing else: it never sees the spec. The
options are made from the spec in one place, kopsgen/render_options.py; what a mapper needs to know
about one resource is on that resource in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kopsgen.render.header import Provenance


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
    # the header of every file (what wrote it, from which spec); None: no header
    provenance: Provenance | None = None
    # where Terraform keeps its state (backend.tf); None: the local default, terraform.tfstate
    backend: S3Backend | None = None


@dataclass(frozen=True)
class S3Backend:
    """An `s3` backend: the state object s3://bucket/key in `region`, locked by an S3 lock file (Terraform >= 1.10)
    or, when `lock_table` is given, by that DynamoDB table."""

    bucket: str
    key: str
    region: str
    lock_table: str | None = None


@dataclass(frozen=True)
class CloudFormationOptions:
    """`<cluster>.json` or `.yaml`, split into nested stacks when CloudFormation's limits require it."""

    cluster: str                           # in the templates' description; left out of logical IDs
    format: str = "json"
    nested_stacks: bool = False            # split even when one template would do (spec.kopsgen.nestedStacks)
    template_base_url: str | None = None   # the default of the parent template's TemplateBaseUrl
    provenance: Provenance | None = None   # Metadata.kopsgen of every template; None: none
