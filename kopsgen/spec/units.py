"""Kubernetes quantities and Go durations: parsing, and the canonical text kops writes back.

kops reads a spec into Go types and writes it out again, so `3.14` becomes `3140m` and `60s`
becomes `1m0s` in its completed spec. We do the same, so our completed spec matches kops's.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}


def parse_quantity(value: object) -> tuple[Decimal, str] | None:
    """(value, format) of a quantity, format being 'binary', 'decimal' or 'exponent'; None if malformed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if isinstance(value, float) and "e" in text.lower():
        text = format(Decimal(text), "f")
    m = _QUANTITY.match(text)
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    suffix = m.group(2) or ""
    if suffix in _BINARY:
        return number * (Decimal(2) ** _BINARY[suffix]), "binary"
    if suffix[:1] in ("e", "E"):
        return number * (Decimal(10) ** int(suffix[1:])), "exponent"
    return number * (Decimal(10) ** _DECIMAL[suffix]), "decimal"


def quantity_value(value: object) -> Decimal:
    """The number a quantity stands for ('100m' -> 0.1, '16Gi' -> 17179869184); the spec was validated, so a
    malformed one is a bug."""
    parsed = parse_quantity(value)
    if parsed is None:
        raise ValueError(f"not a quantity: {value!r}")
    return parsed[0]


def canonical_quantity(value: object) -> object:
    """The text Kubernetes writes for a quantity (e.g. 3.14 -> '3140m', '1024Mi' -> '1Gi').

    Anything that is not a quantity is returned unchanged (the schema reports it).
    """
    parsed = parse_quantity(value)
    if parsed is None:
        return value
    number, fmt = parsed
    if fmt == "binary":
        if number == number.to_integral_value() and abs(number) >= 1024:
            n = int(number)
            for suffix, shift in sorted(_BINARY.items(), key=lambda kv: -kv[1]):
                if n % (1 << shift) == 0:
                    return f"{n >> shift}{suffix}"
        fmt = "decimal"
    # Largest power-of-1000 exponent that keeps an integer mantissa; below nano, round up.
    for exponent in range(18, -12, -3):
        mantissa = number / (Decimal(10) ** exponent)
        if mantissa == mantissa.to_integral_value():
            break
    else:
        exponent = -9
    if exponent < -9:
        exponent = -9
    mantissa = int((number / (Decimal(10) ** exponent)).to_integral_value(rounding=ROUND_CEILING))
    if mantissa == 0:
        return "0"
    if fmt == "exponent":
        return f"{mantissa}" if exponent == 0 else f"{mantissa}e{exponent}"
    return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
            "m": 60_000_000_000, "h": 3_600_000_000_000}


def parse_duration(text: object) -> int | None:
    """Nanoseconds of a Go duration string ('1h30m', '90s', '-1.5h', '0'); None if malformed."""
    if not isinstance(text, str) or not text:
        return None
    s = text
    sign = 1
    if s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = Decimal(0)
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            return None
        total += Decimal(m.group(1)) * _UNIT_NS[m.group(2)]
        pos = m.end()
    return sign * int(total)


def format_duration(ns: int) -> str:
    """Go's time.Duration.String(): '0s', '1m0s', '72h0m0s', '1.5s', '300ms'."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _trim(Decimal(ns) / size) + unit
    hours, rest = divmod(ns, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _trim(Decimal(rest) / 1_000_000_000) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds


def _trim(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def canonical_duration(value: object) -> object:
    ns = parse_duration(value)
    return value if ns is None else format_duration(ns)
