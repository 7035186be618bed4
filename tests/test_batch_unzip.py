"""Unpacking students' zips: every member checked before anything is written (gradekit/batch/unzip.py)."""

from __future__ import annotations

import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from gradekit.batch.unzip import DEFAULT_CAPS, UnsafeArchive, ZipCaps, unpack


def make_zip(path: Path, members: dict[str, bytes | str], *, modes: dict[str, int] | None = None,
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if modes and name in modes:
                info.external_attr = modes[name] << 16
            zf.writestr(info, data)
    return path


def unpack_into(tmp_path: Path, archive: Path, caps: ZipCaps = DEFAULT_CAPS) -> Path:
    dest = tmp_path / "dest"
    dest.mkdir()
    return unpack(archive, dest, caps)


def everything_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_files_at_the_top_are_unpacked_as_they_are(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"ex03_fetch_all.py": "x = 1\n", "notes/readme.txt": "hi"})
    root = unpack_into(tmp_path, archive)
    assert (root / "ex03_fetch_all.py").read_text() == "x = 1\n"
    assert (root / "notes" / "readme.txt").read_text() == "hi"


def test_a_zipped_folder_gives_that_folder_as_the_root(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"alice/ex03_fetch_all.py": "x = 1\n", "__MACOSX/alice/._ex03_fetch_all.py": "junk"})
    root = unpack_into(tmp_path, archive)
    assert root.name == "alice" and (root / "ex03_fetch_all.py").is_file()
    assert not (tmp_path / "dest" / "__MACOSX").exists()  # Finder's metadata is never unpacked


@pytest.mark.parametrize("name", ["../evil.py", "a/../../evil.py", "/etc/evil.py", "\\evil.py", "C:\\evil.py",
                                  "c:/evil.py", "a\\..\\..\\evil.py"])
def test_paths_that_could_leave_the_folder_refuse_the_whole_archive(tmp_path, name):
    archive = make_zip(tmp_path / "a.zip", {"ex03_fetch_all.py": "x = 1\n", name: "x = 2\n"})
    with pytest.raises(UnsafeArchive):
        unpack_into(tmp_path, archive)
    assert everything_under(tmp_path / "dest") == set(), "nothing may be written before every member is checked"
    assert not (tmp_path / "evil.py").exists() and not Path("/etc/evil.py").exists()


def test_a_symbolic_link_member_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"ex03_fetch_all.py": "/work/main/exercises/ex03_fetch_all/reference.py"},
                       modes={"ex03_fetch_all.py": stat.S_IFLNK | 0o777})
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        unpack_into(tmp_path, archive)


@pytest.mark.parametrize("kind", [stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK])
def test_special_files_are_refused(tmp_path, kind):
    archive = make_zip(tmp_path / "a.zip", {"dev": ""}, modes={"dev": kind | 0o644})
    with pytest.raises(UnsafeArchive, match="neither a file nor a folder"):
        unpack_into(tmp_path, archive)


@pytest.mark.parametrize("second", ["ex03_fetch_all.py", "./ex03_fetch_all.py", "x//../ex03_fetch_all.py"])
def test_the_same_path_twice_is_refused(tmp_path, second):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ex03_fetch_all.py", "x = 1\n")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile itself warns of an exact duplicate
            zf.writestr(second, "x = 2\n")
    with pytest.raises(UnsafeArchive, match="twice|leaves its folder"):
        unpack_into(tmp_path, path)
    assert everything_under(tmp_path / "dest") == set()


def test_too_many_members_are_refused_before_reading_any(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {f"f{i}.txt": "" for i in range(11)})
    with pytest.raises(UnsafeArchive, match="11 entries"):
        unpack_into(tmp_path, archive, ZipCaps(members=10))
    assert everything_under(tmp_path / "dest") == set()


def test_an_archive_that_expands_past_the_cap_is_refused(tmp_path):
    # 2 MiB of zeros deflate to a few KiB: the declared size gives it away.
    archive = make_zip(tmp_path / "a.zip", {"bomb.txt": b"\0" * (2 << 20)})
    assert archive.stat().st_size < 64 * 1024
    with pytest.raises(UnsafeArchive, match="over the limit"):
        unpack_into(tmp_path, archive, ZipCaps(total_bytes=1 << 20))


def test_a_lying_declared_size_is_caught_while_writing(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"a.txt": b"\0" * 4096, "b.txt": b"\0" * 4096})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    # Shrink b.txt's declared size in the central directory only: the sum of declared sizes then fits.
    central = data.rfind(b"PK\x01\x02")
    assert data[central + 46:central + 46 + 5] == b"b.txt"
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive):
        unpack_into(tmp_path, archive, ZipCaps(total_bytes=4096 + 100))
    assert sum(i.file_size for i in infos) > 4096 + 100


def test_encrypted_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"ex03_fetch_all.py": "x = 1\n"})
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set bit 0 of both flag fields
        at = data.find(signature)
        data[at + offset] |= 0x1
    archive.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive, match="encrypted"):
        unpack_into(tmp_path, archive)


def test_compressions_decompressed_a_block_at_a_time_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"ex03_fetch_all.py": "x = 1\n"}, compression=zipfile.ZIP_BZIP2)
    with pytest.raises(UnsafeArchive, match="not stored or deflate"):
        unpack_into(tmp_path, archive)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_garbage_is_not_a_readable_zip(tmp_path, content):
    archive = tmp_path / "a.zip"
    archive.write_bytes(content)
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        unpack_into(tmp_path, archive)


def test_a_file_used_as_a_folder_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"x": "file", "x/y.py": "x = 1\n"})
    with pytest.raises(UnsafeArchive, match="both as a file and as a folder"):
        unpack_into(tmp_path, archive)
