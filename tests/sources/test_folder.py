"""Local folders: report-like files found recursively, hashed, kept once in the raw store."""

from __future__ import annotations

from pathlib import Path

from nianbao.sources import Source, gather
from nianbao.sources.folder import iter_folder
from nianbao.sources.store import RawStore, sha256_of


def test_folder_ingest(tmp_path: Path) -> None:
    src = tmp_path / "reports"
    (src / "2021").mkdir(parents=True)
    (src / ".cache").mkdir()
    (src / "2021" / "qingshui.docx").write_bytes(b"PK\x03\x04 not really")
    (src / "2021" / "baishi.PDF").write_bytes(b"%PDF-1.4 x")
    (src / "2021" / "baishi.expected.json").write_text("{}")
    (src / ".cache" / "x.pdf").write_bytes(b"%PDF")
    (src / "notes.md").write_text("ignore me")
    store = RawStore(tmp_path / "raw")
    got = list(iter_folder(src, region="330199001", store=store))
    assert [(Path(f.path).name, f.size, f.region) for f in got] == [
        ("baishi.PDF", 10, "330199001"),
        ("qingshui.docx", 15, "330199001"),
    ]
    assert got[0].location == str(src / "2021" / "baishi.PDF")
    assert got[0].sha256 == sha256_of(src / "2021" / "baishi.PDF")
    kept = store.path_for(got[0].sha256, ".pdf")
    assert kept.read_bytes() == b"%PDF-1.4 x"
    assert store.find(got[0].sha256[:10]) == kept
    again = list(iter_folder(src, store=store))  # idempotent: same digests, no second copy
    assert [f.sha256 for f in again] == [f.sha256 for f in got]
    assert len(list((tmp_path / "raw").rglob("*.*"))) == 2


def test_missing_folder_is_a_failure_not_an_error(tmp_path: Path) -> None:
    got = gather(Source("folder", str(tmp_path / "nope"), "r1"), tmp_path / "raw")
    assert got.fetched == []
    assert [(f.location, f.reason, f.region) for f in got.failures] == [
        (str(tmp_path / "nope"), "folder not found", "r1")
    ]
    got = gather(Source("file", str(tmp_path / "nope.pdf")), tmp_path / "raw")
    assert got.failures[0].reason == "no such file"


def test_an_empty_folder_source_is_a_failure_saying_so(tmp_path: Path) -> None:
    (tmp_path / "empty.pdf" / "sub").mkdir(parents=True)
    (tmp_path / "empty.pdf" / "readme.md").write_text("nothing to read")
    got = gather(Source("folder", str(tmp_path / "empty.pdf"), "r1"), tmp_path / "raw")
    assert got.fetched == []
    assert [(f.location, f.reason) for f in got.failures] == [
        (str(tmp_path / "empty.pdf"), "no report files in this folder (looked for .pdf .doc(x) .wps .html "
         ".txt .xls(x) .et and images)")
    ]  # fmt: skip


def test_glob_source(tmp_path: Path) -> None:
    for year in (2020, 2022):
        (tmp_path / "reports" / str(year)).mkdir(parents=True)
        (tmp_path / "reports" / str(year) / f"songxi_{year}.txt").write_text(f"松溪镇{year}")
        (tmp_path / "reports" / str(year) / f"songxi_{year}.txt.truth.json").write_text("{}")
        (tmp_path / "reports" / str(year) / f"bailu_{year}.txt").write_text("白鹭镇")
    (tmp_path / "sources.yaml").write_text(
        "district:\n  name: 云岭区\n  townships:\n    - name: 松溪镇\n      globs: ['reports/*/songxi_*']\n",
        "utf-8",
    )
    from nianbao.sources import load_sources

    (source,) = load_sources(tmp_path).sources
    got = gather(source, tmp_path / "raw")
    assert [Path(f.path).name for f in got.fetched] == ["songxi_2020.txt", "songxi_2022.txt"]
    assert {f.region for f in got.fetched} == {"松溪镇"}


def test_raw_store_locate(tmp_path: Path) -> None:
    import pytest

    store = RawStore(tmp_path)
    path, digest, size = store.put_bytes([b"%PDF-1.4 ", b"abc"], ".PDF")
    assert (path, size) == (tmp_path / digest[:2] / f"{digest}.pdf", 12)
    assert store.locate([digest[:8], digest]) == [path, path]
    with pytest.raises(KeyError, match="no unique stored file for 0000000000, abc"):
        store.locate(["0000000000", "abc", digest])


def _hostile_folder(src: Path, report: bytes) -> None:
    """Good reports beside entries that must fail alone: FIFO, device link, loops, a sparse terabyte."""
    import os

    src.mkdir(parents=True)
    (src / "a_good.txt").write_bytes(report)
    os.mkfifo(src / "b_fifo.txt")  # opening it would block forever
    (src / "c_zero.pdf").symlink_to("/dev/zero")
    (src / "d_loop.docx").symlink_to(src / "d_loop.docx")
    (src / "e_dangling.html").symlink_to(src / "nowhere.html")
    with open(src / "f_sparse.pdf", "wb") as fh:
        fh.truncate(2**40)  # hashing it would take an hour
    (src / "g_empty.docx").write_bytes(b"")
    (src / "h_dir.pdf").mkdir()  # a folder named like a report is walked, not read
    (src / "h_dir.pdf" / "inner.txt").write_bytes(report + b"\n")
    with open(os.fsencode(src) + b"/i_name-\xff\xfe.txt", "wb") as fh:  # not UTF-8: a Latin-1 name
        fh.write(report + b"\n\n")


def test_one_bad_entry_costs_only_itself(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _hostile_folder(src, "一、总体情况\n本年新收12件。".encode())
    got = gather(Source("folder", str(src), "r1"), tmp_path / "raw")
    assert [f.location for f in got.fetched] == [
        str(src / "a_good.txt"),
        str(src / "h_dir.pdf" / "inner.txt"),
        str(src) + "/i_name-\\xff\\xfe.txt",  # storable and printable; the path still opens the file
    ]
    assert all(Path(f.path).read_bytes().startswith("一".encode()) for f in got.fetched)
    reasons = {Path(f.location).name: f.reason for f in got.failures}
    assert reasons == {
        "b_fifo.txt": "not a regular file: a FIFO (named pipe)",
        "c_zero.pdf": "not a regular file: a character device",
        "d_loop.docx": "cannot read file: Too many levels of symbolic links",
        "e_dangling.html": "no such file",
        "f_sparse.pdf": "file is 1048576 MB, over the 200 MB limit",
        "g_empty.docx": "empty file",
    }
    assert {f.region for f in got.failures} == {"r1"}
    assert sorted(p.name for p in (tmp_path / "raw").rglob("*.txt")) == sorted(
        f"{f.sha256}.txt" for f in got.fetched
    )  # only the good files were kept in the raw store; the terabyte was never copied
