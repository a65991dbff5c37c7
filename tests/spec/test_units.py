"""Quantities and durations come out as Kubernetes and Go print them (resource.Quantity, time.Duration)."""

from __future__ import annotations

import pytest

from kopsgen.spec.units import canonical_duration, canonical_quantity, format_duration, parse_duration


@pytest.mark.parametrize("given,printed", [
    (3.14, "3140m"),          # kops's complex case: auditWebhookBatchThrottleQps: 3.14
    (0.5, "500m"),
    ("0.1", "100m"),
    (2, "2"),
    (1000, "1k"),
    ("1500", "1500"),
    ("2000m", "2"),
    ("100m", "100m"),
    ("128Mi", "128Mi"),
    ("1024Mi", "1Gi"),
    ("1.5Gi", "1536Mi"),
    ("1000Mi", "1000Mi"),
    ("512", "512"),
    ("1e3", "1e3"),
    ("0", "0"),
    ("-0.5", "-500m"),
    ("0.0001n", "1n"),         # below nano rounds up
])
def test_canonical_quantity(given, printed):
    assert canonical_quantity(given) == printed


@pytest.mark.parametrize("junk", ["1 core", "Mi", "", "1.2.3", True, None, [1]])
def test_not_a_quantity_is_left_alone(junk):
    assert canonical_quantity(junk) == junk


@pytest.mark.parametrize("given,printed", [
    ("60s", "1m0s"),
    ("90s", "1m30s"),
    ("1m", "1m0s"),
    ("72h", "72h0m0s"),
    ("1.5h", "1h30m0s"),
    ("90m0s", "1h30m0s"),
    ("1.5s", "1.5s"),
    ("300ms", "300ms"),
    ("1500ms", "1.5s"),
    ("2us", "2µs"),
    ("0", "0s"),
    ("-5m", "-5m0s"),
    ("1h1m1s", "1h1m1s"),
])
def test_canonical_duration(given, printed):
    assert canonical_duration(given) == printed


@pytest.mark.parametrize("junk", ["5", "1x", "h", "", "1h 30m", None, 60])
def test_not_a_duration_is_left_alone(junk):
    assert parse_duration(junk) is None
    assert canonical_duration(junk) == junk


def test_duration_round_trip():
    for ns in (1, 999, 10**6, 10**9, 61 * 10**9, 3600 * 10**9, 86_400 * 10**9 + 1):
        assert parse_duration(format_duration(ns)) == ns
