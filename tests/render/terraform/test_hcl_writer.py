"""The HCL writer against the real `terraform fmt` and a python-hcl2 round trip."""

from __future__ import annotations

import json

import pytest

from kopsgen.render.terraform.hcl import Blocks, Expr, Static, TopLevel, hcl_string, to_hcl, to_json
from tests.support import hcl, terraform

SAMPLE = [
    TopLevel("locals", (), {"cluster_name": "x.example.com", "ids": [Expr("aws_subnet.a.id"), Expr("aws_subnet.b.id")],
                            "long_name_to_align": 1}),
    TopLevel("resource", ("aws_autoscaling_group", "nodes-x"), {
        "name": 'quote " backslash \\ template ${x} directive %{y}\nnewline',
        "max_size": 3,
        "enabled": False,
        "tag": Blocks.of({"key": "a", "value": "", "propagate_at_launch": True},
                         {"key": "k8s.io/role/node", "value": "1", "propagate_at_launch": True}),
        "tags": {"KubernetesCluster": "x", "kubernetes.io/cluster/x": "owned"},
        "lifecycle": Blocks.of({"ignore_changes": [Static("desired_capacity")]}),
        "empty_list": [],
        "empty_map": {},
        "nested": {"outer": {"inner": [1, 2]}},
    }),
    TopLevel("terraform", (), {"required_version": ">= 0.15.0", "required_providers": Blocks.of(
        {"aws": {"source": "hashicorp/aws", "version": ">= 5.0.0", "configuration_aliases": [Static("aws.files")]}})}),
]


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
def test_hcl_output_is_terraform_fmt_clean(tmp_path):
    (tmp_path / "main.tf").write_text(to_hcl(SAMPLE))
    result = terraform.fmt_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hcl_round_trips_through_python_hcl2():
    resource = hcl.resources(hcl.parse(to_hcl(SAMPLE)))["aws_autoscaling_group.nodes-x"]
    assert resource["name"] == 'quote " backslash \\ template $${x} directive %%{y}\nnewline'

    assert resource["max_size"] == 3
    assert resource["tags"]["kubernetes.io/cluster/x"] == "owned"
    assert len(resource["tag"]) == 2


@pytest.mark.parametrize("value,expected", [
    ("plain", '"plain"'),
    ('a"b', '"a\\"b"'),
    ("${var}", '"$${var}"'),
    ("%{if}", '"%%{if}"'),
    ("tab\there", '"tab\\there"'),
    ("\x01", '"\\u0001"'),
])
def test_hcl_string_escapes(value, expected):
    assert hcl_string(value) == expected


def test_json_form_uses_interpolation_for_expressions_and_plain_names_for_static_refs():
    doc = json.loads(to_json(SAMPLE))
    asg = doc["resource"]["aws_autoscaling_group"]["nodes-x"]
    assert doc["locals"]["ids"] == ["${aws_subnet.a.id}", "${aws_subnet.b.id}"]
    assert asg["lifecycle"] == {"ignore_changes": ["desired_capacity"]}
    assert asg["name"].startswith('quote " backslash \\ template $${x} directive %%{y}')
    assert doc["terraform"]["required_providers"]["aws"]["configuration_aliases"] == ["aws.files"]
