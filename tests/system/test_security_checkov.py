"""checkov over what kopsgen writes, both targets, against the skip list and against kops.

- `kopsgen create cluster` with default flags and every example: no failed check in the Terraform or the
  CloudFormation output, except those security/checkov-skips.yaml lists for that target.
- Every kops reference case: kopsgen's Terraform and CloudFormation each fail fewer checks than kops's own
  `kubernetes.tf` (counted without the skip list); the numbers are printed and written to
  outputs/checkov.json (git-ignored), for the README.
- The skip list is well formed and every entry is still needed.

checkov runs offline from `.venv-checkov` (make install); one run scans a whole tree of outputs. The default
run scans the defaults, the examples and REPRESENTATIVE cases; `-m slow` (make checkov) every case.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.output import write_output
from tests.support import checkov
from tests.support.checkov import FRAMEWORKS, Finding
from tests.support.paths import EXAMPLES, REFERENCE, ROOT, case_input, reference_cases
from tests.support.sessions import session

pytestmark = pytest.mark.skipif(not checkov.available(),
                                reason=f"checkov is not installed at {checkov.CHECKOV}: run `make install`")

REPORT = ROOT / "outputs" / "checkov.json"
DEFAULTS = "create-cluster-defaults"
# `kopsgen create cluster` with nothing but the two flags it cannot do without
DEFAULT_FLAGS = ("--name", "defaults.example.com", "--zones", "eu-west-1a")
REPRESENTATIVE = ("minimal-dns-none", "privatecalico")
OURS, KOPS = "ours", "kops"


def _examples() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def _default_spec(folder: Path) -> Path:
    result = CliRunner().invoke(cli, ["create", "cluster", *DEFAULT_FLAGS, "--dry-run"],
                                env={"KOPSGEN_STATE_STORE": "s3://defaults-state-store"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = folder / "defaults.yaml"
    path.write_text(result.stdout)
    return path


@dataclass
class Scan:
    """Failed checks by (framework, group, output name)."""

    findings: dict[tuple[str, str, str], list[Finding]]
    names: set[tuple[str, str, str]]

    def failed(self, framework: str, group: str, name: str) -> list[Finding]:
        assert (framework, group, name) in self.names, f"{framework}/{group}/{name} was not scanned"
        return self.findings.get((framework, group, name), [])


def _scan(root: Path, specs: dict[str, Path], kops_cases: list[str]) -> Scan:
    names = set()
    for name, spec_path in specs.items():
        spec = pipeline.load_spec([spec_path])
        for framework in FRAMEWORKS:
            write_output(root / framework / OURS / name, pipeline.render(session(spec), framework))
            names.add((framework, OURS, name))
    for case in kops_cases:
        (root / "terraform" / KOPS / case).mkdir(parents=True)
        shutil.copy(REFERENCE / case / "kubernetes.tf", root / "terraform" / KOPS / case / "kubernetes.tf")
        names.add(("terraform", KOPS, case))
    with ThreadPoolExecutor(max_workers=len(FRAMEWORKS)) as pool:
        results = dict(zip(FRAMEWORKS, pool.map(lambda fw: checkov.scan(root / fw, fw), FRAMEWORKS)))
    findings: dict[tuple[str, str, str], list[Finding]] = {}
    for framework, found in results.items():
        for finding in found:
            findings.setdefault((framework, finding.group, finding.name), []).append(finding)
    return Scan(findings, names)


def _inputs(folder: Path, cases) -> dict[str, Path]:
    specs = {DEFAULTS: _default_spec(folder)}
    specs.update({f"example-{e}": EXAMPLES / f"{e}.yaml" for e in _examples()})
    specs.update({case: case_input(case) for case in cases})
    return specs


@pytest.fixture(scope="module")
def default_scan(tmp_path_factory) -> Scan:
    folder = tmp_path_factory.mktemp("checkov")
    return _scan(folder / "tree", _inputs(folder, REPRESENTATIVE), list(REPRESENTATIVE))


@pytest.fixture(scope="module")
def full_scan(tmp_path_factory) -> Scan:
    folder = tmp_path_factory.mktemp("checkov-all")
    return _scan(folder / "tree", _inputs(folder, reference_cases()), reference_cases())


# ---------------------------------------------------------------- the defaults and the examples

CLEAN = [DEFAULTS, *(f"example-{e}" for e in _examples())]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("name", CLEAN)
def test_defaults_and_examples_fail_nothing_but_the_skip_list(default_scan: Scan, name: str, framework: str):
    skipped = checkov.skipped_ids(framework)
    failed = [f for f in default_scan.failed(framework, OURS, name) if f.check_id not in skipped]
    assert not failed, f"{name} ({framework}) fails {len(failed)} check(s):\n" + "\n".join(map(str, failed))


def test_every_skip_is_needed(default_scan: Scan):
    """An entry that no default output fails for that target is dead weight: drop it (or its target)."""
    for skip in checkov.skips():
        for framework in skip.targets:
            hits = [name for name in CLEAN
                    if any(f.check_id == skip.check_id for f in default_scan.failed(framework, OURS, name))]
            assert hits, f"{skip.check_id} is skipped for {framework}, but no default output fails it"


def test_skip_list_is_well_formed():
    entries = checkov.skips()
    ids = [s.check_id for s in entries]
    assert len(ids) == len(set(ids)), "a check is listed twice"
    for skip in entries:
        assert skip.check_id.startswith(("CKV_AWS_", "CKV2_AWS_")), skip
        assert skip.reason.strip() and "\n" not in skip.reason.strip(), f"{skip.check_id}: one line of reason"
        assert skip.targets and set(skip.targets) <= set(FRAMEWORKS), skip
    raw = yaml.safe_load(checkov.SKIP_LIST.read_text())
    assert all(set(e) == {"id", "reason", "targets"} for e in raw["skips"])


# ---------------------------------------------------------------- against kops


def _compare(scan: Scan, case: str) -> dict:
    kops = len(scan.failed("terraform", KOPS, case))
    ours = {fw: len(scan.failed(fw, OURS, case)) for fw in FRAMEWORKS}
    row = {"kops": kops, **{f"kopsgen_{fw}": n for fw, n in ours.items()},
           "kops_checks": sorted({f.check_id for f in scan.failed("terraform", KOPS, case)}),
           **{f"kopsgen_{fw}_checks": sorted({f.check_id for f in scan.failed(fw, OURS, case)}) for fw in FRAMEWORKS}}
    print(f"\n{case}: checkov failures: kops {kops} | kopsgen terraform {ours['terraform']}, "
          f"cloudformation {ours['cloudformation']}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[case] = row
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return row


@pytest.mark.parametrize("case", [c if c in REPRESENTATIVE else pytest.param(c, marks=pytest.mark.slow)
                                  for c in reference_cases()])
def test_fewer_failures_than_kops(case: str, request):
    scan = request.getfixturevalue("default_scan" if case in REPRESENTATIVE else "full_scan")
    row = _compare(scan, case)
    assert row["kops"] > 0, "kops's output fails checks; zero means the scan saw nothing"
    for framework in FRAMEWORKS:
        assert row[f"kopsgen_{framework}"] < row["kops"], (case, framework, row)
