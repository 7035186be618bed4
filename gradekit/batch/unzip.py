"""Unpacking a student's ``.zip`` without trusting it.

A zip comes from a student (through a learning platform's download), so it is read
the way :mod:`gradekit.sandbox.workspace` reads a folder: every member is checked
*before* anything is written, and the whole archive is refused, with the reason,
when one member is unsafe. Never ``extractall``: the archive is refused when it holds

- a path that leaves the folder: absolute (``/etc/x``, ``C:\\x``, ``\\\\server``) or
  with a ``..`` component (the "zip slip" of CVE-2018-1002200 and its many siblings);
- a symbolic link, or any member that is neither a file nor a folder;
- the same path twice (the second copy would silently replace the first);
- an encrypted member, or a compression other than stored and deflate: deflate is
  decompressed in bounded steps, while bzip2 and lzma members are decompressed a whole
  block at a time, so a small block could fill memory before any size check;
- more than :attr:`ZipCaps.members` members, or more than :attr:`ZipCaps.total_bytes`
  once expanded: the declared sizes are summed first, then every byte written is
  counted too, since a declared size is only the archive's word.

Files are created with ``O_EXCL | O_NOFOLLOW`` inside folders this module made itself,
so nothing is ever written through a link or over another file. A successful
:func:`unpack` returns the submission's root: the folder itself, or the one folder the
archive holds when students zipped the folder rather than its files. macOS's
``__MACOSX/`` metadata folder is checked like everything else but not unpacked.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["DEFAULT_CAPS", "UnsafeArchive", "ZipCaps", "unpack"]

#: Written by macOS's Finder beside the real files: metadata, never a submission.
MACOS_METADATA = "__MACOSX"
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024
_SUPPORTED = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class ZipCaps:
    """How much one student's archive may hold (a class's submissions are a few hundred KiB)."""

    members: int = 500
    total_bytes: int = 20 << 20


#: The caps unless a caller gives others.
DEFAULT_CAPS = ZipCaps()


class UnsafeArchive(Exception):
    """The archive is refused as a whole; the message says why and what to do."""


def unpack(archive: Path, dest: Path, caps: ZipCaps = DEFAULT_CAPS) -> Path:
    """Unpack ``archive`` into the empty folder ``dest``; the submission's root folder.

    Raises :class:`UnsafeArchive` when the archive is not a readable zip or breaks a
    rule above (``dest`` may then hold part of it: the caller removes it), and
    ``OSError`` when the archive cannot be read at all.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            written = 0
            for info, parts in _plan(zf.infolist(), caps):
                written = _write(zf, info, dest, parts, caps.total_bytes - written) + written
    except zipfile.BadZipFile as exc:  # also a CRC mismatch or a truncated member while reading
        raise UnsafeArchive(f"not a readable zip archive ({exc}): upload it again") from exc
    except (EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise UnsafeArchive(f"not a readable zip archive ({exc}): upload it again") from exc
    return _root(dest)


def _plan(members: list[zipfile.ZipInfo], caps: ZipCaps) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Every member checked, before a byte is written: ``(member, path parts)`` to unpack."""
    if len(members) > caps.members:
        raise UnsafeArchive(f"holds {len(members)} entries, over the limit of {caps.members}: "
                            "zip only your exercise modules")
    declared = sum(info.file_size for info in members)
    if declared > caps.total_bytes:
        raise UnsafeArchive(f"expands to {declared // 1024} KiB, over the limit of {caps.total_bytes // 1024} KiB: "
                            "zip only your exercise modules")
    seen: set[tuple[str, ...]] = set()
    plan = []
    for info in members:
        parts = _parts(info.filename)
        _check_member(info)
        if parts in seen:
            raise UnsafeArchive(f"holds the path {info.filename!r} twice: zip the folder again")
        seen.add(parts)
        if parts and parts[0] != MACOS_METADATA and not info.is_dir():
            plan.append((info, parts))
    return plan


def _parts(name: str) -> tuple[str, ...]:
    """The member's path as folder names, or :class:`UnsafeArchive` if it could leave the folder."""
    # A name written on Windows may use backslashes; treat them as separators when judging.
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise UnsafeArchive(f"holds an absolute path ({name!r}): zip the files with relative paths")
    parts = tuple(p for p in re.split(r"[/\\]", name) if p not in ("", "."))
    if ".." in parts:
        raise UnsafeArchive(f"holds a path that leaves its folder ({name!r})")
    return parts


def _check_member(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise UnsafeArchive(f"holds a symbolic link ({info.filename!r}): zip the file itself")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeArchive(f"holds {info.filename!r}, which is neither a file nor a folder")
    if info.flag_bits & 0x1:
        raise UnsafeArchive(f"is encrypted ({info.filename!r}): zip it without a password")
    if not info.is_dir() and info.compress_type not in _SUPPORTED:
        raise UnsafeArchive(f"compresses {info.filename!r} with method {info.compress_type}, not stored or deflate: "
                            "make the zip with an ordinary zip tool")


def _write(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, parts: tuple[str, ...], room: int) -> int:
    """Unpack one member, at most ``room`` bytes of it; how many bytes it held."""
    folder = dest
    for part in parts[:-1]:
        folder = folder / part
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if folder.is_symlink() or not folder.is_dir():
                raise UnsafeArchive(f"uses {PurePosixPath(*parts)} both as a file and as a folder") from None
    try:
        fd = os.open(folder / parts[-1], _FILE_FLAGS, 0o600)
    except FileExistsError:
        raise UnsafeArchive(f"uses {PurePosixPath(*parts)} both as a file and as a folder") from None
    written = 0
    with os.fdopen(fd, "wb") as out, zf.open(info) as member:
        while chunk := member.read(_CHUNK):
            written += len(chunk)
            if written > room:
                raise UnsafeArchive("expands past its size limit: zip only your exercise modules")
            out.write(chunk)
    return written


def _root(dest: Path) -> Path:
    """The folder holding the modules: ``dest``, or the single folder inside it."""
    entries = [p for p in dest.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return dest
