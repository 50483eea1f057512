"""The raw store: every file a source fetched or ingested, kept once under its sha256."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


def sha256_of(path: str | Path) -> str:
    """The hex sha256 of a file's bytes, read in 1 MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class RawStore:
    """A folder of files named `<sha[:2]>/<sha><ext>`; adding the same bytes twice keeps one copy.

    Args:
        root: the store folder, created on first write.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str, suffix: str) -> Path:
        """Where a file with this digest and suffix (".pdf", ".html", "") lives in the store."""
        return self.root / sha256[:2] / f"{sha256}{suffix.lower()}"

    def find(self, sha_prefix: str) -> Path | None:
        """The stored file whose digest starts with `sha_prefix` (at least 8 hex digits), if any."""
        if len(sha_prefix) < 8:
            return None
        folder = self.root / sha_prefix[:2].lower()
        matches = sorted(folder.glob(f"{sha_prefix.lower()}*")) if folder.is_dir() else []
        return matches[0] if len(matches) == 1 else None

    def locate(self, ids: list[str]) -> list[Path]:
        """The stored files of these sha256 ids (or unique 8+ digit prefixes); raises KeyError naming the missing."""
        found = {i: self.find(i) for i in ids}
        missing = [i for i, p in found.items() if p is None]
        if missing:
            raise KeyError(
                f"no unique stored file for {', '.join(missing)} in {self.root} (give 8+ hex digits)"
            )
        return [p for p in found.values() if p is not None]

    def put_bytes(self, chunks: Iterable[bytes], suffix: str) -> tuple[Path, str, int]:
        """Write streamed bytes into the store; returns (path, sha256, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    h.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            digest = h.hexdigest()
            target = self.path_for(digest, suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return target, digest, size

    def put_file(self, path: str | Path, sha256: str) -> Path:
        """Keep a local file in the store (a hard link when the filesystem allows, else a copy)."""
        src = Path(path)
        target = self.path_for(sha256, src.suffix)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, target)
        except OSError:
            shutil.copyfile(src, target)
        return target
