"""Write files so a failed or interrupted run never leaves a half-written file or loses the previous one.

* :func:`write_atomic`: one file, complete or not at all; with ``exclusive``, only as a new file, so two
  writers of one name cannot both succeed (the one rule every "save as new" of the workbook follows).
* :func:`write_together`: several files (a report and its parameters) that appear together or not at all.
* :func:`replace_folder`: a folder's whole contents replaced in one step (the export).
* :func:`ensure_folder`: an output folder, made if need be, or an error saying what is in the way.

Every failure to write is a :class:`~imaging_value.core.errors.WriteError` naming the file and the reason
in the system's words (no space left on device, file name too long, a file where a folder should be, ...);
the only other error is :class:`FileExistsError`, from an exclusive write whose file already exists.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import ParameterError, WriteError

__all__ = ["write_atomic", "write_together", "replace_folder", "ensure_folder", "describe_kind"]

# os.link fails with these where the file system has no hard links; the exclusive write then reserves the
# name with O_EXCL instead (the name shows an empty file until the complete one replaces it)
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


def describe_kind(path: str | Path) -> str:
    """What is at ``path``, in words: "a folder", "a file", "a character device", ..., or "nothing"."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a link to nothing" if os.path.islink(path) else "nothing"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISREG, "a file"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return words
    return "not a file"


def _blocking_component(folder: Path) -> Path | None:
    """The first existing part of ``folder``'s path that is not a folder (None: every existing part is one)."""
    for part in [*reversed(folder.parents), folder]:
        if os.path.lexists(part) and not part.is_dir():
            return part
    return None


def _make_parent(folder: Path, shown: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocking = _blocking_component(folder)
        if blocking is not None:
            raise WriteError(shown, f"{blocking} is {describe_kind(blocking)}, not a folder") from None
        raise WriteError.from_os_error(shown, exc) from None


def _temporary(path: Path, data: bytes, mode: int, shown: str) -> str:
    """A complete, synced temporary copy of ``data`` beside ``path``; its name."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise WriteError.from_os_error(shown, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError.from_os_error(shown, exc) from None
        raise
    return tmp


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _create(tmp: str, path: Path, shown: str) -> None:
    """Put the complete ``tmp`` at ``path`` only if no file is there: FileExistsError otherwise."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise WriteError.from_os_error(shown, exc) from None
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise
        except OSError as again:
            raise WriteError.from_os_error(shown, again) from None
        try:
            os.replace(tmp, path)
        except OSError as again:
            Path(path).unlink(missing_ok=True)
            raise WriteError.from_os_error(shown, again) from None
        return
    os.unlink(tmp)


def write_atomic(
    path: str | Path, content: str | bytes, *, exclusive: bool = False, mode: int = 0o644, shown: str | None = None
) -> Path:
    """Write to a temporary file beside ``path``, then rename it over ``path`` in one step.

    ``mode``: the file's permissions (readable by all by default). ``shown``: the file as errors name it
    (default: ``path``). ``exclusive``: never replace an existing ``path`` (raise :class:`FileExistsError`);
    the complete file appears in one step (a hard link), so two writers cannot overwrite each other.
    Any other failure raises :class:`WriteError`, and the previous file (if any) is left as it was.
    """
    path = Path(path)
    shown = str(path) if shown is None else shown
    _make_parent(path.parent, shown)
    tmp = _temporary(path, _bytes(content), mode, shown)
    try:
        if exclusive:
            _create(tmp, path, shown)
        else:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise WriteError.from_os_error(shown, exc) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def write_together(files: Mapping[Path, str | bytes], *, mode: int = 0o644) -> list[Path]:
    """Write several files so that either all of them are replaced or none is (each one atomically).

    Every file is first written whole to a temporary name beside it; only when all are complete are
    they renamed into place. Should a rename fail, the files already renamed are put back as they were.
    Raises :class:`WriteError` naming the file that could not be written.
    """
    paths = [Path(p) for p in files]
    temporaries: dict[Path, str] = {}
    backups: dict[Path, str | None] = {}
    try:
        for path in paths:
            _make_parent(path.parent, str(path))
            temporaries[path] = _temporary(path, _bytes(files[path]), mode, str(path))
        for path in paths:
            backups[path] = None
            if path.is_file():  # a second name for the old file, to put back if a later rename fails
                backup = f"{temporaries[path]}.old"
                try:
                    os.link(path, backup)
                except OSError:
                    try:
                        shutil.copy2(path, backup)
                    except OSError as exc:
                        Path(backup).unlink(missing_ok=True)
                        raise WriteError.from_os_error(path, exc) from None
                backups[path] = backup
        done: list[Path] = []
        try:
            for path in paths:
                try:
                    os.replace(temporaries[path], path)
                except OSError as exc:
                    raise WriteError.from_os_error(path, exc) from None
                done.append(path)
        except BaseException:
            for path in reversed(done):
                kept = backups.get(path)
                if kept is not None:
                    os.replace(kept, path)
                else:
                    path.unlink(missing_ok=True)
            raise
    finally:
        for name in [*temporaries.values(), *(b for b in backups.values() if b)]:
            Path(name).unlink(missing_ok=True)
    return paths


def ensure_folder(path: str | Path, parameter: str = "out") -> Path:
    """``path`` as an output folder, made (with its parents) if it is not there.

    Raises :class:`ParameterError` when something other than a folder is in the way (saying what it is),
    :class:`WriteError` when the folder cannot be made (with the system's reason).
    """
    path = Path(path)
    blocking = _blocking_component(path)
    if blocking is not None:
        found = (
            f"{path}, {describe_kind(path)}"
            if blocking == path
            else f"{path}, inside {blocking}, {describe_kind(blocking)}"
        )
        raise ParameterError(parameter, "a folder, or a path where one can be made", found)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError.from_os_error(path, exc) from None
    return path


def replace_folder(
    path: str | Path, files: Mapping[str, str | bytes], *, replaceable: Callable[[Path], bool], expected: str
) -> list[Path]:
    """Replace the whole contents of the folder ``path`` with ``files`` (name -> content), or change nothing.

    The new contents are written in full to a temporary folder beside ``path``, then swapped in: the old
    folder is renamed aside, the new one renamed into its place, and the old one removed. Anything the
    old folder held and ``files`` does not is gone afterwards. ``replaceable(path)`` must hold for an
    existing folder (else :class:`ParameterError`, ``expected`` saying what it should hold), so that no
    folder of other work is ever replaced. Raises :class:`WriteError` when a file cannot be written.
    """
    path = Path(path)
    if os.path.lexists(path):
        if path.is_symlink():
            raise ParameterError("out", expected, f"{path}, a link (give the folder it leads to)")
        if not path.is_dir():
            raise ParameterError("out", expected, f"{path}, {describe_kind(path)}")
        if not replaceable(path):
            raise ParameterError("out", expected, f"{path}, which holds other files")
    ensure_folder(path.parent)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name[:80]}.", suffix=".new", dir=path.parent))
    except OSError as exc:
        raise WriteError.from_os_error(path, exc) from None
    old: Path | None = None
    try:
        os.chmod(staging, 0o755)
        for name, content in files.items():
            write_atomic(staging / name, content, shown=str(path / name))
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name[:80]}.", suffix=".old", dir=path.parent))
            os.rename(path, old / path.name)
        try:
            os.rename(staging, path)
        except OSError:
            if old is not None:
                os.rename(old / path.name, path)
            raise
    except OSError as exc:
        raise WriteError.from_os_error(path, exc) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [path / name for name in files]
