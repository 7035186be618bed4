"""Making untrusted text safe to show: no terminal escapes, no control characters, bounded.

Everything that comes back from a sandboxed child (exception messages, locations,
printed output, log lines) and every file name found in a submission is written by
the student. Before such text reaches a report or a terminal it goes through
:func:`clean`::

    >>> clean("\\x1b[2J\\x1b]0;pwned\\x07ok\\u202e", 100)
    'ok'
    >>> clean("x" * 1000, 10)
    'xxxxxxxx …'

What is removed:

- ANSI/VT escape sequences, 7-bit and 8-bit: CSI (``ESC [`` … final byte), OSC
  (``ESC ]`` … ended by BEL or ST), DCS, SOS, PM and APC strings (ended by ST; an
  unterminated one runs to the end of the text, as it would on a terminal), and
  two-character ``ESC`` sequences (``ESC c`` resets a terminal);
- every other control character (C0, DEL, C1), except newline and tab when
  ``multiline`` is true;
- format characters (Unicode category Cf: the bidi overrides and isolates U+202A–U+202E
  and U+2066–U+2069, zero-width characters, BOM), line and paragraph separators;
- lone surrogates (undecodable file names) become U+FFFD, so the text always encodes
  as UTF-8.

Then the text is cut to ``limit`` characters, the cut marked with ``" …"``. Prior
art: the ``strip-ansi`` package (JavaScript) and ECMA-48 §5.6 / §8.3.89 for the
shapes of the sequences.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MARK", "clean"]

MARK = " …"

# ST (string terminator) is ESC \ or the 8-bit 0x9C; OSC may also end with BEL.
_ST = r"(?:\x1b\\|\x9c)"
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI: parameters, intermediates, final byte
    rf"|(?:\x1b\]|\x9d).*?(?:\x07|{_ST}|\Z)"  # OSC (window titles, hyperlinks, clipboard)
    rf"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:{_ST}|\Z)"  # DCS, SOS, PM, APC strings
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]",  # two-character (and charset) escapes: ESC c, ESC 7, ESC ( B
    re.DOTALL,
)
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Work on at most this many characters per allowed one: a 10 MB message costs no more than a short one.
_RAW_FACTOR = 16


def _keep(ch: str, multiline: bool, placeholder: str) -> str:
    if ch in "\n\t":
        return ch if multiline else " "
    category = unicodedata.category(ch)
    if category == "Cs":
        return "\ufffd"
    return placeholder if category in _DROPPED_CATEGORIES else ch


def clean(text: object, limit: int, *, multiline: bool = False, placeholder: str = "") -> str:
    """``text`` without escape sequences or control characters, at most ``limit`` characters.

    Newlines and tabs are kept only when ``multiline`` is true (otherwise they become
    spaces). Each removed sequence or character becomes ``placeholder`` (nothing by
    default; ``"\ufffd"`` keeps a student's output visibly different from what was
    expected). Anything that is not a string is shown with ``str()`` first. When the
    text is longer than ``limit`` it is cut and ends with :data:`MARK`.
    """
    if limit < len(MARK):
        raise ValueError(f"limit must be at least {len(MARK)}, got {limit}")
    text = text if isinstance(text, str) else str(text)
    # Fast path: every sequence starts with a control character, and every character this
    # removes or replaces (Cc, Cf, Zl, Zp, Cs) is one str.isprintable() refuses, so
    # printable text that fits is already clean (a class's reports hold ~10^5 texts).
    if len(text) <= limit and (text.replace("\n", "").replace("\t", "") if multiline else text).isprintable():
        return text
    raw_cap = limit * _RAW_FACTOR + 64
    cut = len(text) > raw_cap
    text = _SEQUENCE.sub(placeholder, text[:raw_cap] if cut else text)
    text = "".join(_keep(ch, multiline, placeholder) for ch in text)
    if cut or len(text) > limit:
        text = text[: limit - len(MARK)].rstrip() + MARK
    return text
