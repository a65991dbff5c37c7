from __future__ import annotations

import pytest

from tests.support.paths import case_input, reference_cases


def _explicitly_parametrized(metafunc: pytest.Metafunc, name: str) -> bool:
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        if name in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # a test taking `case` runs once per kops reference case, unless it picks its own cases
    if "case" in metafunc.fixturenames and not _explicitly_parametrized(metafunc, "case"):
        metafunc.parametrize("case", reference_cases())


@pytest.fixture
def case_path(case: str):
    return case_input(case)
