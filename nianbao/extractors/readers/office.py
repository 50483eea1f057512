"""Legacy office files (.doc, .wps, .xls) through LibreOffice headless, then the modern readers.

Each conversion gets its own LibreOffice user profile (`-env:UserInstallation`), so parallel
workers never share a profile lock, and runs in its own process group under a hard timeout: a hung
`soffice` (a dialog waiting for input, a damaged file looping) is killed with all its children.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nianbao.extractors.document import Document
from nianbao.extractors.readers.guard import open_regular
from nianbao.schemas.errors import ConversionFailed, UnreadableFile

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CONVERT_TIMEOUT_S = 120.0  # a 年报 converts in 2-10 s; two minutes means the converter is stuck


def soffice_command() -> list[str]:
    """The LibreOffice executable to run, as a command prefix."""
    return [shutil.which("soffice") or shutil.which("libreoffice") or "soffice"]


def convert_with_libreoffice(
    path: str,
    target: str,
    outdir: str,
    *,
    timeout: float = CONVERT_TIMEOUT_S,
    command: Sequence[str] | None = None,
) -> Path:
    """Convert one file with LibreOffice headless and return the converted file.

    Args:
        path: the source file.
        target: LibreOffice's `--convert-to` argument, e.g. "docx", "xlsx", "pdf".
        outdir: directory for the result.
        timeout: seconds before the converter's whole process group is killed.
        command: the converter command prefix (tests pass a fake one); default `soffice`.

    Raises:
        ConversionFailed: the converter is missing, timed out, failed, or wrote nothing.
    """
    src = Path(path).resolve()
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-profile-") as profile:
        argv = [
            *(command or soffice_command()),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", target, "--outdir", outdir, str(src),
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: the timeout kills soffice.bin too
            )
        except FileNotFoundError as exc:
            raise ConversionFailed(
                path, f"LibreOffice not found ({argv[0]}); install it to read .{src.suffix[1:]} files"
            ) from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise ConversionFailed(
                path, f"LibreOffice conversion to {ext} timed out after {timeout:g} s (killed)"
            ) from exc
        except BaseException:  # a time limit or interrupt: never leave soffice running
            _kill_group(proc)
            raise
        if proc.returncode != 0:
            what = "crashed" if proc.returncode < 0 or proc.returncode > 128 else "failed"
            raise ConversionFailed(
                path, f"LibreOffice conversion to {ext} {what} (exit {proc.returncode}){_detail(err)}"
            )
    out = Path(outdir) / f"{src.stem}.{ext}"
    if not out.exists() or out.stat().st_size == 0:
        raise ConversionFailed(
            path, f"LibreOffice wrote no {ext} file (damaged or not a {src.suffix} file?){_detail(err)}"
        )
    return out


def _detail(err: bytes) -> str:
    """The converter's last line that says something (": Error: source file could not be loaded"),
    one line; backtraces and the usual java warning are left out."""
    lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines()]
    useful = [
        ln for ln in lines if ln and not ln.startswith(("/", "Warning:", "[", "0x")) and "javaldx" not in ln
    ]
    errors = [ln for ln in useful if "error" in ln.lower() or "fatal" in ln.lower()]
    best = (errors or useful or [""])[-1]
    return f": {best[:160]}" if best else ""


def _encrypted_ole(path: str) -> bool:
    """An OLE file holding an encrypted Office package (a password-protected .docx/.xlsx/.doc)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    try:
        with open_regular(path) as fh:
            head = fh.read(4 << 20)
    except UnreadableFile:
        return False
    return head.startswith(_OLE_MAGIC) and (marker in head or "EncryptionInfo".encode("utf-16-le") in head)


def refuse_encrypted(path: str) -> None:
    """Raise before LibreOffice sees a password-protected file (it could only fail on it, or wait)."""
    if _encrypted_ole(path):
        raise UnreadableFile(
            path, "password-protected (encrypted) Office document: remove the password and save it again"
        )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the converter's process group and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def read_via_libreoffice(path: str) -> Document:
    """Read a .doc or .wps file: LibreOffice converts it to .docx, the docx reader reads that.

    Raises:
        ConversionFailed: the conversion failed or timed out.
    """
    from nianbao.extractors.readers.docx import read_docx  # type: ignore[import-not-found,unused-ignore]

    refuse_encrypted(path)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-out-") as outdir:
        docx = convert_with_libreoffice(path, "docx:MS Word 2007 XML", outdir)
        doc: Document = read_docx(str(docx))
    doc.path = path
    doc.format = Path(path).suffix.lower().lstrip(".") or "doc"
    return doc
