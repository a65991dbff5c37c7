"""Where the tests find kops's reference cases and the Terraform provider mirror."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(os.environ.get("KOPSGEN_KOPS_REFERENCE", ROOT.parent / "shared" / "kops-reference"))
EXAMPLES = ROOT / "examples"


def reference_cases() -> list[str]:
    return sorted(p.name for p in REFERENCE.iterdir() if (p / "in-v1alpha2.yaml").exists())


def case_input(case: str) -> Path:
    return REFERENCE / case / "in-v1alpha2.yaml"
