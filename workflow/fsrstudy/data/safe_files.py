"""Opening untrusted downloads: archives and ground-truth pickles.

- Archives: members with absolute paths, '..', links pointing outside the target, or
  device files are refused before anything is written (tarfile's 'data' filter rules,
  checked explicitly so that the refusal names the member).
- Pickles (revisitop's gnd_*.pkl): a restricted unpickler that builds only plain
  containers, str, numbers and numpy arrays; anything else (os.system, eval, ...) is
  refused without being called.
"""
from __future__ import annotations

import io
import os
import pickle
import tarfile
import zipfile
from pathlib import Path


class UnsafeArchive(ValueError):
    pass


class UnsafePickle(pickle.UnpicklingError):
    pass


def _inside(root: Path, path: str) -> bool:
    """Whether `path` (relative to root, or absolute) stays inside root, lexically."""
    target = Path(os.path.normpath(os.path.join(root, path)))
    return target == root or root in target.parents


def check_tar(archive: tarfile.TarFile, root: Path) -> None:
    """Raise UnsafeArchive, naming the member, if any member could escape `root`."""
    for member in archive.getmembers():
        name = member.name
        if os.path.isabs(name) or ".." in Path(name).parts or not _inside(root, name):
            raise UnsafeArchive(f"member {name!r} has an absolute path or '..'")
        if member.isdev() or member.isfifo():
            raise UnsafeArchive(f"member {name!r} is a device or FIFO")
        if member.issym() or member.islnk():
            link = member.linkname
            # a symlink resolves from its own folder, a hard link from the archive root
            base = os.path.dirname(name) if member.issym() else ""
            if os.path.isabs(link) or not _inside(root, os.path.join(base, link)):
                raise UnsafeArchive(f"member {name!r} links outside the target ({link!r})")


def extract(archive_path, target) -> list[str]:
    """Extract a .tar/.tgz/.zip into `target` after checking every member."""
    root = Path(target).resolve()
    root.mkdir(parents=True, exist_ok=True)
    archive_path = Path(archive_path)
    if zipfile.is_zipfile(archive_path):
        with zipfile.ZipFile(archive_path) as z:
            for name in z.namelist():
                if os.path.isabs(name) or ".." in Path(name).parts or not _inside(root, name):
                    raise UnsafeArchive(f"member {name!r} would be written outside the target")
            z.extractall(root)
            return z.namelist()
    with tarfile.open(archive_path) as archive:
        check_tar(archive, root)
        archive.extractall(root, filter="data")
        return archive.getnames()


_ALLOWED = {
    ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"), ("builtins", "set"),
    ("builtins", "frozenset"), ("builtins", "str"), ("builtins", "int"), ("builtins", "float"),
    ("builtins", "bool"), ("builtins", "bytes"), ("builtins", "complex"),
    ("collections", "OrderedDict"),
    ("_codecs", "encode"),  # how protocol-2 pickles store bytes: str -> bytes only
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
}


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafePickle(f"refused to load {module}.{name} from an untrusted pickle")


def load_pickle(path_or_bytes) -> object:
    """Load a pickle with only plain data types allowed."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return RestrictedUnpickler(io.BytesIO(path_or_bytes), encoding="latin1").load()
    with open(path_or_bytes, "rb") as f:
        return RestrictedUnpickler(f, encoding="latin1").load()
