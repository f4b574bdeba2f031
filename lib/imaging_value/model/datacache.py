"""A cache of validated data folders and requests, so a second command skips validation.

Validating a data folder builds pydantic's validators and checks every record: most of what a
quick command such as ``imaging-value rank`` spends. The validated result is stored (pickled)
under a key that changes whenever anything it was made from changes:

- the sha256 of every data file the loader reads (the core files and the capabilities' declared
  ones, each by name, or its absence; every answer file in ``summits/``), links followed, and the
  folder's resolved path; a request has its own entry, keyed by its file's sha256 and by the
  digests of the folder it was checked against. Nothing else in the folder is read, and no file
  larger than ``MAX_FILE_BYTES`` (nor a device or pipe): then nothing is cached and the loader says why;
- the name, size and modification time of each of this package's source files (as Python
  trusts its own compiled-code cache), so a new version, or any edit to the rules, never reads
  an entry made by other code;
- the versions of Python, pydantic, pydantic-core, PyYAML and numpy.

A changed file therefore gives a new key and a fresh validation: a stale answer is never served.
Only complete, valid loads are stored; a file with problems is validated (and reported) on every run.
An entry that cannot be read (truncated, corrupt, from an incompatible library) is ignored and
replaced: the command loads the folder as if there were no cache.

With the cache off no key is made, so no file is read for it.

Where: ``$IMAGING_VALUE_CACHE`` (a folder, or ``off`` for no cache), else ``$XDG_CACHE_HOME/imaging-value``,
else ``~/.cache/imaging-value``. The folder is made readable by its owner only, and an entry is read
only from a folder and file owned by the user running the command that no one else can write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["CACHE_ENV", "cache_dir", "cached", "code_key", "entry_key", "file_key", "folder_key"]

CACHE_ENV = "IMAGING_VALUE_CACHE"
MAX_ENTRIES = 64  # older entries are removed beyond this many
SUMMITS = "summits"  # answer files in summits/<summit-id>/, read with the data folder
ANSWER_SUFFIXES = (".yaml", ".yml")  # in any case: a misnamed answer file is reported, so it is in the key

T = TypeVar("T")
_code_key: str | None = None


def cache_dir() -> Path | None:
    """The cache folder, or None when ``$IMAGING_VALUE_CACHE`` is ``off``."""
    given = os.environ.get(CACHE_ENV, "").strip()
    if given.lower() == "off":
        return None
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "imaging-value"


def code_key() -> str:
    """A digest of the code that makes a loaded record: the libraries' versions, and the name, size and
    modification time of each of this package's source files (the rule Python itself uses to trust its
    compiled-code cache), so an installed upgrade or any edit to the rules gives new keys."""
    global _code_key
    if _code_key is None:
        import numpy
        import pydantic
        import pydantic_core
        import yaml

        parts = [sys.version, pydantic.VERSION, pydantic_core.__version__, yaml.__version__, numpy.__version__]
        package = Path(__file__).resolve().parents[1]  # every module of the package, in every sub-package
        for source in sorted(package.rglob("*.py")):
            info = source.stat()
            parts.append(f"{source.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
        _code_key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return _code_key


def _content_digest(path: str) -> bytes | None:
    """sha256 of a regular file of at most ``MAX_FILE_BYTES`` (links followed); None for anything else."""
    from ..core.limits import MAX_FILE_BYTES

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
    return hashlib.sha256(data).digest() if len(data) <= MAX_FILE_BYTES else None


def folder_key(root: Path, names: Iterable[str]) -> str | None:
    """sha256 of the folder's resolved path and of what the loader reads from it: each file of ``names``
    (its bytes, or its absence) and ``summits/`` (the name and kind of each entry, two levels deep, and
    the bytes of each answer file), links followed. None when one of them cannot be read (then nothing
    is cached, and the loader reports the file)."""
    top = os.path.realpath(root)
    digest = hashlib.sha256(f"{top}\0".encode())

    def add(relative: str, path: str) -> bool:
        if not os.path.lexists(path):
            digest.update(f"{relative}\0absent\0".encode())
            return True
        if os.path.isdir(path):
            digest.update(f"{relative}\0folder\0".encode())
            return True
        content = _content_digest(path)
        if content is None:
            return False
        digest.update(f"{relative}\0".encode() + content)
        return True

    for name in sorted(set(names)):
        if not add(name, os.path.join(top, name)):
            return None
    base = os.path.join(top, SUMMITS)
    if os.path.isdir(base):
        try:
            summits = sorted(os.listdir(base))
            for summit in summits:
                folder = os.path.join(base, summit)
                if not os.path.isdir(folder):
                    digest.update(f"{SUMMITS}/{summit}\0entry\0".encode())
                    continue
                digest.update(f"{SUMMITS}/{summit}\0folder\0".encode())
                for name in sorted(os.listdir(folder)):
                    path = os.path.join(folder, name)
                    relative = f"{SUMMITS}/{summit}/{name}"
                    if name.lower().endswith(ANSWER_SUFFIXES) and not os.path.isdir(path):
                        if not add(relative, path):
                            return None
                    else:
                        digest.update(f"{relative}\0entry\0".encode())
        except OSError:
            return None
    return digest.hexdigest()


def file_key(path: Path) -> str | None:
    """sha256 of a file's resolved path and bytes; None when it cannot be read (or is not a regular file
    of at most ``MAX_FILE_BYTES``)."""
    try:
        path = path.resolve()
    except OSError:
        return None
    content = _content_digest(str(path))
    return None if content is None else hashlib.sha256(f"{path}\0".encode() + content).hexdigest()


def entry_key(kind: str, parts: Iterable[str]) -> str:
    """The key of one entry: its kind, what it was made from, and the code that made it."""
    digest = hashlib.sha256(f"{kind}\0{code_key()}\0".encode())
    for part in parts:
        digest.update(f"{part}\0".encode())
    return digest.hexdigest()


def _private(path: Path, *, directory: bool) -> bool:
    """True when ``path`` is ours and no one else can write it (a folder; else a regular file)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    return kind_ok and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cached(kind: str, parts: Callable[[], Iterable[str | None]], expected: type[T], build: Callable[[], T]) -> T:
    """The stored result for this key if there is a readable one of type ``expected``, else ``build()``
    (stored for next time; a cache that cannot be written is skipped silently). ``parts()`` gives what the
    key is made from, and is called only when the cache is on; a part that is None (a file that could
    not be read) means: no cache, just ``build()``."""
    folder = cache_dir()
    if folder is None:
        return build()
    made = list(parts())
    if any(part is None for part in made):
        return build()
    key = entry_key(kind, [part for part in made if part is not None])
    path = folder / f"{kind}-{key}.pickle"
    found = _read(folder, path, key, expected)
    if found is not None:
        return found
    result = build()
    _write(folder, path, key, result)
    return result


def _read(folder: Path, path: Path, key: str, expected: type[T]) -> T | None:
    if not (_private(folder, directory=True) and _private(path, directory=False)):
        return None
    try:
        stored_key, value = pickle.loads(path.read_bytes())
    except Exception:  # truncated, corrupt, or written by an incompatible library: load afresh
        return None
    return value if stored_key == key and type(value) is expected else None


def _write(folder: Path, path: Path, key: str, value: object) -> None:
    from ..core.atomic import write_atomic
    from ..core.errors import WriteError

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder, directory=True):
            return
        write_atomic(path, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL), mode=0o600)
        _prune(folder)
    except (OSError, WriteError, pickle.PicklingError, TypeError, AttributeError):
        return  # read-only home, full disk, an unpicklable record: the command works without a cache


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
