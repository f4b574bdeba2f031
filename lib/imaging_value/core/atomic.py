"""Write files so a failed or interrupted run never leaves a half-written file or loses the previous one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, content: str | bytes, *, exclusive: bool = False, mode: int = 0o644) -> Path:
    """Write to a temporary file beside ``path``, then rename it over ``path`` in one step.

    ``mode``: the file's permissions (readable by all by default).
    ``exclusive``: never replace an existing ``path`` (raise :class:`FileExistsError`); the
    complete file appears in one step (a hard link), so two writers cannot overwrite each other.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
