"""The safe writer on real files: names that can't leave the output folder, planted links refused or
defused, exclusive temp files, nothing half-written, a full disk (injected ENOSPC) loses nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from technique import safe_write
from technique.errors import OutputError
from technique.safe_write import (TempFile, append_text, check_no_links, folder_name, printable, publish_folder,
                                  staged_folder, unique_folder_name, write_text)


def everything_in(folder: Path) -> dict[str, bytes | str]:
    """Every entry under a folder: a file's bytes, a link's target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else (path.read_bytes() if path.is_file() else "/")
    return found


@pytest.fixture()
def outside(tmp_path) -> Path:
    """A folder outside the output folder, with a file an attacker would like overwritten."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("the school's marks")
    return folder


@pytest.mark.parametrize("name, expected", [
    ("..", "clip"), (".", "clip"), ("", "clip"), ("...", "clip"), (" .. ", "clip"),
    ("a/../b", "a_.._b"), ("..\\..\\evil", "_.._evil"), (".hidden", "hidden"), ("trailing. ", "trailing"),
    ("Анна арабеск", "Анна арабеск"), ("José", "José"), ("Jose\u0301", "José"), ("バレエ", "バレエ"),
    ("a:b*c?", "a_b_c_"), ("tab\there", "tab_here"),
])
def test_folder_names_never_leave_the_output_folder(name, expected):
    assert folder_name(name) == expected


def test_a_name_that_is_not_utf8_becomes_printable():
    name = os.fsdecode(b"caf\xe9")
    assert printable(name) == "caf\ufffd"
    assert folder_name(name) == "caf\ufffd"
    printable(name).encode("utf-8")  # no surrogate left


def test_different_clips_get_different_folders():
    used: set[str] = set()
    names = [unique_folder_name(n, used) for n in ["..", ".", "clip", "Clip", "a/b", "a_b", "x"]]
    assert names == ["clip", "clip-2", "clip-3", "Clip-4", "a_b", "a_b-2", "x"]
    assert len({n.casefold() for n in names}) == len(names)


def test_old_fixed_temp_names_planted_as_links_are_never_followed(tmp_path, outside):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.json.partial", "summary.csv.partial", "manifest.jsonl.partial"):
        (out / name).symlink_to(outside / "precious.txt")
    write_text(out / "report.json", "{}", out)
    write_text(out / "summary.csv", "a,b\n", out)
    assert (outside / "precious.txt").read_text() == "the school's marks"
    assert (out / "report.json").read_text() == "{}"
    assert not [p for p in out.iterdir() if p.name.endswith(".partial") and not p.is_symlink()]


def test_a_link_at_the_file_itself_is_replaced_not_written_through(tmp_path, outside):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").symlink_to(outside / "precious.txt")
    write_text(out / "summary.csv", "new", out)
    assert (outside / "precious.txt").read_text() == "the school's marks"
    assert not (out / "summary.csv").is_symlink() and (out / "summary.csv").read_text() == "new"


def test_a_linked_folder_inside_the_output_folder_is_refused(tmp_path, outside):
    out = tmp_path / "out"
    out.mkdir()
    (out / "clips").symlink_to(outside)
    before = everything_in(outside)
    with pytest.raises(OutputError, match="symbolic link"):
        write_text(out / "clips" / "anna" / "report.json", "{}", out)
    with pytest.raises(OutputError, match="symbolic link"):
        write_text(out / "clips" / "report.json", "{}", out)
    with pytest.raises(OutputError, match="symbolic link"):
        append_text(out / "clips" / "manifest.jsonl", "line\n", out)
    assert everything_in(outside) == before


def test_the_output_root_itself_may_be_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real)
    write_text(tmp_path / "alias" / "report.json", "{}", tmp_path / "alias")
    assert (real / "report.json").read_text() == "{}"


def test_paths_outside_the_root_are_refused(tmp_path):
    with pytest.raises(OutputError, match="outside the output folder"):
        check_no_links(tmp_path / "out", tmp_path / "out" / ".." / "report.json")


def test_append_refuses_a_linked_manifest(tmp_path, outside):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.jsonl").symlink_to(outside / "precious.txt")
    with pytest.raises(OutputError):
        append_text(out / "manifest.jsonl", "line\n", out)
    assert (outside / "precious.txt").read_text() == "the school's marks"


def test_no_overwrite_keeps_the_existing_file(tmp_path):
    path = tmp_path / "anna.yaml"
    path.write_text("hers")
    with pytest.raises(OutputError, match="already exists"):
        write_text(path, "mine", tmp_path, overwrite=False)
    assert path.read_text() == "hers"
    assert [p.name for p in tmp_path.iterdir()] == ["anna.yaml"]


def test_a_full_disk_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text("old report")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full)  # fault injection: the disk fills while writing
    with pytest.raises(OutputError, match="disk is full"):
        write_text(path, "new report", tmp_path)
    assert path.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_temp_files_are_unique_and_exclusive(tmp_path):
    first, second = TempFile(tmp_path / "annotated.mp4"), TempFile(tmp_path / "annotated.mp4")
    assert first.temp != second.temp and first.temp.parent == tmp_path
    first.temp.write_bytes(b"video")
    assert first.commit() == tmp_path / "annotated.mp4"
    second.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4"]


def test_a_temp_file_swapped_for_a_link_is_not_used(tmp_path, outside):
    temp = TempFile(tmp_path / "annotated.mp4")
    temp.temp.unlink()
    temp.temp.symlink_to(outside / "precious.txt")
    with pytest.raises(OutputError, match="replaced"):
        temp.commit()
    assert not (tmp_path / "annotated.mp4").exists() and not os.path.lexists(temp.temp)


def test_a_staged_folder_is_swapped_in_whole(tmp_path):
    root = tmp_path / "out"
    (root / "anna").mkdir(parents=True)
    for name in ("report.json", "frames.csv", "annotated.mp4"):
        (root / "anna" / name).write_text("old")
    staged = staged_folder(root, "anna")
    (staged / "report.json").write_text("new")
    publish_folder(staged, root / "anna", root)
    assert sorted(p.name for p in root.iterdir()) == ["anna"]  # no staged or old folder left
    assert everything_in(root / "anna") == {"report.json": b"new"}  # no old video beside the new report


def test_a_folder_that_is_not_a_report_folder_is_never_replaced(tmp_path):
    root = tmp_path
    (root / "src").mkdir()
    (root / "src" / "thesis.tex").write_text("years of work")
    staged = staged_folder(root, "src")
    (staged / "report.json").write_text("{}")
    with pytest.raises(OutputError, match="not a technique report folder"):
        publish_folder(staged, root / "src", root)
    assert (root / "src" / "thesis.tex").read_text() == "years of work"


def test_a_published_folder_is_on_disk_before_it_replaces_anything(tmp_path, monkeypatch):
    """Every file of a staged folder (an encoder's video is not fsynced by the encoder) and the folder
    itself are fsynced before the swap, then the parent after it."""
    synced = []
    real = os.fsync

    def record(fd):
        synced.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        return real(fd)

    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "report.json").write_text("{}")
    (staged / "annotated.mp4").write_bytes(b"video")
    monkeypatch.setattr(safe_write.os, "fsync", record)
    publish_folder(staged, tmp_path / "clip", tmp_path)
    assert synced == ["annotated.mp4", "report.json", "staged", tmp_path.name]


@pytest.mark.parametrize("name, expected", [
    ("José à l'école", "Jose_a_l_ecole"),  # accents dropped, the rest one '_'
    (".hidden..", "hidden"),  # never hidden, never '..'
    ("Анна", "clip"),  # nothing plain left: the fallback
    ("a" * 60, "a" * 40),
])
def test_ascii_names_are_portable(name, expected):
    assert safe_write.ascii_name(name) == expected
