"""The file:// state store: round trips, conditional writes between real processes, crash safety, modes."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kopsgen.errors import StateStoreError, UsageError
from kopsgen.state import open_store
from kopsgen.state.s3 import S3StateStore
from kopsgen.state.store import ABSENT, ConcurrentWriteError, FileStateStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> FileStateStore:
    return open_store(f"file://{tmp_path / 'state'}")


def _run_child(code: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with the project importable."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_round_trip_and_versions(store):
    assert store.read("c.example.com/config") is None
    v1 = store.write("c.example.com/config", b"one")
    data, version = store.read("c.example.com/config")
    assert (data, version) == (b"one", v1)
    v2 = store.write("c.example.com/config", b"two")
    assert v2 != v1 and store.version("c.example.com/config") == v2


def test_listing_is_sorted_scoped_to_the_folder_and_hides_internal_files(store):
    for key in ("b.example.com/config", "a.example.com/instancegroup/nodes", "a.example.com/config",
                "a.example.com.au/config"):
        store.write(key, b"x")
    assert store.list("") == ["a.example.com.au/config", "a.example.com/config",
                              "a.example.com/instancegroup/nodes", "b.example.com/config"]
    # a folder, not a string prefix: a.example.com.au is another cluster
    assert store.list("a.example.com") == ["a.example.com/config", "a.example.com/instancegroup/nodes"]
    assert store.list("a.example.com/instancegroup/") == ["a.example.com/instancegroup/nodes"]
    assert store.list("nothing.example.com") == []
    assert sorted(p.name for p in store.root.iterdir())[0].startswith(".")  # the lock file exists, unlisted


def test_conditional_write_detects_the_second_of_two_writers(store):
    key = "c.example.com/config"
    store.write(key, b"base")
    _, seen_by_a = store.read(key)
    _, seen_by_b = store.read(key)
    store.write(key, b"from a", expect=seen_by_a)
    with pytest.raises(ConcurrentWriteError, match="changed by another writer"):
        store.write(key, b"from b", expect=seen_by_b)
    assert store.read(key)[0] == b"from a"


def test_create_only_write_refuses_an_existing_object(store):
    store.write("c.example.com/config", b"first", expect=ABSENT)
    with pytest.raises(ConcurrentWriteError, match="already exists"):
        store.write("c.example.com/config", b"second", expect=ABSENT)
    assert store.read("c.example.com/config")[0] == b"first"


def test_conditional_delete(store):
    key = "c.example.com/instancegroup/nodes"
    old = store.write(key, b"1")
    store.write(key, b"2")
    with pytest.raises(ConcurrentWriteError):
        store.delete(key, expect=old)
    store.delete(key, expect=store.version(key))
    assert store.read(key) is None
    assert not (store.root / "c.example.com").exists()  # empty folders go with their last object
    store.delete(key)  # absent: no error


def test_concurrent_processes_never_lose_an_update(tmp_path: Path):
    """Several processes increment one counter with read / conditional write / retry: no increment is lost."""
    url = f"file://{tmp_path / 'state'}"
    open_store(url).write("counter/config", b"0")
    worker = f"""
        from kopsgen.state import open_store
        from kopsgen.state.store import ConcurrentWriteError
        store = open_store({url!r})
        done = 0
        while done < 15:
            data, version = store.read("counter/config")
            try:
                store.write("counter/config", str(int(data) + 1).encode(), expect=version)
                done += 1
            except ConcurrentWriteError:
                pass
    """
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(worker)], cwd=ROOT) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert open_store(url).read("counter/config")[0] == b"60"


def test_a_writer_dying_before_its_rename_leaves_the_old_content(tmp_path: Path):
    url = f"file://{tmp_path / 'state'}"
    store = open_store(url)
    store.write("c.example.com/config", b"old content")
    # the child writes its temporary file, then dies where the rename would happen
    child = _run_child(f"""
        import os
        from kopsgen.state import open_store
        os.replace = lambda src, dst: os._exit(9)
        open_store({url!r}).write("c.example.com/config", b"new content that never lands")
    """)
    assert child.returncode == 9, child.stderr
    leftovers = [p.name for p in (tmp_path / "state" / "c.example.com").iterdir() if p.name.startswith(".")]
    assert leftovers, "the child should have died after writing its temporary file"
    assert store.read("c.example.com/config")[0] == b"old content"
    assert store.list("c.example.com") == ["c.example.com/config"]
    # the next writer is not blocked (the dead writer's lock died with it) and sweeps the leftover
    started = time.monotonic()
    store.write("c.example.com/config", b"next")
    assert time.monotonic() - started < 5
    assert store.read("c.example.com/config")[0] == b"next"
    assert not [p for p in (tmp_path / "state" / "c.example.com").iterdir() if p.name.startswith(".")]


def test_the_lock_is_held_against_other_processes(tmp_path: Path):
    url = f"file://{tmp_path / 'state'}"
    store = open_store(url)
    store.write("c.example.com/config", b"v1")
    marker = tmp_path / "child-wrote"
    with store._locked():
        child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            from pathlib import Path
            from kopsgen.state import open_store
            open_store({url!r}).write("c.example.com/config", b"child")
            Path({str(marker)!r}).write_text("done")
        """)], cwd=ROOT)
        time.sleep(1.5)
        assert not marker.exists(), "the child wrote while we held the lock"
    assert child.wait(timeout=60) == 0 and marker.exists()
    assert store.read("c.example.com/config")[0] == b"child"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secret_objects_are_private_on_disk(store):
    store.write("c.example.com/pki/private/kubernetes-ca/keyset.yaml", b"private key")
    store.write("c.example.com/secrets/admin", b"token")
    store.write("c.example.com/config", b"spec")
    store.write("c.example.com/notes", b"explicitly secret", secret=True)
    root = store.root / "c.example.com"
    assert _mode(root / "pki/private/kubernetes-ca/keyset.yaml") == 0o600
    assert _mode(root / "secrets/admin") == 0o600
    assert _mode(root / "notes") == 0o600
    assert _mode(root / "config") == 0o644
    # rewriting keeps it private (the temporary file is made private before it is renamed into place)
    store.write("c.example.com/secrets/admin", b"new token")
    assert _mode(root / "secrets/admin") == 0o600


@pytest.mark.parametrize("key", ["", "/abs", "../escape", "a/../../b", "a//b", ".hidden", "c/.kopsgen-lock", "c/"])
def test_bad_keys_are_refused(store, key):
    with pytest.raises(StateStoreError, match="invalid state store key"):
        store.write(key, b"x")


def test_open_store_urls(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("KOPSGEN_STATE_STORE", raising=False)
    assert isinstance(open_store(f"file://{tmp_path}"), FileStateStore)
    assert open_store(f"file://{tmp_path}").root == tmp_path
    assert open_store("file://relative/dir").root == Path("relative/dir")
    assert open_store(str(tmp_path)).root == tmp_path
    s3 = open_store("s3://my-bucket/some/prefix/")
    assert isinstance(s3, S3StateStore) and (s3.bucket, s3.prefix) == ("my-bucket", "some/prefix")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    assert open_store(None).url == f"file://{tmp_path}/home/.local/state/kopsgen/state-store"  # never relative
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/from-env")
    assert open_store(None).root == tmp_path / "from-env"
    assert open_store(f"file://{tmp_path}/flag").root == tmp_path / "flag"  # a flag wins over the environment
    for bad in ("gs://bucket", "s3://", "file://"):
        with pytest.raises(UsageError):
            open_store(bad)
