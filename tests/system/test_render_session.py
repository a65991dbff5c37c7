"""A render is one explicit session: no graph without a store, no default store behind the caller's back, no
module-level bootstrap cache, and the state store below the pipeline (imports only go downwards)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kopsgen
from kopsgen import bootstrap, model, pipeline
from kopsgen.bootstrap.pki import KUBERNETES_CA, KeyStore
from kopsgen.errors import RenderError
from kopsgen.state import layout, open_store
from tests.support.paths import case_input

PACKAGE = Path(kopsgen.__file__).parent


@pytest.fixture(scope="module")
def spec():
    return pipeline.load_spec([case_input("minimal-1.36")])


@pytest.mark.parametrize("call", [
    lambda spec: pipeline.build_graph(spec),            # a spec is not a session
    lambda spec: pipeline.render(spec, "terraform"),
    lambda spec: pipeline.open_session(spec),           # no store: no session
    lambda spec: pipeline.open_session(spec, None),
    lambda spec: model.build(spec),                     # the builders need the session's bootstrap
], ids=["build_graph(spec)", "render(spec)", "open_session(spec)", "open_session(spec, None)", "model.build(spec)"])
def test_no_graph_without_a_session_and_its_store(spec, call):
    with pytest.raises(TypeError):
        call(spec)


def test_rendering_writes_only_to_the_store_it_is_given(spec, tmp_path, monkeypatch):
    default = tmp_path / "xdg"
    monkeypatch.setenv("XDG_STATE_HOME", str(default))
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path / 'from-env'}")
    store = open_store(f"file://{tmp_path / 'given'}")
    session = pipeline.open_session(spec, store)
    files = pipeline.render(session, "terraform")
    assert files and session.store is store
    assert store.list(f"{spec.cluster.name}/pki/private")    # the CAs, made where the caller said
    assert not default.exists() and not (tmp_path / "from-env").exists()


def test_a_read_only_session_writes_nothing(spec, tmp_path):
    store = open_store(f"file://{tmp_path / 'store'}")
    session = pipeline.open_session(spec, store, read_only=True)
    pipeline.render(session, "cloudformation")
    assert store.list() == []
    assert session.overlay is not None and session.overlay.pending   # made in memory, for a later flush


def test_cas_are_made_when_the_session_opens_and_read_back_by_the_next(spec, tmp_path):
    store = open_store(f"file://{tmp_path / 'store'}")
    first = pipeline.open_session(spec, store)
    made = store.list(f"{spec.cluster.name}/pki/private")
    assert layout.keyset_key(spec.cluster.name, KUBERNETES_CA) in made     # before anything is built
    second = pipeline.open_session(spec, store)
    assert store.list(f"{spec.cluster.name}/pki/private") == made
    nodes = spec.instance_group("nodes")
    assert first.bootstrap.user_data(nodes) == second.bootstrap.user_data(nodes)


def test_a_keyset_is_never_made_behind_the_sessions_back(tmp_path):
    keys = KeyStore(open_store(f"file://{tmp_path}"), "c.example.com")
    with pytest.raises(RenderError, match="was not loaded"):
        keys.get(KUBERNETES_CA)
    assert not tmp_path.joinpath("c.example.com").exists()


def test_the_bootstrap_keeps_no_module_level_state():
    assert not hasattr(bootstrap, "bootstrap_for") and not hasattr(bootstrap, "_RECENT")
    assert not hasattr(bootstrap, "user_data") and not hasattr(bootstrap, "state_files")


def _imports(path: Path) -> set[str]:
    """Every kopsgen module `path` imports, at any depth (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kopsgen"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kopsgen"))
    return found


ABOVE_THE_STATE_STORE = ("kopsgen.pipeline", "kopsgen.session", "kopsgen.bootstrap", "kopsgen.model",
                         "kopsgen.render", "kopsgen.lifecycle", "kopsgen.cli")


@pytest.mark.parametrize("module", sorted(p.name for p in (PACKAGE / "state").glob("*.py")))
def test_the_state_store_imports_only_downwards(module):
    imported = _imports(PACKAGE / "state" / module)
    assert not [m for m in imported if m.startswith(ABOVE_THE_STATE_STORE)], module
    if module == "store.py":   # s3.py builds on store.py, backends.py on both: never the other way
        assert not {"kopsgen.state.s3", "kopsgen.state.backends"} & imported
