"""Writing outputs safely: only inside the output folder, never through a planted link, never half-written.

Every writer of technique (reports, videos, stills, summaries, the batch manifest, teachers'
references) goes through this module:

- ``folder_name`` turns a clip's name into a folder name that cannot leave the output folder
  (never ``.``/``..``/empty, no separators), keeps non-ASCII letters, and prints; ``ascii_name`` is
  its plain-ASCII form (a batch's folders, the same on every file system).
- ``check_no_links`` refuses a symbolic link anywhere between the output root and the file.
- ``write_text`` / ``write_bytes`` write a temp file created exclusively under a unique name in the
  target folder, fsync it, then rename it into place (``os.replace``): a crash leaves the old file or
  the new one, never half of one; with ``overwrite=False`` an existing file is never replaced.
- ``staged_folder`` + ``publish_folder`` write a clip's outputs in a private temp folder and swap it
  in whole, so a full disk leaves the old clip's folder untouched instead of a mix of old and new.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
import unicodedata
from pathlib import Path

from technique.errors import OutputError

# Path separators, control characters and the characters Windows forbids in names.
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
REPORT_MARKER = "report.json"  # a folder holding this is a technique report folder (safe to replace)


def printable(text: str | os.PathLike) -> str:
    """A file name as text that can always be printed and saved as UTF-8 (bytes that are not
    UTF-8, e.g. a Latin-1 ``caf\\xe9.mp4``, become U+FFFD)."""
    return os.fspath(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def folder_name(name: str, fallback: str = "clip") -> str:
    """A folder name made from a clip's name: never ``.``, ``..``, empty or hidden, no separators,
    letters of every script kept (NFC), at most 100 characters."""
    name = _NOT_IN_NAMES.sub("_", unicodedata.normalize("NFC", printable(name)))
    name = name.strip(" .")[:100].rstrip(" .")
    return name or fallback


def ascii_name(name: str, limit: int = 40, fallback: str = "clip") -> str:
    """A portable ASCII name made from a clip's name (a batch's report folders): accents dropped, any
    other character but letters, digits, '.', '_' and '-' made '_', never hidden, at most `limit`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-")[:limit] or fallback


def unique_folder_name(name: str, used: set[str], fallback: str = "clip") -> str:
    """folder_name, made unique among `used` (compared case-insensitively, as macOS and Windows
    compare names); the chosen name is added to `used`."""
    stem = folder_name(name, fallback)
    chosen, k = stem, 2
    while chosen.casefold() in used:
        chosen, k = f"{stem}-{k}", k + 1
    used.add(chosen.casefold())
    return chosen


def reason_of(exc: OSError) -> str:
    """An OSError in a teacher's words (a full disk says so)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (no space left on the device)"
    return exc.strerror or str(exc)


def check_no_links(root: str | os.PathLike, path: str | os.PathLike) -> None:
    """Refuse `path` if it is outside `root` or if any existing component below `root` (`path`
    included) is a symbolic link. The root itself may be a link: the user chose it."""
    root_abs, path_abs = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    try:
        parts = path_abs.relative_to(root_abs).parts
    except ValueError:
        raise OutputError(path, f"is outside the output folder {root_abs}; nothing is written there") from None
    current = root_abs
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise OutputError(current, "is a symbolic link inside the output folder; technique never writes "
                                       "through links (remove it, or choose another output folder)")


def make_folders(root: str | os.PathLike, folder: str | os.PathLike, what: str = "folder") -> Path:
    """Create `folder` (and its parents below `root`), refusing links on the way; returns it."""
    root, folder = Path(root), Path(folder)
    check_no_links(root, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, f"cannot create the {what}: {reason_of(exc)}") from None
    check_no_links(root, folder)  # a link planted while we created it
    return folder


def _umask() -> int:
    """The process's umask, read without changing it (Linux); 0o022 elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _exclusive_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new file in `folder` under a unique hidden name, created exclusively (never an existing
    file, never through a link); returns (open descriptor, path)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    while True:
        temp = folder / f".{name[:60]}.{secrets.token_hex(6)}.partial"
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); harmless where folders can't be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_files(folder: Path) -> None:
    """fsync every file of a finished folder and the folder itself, so that once it is renamed into place
    a power cut can't leave it with empty or cut-short files (a video encoder doesn't fsync)."""
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_folder(folder)


def _put_in_place(temp: Path, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, path)  # replaces a link at `path` itself, never writes through it
        return
    try:
        os.link(temp, path)  # fails if `path` exists: no check-then-write race
    except FileExistsError:
        raise OutputError(path, "already exists; it was not replaced") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise OutputError(path, "already exists; it was not replaced") from None
        os.replace(temp, path)
        return
    temp.unlink()


def write_bytes(path: str | os.PathLike, data: bytes, root: str | os.PathLike | None = None,
                overwrite: bool = True) -> Path:
    """Write `data` to `path` atomically and durably (see the module docstring); `root` is the
    output folder no link may be planted below (default: the file's own folder)."""
    path = Path(path)
    check_no_links(root if root is not None else path.parent, path.parent)
    temp = None
    try:
        fd, temp = _exclusive_temp(path.parent, path.name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _put_in_place(temp, path, overwrite)
        temp = None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise OutputError(path, f"cannot write: {reason_of(exc)}") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return path


def write_text(path: str | os.PathLike, text: str, root: str | os.PathLike | None = None,
               overwrite: bool = True, errors: str = "strict") -> Path:
    """write_bytes of `text` as UTF-8; with errors="backslashreplace", text that isn't valid Unicode
    (a file name that wasn't UTF-8, in a summary) is written escaped instead of refused."""
    try:
        data = text.encode("utf-8", errors)
    except UnicodeEncodeError as exc:
        raise OutputError(path, f"cannot write: text that is not valid Unicode ({exc.reason})") from None
    return write_bytes(path, data, root, overwrite)


def append_text(path: str | os.PathLike, text: str, root: str | os.PathLike | None = None) -> None:
    """Append `text` (UTF-8) to `path` and fsync it, refusing links (a log such as the manifest).
    If the write fails (a full disk) the file is cut back to its old length: no half line stays."""
    path = Path(path)
    check_no_links(root if root is not None else path.parent, path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise OutputError(path, f"cannot write: {reason_of(exc)}") from None
    try:
        size = os.fstat(fd).st_size
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, size)
        except OSError:
            pass
        raise OutputError(path, f"cannot write: {reason_of(exc)}") from None
    finally:
        os.close(fd)


class TempFile:
    """A unique, exclusively created temp file beside `path`, for writers that need a file name (the
    video encoder): ``commit()`` renames it onto `path`, ``discard()`` removes it."""

    def __init__(self, path: str | os.PathLike, root: str | os.PathLike | None = None):
        self.path = Path(path)
        check_no_links(root if root is not None else self.path.parent, self.path.parent)
        try:
            fd, self.temp = _exclusive_temp(self.path.parent, self.path.name)
            created = os.fstat(fd)
            os.close(fd)
        except OSError as exc:
            raise OutputError(self.path, f"cannot write: {reason_of(exc)}") from None
        self._identity = (created.st_dev, created.st_ino)

    def commit(self) -> Path:
        """Rename the finished temp file into place (refused if it was swapped for another file)."""
        try:
            now = os.lstat(self.temp)
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != self._identity:
                raise OutputError(self.path, "the temporary file was replaced while it was written; not used")
            os.replace(self.temp, self.path)
            _fsync_folder(self.path.parent)
        except OSError as exc:
            raise OutputError(self.path, f"cannot write: {reason_of(exc)}") from None
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Remove the temp file (unlink never follows a link)."""
        try:
            self.temp.unlink(missing_ok=True)
        except OSError:
            pass


def staged_folder(root: str | os.PathLike, name: str) -> Path:
    """A new private folder inside `root` (hidden, unique, created exclusively) to write a clip's
    outputs in before ``publish_folder`` swaps it in whole."""
    root = Path(root)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{name[:60]}.", suffix=".partial", dir=root))
    except OSError as exc:
        raise OutputError(root, f"cannot write: {reason_of(exc)}") from None


def publish_folder(staged: Path, final: Path, root: str | os.PathLike) -> Path:
    """Move a finished staged folder to `final` durably (its files and both folders fsynced), replacing
    an older report folder there.

    A folder at `final` that is not a technique report folder (no report.json) is never replaced:
    the user's own files are not lost because a clip has the same name.
    """
    staged, final = Path(staged), Path(final)
    check_no_links(root, final)
    os.chmod(staged, 0o777 & ~_umask())  # mkdtemp's folders are private while being written
    try:
        _fsync_files(staged)  # durable before it replaces anything
        if os.path.lexists(final):
            if not final.is_dir() or not (final / REPORT_MARKER).is_file():
                raise OutputError(final, "already exists and is not a technique report folder; it was not "
                                         "replaced (choose another output folder)")
            old = Path(tempfile.mkdtemp(prefix=f".{final.name[:60]}.", suffix=".old", dir=staged.parent))
            os.replace(final, old)  # renaming onto an empty folder replaces it
            os.replace(staged, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staged, final)
        _fsync_folder(final.parent)
    except OSError as exc:
        raise OutputError(final, f"cannot write: {reason_of(exc)}") from None
    return final
