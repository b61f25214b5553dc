"""Every file runstrong writes goes through here: checked first, then written all or nothing.

`check_outputs` is called before any planning work, `write_outputs` once everything is
rendered. The promises (README, "What runstrong promises about your files"):

* An output is never one of the command's inputs (same resolved path, or the same file
  through a hard link or symlink), never another output of the same command, and never
  something other than a regular file or a new path. ``-`` means standard output.
* All outputs of one command are written together or not at all: every file is first
  written in full to a temporary file beside its target, and only when all of them are
  complete are they renamed over their targets. Any failure removes the temporary files
  and leaves the old files as they were. Every OS error is an `OutputError` (exit 2)
  naming the path, never a traceback.
* A new file gets the mode ``0666 & ~umask``, like any file a shell creates; a replaced
  file keeps its mode (and, when running as root, its owner).
* A target with more than one hard link is rewritten in place (after everything else is
  ready), so every name of the file sees the new plan: the coach who linked plan.ics into
  a shared folder keeps the link. If that in-place write fails, the old bytes are put back.
* A symlink is followed: the file it points to is replaced and the link stays.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.errors import RunstrongError

STDOUT = "-"


class OutputError(RunstrongError):
    """An output path that cannot or must not be written; exit 2, nothing written."""

    exit_code = 2


@dataclass(frozen=True)
class Output:
    """One file to write. `path` is ``-`` for standard output; `label` names the option
    or role (``--ics``, ``--json``, ``summary.csv``) in error messages."""

    path: Path | str
    data: bytes
    label: str = ""


@dataclass(frozen=True)
class _Target:
    output: Output
    real: Path  # the file that will hold the data (symlinks followed)
    exists: bool
    mode: int | None  # permission bits to keep, None for a new file
    owner: tuple[int, int] | None
    in_place: bool  # more than one hard link: rewritten in place


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


def _describe(label: str, path: Path | str) -> str:
    return f"{label} {path}" if label else str(path)


def _resolve(path: Path | str, label: str) -> Path:
    text = str(path)
    if not text.strip():
        raise OutputError(f"{label or 'output'}: the file name is empty")
    if "\x00" in text:
        raise OutputError(f"{_describe(label, repr(text))}: a file name cannot hold a NUL byte")
    try:
        return Path(os.path.abspath(text)).resolve(strict=False)
    except (OSError, RuntimeError, ValueError) as err:  # a symlink loop, for one
        raise OutputError(f"{_describe(label, path)}: cannot resolve this path ({err})") from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _existing_ancestor(path: Path) -> Path:
    for parent in path.parents:
        if os.path.lexists(parent):
            return parent
    return Path(path.anchor or "/")


def check_outputs(outputs: Iterable[tuple[Path | str, str]],
                  inputs: Iterable[Path | str | None] = ()) -> None:
    """Refuse, before any work, outputs that would destroy an input or each other, or that
    are not regular files. `outputs` is (path, label) pairs; ``-`` is standard output."""
    _targets([Output(path, b"", label) for path, label in outputs], inputs)


def _targets(outputs: Sequence[Output], inputs: Iterable[Path | str | None]) -> list[_Target]:
    # Linear in the outputs (a club's batch names 20 000 files): each path is resolved and
    # stat-ed once and looked up by its resolved name and by its (device, inode), which is
    # what os.path.samefile compares, instead of comparing every pair.
    inputs_by_path: dict[Path, Path] = {}
    inputs_by_file: dict[tuple[int, int], Path] = {}
    for given in inputs:
        if given is None or is_stdout(given) or not str(given).strip():
            continue
        resolved = _resolve(given, "input")
        inputs_by_path.setdefault(resolved, Path(given))
        identity = _identity(resolved)
        if identity is not None:
            inputs_by_file.setdefault(identity, Path(given))
    targets: list[_Target] = []
    to_stdout = [o for o in outputs if is_stdout(o.path)]
    if len(to_stdout) > 1:
        labels = " and ".join(o.label or "-" for o in to_stdout)
        raise OutputError(f"{labels} both write to standard output (-): give one of them a "
                          "file name")
    seen_paths: dict[Path, Output] = {}
    seen_files: dict[tuple[int, int], Output] = {}
    folders = _Folders()
    for output in outputs:
        if is_stdout(output.path):
            continue
        real = folders.resolve(output.path, output.label)
        where = _describe(output.label, output.path)
        identity = _identity(real)
        given = inputs_by_path.get(real) or (
            inputs_by_file.get(identity) if identity is not None else None)
        if given is not None:
            raise OutputError(f"{where} is the input file {given}: writing it would destroy "
                              "your data; choose another output name")
        other = seen_paths.get(real) or (
            seen_files.get(identity) if identity is not None else None)
        if other is not None:
            raise OutputError(f"{where} and {_describe(other.label, other.path)} are the "
                              "same file: give them different names")
        seen_paths[real] = output
        if identity is not None:
            seen_files[identity] = output
        targets.append(_inspect(output, real, where, folders))
    return targets


class _Folders:
    """What the checks ask of a folder, asked once per folder: a batch's 20 000 outputs
    share one, and each question is a system call or several."""

    def __init__(self) -> None:
        self._resolved: dict[str, Path] = {}
        self._ancestor: dict[Path, Path] = {}
        self._name_max: dict[Path, int] = {}
        self._is_dir: dict[Path, bool] = {}
        self._writable: dict[Path, bool] = {}

    def resolve(self, path: Path | str, label: str) -> Path:
        """_resolve, with the folder part resolved once: only a name that is itself a
        symbolic link needs the whole walk."""
        text = str(path)
        if not text.strip() or "\x00" in text:
            return _resolve(path, label)  # its message
        folder, name = os.path.split(os.path.abspath(text))
        parent = self._resolved.get(folder)
        if parent is None:
            parent = self._resolved[folder] = _resolve(folder, label)
        candidate = parent / name
        return _resolve(candidate, label) if os.path.islink(candidate) else candidate

    def ancestor(self, path: Path) -> Path:
        if path.parent not in self._ancestor:
            self._ancestor[path.parent] = _existing_ancestor(path)
        return self._ancestor[path.parent]

    def name_max(self, folder: Path) -> int:
        if folder not in self._name_max:
            self._name_max[folder] = _name_max(folder)
        return self._name_max[folder]

    def is_dir(self, folder: Path) -> bool:
        if folder not in self._is_dir:
            self._is_dir[folder] = folder.is_dir()
        return self._is_dir[folder]

    def writable(self, folder: Path) -> bool:
        if folder not in self._writable:
            self._writable[folder] = os.access(folder, os.W_OK | os.X_OK)
        return self._writable[folder]


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file: two names of one file share it."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _inspect(output: Output, real: Path, where: str, folders: _Folders) -> _Target:
    try:  # what the name leads to as the kernel sees it (/dev/stdout -> a pipe, a tty)
        direct = os.stat(output.path)
    except (OSError, ValueError):
        direct = None
    if direct is not None and not stat.S_ISREG(direct.st_mode) \
            and not stat.S_ISDIR(direct.st_mode):
        raise OutputError(f"{where} is not a regular file (a device, pipe or socket): "
                          "runstrong only writes files; use - for standard output")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(f"{where}: a part of this path is a file, not a folder") from None
    except OSError as err:
        raise OutputError(f"{where}: cannot use this path ({err.strerror or err})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{where} is a folder: give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{where} is not a regular file (a device, pipe or socket): "
                              "runstrong only writes files; use - for standard output")
    if len(os.fsencode(real.name)) > folders.name_max(folders.ancestor(real)):
        raise OutputError(f"{where}: the file name is too long for this file system")
    ancestor = folders.ancestor(real) if info is None else real.parent
    if not folders.is_dir(ancestor):
        raise OutputError(f"{where}: {ancestor} is a file, not a folder")
    if info is None and not folders.writable(ancestor):
        raise OutputError(f"{where}: cannot create a file in {ancestor} (permission denied)")
    if info is not None and not folders.writable(real.parent) \
            and not (info.st_nlink > 1 and os.access(real, os.W_OK)):
        raise OutputError(f"{where}: cannot replace a file in {real.parent} (permission denied)")
    return _Target(
        output, real, info is not None,
        mode=stat.S_IMODE(info.st_mode) if info is not None else None,
        owner=(info.st_uid, info.st_gid) if info is not None else None,
        in_place=info is not None and info.st_nlink > 1,
    )


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """What `open(path, "w")` would give: 0666 minus the umask."""
    return 0o666 & ~current_umask()


def write_outputs(outputs: Sequence[Output], inputs: Iterable[Path | str | None] = (),
                  stdout: object | None = None) -> None:
    """Write every output, or none: see the module docs. Raises OutputError only."""
    targets = _targets(outputs, list(inputs))
    piped = [o for o in outputs if is_stdout(o.path)]
    staged: list[tuple[_Target, Path]] = []
    try:
        for target in targets:
            if not target.in_place:
                staged.append((target, _stage(target)))
        restore = _write_in_place([t for t in targets if t.in_place])
        try:
            for output in piped:
                _write_stdout(output, stdout)
        except OutputError:
            _restore(restore)
            raise
        for target, temp in staged:
            try:
                os.replace(temp, target.real)
            except OSError as err:  # renames in one folder do not fail once temps exist
                _restore(restore)
                raise OutputError(f"{_describe(target.output.label, target.output.path)}: "
                                  f"cannot write ({err.strerror or err})") from None
    finally:
        for _, temp in staged:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)


def _stage(target: _Target) -> Path:
    """The data in a temp file beside the target, flushed, with the final mode."""
    output = target.output
    where = _describe(output.label, output.path)
    try:
        target.real.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".runstrong-", suffix=".tmp", dir=target.real.parent)
    except OSError as err:
        raise OutputError(f"{where}: cannot write ({err.strerror or err})") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(output.data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), target.mode if target.mode is not None
                      else new_file_mode())
            if target.owner is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.fchown(handle.fileno(), *target.owner)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise OutputError(f"{where}: cannot write ({err.strerror or err})") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _write_in_place(targets: Sequence[_Target]) -> list[tuple[_Target, bytes]]:
    """Rewrite hard-linked files in place; on failure put back the ones already done."""
    done: list[tuple[_Target, bytes]] = []
    for target in targets:
        where = _describe(target.output.label, target.output.path)
        try:
            old = target.real.read_bytes()
            _overwrite(target.real, target.output.data)
        except OSError as err:
            _restore(done)
            raise OutputError(f"{where}: cannot write ({err.strerror or err})") from None
        done.append((target, old))
    return done


def _overwrite(path: Path, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _restore(done: Sequence[tuple[_Target, bytes]]) -> None:
    for target, old in done:
        with contextlib.suppress(OSError):
            _overwrite(target.real, old)


def _write_stdout(output: Output, stream: object | None) -> None:
    import sys

    handle = stream if stream is not None else getattr(sys.stdout, "buffer", None)
    try:
        if handle is None:  # a text-only stdout (an embedding program): write text
            sys.stdout.write(output.data.decode("utf-8"))
            sys.stdout.flush()
            return
        sys.stdout.flush()  # what was printed before comes first
        handle.write(output.data)  # type: ignore[attr-defined]
        handle.flush()  # type: ignore[attr-defined]
    except (OSError, ValueError) as err:
        raise OutputError(f"{output.label or 'output'} -: cannot write to standard output "
                          f"({err})") from None



MANIFEST = ".runstrong-files"  # the names one generation of a folder holds, one a line


class FolderGeneration:
    """A folder of outputs (`runstrong batch --out`) replaced as a whole, never mixed.

    Files are written into a new sibling folder; `commit` then swaps it for the old one
    with two renames, so the folder always holds one generation: a re-run that fails or
    is interrupted never leaves half old, half new plans beside an old summary. The names
    of a generation are listed in `.runstrong-files`; anything else in the old folder
    (the coach's own files, even the roster) is carried over untouched (hard-linked, so
    it is the very same file). A file of the old generation with more than one hard link
    is rewritten in place and linked into the new folder, so its links hold.

    When the folder cannot be swapped (a mount point, a parent we may not write), the
    files are written into it all or nothing with `write_outputs`, and the old
    generation's files this one does not write are removed.
    """

    def __init__(self, folder: Path | str, inputs: Iterable[Path | str | None] = ()) -> None:
        self.folder = _resolve(folder, "--out")
        self.inputs = [p for p in inputs if p is not None]
        self.names: list[str] = []
        self.carried: list[str] = []  # names kept from the old folder (not runstrong's)
        where = f"--out {folder}"
        if os.path.lexists(self.folder) and not self.folder.is_dir():
            raise OutputError(f"{where} is not a folder")
        parent = _existing_ancestor(self.folder)
        if not parent.is_dir():
            raise OutputError(f"{where}: {parent} is a file, not a folder")
        exists = self.folder.is_dir()
        try:
            here = Path.cwd().resolve()
        except OSError:
            here = None
        # Never swap away the folder someone stands in (`--out .`): write into it instead.
        inside = here is not None and (here == self.folder or self.folder in here.parents)
        self.swap = (os.access(self.folder.parent if exists else parent, os.W_OK | os.X_OK)
                     and not (exists and os.path.ismount(self.folder)) and not inside)
        if not self.swap and not (exists and os.access(self.folder, os.W_OK | os.X_OK)):
            raise OutputError(f"{where}: cannot create or write this folder (permission denied)")
        try:
            if self.swap:
                self.folder.parent.mkdir(parents=True, exist_ok=True)
                remove_stale_work(self.folder.parent, f".{self.folder.name[:40]}.new-")
                self.staging = Path(tempfile.mkdtemp(
                    prefix=f".{self.folder.name[:40]}.new-{os.getpid()}-",
                    dir=self.folder.parent))
                os.chmod(self.staging, stat.S_IMODE(os.stat(self.folder).st_mode) if exists
                         else 0o777 & ~current_umask())
            else:
                remove_stale_work(self.folder, ".runstrong-new-")
                self.staging = Path(tempfile.mkdtemp(prefix=f".runstrong-new-{os.getpid()}-",
                                                     dir=self.folder))
        except OSError as err:
            raise OutputError(f"{where}: cannot create a folder ({err.strerror or err})") from None

    def check(self, names: Iterable[str]) -> None:
        """Refuse names that are inputs, or not regular files, before any work."""
        check_outputs([(self.folder / name, "") for name in names], self.inputs)

    def add(self, name: str, data: bytes) -> None:
        """Write one file of the new generation (raises OutputError naming it)."""
        path = self.staging / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), self._mode_for(name))
        except OSError as err:
            with contextlib.suppress(OSError):
                path.unlink()
            raise OutputError(f"{self.folder / name}: cannot write ({err.strerror or err})"
                              ) from None
        self.names.append(name)

    def _mode_for(self, name: str) -> int:
        try:
            return stat.S_IMODE(os.stat(self.folder / name).st_mode)
        except OSError:
            return new_file_mode()

    def _old_names(self) -> set[str]:
        """The files of the folder's current generation: its manifest, or for a folder an
        older runstrong wrote, summary.csv and the calendars and JSON it lists."""
        try:
            text = (self.folder / MANIFEST).read_text(encoding="utf-8")
            return {line for line in text.splitlines() if line and "/" not in line} | {MANIFEST}
        except (OSError, UnicodeDecodeError):
            pass
        import csv

        try:
            with open(self.folder / "summary.csv", encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error):
            return set()
        names = {"summary.csv"}
        for row in rows:
            stem, _, suffix = str(row.get("file") or "").rpartition(".")
            if stem and suffix == "ics" and "/" not in stem:
                names.update({f"{stem}.ics", f"{stem}.json"})
        return names

    def commit(self, target: Path | None = None) -> Path:
        """Make the new generation the folder (or `target`, a sibling); returns where."""
        self.add(MANIFEST, "".join(f"{name}\n" for name in sorted(self.names)).encode())
        destination = _resolve(target, "--out") if target is not None else self.folder
        try:
            if not (self.swap and self._swap(destination)):
                self._write_in(destination)
        finally:
            self.discard()
        return destination

    def _foreign(self, old: Path) -> list[os.DirEntry[str]]:
        """Entries of the old folder that are not runstrong's: kept in the new one."""
        previous = self._old_names()
        inputs = [Path(p) for p in self.inputs]
        foreign = []
        for entry in os.scandir(old):
            path = Path(entry.path)
            is_input = any(_same_file(path, p) for p in inputs)
            if (entry.name in previous and not is_input) or entry.name in self.names:
                continue  # the new generation replaces it (an input is refused earlier)
            foreign.append(entry)
        self.carried = sorted(e.name for e in foreign if e.name != MANIFEST)
        return foreign

    def _swap(self, destination: Path) -> bool:
        """Swap the folders; False when it cannot be done safely (then write in place)."""
        if destination == self.folder and self.folder.is_dir():
            try:
                foreign = self._foreign(self.folder)
                if any(e.is_dir(follow_symlinks=False) for e in foreign):
                    return False  # folders cannot be hard-linked: keep them where they are
                for entry in foreign:
                    os.link(entry.path, self.staging / entry.name, follow_symlinks=False)
                for name in self.names:
                    old = self.folder / name
                    if old.is_file() and not old.is_symlink() and old.stat().st_nlink > 1:
                        self._keep_links(old)
            except OSError:
                return False
        retired = None
        try:
            if destination.is_dir():
                retired = Path(tempfile.mkdtemp(prefix=f".{destination.name[:40]}.old-",
                                                dir=destination.parent))
                os.rmdir(retired)
                os.rename(destination, retired)
            os.rename(self.staging, destination)
        except OSError as err:
            if retired is not None and retired.exists() and not destination.exists():
                os.rename(retired, destination)
            raise OutputError(f"--out {destination}: cannot replace the folder "
                              f"({err.strerror or err})") from None
        if retired is not None:
            import shutil

            shutil.rmtree(retired, ignore_errors=True)
        return True

    def _keep_links(self, old: Path) -> None:
        """Rewrite a hard-linked old file in place and use that very file in the new
        generation, so its other names see the new plan."""
        new = self.staging / old.name
        _overwrite(old, new.read_bytes())
        new.unlink()
        os.link(old, new)

    def _write_in(self, destination: Path) -> None:
        outputs = [Output(destination / name, (self.staging / name).read_bytes(), name)
                   for name in self.names]
        stale = (self._old_names() - set(self.names)) if destination == self.folder else set()
        inputs = [Path(p) for p in self.inputs]
        stale = {n for n in stale if not any(_same_file(destination / n, p) for p in inputs)}
        write_outputs(outputs, self.inputs)
        for name in stale:
            with contextlib.suppress(OSError):
                (destination / name).unlink()

    def discard(self) -> None:
        import shutil

        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)


STALE_WORK_S = 24 * 3600  # a work folder untouched this long belongs to no live batch


def remove_stale_work(parent: Path, prefix: str) -> None:
    """Remove work folders (`prefix` + PID + random) that a killed batch left behind: its
    process is gone from this machine, or (no PID, another machine's) it is a day old."""
    import shutil
    import time

    try:
        entries = [entry for entry in os.scandir(parent)
                   if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        owner = entry.name[len(prefix):].split("-", 1)[0]
        try:
            old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_WORK_S
        except OSError:
            continue
        if (owner.isdigit() and not _process_alive(int(owner))) or old:
            shutil.rmtree(entry.path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through `write_outputs` (one file): temp file beside it, then rename;
    new files follow the umask, a replaced file keeps its mode. Raises OutputError."""
    write_outputs([Output(os.fspath(path), data)])
