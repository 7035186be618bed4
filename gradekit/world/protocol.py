"""The link between the world (trusted) and the student's process: frames, messages, values.

Both ends speak version :data:`VERSION`. A frame is a 4-byte big-endian length and a
JSON object of at most :data:`MAX_MESSAGE` bytes with ``"v"`` and ``"op"``. The world
parses everything the student's process sends with :class:`FrameReader` and
:func:`decode`, and any violation raises :class:`Tampered`: the only code that writes
to the link from the student's side is the kit's driver, so a malformed message means
the submission wrote to it (or replaced the driver).

Values crossing the link are JSON with a few tagged forms (a dict whose only key is
one of these tags):

``{"$t": [...]}``  a tuple                 ``{"$d": [[k, v], ...]}`` a dict with other keys
``{"$e": {...}}``  an exception (type, message, where, exceptions, ref)
``{"$w": n}``      an object of the world (a fake, a token-carrying exception) by number
``{"$h": n, "type": name}``  an object of the student's process (a generator, a server) by number
``{"$b": "base64"}``  bytes                ``{"$r": "repr"}`` anything else, as text
"""

from __future__ import annotations

import base64
import binascii
import builtins
import json
import math
import struct
from typing import Any

VERSION = 1
HEADER = struct.Struct(">I")
MAX_MESSAGE = 256 << 10  # one message, either way
MAX_MESSAGES = 100_000  # from the student's process, per check
MAX_DEPTH = 24
MAX_ITEMS = 10_000  # elements of one container
MAX_TEXT = 64 << 10  # one string

#: What the student's process may send, and the fields each message must carry.
CHILD_OPS = {
    "start": (), "hello": (), "import_error": ("error",), "idle": ("until", "external", "seen"), "returned": ("id", "value"),
    "raised": ("id", "error"), "fake": ("id", "target", "args", "blocking"), "cancel_fake": ("id",),
    "sleep": ("seconds",), "pong": ("id",), "write": ("text",), "report": ("hygiene",), "stalled": ("where",),
}
#: What the world sends.
WORLD_OPS = ("call", "cancel", "reply", "time", "ping", "finish")


#: Builtin exception classes by name: an exception crosses the link as its class name, and
#: each side rebuilds one of these where it can.
BUILTIN_EXCEPTIONS = {name: cls for name, cls in vars(builtins).items()
                      if isinstance(cls, type) and issubclass(cls, Exception)}


class Tampered(Exception):
    """The student's process broke the protocol: the submission tampered with the grading harness."""


class FrameReader:
    """Splits a byte stream into messages; raises :class:`Tampered` on any malformed one."""

    def __init__(self, limit: int = MAX_MESSAGE) -> None:
        self._buffer = bytearray()
        self._limit = limit

    def feed(self, data: bytes) -> list[dict]:
        self._buffer += data
        messages = []
        while len(self._buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._buffer)
            if size > self._limit:
                raise Tampered(f"a message of {size} bytes (the limit is {self._limit})")
            if len(self._buffer) < HEADER.size + size:
                break
            body = bytes(self._buffer[HEADER.size:HEADER.size + size])
            del self._buffer[:HEADER.size + size]
            messages.append(parse(body))
        return messages

    @property
    def partial(self) -> bool:
        return bool(self._buffer)


def parse(body: bytes) -> dict:
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        raise Tampered("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise Tampered("a message that is not an object")
    if message.get("v") != VERSION:
        raise Tampered(f"a message of protocol version {str(message.get('v'))[:20]!r}")
    return message


def check_child_message(message: dict) -> str:
    """The op of a message from the student's process, after checking its shape."""
    op = message.get("op")
    if not isinstance(op, str) or op not in CHILD_OPS:
        raise Tampered(f"an unknown message {str(op)[:40]!r}")
    missing = [name for name in CHILD_OPS[op] if name not in message]
    if missing:
        raise Tampered(f"a {op!r} message without {', '.join(missing)}")
    if "id" in message and not (isinstance(message["id"], int) and not isinstance(message["id"], bool)):
        raise Tampered(f"a {op!r} message with a malformed id")
    return op


def frame(message: dict) -> bytes:
    body = json.dumps({"v": VERSION, **message}, allow_nan=False, separators=(",", ":")).encode()
    if len(body) > MAX_MESSAGE:
        raise ValueError(f"message of {len(body)} bytes is over the link's {MAX_MESSAGE}-byte limit")
    return HEADER.pack(len(body)) + body


# -- values ----------------------------------------------------------------------------
TAGS = ("$t", "$d", "$e", "$w", "$h", "$b", "$r")


def encode_value(value: Any, refer, depth: int = 0) -> Any:
    """Plain data for ``value``; ``refer(obj)`` gives the tagged form of anything else (or None)."""
    if depth > MAX_DEPTH:
        return {"$r": "… (nested too deeply)"}
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1 << 63:
            return {"$r": repr(value)[:100]}
        return value[:MAX_TEXT] if isinstance(value, str) else value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$r": repr(value)}
    tagged = refer(value)
    if tagged is not None:
        return tagged
    if isinstance(value, (bytes, bytearray)):
        return {"$b": base64.b64encode(bytes(value[:MAX_TEXT])).decode()}
    if isinstance(value, list):
        return [encode_value(v, refer, depth + 1) for v in value[:MAX_ITEMS]]
    if isinstance(value, tuple):
        return {"$t": [encode_value(v, refer, depth + 1) for v in value[:MAX_ITEMS]]}
    if isinstance(value, dict):
        items = list(value.items())[:MAX_ITEMS]
        if all(isinstance(k, str) and not k.startswith("$") for k, _ in items):
            return {k: encode_value(v, refer, depth + 1) for k, v in items}
        return {"$d": [[encode_value(k, refer, depth + 1), encode_value(v, refer, depth + 1)] for k, v in items]}
    return {"$r": _safe_repr(value)}


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:300]
    except Exception:  # a student's __repr__ may raise anything
        return f"<{type(value).__name__}>"


def decode_value(data: Any, resolve, depth: int = 0) -> Any:
    """The value ``data`` encodes; ``resolve(tag, body)`` turns ``$e``/``$w``/``$h`` into objects.

    Raises :class:`Tampered` for anything :func:`encode_value` could not have produced.
    """
    if depth > MAX_DEPTH + 1:
        raise Tampered("a value nested deeper than the driver ever sends")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        if len(data) > MAX_ITEMS:
            raise Tampered("a list longer than the driver ever sends")
        return [decode_value(v, resolve, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise Tampered("a value of an unknown kind")
    tag = next(iter(data), None) if data else None
    if tag not in TAGS:
        if any(isinstance(k, str) and k.startswith("$") for k in data):
            raise Tampered(f"an unknown value tag {str(tag)[:20]!r}")
        return {k: decode_value(v, resolve, depth + 1) for k, v in data.items()}
    body = data[tag]
    if tag == "$t" and isinstance(body, list):
        return tuple(decode_value(v, resolve, depth + 1) for v in body)
    if tag == "$d" and isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body):
        pairs = [(decode_value(k, resolve, depth + 1), decode_value(v, resolve, depth + 1)) for k, v in body]
        try:
            return dict(pairs)
        except TypeError:
            raise Tampered("a dict with an unhashable key") from None
    if tag == "$b" and isinstance(body, str):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise Tampered("bytes that are not base64") from None
    if tag == "$r" and isinstance(body, str):
        return Opaque(body[:300])
    if tag in ("$e", "$w", "$h"):
        return resolve(tag, data)
    raise Tampered(f"a malformed {tag!r} value")


class Opaque(str):
    """A value of the student's process that has no plain-data form: its repr, as text."""

    def __repr__(self) -> str:
        return str(self)
