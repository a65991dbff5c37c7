"""Where the tests find kops's reference cases and the examples.

kops's reference cases are kops's own integration cases (`tests/integration/update_cluster/<case>/` in kops),
kept outside this repository: the folder KOPSGEN_KOPS_REFERENCE names, else `../shared/kops-reference` beside
the checkout. The location is checked once when pytest starts (tests/conftest.py prints what it found); when
it holds no case, whatever needs the cases (`REFERENCE`, `reference_cases()`, `case_input()`) skips its
test or module with one short reason, and a tool outside pytest stops with the whole message.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

REFERENCE_VARIABLE = "KOPSGEN_KOPS_REFERENCE"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "kops-reference"
_REFERENCE = Path(os.environ.get(REFERENCE_VARIABLE) or DEFAULT_REFERENCE)
CASE_INPUT = "in-v1alpha2.yaml"
SKIP_REASON = (f"kops's reference cases not found in {_REFERENCE}: set {REFERENCE_VARIABLE} "
               "(see docs/testing.md)")


def __getattr__(name: str) -> Path:
    # `from tests.support.paths import REFERENCE` checks the location first
    if name == "REFERENCE":
        require_reference()
        return _REFERENCE
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def reference_problem() -> str | None:
    """What is wrong with the reference location, for a person to act on; None when it holds cases."""
    if not _REFERENCE.exists():
        found = "does not exist"
    elif not _REFERENCE.is_dir():
        found = "is not a folder"
    elif not any(_REFERENCE.glob(f"*/{CASE_INPUT}")):
        found = f"holds no case (no <case>/{CASE_INPUT})"
    else:
        return None
    where = (f"{REFERENCE_VARIABLE}={os.environ[REFERENCE_VARIABLE]}" if os.environ.get(REFERENCE_VARIABLE)
             else f"the default, as {REFERENCE_VARIABLE} is not set")
    return (f"kops's reference cases: {_REFERENCE} ({where}) {found}.\n"
            f"Set {REFERENCE_VARIABLE} to a folder of kops's integration cases (kops's "
            "tests/integration/update_cluster/): one sub-folder per case, each holding "
            f"{CASE_INPUT} (the input), kubernetes.tf and data/ (kops's output) and id_rsa.pub. "
            "See docs/testing.md.")


def require_reference() -> None:
    """Return if the reference cases are there; else skip (under pytest) or stop with the message."""
    problem = reference_problem()
    if problem is None:
        return
    if "pytest" in sys.modules:
        import pytest

        pytest.skip(SKIP_REASON, allow_module_level=True)
    raise SystemExit(problem)


def reference_cases() -> list[str]:
    require_reference()
    return sorted(p.name for p in _REFERENCE.iterdir() if (p / CASE_INPUT).exists())


def case_input(case: str) -> Path:
    require_reference()
    return _REFERENCE / case / CASE_INPUT
