"""YAML written the way kops writes its files (Go's sigs.k8s.io/yaml over go-yaml v2).

nodeup and kops-controller read these files and, more to the point, the hash of a nodeup
config travels in the user data: the same data must give the same bytes every time. This
emitter follows the observable output rules of that Go stack:

- mapping keys sorted in go-yaml's "natural" order: runs of digits compare as numbers, and
  a non-letter sorts before a letter (`k8s-1.9` < `k8s-1.16`, `_x` < `A`);
- sequences inside a mapping are not indented (`key:` then `- item` at the same column);
- a string is plain unless it would read back as something else (number, bool, null,
  timestamp) — then it is double-quoted — or YAML's grammar forbids it plain (leading
  indicator, `: `, ` #`, surrounding spaces) — then single-quoted; multi-line strings are
  literal blocks (`|`, `|-`, `|+`);
- plain scalars longer than 80 columns are folded at single spaces, as go-yaml does;
- empty mappings and sequences are `{}` and `[]`, None is `null`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

BEST_WIDTH = 80
INDENT = 2

# ---------------------------------------------------------------- key order


def _natural_less(a: str, b: str) -> bool:
    """go-yaml v2's key order (its sorter's `Less`), for string keys."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        la, lb = ca.isalpha(), cb.isalpha()
        if la and lb:
            return ca < cb
        if la or lb:
            return lb  # the non-letter goes first
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


class _Key:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other: "_Key") -> bool:
        return _natural_less(self.text, other.text)


# Keys of letters and of these ASCII marks (all below "A", none a digit) sort the same in go-yaml's
# natural order as in plain code-point order, which is much faster to compute.
_CODE_POINT_ORDERED = re.compile(r"[A-Za-z./:-]*")


def sorted_keys(mapping: dict) -> list:
    if all(isinstance(k, str) and _CODE_POINT_ORDERED.fullmatch(k) for k in mapping):
        return sorted(mapping)
    return sorted(mapping, key=lambda k: _Key(str(k)))


# ---------------------------------------------------------------- what a plain string would read back as

_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
         "FALSE", "on", "On", "ON", "off", "Off", "OFF"}
_SPECIAL_FLOAT = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN",
                  ".NAN"}
_INT = re.compile(r"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}"
                        r"(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$")


def _reads_as_non_string(s: str) -> bool:
    return (s in _NULL or s in _BOOL or s in _SPECIAL_FLOAT or bool(_INT.match(s)) or bool(_FLOAT.match(s))
            or bool(_BASE60.match(s)) or bool(_TIMESTAMP.match(s)))


# ---------------------------------------------------------------- which styles YAML's grammar allows


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or o == 0x85 or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF) and o != 0xFEFF


# Printable ASCII and line breaks: the common case, whose facts plain string searches find (_ordinary_facts).
_ORDINARY = re.compile(r"[\x20-\x7e\n]*")
_FIRST_INDICATORS = "#,[]{}&*!|>'\"%@`"


def _analyze(s: str) -> tuple[bool, bool, bool]:
    """(plain allowed in block context, single-quoted allowed, literal block allowed)."""
    if not s:
        return True, True, False
    facts = _ordinary_facts(s) if _ORDINARY.fullmatch(s) else _facts(s)
    block_indicators, line_breaks, special, leading, trailing_space, trailing_break, break_space, space_break = facts
    plain = single = block = True
    if leading or trailing_space or trailing_break:
        plain = False
    if trailing_space:
        block = False
    if break_space:
        plain = single = False
    if space_break or special:
        plain = single = block = False
    if line_breaks or block_indicators:
        plain = False
    return plain, single, block


def _ordinary_facts(s: str) -> tuple[bool, ...]:
    """_facts of a string of printable ASCII and line breaks (no tabs), without a per-character walk."""
    n, first = len(s), s[0]
    block_indicators = (s.startswith(("---", "...")) or first in _FIRST_INDICATORS
                        or (first in "?:-" and (n == 1 or s[1] in " \n"))
                        or s.find(": ", 1) >= 0 or s.find(":\n", 1) >= 0 or (n > 1 and s[-1] == ":")
                        or " #" in s or "\n#" in s)
    return (block_indicators, "\n" in s, False, first in " \n", s[-1] == " ", s[-1] == "\n", "\n " in s,
            " \n" in s)


def _facts(s: str) -> tuple[bool, ...]:
    """What decides the styles a non-empty string allows, character by character: (block indicators,
    line breaks, special characters, leading space or break, trailing space, trailing break,
    a space after a break, a space before a break)."""
    block_indicators = s.startswith("---") or s.startswith("...")
    line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = False
    previous_space = previous_break = False
    preceded_by_ws = True
    n = len(s)
    for i, ch in enumerate(s):
        followed_by_ws = i + 1 >= n or s[i + 1] in " \t\n"
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                block_indicators = True
            elif ch in "?:" and followed_by_ws:
                block_indicators = True
            elif ch == "-" and followed_by_ws:
                block_indicators = True
        elif ch == ":" and followed_by_ws:
            block_indicators = True
        elif ch == "#" and preceded_by_ws:
            block_indicators = True
        if not _printable(ch):
            special = True
        if ch == " ":
            leading_space |= i == 0
            trailing_space |= i == n - 1
            break_space |= previous_break
            previous_space, previous_break = True, False
        elif ch == "\n":
            line_breaks = True
            leading_break |= i == 0
            trailing_break |= i == n - 1
            space_break |= previous_space
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = ch in " \t\n"
    return (block_indicators, line_breaks, special, leading_space or leading_break, trailing_space, trailing_break,
            break_space, space_break)


# ---------------------------------------------------------------- writer


class _Run:
    """Pieces of one scalar not yet written, with their total width (for the folding decision)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.width = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.width += len(text)

    def flush(self, w: "_Writer") -> None:
        w.write("".join(self.parts))
        self.parts, self.width = [], 0


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0

    def write(self, text: str) -> None:
        """Text within one line (line breaks go through newline and blank_line, which set the column)."""
        self.out.append(text)
        self.column += len(text)

    def newline(self, indent: int) -> None:
        self.out.append("\n" + " " * indent)
        self.column = indent

    def blank_line(self) -> None:
        self.out.append("\n")
        self.column = 0

    def text(self) -> str:
        return "".join(self.out)


def _scalar_text(value: Any) -> str | None:
    """Non-string scalars as Go writes them; None for strings and collections."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text[:-2] if text.endswith(".0") and "e" not in text else text
    return None


@lru_cache(maxsize=8192)  # a pure function of the text, and the same keys and values recur in every file
def _style(s: str) -> str:
    plain_ok, single_ok, block_ok = _analyze(s)
    if "\n" in s:
        return "literal" if block_ok else "double"
    if not _reads_as_non_string(s) and plain_ok:
        return "plain"
    if _reads_as_non_string(s):
        return "double"
    return "single" if single_ok else "double"


def _write_plain(w: _Writer, s: str, indent: int, allow_breaks: bool) -> None:
    """Folded at a single space once the line is past BEST_WIDTH (the space becomes the line break)."""
    if not allow_breaks or " " not in s or w.column + len(s) <= BEST_WIDTH:
        w.write(s)  # nothing to fold
        return
    start = 0  # the first character not written yet
    last = len(s) - 1
    for i in _spaces(s):
        if ((i == 0 or s[i - 1] != " ") and w.column + (i - start) > BEST_WIDTH and i < last
                and s[i + 1] != " "):
            w.write(s[start:i])
            w.newline(indent)
            start = i + 1
    w.write(s[start:])


def _spaces(s: str):
    i = s.find(" ")
    while i >= 0:
        yield i
        i = s.find(" ", i + 1)


def _write_single(w: _Writer, s: str, indent: int, allow_breaks: bool) -> None:
    w.write("'")
    buf = _Run()
    spaces = False
    last = len(s) - 1
    for i, ch in enumerate(s):
        if ch == " ":
            if (allow_breaks and not spaces and w.column + buf.width > BEST_WIDTH and 0 < i < last
                    and s[i + 1] != " "):
                buf.flush(w)
                buf = _Run()
                w.newline(indent)
            else:
                buf.add(ch)
            spaces = True
        else:
            buf.add("''" if ch == "'" else ch)
            spaces = False
    buf.flush(w)
    w.write("'")


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e",
            '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _write_double(w: _Writer, s: str, indent: int, allow_breaks: bool) -> None:
    w.write('"')
    buf = _Run()
    spaces = False
    last = len(s) - 1
    for i, ch in enumerate(s):
        if not _printable(ch) or ch in '"\\\n\r\x85\u2028\u2029\ufeff':
            if ch in _ESCAPES:
                buf.add("\\" + _ESCAPES[ch])
            else:
                o = ord(ch)
                buf.add(f"\\x{o:02X}" if o <= 0xFF else f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
            spaces = False
        elif ch == " ":
            if allow_breaks and not spaces and w.column + buf.width > BEST_WIDTH and 0 < i < last:
                buf.flush(w)
                buf = _Run()
                w.newline(indent)
                if s[i + 1] == " ":
                    buf.add("\\")
            else:
                buf.add(ch)
            spaces = True
        else:
            buf.add(ch)
            spaces = False
    buf.flush(w)
    w.write('"')


def _write_literal(w: _Writer, s: str, indent: int) -> None:
    hints = ""
    if s[0] in " \n":
        hints += str(INDENT)
    if not s.endswith("\n"):
        hints += "-"
    elif len(s) == 1 or s[-2] == "\n":
        hints += "+"
    w.write("|" + hints)
    lines = s.split("\n")
    if s.endswith("\n"):
        lines = lines[:-1]
    for line in lines:
        if line:
            w.newline(indent)
            w.write(line)
        else:
            w.blank_line()


def _write_string(w: _Writer, s: str, indent: int, is_key: bool = False) -> None:
    style = _style(s)
    if style == "literal" and is_key:
        style = "double"
    if style == "plain":
        _write_plain(w, s, indent, allow_breaks=not is_key)
    elif style == "single":
        _write_single(w, s, indent, allow_breaks=not is_key)
    elif style == "double":
        _write_double(w, s, indent, allow_breaks=not is_key)
    else:
        _write_literal(w, s, indent)


def _write_scalar(w: _Writer, value: Any, indent: int, is_key: bool = False) -> None:
    text = _scalar_text(value)
    if text is not None:
        w.write(text)
    else:
        _write_string(w, str(value), indent, is_key)


def _is_collection(value: Any) -> bool:
    return isinstance(value, (dict, list, tuple)) and len(value) > 0


def _write_node(w: _Writer, value: Any, indent: int) -> None:
    """Write `value` whose first line continues the current line (after `key:` or `- `)."""
    if isinstance(value, dict):
        if not value:
            w.write("{}")
            return
        first = True
        for key in sorted_keys(value):
            if not first:
                w.newline(indent)
            first = False
            _write_scalar(w, key, indent, is_key=True)
            w.write(":")
            item = value[key]
            if isinstance(item, dict) and item:
                w.newline(indent + INDENT)
                _write_node(w, item, indent + INDENT)
            elif isinstance(item, (list, tuple)) and item:
                w.newline(indent)  # a sequence in a mapping is not indented
                _write_node(w, item, indent)
            else:
                w.write(" ")
                _write_node(w, item, indent + INDENT)
        return
    if isinstance(value, (list, tuple)):
        if not value:
            w.write("[]")
            return
        for n, item in enumerate(value):
            if n:
                w.newline(indent)
            w.write("- ")
            _write_node(w, item, indent + INDENT)
        return
    _write_scalar(w, value, indent)


def dump(data: Any) -> str:
    """One YAML document, kops style, ending with a newline."""
    w = _Writer()
    _write_node(w, data, 0)
    text = w.text()
    return text if text.endswith("\n") else text + "\n"


def dump_bytes(data: Any) -> bytes:
    return dump(data).encode("utf-8")
