"""LibreOffice conversion: .doc via docx, a hung converter killed in bounded time, clear failures."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from nianbao.extractors.readers.office import convert_with_libreoffice, read_via_libreoffice
from nianbao.schemas.errors import ConversionFailed

try:
    from tests.extractors import pdf_fixtures as fx
except ImportError:  # tests/extractors without __init__.py
    import pdf_fixtures as fx  # type: ignore[no-redef]


@pytest.fixture(scope="session")
def files() -> dict[str, Path]:
    return fx.build_all()


def test_doc_converts_to_docx(tmp_path: Path, files: dict[str, Path]) -> None:
    out = convert_with_libreoffice(str(files["doc"]), "docx:MS Word 2007 XML", str(tmp_path))
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "样例市人民政府" in xml and "行政复议" in xml


def test_read_doc(files: dict[str, Path]) -> None:
    doc = read_via_libreoffice(str(files["doc"]))
    assert doc.format == "doc" and doc.path == str(files["doc"])
    t4 = next(t for t in doc.tables if any(c.text == "行政复议" for c in t.rows[0]))
    # LibreOffice's .doc round trip may split a grid column (gridSpan 2): compare origin cells.
    assert [c.text for c in t4.rows[-1] if not c.is_continuation] == fx.T4_VALUES


def test_hung_converter_is_killed(tmp_path: Path) -> None:
    fake = tmp_path / "fake-soffice"
    pidfile = tmp_path / "child.pid"
    # The fake converter starts a child and hangs, as a stuck soffice.bin under its wrapper does.
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    src = tmp_path / "x.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    t0 = time.monotonic()
    with pytest.raises(ConversionFailed, match="timed out after 1 s"):
        convert_with_libreoffice(str(src), "docx", str(tmp_path), timeout=1, command=[str(fake)])
    assert time.monotonic() - t0 < 10
    child = int(pidfile.read_text())
    time.sleep(0.2)
    stat = Path(f"/proc/{child}/stat")
    # Gone, or a zombie waiting for a reaper that containers often lack: either way not running.
    assert not stat.exists() or stat.read_text().split(") ", 1)[1].startswith("Z")


def test_missing_converter(tmp_path: Path) -> None:
    src = tmp_path / "x.doc"
    src.write_bytes(b"x")
    with pytest.raises(ConversionFailed, match="LibreOffice not found"):
        convert_with_libreoffice(str(src), "docx", str(tmp_path), command=["/nonexistent/soffice"])


def test_converter_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "x.doc"
    src.write_bytes(b"x")
    with pytest.raises(ConversionFailed, match="wrote no docx file"):
        convert_with_libreoffice(str(src), "docx", str(tmp_path), command=["/bin/true"])


# ------------------------------------------------------------------------------------------------
# Bounds: one-line reasons from a crashing converter; encrypted files never reach LibreOffice
# ------------------------------------------------------------------------------------------------
def _fake(stderr: str, code: int) -> list[str]:
    import sys

    return [sys.executable, "-c", f"import sys; sys.stderr.write({stderr!r}); sys.exit({code})"]


def test_converter_crash_gives_a_one_line_reason(tmp_path: Path) -> None:
    src = tmp_path / "a.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    crash = "Fatal exception: Signal 6\nStack:\n/lib/x86_64-linux-gnu/libc.so.6(+0x2724a)[0x7fbb1304524a]\n"
    with pytest.raises(ConversionFailed) as exc:
        convert_with_libreoffice(str(src), "docx", str(tmp_path), command=_fake(crash, 134))
    assert exc.value.reason == "LibreOffice conversion to docx crashed (exit 134): Fatal exception: Signal 6"
    noisy = "Warning: failed to launch javaldx - java may not function correctly\nError: source file could not be loaded\n"
    with pytest.raises(ConversionFailed) as exc:
        convert_with_libreoffice(str(src), "docx", str(tmp_path), command=_fake(noisy, 0))
    assert exc.value.reason == (
        "LibreOffice wrote no docx file (damaged or not a .doc file?): Error: source file could not be loaded"
    )


def test_password_protected_office_file_is_refused_before_conversion(tmp_path: Path) -> None:
    from nianbao.schemas.errors import UnreadableFile

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(64)
    src = tmp_path / "locked.doc"
    src.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    with pytest.raises(UnreadableFile) as exc:
        read_via_libreoffice(str(src))
    assert (
        exc.value.reason
        == "password-protected (encrypted) Office document: remove the password and save it again"
    )
