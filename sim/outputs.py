"""Whole outputs: a command writes into a temporary folder, then moves it into place.

An interrupted command (Ctrl-C, kill, full disk) leaves either the previous
complete results or the new complete results in the output folder, never a
mix: everything is written into `.NAME.tmp-PID-XXXX` beside it, and only a
finished folder is renamed to NAME. Replacing earlier results needs
`overwrite=True` (`--overwrite`); the old and new folders are then swapped
in one step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, which a
later command repairs if it was cut between them).

    with output_folder(Path("out/x"), overwrite=False) as tmp:
        write_everything_into(tmp)
    # out/x is now the complete new folder
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


class OutputError(OSError):
    """An output folder that cannot be written or would replace results; one line."""


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # no cheap check: keep its leftovers
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _leftovers(dest: Path) -> list[tuple[str, int, Path]]:
    pat = re.compile(rf"^\.{re.escape(dest.name)}\.(tmp|old)-(\d+)-")
    out = []
    with contextlib.suppress(OSError):
        for p in dest.parent.iterdir():
            m = pat.match(p.name)
            if m:
                out.append((m.group(1), int(m.group(2)), p))
    return out


def clean_leftovers(dest: Path) -> None:
    """Remove what a killed command left beside `dest`; restore `dest` if it was cut
    between the two renames of a swap (the old folder is then the complete one)."""
    for kind, pid, p in _leftovers(dest):
        if alive(pid):
            continue
        if kind == "old" and not dest.exists():
            with contextlib.suppress(OSError):
                os.rename(p, dest)
                continue
        shutil.rmtree(p, ignore_errors=True)


def holds_results(dest: Path) -> bool:
    try:
        return dest.is_dir() and any(dest.iterdir())
    except OSError:
        return True


MARKER = ".cogov-output"  # in every folder written here: only those may be overwritten
_LEGACY = ("provenance.json", "analysis.json", "attribution.json")  # outputs made before it


def is_output(dest: Path) -> bool:
    return any((dest / name).is_file() for name in (MARKER, *_LEGACY))


def check_destination(dest: Path, overwrite: bool = False) -> None:
    """Refuse early (before hours of work) a destination that cannot take the results."""
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"{dest}: exists and is not a folder; choose another --out")
    if not holds_results(dest):
        return
    if not overwrite:
        raise OutputError(
            f"{dest}: holds earlier results; add --overwrite to replace them, "
            "or choose another --out"
        )
    if not is_output(dest):  # --overwrite replaces the whole folder: never a user's own
        raise OutputError(
            f"{dest}: not empty and not a cogov output folder (no {MARKER}); "
            "--overwrite replaces only cogov results: choose another --out"
        )


def default_folder(stem: str, root: Path = Path("out")) -> Path:
    """A new folder per invocation: out/STEM-YYYYmmdd-HHMMSS (-2, -3, ... if taken)."""
    stem = re.sub(r"[^\w.-]+", "_", stem)[:60]
    base = root / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, k = base, 1
    while path.exists() or _leftovers(path):
        k += 1
        path = base.with_name(f"{base.name}-{k}")
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _into_place(tmp: Path, dest: Path, overwrite: bool) -> None:
    if not holds_results(dest):
        if dest.is_dir():
            dest.rmdir()  # an empty folder: nothing to keep
        os.rename(tmp, dest)
        return
    if not overwrite or not is_output(dest):  # appeared while we worked
        raise OutputError(f"{dest}: results appeared there meanwhile; nothing was replaced")
    if _exchange(tmp, dest):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old results
        return
    old = dest.parent / f".{dest.name}.old-{os.getpid()}-{int(time.time())}"
    os.rename(dest, old)
    os.rename(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def output_folder(dest: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; when the block finishes, it becomes `dest` whole.

    If the block raises (or is interrupted), the temporary folder is removed and
    `dest` is untouched. An OSError while writing (a full disk, no permission)
    becomes one OutputError line naming `dest`.
    """
    dest = Path(dest)
    check_destination(dest, overwrite)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(dest)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-{os.getpid()}-", dir=dest.parent))
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results are not
    except OSError as e:
        raise OutputError(
            f"{dest}: cannot create the output folder ({e.strerror or type(e).__name__})"
        ) from None
    try:
        yield tmp
        (tmp / MARKER).write_text(" ".join(sys.argv) + "\n", encoding="utf-8")
        _into_place(tmp, dest, overwrite)
    except OutputError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        why = e.strerror or (str(e).splitlines()[0][:120] if str(e) else type(e).__name__)
        raise OutputError(
            f"{dest}: cannot write the results ({why}); nothing there was changed: "
            "free some space or fix the permissions and run the command again"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def folder_lock(folder: Path, wait: bool = False, what: str = "cogov sweep") -> Iterator[None]:
    """Hold an OS lock on `folder/.lock` while writing there: a second process on the
    same folder refuses with one line (or, with `wait`, waits its turn). The lock
    goes with the process, so a killed command never leaves the folder locked."""
    path = folder / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OutputError(f"{folder}: cannot lock the folder ({e.strerror})") from None
    try:
        if not _lock(fd, wait):
            raise OutputError(
                f"{folder}: another {what} (pid {_holder(fd)}) is writing there; "
                "wait for it to finish, or add --wait to wait for it"
            )
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:  # the pid the holder wrote (Windows may not let us read a locked byte)
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode(errors="replace").strip() or "?"
    except OSError:
        return "?"


def _lock(fd: int, wait: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        mode = msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK
        while True:
            try:
                msvcrt.locking(fd, mode, 1)
                return True
            except OSError:
                if not wait:
                    return False
                time.sleep(1)  # LK_LOCK gives up after 10 s: keep trying
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True
