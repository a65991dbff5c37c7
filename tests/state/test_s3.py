"""The s3:// state store against a real moto server on 127.0.0.1 (tests/support/moto.py), through boto3,
with the endpoint given the way a user would give it (AWS_ENDPOINT_URL)."""

from __future__ import annotations

import threading

import pytest

from kopsgen.errors import StateStoreError
from kopsgen.state import open_store
from kopsgen.state.store import ABSENT, ConcurrentWriteError
from tests.support.moto_server import aws_environment

pytestmark = pytest.mark.moto

BUCKET = "kopsgen-state-test"


@pytest.fixture
def s3(moto, monkeypatch):
    """The raw boto3 client of the reset moto server, with a bucket, and the environment pointing at it."""
    aws_environment(moto, monkeypatch)
    client = moto.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def test_round_trip_under_a_prefix(s3):
    store = open_store(f"s3://{BUCKET}/clusters")
    assert store.read("c.example.com/config") is None
    v1 = store.write("c.example.com/config", b"one")
    assert store.read("c.example.com/config") == (b"one", v1)
    assert s3.get_object(Bucket=BUCKET, Key="clusters/c.example.com/config")["Body"].read() == b"one"
    v2 = store.write("c.example.com/config", b"two")
    assert v2 != v1 and store.version("c.example.com/config") == v2


def test_listing_is_a_folder_not_a_string_prefix(s3):
    store = open_store(f"s3://{BUCKET}")
    for key in ("a.example.com/config", "a.example.com/instancegroup/nodes", "a.example.com.au/config",
                "b.example.com/config"):
        store.write(key, b"x")
    s3.put_object(Bucket=BUCKET, Key="unrelated-at-root", Body=b"x")
    assert store.list("a.example.com") == ["a.example.com/config", "a.example.com/instancegroup/nodes"]
    assert store.list("") == ["a.example.com.au/config", "a.example.com/config",
                              "a.example.com/instancegroup/nodes", "b.example.com/config", "unrelated-at-root"]
    prefixed = open_store(f"s3://{BUCKET}/a.example.com")
    assert prefixed.list("") == ["config", "instancegroup/nodes"]


def test_listing_pages_through_more_than_a_thousand_objects(s3):
    from concurrent.futures import ThreadPoolExecutor

    store = open_store(f"s3://{BUCKET}/p")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=BUCKET, Key=f"p/c.example.com/manifests/{i:04d}", Body=b""),
                      range(1005)))
    keys = store.list("c.example.com")
    assert len(keys) == 1005 and keys[0] == "c.example.com/manifests/0000" and keys[-1].endswith("1004")


def test_delete(s3):
    store = open_store(f"s3://{BUCKET}")
    store.write("c.example.com/config", b"x")
    store.delete("c.example.com/config")
    assert store.read("c.example.com/config") is None
    store.delete("c.example.com/config")  # absent: no error


def test_moto_honours_conditional_puts(s3):
    """The measured fact the S3 store relies on, asked of the server directly: a PutObject with
    If-None-Match: * on an existing key, or with an If-Match ETag that is not current, is refused (412)."""
    from botocore.exceptions import ClientError

    first = s3.put_object(Bucket=BUCKET, Key="k", Body=b"1", IfNoneMatch="*")
    with pytest.raises(ClientError) as refused_create:
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"2", IfNoneMatch="*")
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"3", IfMatch=first["ETag"])
    with pytest.raises(ClientError) as refused_update:
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"4", IfMatch=first["ETag"])
    for refused in (refused_create, refused_update):
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"3"


def test_two_writers_the_second_is_detected(s3):
    key = "c.example.com/config"
    alice, bob = open_store(f"s3://{BUCKET}/state"), open_store(f"s3://{BUCKET}/state")  # separate clients
    alice.write(key, b"base")
    _, seen_by_alice = alice.read(key)
    _, seen_by_bob = bob.read(key)
    alice.write(key, b"alice's change", expect=seen_by_alice)
    with pytest.raises(ConcurrentWriteError, match="changed by another writer"):
        bob.write(key, b"bob's change", expect=seen_by_bob)
    assert bob.read(key)[0] == b"alice's change"


def test_two_creators_only_one_wins(s3):
    key = "c.example.com/config"
    first, second = open_store(f"s3://{BUCKET}"), open_store(f"s3://{BUCKET}")
    first.write(key, b"first", expect=ABSENT)
    with pytest.raises(ConcurrentWriteError):
        second.write(key, b"second", expect=ABSENT)
    assert first.read(key)[0] == b"first"


def test_racing_creators_exactly_one_succeeds(s3):
    """Eight threads, each with its own client, create the same key at once."""
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def create(i: int) -> None:
        store = open_store(f"s3://{BUCKET}")
        _ = store.client  # make the client before the race
        barrier.wait()
        try:
            store.write("race/config", f"writer {i}".encode(), expect=ABSENT)
            outcomes.append("won")
        except ConcurrentWriteError:
            outcomes.append("refused")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * 7 + ["won"]


def test_an_update_of_a_deleted_object_is_detected(s3):
    store = open_store(f"s3://{BUCKET}")
    version = store.write("c.example.com/config", b"x")
    store.delete("c.example.com/config")
    with pytest.raises(ConcurrentWriteError):
        store.write("c.example.com/config", b"y", expect=version)
    assert store.read("c.example.com/config") is None


def test_conditional_delete(s3):
    store = open_store(f"s3://{BUCKET}")
    old = store.write("c.example.com/instancegroup/nodes", b"1")
    store.write("c.example.com/instancegroup/nodes", b"2")
    with pytest.raises(ConcurrentWriteError):
        store.delete("c.example.com/instancegroup/nodes", expect=old)
    assert store.read("c.example.com/instancegroup/nodes")[0] == b"2"
    store.delete("c.example.com/instancegroup/nodes", expect=store.version("c.example.com/instancegroup/nodes"))
    assert store.read("c.example.com/instancegroup/nodes") is None


def test_objects_are_encrypted_at_rest(s3):
    store = open_store(f"s3://{BUCKET}/state")
    store.write("c.example.com/pki/private/kubernetes-ca/keyset.yaml", b"private key")
    store.write("c.example.com/config", b"spec")
    for key in ("state/c.example.com/pki/private/kubernetes-ca/keyset.yaml", "state/c.example.com/config"):
        assert s3.head_object(Bucket=BUCKET, Key=key)["ServerSideEncryption"] == "AES256"


def test_a_missing_bucket_is_a_clean_error(s3):
    store = open_store("s3://no-such-bucket-here/state")
    with pytest.raises(StateStoreError, match="bucket no-such-bucket-here does not exist"):
        store.write("c.example.com/config", b"x")
    with pytest.raises(StateStoreError, match="does not exist"):
        store.list("")


def test_an_unreachable_endpoint_is_a_clean_error(s3, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # the discard port: nothing listens
    with pytest.raises(StateStoreError, match="cannot reach"):
        open_store(f"s3://{BUCKET}").read("c.example.com/config")
