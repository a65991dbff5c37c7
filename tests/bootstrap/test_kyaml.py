"""kops's files are written by Go's YAML stack; nodes hash what we write, so our writer must follow the
same rules. Every YAML file of kops's reference cases, read and written again, gives kops's bytes."""

from __future__ import annotations

import pytest
import yaml

from kopsgen.bootstrap import kyaml
from tests.support.paths import REFERENCE

SEPARATOR = "\n---\n\n"   # how kops joins the objects of one manifest


def _yaml_files() -> list:
    return sorted(p for p in REFERENCE.glob("*/data/aws_s3_object_*_content")
                  if not p.name.endswith(("kops-version.txt_content",)) and "etcd-cluster-spec" not in p.name)


def test_every_kops_yaml_file_round_trips_byte_for_byte():
    files = _yaml_files()
    assert len(files) > 150
    mismatched = []
    for path in files:
        text = path.read_text()
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
        if SEPARATOR.join(kyaml.dump(d) for d in docs).strip() != text.strip():
            mismatched.append(path.relative_to(REFERENCE).as_posix())
    print(f"\n{len(files) - len(mismatched)} of {len(files)} kops YAML files written back byte for byte")
    assert not mismatched


@pytest.mark.parametrize("keys,expected", [
    (["k8s-1.9", "k8s-1.16", "k8s-1.12"], ["k8s-1.9", "k8s-1.12", "k8s-1.16"]),      # digit runs compare as numbers
    (["KubeletConfig", "KubeProxy", "CAs", "APIServerConfig", "channelsManifest"],
     ["APIServerConfig", "CAs", "KubeProxy", "KubeletConfig", "channelsManifest"]),
    (["b", "_a", "A"], ["_a", "A", "b"]),                                              # non-letters first
])
def test_key_order_is_go_yamls(keys, expected):
    assert kyaml.sorted_keys(dict.fromkeys(keys)) == expected


@pytest.mark.parametrize("value,text", [
    ("6982820025135291416230495506", '"6982820025135291416230495506"\n'),   # would read back as a number
    ("true", '"true"\n'), ("", '""\n'), ("2017-01-01T00:00:00Z", '"2017-01-01T00:00:00Z"\n'),
    ("::/0", "::/0\n"), ("*", "'*'\n"), ("a: b", "'a: b'\n"), ("1.32.0", "1.32.0\n"),
    ("line\n", "|\n  line\n"), ("line", "line\n"), ("two\nlines", "|-\n  two\n  lines\n"),
])
def test_scalars_are_quoted_only_when_needed(value, text):
    assert kyaml.dump({"k": value}) == "k: " + text
