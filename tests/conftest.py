from __future__ import annotations

import pytest

from tests.support import paths
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
        metafunc.parametrize("case", _reference_case_params())


def _reference_case_params() -> list:
    """The reference cases; without them one skipped placeholder, so the module's other tests still run."""
    if paths.reference_problem():
        return [pytest.param(None, id="no-reference-cases", marks=pytest.mark.skip(reason=paths.SKIP_REASON))]
    return reference_cases()


_REFERENCE_PROBLEM = pytest.StashKey[str | None]()


def pytest_configure(config: pytest.Config) -> None:
    # kops's reference cases are looked for once, here (tests/support/paths.py says where and what)
    config.stash[_REFERENCE_PROBLEM] = paths.reference_problem()
    _no_default_state_store()


def pytest_report_header(config: pytest.Config) -> str:
    problem = config.stash.get(_REFERENCE_PROBLEM, None)
    if problem:
        return f"WARNING {problem}"
    return f"kops reference cases: {len(reference_cases())} in {paths.REFERENCE}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    problem = config.stash.get(_REFERENCE_PROBLEM, None)
    if problem:
        terminalreporter.section("kops reference cases missing", sep="=", yellow=True, bold=True)
        terminalreporter.line(problem)
        terminalreporter.line("The tests that need the cases were skipped; the others ran.")


@pytest.fixture
def case_path(case: str):
    return case_input(case)


def _no_default_state_store() -> None:
    """No test may use the user's state store. A test that renders names its store (tests/support/sessions.py,
    --state, or KOPSGEN_STATE_STORE set by the test); the default store is made unusable here (a folder under
    /dev/null), so that one that forgets fails instead of writing the user's CAs."""
    import os

    os.environ.pop("KOPSGEN_STATE_STORE", None)
    os.environ["XDG_STATE_HOME"] = "/dev/null/tests-name-their-state-store"


@pytest.fixture
def state_store(tmp_path):
    """A state store of this test alone (a folder under tmp_path)."""
    from kopsgen.state import open_store

    return open_store(f"file://{tmp_path / 'state-store'}")


@pytest.fixture(scope="session")
def moto_server():
    """The session's one moto server (see tests/support/moto.py); prefer `moto`, which resets it first."""
    from tests.support import moto as moto_support

    server = moto_support.start()
    yield server
    server.stop()


@pytest.fixture
def moto(moto_server):
    """The moto server, emptied before this test."""
    moto_server.reset()
    return moto_server
