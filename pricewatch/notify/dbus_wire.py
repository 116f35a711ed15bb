"""A small D-Bus client on the session bus's socket: method calls, their replies, and signals.

Enough of the D-Bus wire protocol (version 1, little-endian) for the notification service: SASL EXTERNAL
authentication, ``Hello``, method calls with the basic types, arrays, dictionaries, structs and variants,
and a reader thread that hands replies to their callers and signals to a callback. It needs neither
dbus-python nor ``notify-send``. PySide6's QtDBus is not used: from Python it cannot write a ``uint32`` or a
byte (``QDBusArgument << int`` writes a uint16, a list of arguments writes int32), so the notification
server refuses ``Notify`` ("does not match expected type (susssasa{sv}i)").
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

BUS = "org.freedesktop.DBus"
METHOD_CALL, METHOD_RETURN, ERROR, SIGNAL = 1, 2, 3, 4
_FIELD_CODES = {
    "path": (1, "o"), "interface": (2, "s"), "member": (3, "s"), "error_name": (4, "s"),
    "reply_serial": (5, "u"), "destination": (6, "s"), "sender": (7, "s"), "signature": (8, "g"),
}  # fmt: skip
_FIELD_NAMES = {code: name for name, (code, _sig) in _FIELD_CODES.items()}
_FIXED = {"y": ("B", 1), "b": ("I", 4), "n": ("h", 2), "q": ("H", 2), "i": ("i", 4), "u": ("I", 4),
          "x": ("q", 8), "t": ("Q", 8), "d": ("d", 8), "h": ("I", 4)}  # fmt: skip
MAX_MESSAGE = 1 << 24


class DBusError(Exception):
    """A call failed: the bus or the service answered with an error, or the connection broke."""

    def __init__(self, name: str, message: str = "") -> None:
        super().__init__(f"{name}: {message}" if message else name)
        self.name = name


class NoBus(DBusError):
    """No session bus can be reached (no address, nothing listening)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """A D-Bus variant: the value and its type, which Python values alone do not say (a byte, a uint32)."""

    signature: str
    value: Any


@dataclass(slots=True)
class Message:
    type: int
    serial: int
    fields: dict[str, Any]
    body: list[Any] = field(default_factory=list)


# -- types ------------------------------------------------------------------------------------------------
def _type_end(sig: str, i: int) -> int:
    """The index just past the complete type that starts at ``sig[i]``."""
    c = sig[i]
    if c == "a":
        return _type_end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        j = i + 1
        while sig[j] != close:
            j = _type_end(sig, j)
        return j + 1
    return i + 1


def split_signature(sig: str) -> list[str]:
    types, i = [], 0
    while i < len(sig):
        end = _type_end(sig, i)
        types.append(sig[i:end])
        i = end
    return types


def _alignment(t: str) -> int:
    if t[0] in _FIXED:
        return _FIXED[t[0]][1]
    return {"s": 4, "o": 4, "g": 1, "v": 1, "a": 4, "(": 8, "{": 8}[t[0]]


# -- writing ----------------------------------------------------------------------------------------------
class _Writer:
    def __init__(self) -> None:
        self.buf = bytearray()

    def pad(self, n: int) -> None:
        self.buf.extend(b"\0" * (-len(self.buf) % n))

    def write(self, t: str, value: Any) -> None:
        c = t[0]
        if c in _FIXED:
            fmt, size = _FIXED[c]
            self.pad(size)
            self.buf.extend(struct.pack("<" + fmt, int(value) if c != "d" else float(value)))
        elif c in "so":
            data = str(value).encode("utf-8")
            self.pad(4)
            self.buf.extend(struct.pack("<I", len(data)) + data + b"\0")
        elif c == "g":
            data = str(value).encode("ascii")
            self.buf.extend(struct.pack("<B", len(data)) + data + b"\0")
        elif c == "v":
            inner = value if isinstance(value, Variant) else _guess_variant(value)
            self.write("g", inner.signature)
            self.write(inner.signature, inner.value)
        elif c == "a":
            self._array(t[1:], value)
        elif c == "(":
            self.pad(8)
            for member, item in zip(split_signature(t[1:-1]), value, strict=True):
                self.write(member, item)
        else:
            raise ValueError(f"cannot write D-Bus type {t!r}")

    def _array(self, element: str, value: Any) -> None:
        self.pad(4)
        at = len(self.buf)
        self.buf.extend(b"\0\0\0\0")
        self.pad(_alignment(element))
        start = len(self.buf)
        if element[0] == "{":
            key, val = split_signature(element[1:-1])
            for k, v in dict(value).items():
                self.pad(8)
                self.write(key, k)
                self.write(val, v)
        else:
            for item in value:
                self.write(element, item)
        self.buf[at : at + 4] = struct.pack("<I", len(self.buf) - start)


def _guess_variant(value: Any) -> Variant:
    if isinstance(value, bool):
        return Variant("b", value)
    if isinstance(value, int):
        return Variant("i", value)
    if isinstance(value, float):
        return Variant("d", value)
    return Variant("s", str(value))


def encode(msg_type: int, serial: int, fields: Mapping[str, Any], signature: str, args: list[Any]) -> bytes:
    body = _Writer()
    for t, value in zip(split_signature(signature), args, strict=True):
        body.write(t, value)
    header = _Writer()
    header.buf.extend(struct.pack("<cBBBII", b"l", msg_type, 0, 1, len(body.buf), serial))
    entries = [
        (_FIELD_CODES[name][0], Variant(_FIELD_CODES[name][1], value)) for name, value in fields.items()
    ]
    if signature:
        entries.append((8, Variant("g", signature)))
    header.write("a(yv)", entries)
    header.pad(8)
    return bytes(header.buf + body.buf)


# -- reading ----------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, data: bytes, offset: int = 0, little: bool = True) -> None:
        self.data, self.pos, self.end = data, offset, "<" if little else ">"

    def pad(self, n: int) -> None:
        self.pos += -self.pos % n

    def read(self, t: str) -> Any:
        c = t[0]
        if c in _FIXED:
            fmt, size = _FIXED[c]
            self.pad(size)
            (value,) = struct.unpack_from(self.end + fmt, self.data, self.pos)
            self.pos += size
            return bool(value) if c == "b" else value
        if c in "so":
            self.pad(4)
            (n,) = struct.unpack_from(self.end + "I", self.data, self.pos)
            text = self.data[self.pos + 4 : self.pos + 4 + n].decode("utf-8", "replace")
            self.pos += 5 + n
            return text
        if c == "g":
            n = self.data[self.pos]
            text = self.data[self.pos + 1 : self.pos + 1 + n].decode("ascii", "replace")
            self.pos += 2 + n
            return text
        if c == "v":
            sig = self.read("g")
            return Variant(sig, self.read(sig))
        if c == "a":
            self.pad(4)
            (n,) = struct.unpack_from(self.end + "I", self.data, self.pos)
            self.pos += 4
            element = t[1:]
            self.pad(_alignment(element))
            stop = self.pos + n
            if element[0] == "{":
                key, val = split_signature(element[1:-1])
                result: dict[Any, Any] = {}
                while self.pos < stop:
                    self.pad(8)
                    k = self.read(key)
                    result[k] = self.read(val)
                return result
            items = []
            while self.pos < stop:
                items.append(self.read(element))
            return items
        if c == "(":
            self.pad(8)
            return tuple(self.read(member) for member in split_signature(t[1:-1]))
        raise ValueError(f"cannot read D-Bus type {t!r}")


def decode(data: bytes) -> Message:
    little = data[0:1] == b"l"
    reader = _Reader(data, 0, little)
    _e, msg_type, _flags, _version, _length, serial = struct.unpack_from(reader.end + "cBBBII", data, 0)
    reader.pos = 12
    fields = {_FIELD_NAMES.get(code, str(code)): v.value for code, v in reader.read("a(yv)")}
    reader.pad(8)
    signature = fields.get("signature", "")
    body = [reader.read(t) for t in split_signature(signature)]
    return Message(msg_type, serial, fields, body)


def _message_size(head: bytes) -> int:
    end = "<" if head[0:1] == b"l" else ">"
    body_length, _serial, fields_length = struct.unpack_from(end + "III", head, 4)
    return int(16 + fields_length + (-(16 + fields_length) % 8) + body_length)


# -- the connection ---------------------------------------------------------------------------------------
def session_bus_addresses(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Socket paths of the session bus ("\\0name" for an abstract one), as libdbus finds them."""
    found = []
    for address in environ.get("DBUS_SESSION_BUS_ADDRESS", "").split(";"):
        transport, _, params = address.partition(":")
        if transport != "unix":
            continue
        values = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if "path" in values:
            found.append(unquote(values["path"]))
        elif "abstract" in values:
            found.append("\0" + unquote(values["abstract"]))
    runtime = environ.get("XDG_RUNTIME_DIR")
    if not found and runtime and os.path.exists(os.path.join(runtime, "bus")):
        found.append(os.path.join(runtime, "bus"))
    return found


class Connection:
    """One authenticated connection; thread-safe :meth:`call`; ``on_signal`` runs on the reader thread."""

    def __init__(self, address: str, on_signal: Callable[[Message], None] | None = None) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(5)
        try:
            self._sock.connect(address)
            self._authenticate()
        except OSError as exc:
            self._sock.close()
            raise NoBus(
                "org.freedesktop.DBus.Error.NoServer", f"cannot connect to the session bus: {exc}"
            ) from exc
        self._sock.settimeout(None)
        self._serials = itertools.count(1)
        self._write_lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Event, list[Message]]] = {}
        self._pending_lock = threading.Lock()
        self.on_signal = on_signal
        self.closed = False
        self._reader = threading.Thread(target=self._read_loop, name="pricewatch-dbus", daemon=True)
        self._reader.start()
        self.unique_name = str(self.call(BUS, "/org/freedesktop/DBus", BUS, "Hello")[0])

    def _authenticate(self) -> None:
        uid = str(os.getuid()).encode().hex()
        self._sock.sendall(b"\0AUTH EXTERNAL " + uid.encode() + b"\r\n")
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = self._sock.recv(512)
            if not chunk:
                raise OSError("the bus closed the connection during authentication")
            reply += chunk
        if not reply.startswith(b"OK "):
            raise OSError(f"the bus refused authentication: {reply.strip().decode(errors='replace')}")
        self._sock.sendall(b"BEGIN\r\n")

    def call(
        self, destination: str, path: str, interface: str, member: str, signature: str = "",
        args: list[Any] | None = None, timeout: float = 10.0,
    ) -> list[Any]:  # fmt: skip
        """Call a method and wait for its reply's body; raises :class:`DBusError`."""
        return self.call_message(destination, path, interface, member, signature, args, timeout).body

    def call_message(
        self, destination: str, path: str, interface: str, member: str, signature: str = "",
        args: list[Any] | None = None, timeout: float = 10.0,
    ) -> Message:  # fmt: skip
        if self.closed:
            raise DBusError("org.freedesktop.DBus.Error.Disconnected", "the connection to the bus is closed")
        serial = next(self._serials)
        fields = {"path": path, "interface": interface, "member": member, "destination": destination}
        data = encode(METHOD_CALL, serial, fields, signature, list(args or []))
        done, box = threading.Event(), list[Message]()
        with self._pending_lock:
            self._pending[serial] = (done, box)
        try:
            with self._write_lock:
                self._sock.sendall(data)
            if not done.wait(timeout):
                raise DBusError(
                    "org.freedesktop.DBus.Error.Timeout", f"no reply to {member} in {timeout:.0f} s"
                )
        except OSError as exc:
            self.close()
            raise DBusError("org.freedesktop.DBus.Error.Disconnected", str(exc)) from exc
        finally:
            with self._pending_lock:
                self._pending.pop(serial, None)
        if not box:
            raise DBusError("org.freedesktop.DBus.Error.Disconnected", "the bus closed the connection")
        reply = box[0]
        if reply.type == ERROR:
            text = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
            raise DBusError(str(reply.fields.get("error_name", "error")), text)
        return reply

    def _recv_exactly(self, n: int) -> bytes:
        chunks, missing = [], n
        while missing:
            chunk = self._sock.recv(min(missing, 65536))
            if not chunk:
                raise OSError("the bus closed the connection")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _read_loop(self) -> None:
        try:
            while True:
                head = self._recv_exactly(16)
                size = _message_size(head)
                if size > MAX_MESSAGE:
                    raise OSError("a message larger than D-Bus allows")
                message = decode(head + self._recv_exactly(size - 16))
                if message.type in (METHOD_RETURN, ERROR):
                    with self._pending_lock:
                        waiting = self._pending.get(int(message.fields.get("reply_serial", 0)))
                    if waiting is not None:
                        waiting[1].append(message)
                        waiting[0].set()
                elif message.type == SIGNAL and self.on_signal is not None:
                    with contextlib.suppress(Exception):  # a broken handler must not end the connection
                        self.on_signal(message)
        except (OSError, ValueError, struct.error, IndexError):
            pass
        finally:
            self.closed = True
            self._sock.close()
            with self._pending_lock:
                for done, _box in self._pending.values():
                    done.set()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
