"""Comparing what the bootstrap writes with the files kops wrote for its reference cases.

kops's golden files are compared the way kops's own golden tests compare them: CRLF as LF,
surrounding whitespace trimmed. Structured files are compared leaf by leaf (a flattened
path -> value map), so the tests can say how many keys agree and which ones differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kopsgen import pipeline
from kopsgen.bootstrap import ClusterBootstrap
from kopsgen.spec.api import ClusterSpec
from kopsgen.spec.defaults import apply_defaults
from kopsgen.spec.documents import SpecDocuments, load_documents
from kopsgen.state import open_store
from kopsgen.state.store import StateStore
from tests.support.paths import REFERENCE, case_input
from tests.support.sessions import shared_folder


def golden_text(data: bytes | str) -> str:
    text = data.decode() if isinstance(data, bytes) else data
    return text.replace("\r\n", "\n").strip()


def reference_data(case: str, name: str) -> Path:
    return REFERENCE / case / "data" / name


def reference_user_data(case: str, ig: str) -> Path | None:
    found = sorted((REFERENCE / case / "data").glob(f"aws_launch_template_{ig}.*_user_data"))
    return found[0] if found else None


def reference_state_file(case: str, name: str) -> Path:
    return reference_data(case, f"aws_s3_object_{name}_content")


def store_in(folder: Path) -> StateStore:
    return open_store(f"file://{folder}")


# The kops release kops's reference cases pin: their user data carries its nodeup URLs and hashes, their
# manifests its image tags. Every comparison with those files renders with it, set on the input as a user
# would (spec.kopsgen), never through kopsgen's default. kops's test harness also exports
# KOPS_RUN_TOO_NEW_VERSION (minimal-1.36 runs Kubernetes 1.36 on these 1.34 artifacts, and kops-controller
# gets the variable in every case); spec.kopsgen.allowTooNewKubernetes is kopsgen's spelling of it.
GOLDEN_KOPS_VERSION = "1.34.0-beta.1"
GOLDEN_SETTINGS = {"kopsVersion": GOLDEN_KOPS_VERSION, "allowTooNewKubernetes": True}


def pin_golden_release(docs: SpecDocuments) -> SpecDocuments:
    """`docs` with the Cluster's spec.kopsgen set to GOLDEN_SETTINGS (the one place the tests pin it)."""
    spec = docs.cluster.data.setdefault("spec", {})
    spec["kopsgen"] = {**(spec.get("kopsgen") or {}), **GOLDEN_SETTINGS}
    return docs


def golden_spec(paths: list[Path]) -> ClusterSpec:
    """Input files through kopsgen's whole pipeline, with kops's golden release pinned."""
    return pipeline.typed_spec(pipeline.complete_documents(pin_golden_release(load_documents(paths))))


def case_spec(case: str) -> ClusterSpec:
    """The reference input through kopsgen's whole pipeline (its own defaults, kops's golden release)."""
    return golden_spec([case_input(case)])


def case_spec_completed_by_kops(case: str) -> ClusterSpec:
    """The reference input with kops's own completed Cluster (cluster-completed.spec) in place of the
    input Cluster: isolates the bootstrap from kopsgen's defaults. kops's golden release is pinned."""
    docs = load_documents([case_input(case)])
    docs.cluster.data = yaml.safe_load(reference_state_file(case, "cluster-completed.spec").read_text())
    return pipeline.typed_spec(apply_defaults(pin_golden_release(docs)))


def bootstrap(spec: ClusterSpec, folder: Path | None = None) -> ClusterBootstrap:
    """The bootstrap of `spec`, keeping its CAs in `folder`. Without a folder, the test run's shared store
    (tests/support/sessions.py): each reference cluster's CAs are generated once (RSA keys are slow to make)."""
    return ClusterBootstrap.load(spec, store_in(folder if folder is not None else shared_folder()))


def flatten(node: Any, path: str = "") -> dict[str, Any]:
    """Leaf path -> value; empty mappings and lists are leaves too."""
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        if not node:
            out[path] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(node, list):
        if not node:
            out[path] = []
        for i, value in enumerate(node):
            out.update(flatten(value, f"{path}[{i}]"))
    else:
        out[path] = node
    return out


def load_documents_text(data: bytes | str) -> list:
    return [d for d in yaml.safe_load_all(data) if d is not None]


@dataclass
class Agreement:
    """How a file of ours lines up with kops's, leaf by leaf."""

    theirs: dict[str, Any]
    ours: dict[str, Any]
    ignored: list[str] = field(default_factory=list)   # regexes of paths that legitimately differ

    def _ignored(self, path: str) -> bool:
        return any(re.search(p, path) for p in self.ignored)

    @property
    def missing(self) -> list[str]:
        return sorted(set(self.theirs) - set(self.ours))

    @property
    def extra(self) -> list[str]:
        return sorted(set(self.ours) - set(self.theirs))

    @property
    def same(self) -> int:
        return sum(1 for k, v in self.theirs.items() if k in self.ours and self.ours[k] == v)

    @property
    def differing(self) -> list[str]:
        return sorted(k for k, v in self.theirs.items() if k in self.ours and self.ours[k] != v)

    @property
    def unexplained(self) -> list[str]:
        """Leaves that differ or are missing for no known reason."""
        return [k for k in self.differing + self.missing if not self._ignored(k)]

    def summary(self) -> str:
        explained = len(self.differing) + len(self.missing) - len(self.unexplained)
        return (f"{len(self.theirs)} kops keys, {self.same} equal, {len(self.differing)} differ, "
                f"{len(self.missing)} missing ({explained} of these expected), {len(self.extra)} extra")


def agreement(theirs: bytes | str, ours: bytes | str, ignored: list[str] | None = None) -> Agreement:
    def flat(data):
        out: dict[str, Any] = {}
        for i, doc in enumerate(load_documents_text(data)):
            out.update(flatten(doc, f"[{i}]"))
        return out

    return Agreement(flat(theirs), flat(ours), list(ignored or ()))
