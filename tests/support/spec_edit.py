"""Specs for tests: a kops reference input with a few fields changed, written to a temp folder and loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import yaml

from kopsgen import pipeline
from kopsgen.spec.api import ClusterSpec
from tests.support.paths import case_input

Edit = Callable[[list[dict]], None]


def cluster_spec(docs: list[dict]) -> dict:
    """The `spec` of the Cluster document."""
    return next(d for d in docs if d["kind"] == "Cluster")["spec"]


def group_spec(docs: list[dict], name: str) -> dict:
    """The `spec` of the named InstanceGroup document."""
    return next(d for d in docs if d["kind"] == "InstanceGroup" and d["metadata"]["name"] == name)["spec"]


def edited_input(case: str, dest: Path, edit: Edit | None = None) -> Path:
    docs = [d for d in yaml.safe_load_all(case_input(case).read_text()) if d]
    if edit:
        edit(docs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return dest


def edited_spec(case: str, tmp_path: Path, edit: Edit | None = None) -> ClusterSpec:
    return pipeline.load_spec([edited_input(case, tmp_path / "cluster.yaml", edit)])
