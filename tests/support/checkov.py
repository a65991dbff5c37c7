"""checkov, the policy scanner, run offline from its own virtualenv, and kopsgen's list of skipped checks.

checkov lives in `.venv-checkov` (make install creates it; KOPSGEN_CHECKOV names another binary): it
installs a fork of `hcl2` that would clash with python-hcl2 in the project's virtualenv. It runs with
`--skip-download` and BC_SKIP_MAPPING=TRUE, so it never calls Bridgecrew/Prisma Cloud.

One checkov run scans a whole tree of outputs (`<group>/<name>/...`); each finding is attributed to
its group and name by the path of the file it was found in, so dozens of outputs cost one start-up.

    python -m tests.support.checkov DIR [--framework terraform|cloudformation]

scans a folder you rendered, with the skip list applied (what `make checkov-scan DIR=...` runs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.support.paths import ROOT

CHECKOV = Path(os.environ.get("KOPSGEN_CHECKOV", ROOT / ".venv-checkov" / "bin" / "checkov"))
SKIP_LIST = ROOT / "security" / "checkov-skips.yaml"
FRAMEWORKS = ("terraform", "cloudformation")
TIMEOUT = 900


def available() -> bool:
    return CHECKOV.is_file() and os.access(CHECKOV, os.X_OK)


@dataclass(frozen=True)
class Finding:
    """One failed check on one resource of one output."""

    check_id: str
    check_name: str
    resource: str
    group: str     # the tree's first level (e.g. ours-terraform, kops)
    name: str      # the output's folder (a case, an example)

    def __str__(self) -> str:
        return f"{self.check_id} {self.resource}: {self.check_name}"


@dataclass(frozen=True)
class Skip:
    check_id: str
    reason: str
    targets: tuple[str, ...]


def skips() -> list[Skip]:
    data = yaml.safe_load(SKIP_LIST.read_text())
    return [Skip(e["id"], e["reason"], tuple(e["targets"])) for e in data["skips"]]


def skipped_ids(target: str) -> set[str]:
    return {s.check_id for s in skips() if target in s.targets}


class CheckovError(RuntimeError):
    pass


def scan(tree: Path, framework: str, skip: set[str] = frozenset()) -> list[Finding]:
    """Every failed check in the outputs under `tree`, for one framework."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}
    args = [str(CHECKOV), "-d", str(tree), "--framework", framework, "--skip-download", "--quiet",
            "--compact", "--output", "json"]
    if skip:
        args += ["--skip-check", ",".join(sorted(skip))]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=TIMEOUT)
    if not proc.stdout.strip().startswith(("{", "[")):
        raise CheckovError(f"checkov gave no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    findings = []
    for report in reports:
        if report.get("check_type") not in (None, framework):
            continue
        errors = report.get("summary", {}).get("parsing_errors", 0)
        if errors:
            raise CheckovError(f"checkov could not parse {errors} file(s) under {tree}: "
                               f"{report['results'].get('parsing_errors')}")
        for failed in report.get("results", {}).get("failed_checks", []):
            parts = Path(failed["file_path"].lstrip("/")).parts
            group, name = (parts[0], parts[1]) if len(parts) > 2 else ("", parts[0] if parts else "")
            findings.append(Finding(failed["check_id"], failed["check_name"], failed["resource"], group, name))
    return sorted(findings, key=lambda f: (f.group, f.name, f.check_id, f.resource))


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.support.checkov",
                                     description="checkov over a rendered folder, with kopsgen's skip list.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--framework", choices=FRAMEWORKS, default="terraform")
    options = parser.parse_args(argv)
    if not available():
        print(f"checkov is not installed at {CHECKOV}: run `make install`", file=sys.stderr)
        return 2
    findings = scan(options.folder, options.framework, skipped_ids(options.framework))
    for finding in findings:
        print(finding)
    print(f"{len(findings)} failed check(s); skipped: {', '.join(sorted(skipped_ids(options.framework)))} "
          f"(reasons in {SKIP_LIST.relative_to(ROOT)})")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
