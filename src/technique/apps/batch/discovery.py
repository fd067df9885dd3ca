"""Finding a batch's clips: every video under a folder (and why every other file was not scored),
the student a clip's path names, and its report folder's name."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from technique.capture.video import VIDEO_SUFFIXES
from technique.safe_write import ascii_name, printable

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".heic", ".tif", ".tiff")
AUDIO_SUFFIXES = (".m4a", ".mp3", ".wav", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aiff")


@dataclass(frozen=True)
class Found:
    """What a walk of the batch folder found: clips, and every other file with why it was not scored."""

    clips: tuple[str, ...]  # relative '/'-separated paths, sorted
    skipped: tuple[tuple[str, str], ...]  # (relative path, reason)


def discover(folder: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> Found:
    """Every video file under `folder`, recursively; any other file is listed as skipped with the reason
    (a teacher who dropped an .m4a in the folder should see why it has no score). Links to folders
    are not followed (no loops); hidden files are left out."""
    root = os.path.abspath(folder)
    excluded = {os.path.realpath(p) for p in exclude}
    clips, skipped = [], []

    def rel(path: str) -> str:
        return Path(os.path.relpath(path, root)).as_posix()

    def unreadable(error: OSError) -> None:
        skipped.append((rel(error.filename), f"folder cannot be read: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable):
        keep = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name.startswith(".") or os.path.realpath(full) in excluded:
                continue
            if os.path.islink(full):
                skipped.append((rel(full), "a link to a folder: not followed"))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith("."):
                continue
            suffix = os.path.splitext(name)[1].lower()
            if suffix in VIDEO_SUFFIXES:
                clips.append(rel(os.path.join(dirpath, name)))
            else:
                skipped.append((rel(os.path.join(dirpath, name)), not_a_video(suffix)))
    return Found(tuple(sorted(clips)), tuple(sorted(skipped)))


def not_a_video(suffix: str) -> str:
    """Why a file with this ending was not scored, in a teacher's words."""
    if suffix in IMAGE_SUFFIXES:
        return f"a {suffix[1:].upper()} image, not a video"
    if suffix in AUDIO_SUFFIXES:
        return f"a {suffix[1:].upper()} sound file, not a video"
    known = " ".join(VIDEO_SUFFIXES)
    return f"not a video file ({suffix or 'no file ending'}; clips end in {known})"


def student_of(path: str, pattern: re.Pattern | None) -> str | None:
    """The student named by the pattern's 'student' group (or first group, or whole match) in a path,
    Unicode-normalised (NFC) so that one student has one name however her folder was made."""
    if pattern is None:
        return None
    match = pattern.search(path)
    if not match:
        return None
    if "student" in pattern.groupindex:
        name = match.group("student")
    else:
        name = match.group(1) if pattern.groups else match.group(0)
    # NFC: "José" typed on a keyboard and "José" from a macOS folder name (decomposed) are one student
    return unicodedata.normalize("NFC", printable(name or "").strip()) or None


def folder_key(path: str, clip_hash: str | None) -> str:
    """A report folder name that is readable, portable (ASCII) and unique per clip content."""
    stem = ascii_name(Path(path).stem)
    tag = clip_hash or hashlib.sha256(("path:" + path).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{stem}-{tag[:12]}"
