"""Helpers for the CloudFormation tests: render a spec, run the real cfn-lint, read templates back.

Rendering needs a state store for the cluster's CAs (the user data carries their certificates);
`state_store` points KOPSGEN_STATE_STORE at a folder for the duration of a test session.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import yaml

from kopsgen import pipeline
from kopsgen.spec.api import ClusterSpec
from tests.support.paths import case_input
from tests.support.sessions import session

CFN_LINT = Path(sys.executable).parent / "cfn-lint"

# kops's test fixtures name security groups that do not exist with IDs AWS would never issue
# (`sg-exampleid`); cfn-lint (rightly) rejects those, so the lint tests give them a well-formed
# fake hexadecimal ID.
_PLACEHOLDER_SG = re.compile(r"\bsg-exampleid(\d*)\b")


@contextmanager
def state_store(folder: Path) -> Iterator[str]:
    url = f"file://{folder}"
    old = os.environ.get("KOPSGEN_STATE_STORE")
    os.environ["KOPSGEN_STATE_STORE"] = url
    try:
        yield url
    finally:
        if old is None:
            os.environ.pop("KOPSGEN_STATE_STORE", None)
        else:
            os.environ["KOPSGEN_STATE_STORE"] = old


def spec_from_text(text: str, folder: Path, name: str = "cluster.yaml") -> ClusterSpec:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return pipeline.load_spec([path])


def case_text(case: str, edit: Callable[[str], str] | None = None) -> str:
    text = case_input(case).read_text()
    return edit(text) if edit else text


def real_looking_ids(text: str) -> str:
    return _PLACEHOLDER_SG.sub(lambda m: "sg-" + (m.group(1) or "0").rjust(17, "0"), text)


def with_region(text: str, region: str) -> str:
    """kops's fixtures live in the fake region us-test-1; AWS emulators and linters want a real one."""
    return text.replace("us-test-1", region)


def edit_documents(text: str, edit: Callable[[list[dict]], None]) -> str:
    docs = [d for d in yaml.safe_load_all(text) if d]
    edit(docs)
    return yaml.safe_dump_all(docs, sort_keys=False)


def render(spec: ClusterSpec, fmt: str = "json") -> dict[str, bytes]:
    return pipeline.render(session(spec), "cloudformation", fmt)


def write(files: dict[str, bytes], folder: Path) -> list[Path]:
    """Write rendered files; the template paths, main template first."""
    written = []
    for rel, data in sorted(files.items()):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if rel.endswith((".json", ".yaml")):
            written.append(path)
    return sorted(written, key=lambda p: ("/" in str(p.relative_to(folder)), str(p)))


def lint(paths: list[Path]) -> list[str]:
    """Every finding of the real cfn-lint (errors, warnings and informational) on `paths`."""
    proc = subprocess.run([str(CFN_LINT), "--format", "parseable", "--include-checks", "I", "--", *map(str, paths)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode not in (0, 2, 4, 6, 8, 10, 12, 14) or "Traceback" in proc.stderr:
        raise AssertionError(f"cfn-lint failed to run ({proc.returncode}):\n{proc.stderr}")
    return [line for line in proc.stdout.splitlines() if line.strip()]


def errors_and_warnings(findings: list[str]) -> list[str]:
    """The findings that are errors (E) or warnings (W); informational (I) ones are reported, not failed on."""
    return [f for f in findings if re.search(r":[EW]\d{4}:", f)]


def template(files: dict[str, bytes], path: str | None = None) -> dict:
    """A rendered template as JSON data (YAML is read with CloudFormation's short-form tags)."""
    if path is None:
        path = next(p for p in sorted(files) if p.endswith((".json", ".yaml")) and "/" not in p)
    if path.endswith(".json"):
        return json.loads(files[path])
    from cfn_tools import load_yaml

    return json.loads(json.dumps(load_yaml(files[path].decode())))


def resources_of_type(body: dict, cfn_type: str) -> dict[str, dict]:
    return {k: v for k, v in body["Resources"].items() if v["Type"] == cfn_type}
