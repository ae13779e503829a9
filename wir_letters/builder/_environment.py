"""OS errors of the output folder as environment problems: a full disk, a folder that is read-only."""

from __future__ import annotations

import errno
from pathlib import Path

from wir_letters.errors import DiskFull, EnvironmentProblem, OutputNotWritable
from wir_letters.i18n import N_

_FULL = (errno.ENOSPC, errno.EDQUOT)
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


def environment_error(err: OSError, out: Path) -> OSError | EnvironmentProblem:
    """An environment problem for a disk that is full or read-only; other errors as they are."""
    where = err.filename or out
    if err.errno in _FULL:
        return DiskFull(Path(where).parent if Path(where) != out else out)
    if err.errno in _NOT_WRITABLE:
        return OutputNotWritable(N_("cannot write {path} ({reason}): the output folder is read-only or not "
                                    "yours; check its permissions, or build into another folder with --out"),
                                 code="output.not_writable", path=str(where), reason=err.strerror)
    return err


def is_disk_full(err: BaseException) -> bool:
    """Whether ``err`` says that the disk is full."""
    return isinstance(err, DiskFull) or (isinstance(err, OSError) and err.errno in _FULL)
