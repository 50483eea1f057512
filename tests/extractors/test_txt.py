"""The TXT reader on text written by the tests: Word tab exports, encodings, flattened tables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nianbao.extractors.document import Document, Paragraph
from nianbao.extractors.limits import LIMITS, ReaderLimits
from nianbao.extractors.readers.txt import read_txt
from nianbao.schemas.errors import UnreadableFile
from tests.extractors.fixtures_build import SHARED

NB = "\u00a0"

# A Word "plain text" export in the wangdian style: TAB-prefixed cells, an empty line ends a row, a
# bare TAB is an empty cell, TAB+NBSP a blank value, a TAB-less line right after a cell wraps it.
TAB_EXPORT = "\n".join(
    [
        "测试镇2019年政府信息公开工作年度报告",
        "",
        "二、主动公开政府信息情况",
        "\t第二十条第（一）项",
        "",
        "\t信息内容",
        "\t本年新",
        "制作数量",
        "\t对外公开总数量",
        "",
        "\t规章",
        "\t3",
        "\t0",
        "",
        "",
        "三、收到和处理政府信息公开申请情况（无）",
        "\t三、本年度办理结果",
        "\t（一）予以公开",
        *[f"\t{NB}"] * 7,
        "",
        "\t",
        "\t（七）总计",
        *[f"\t{NB}"] * 7,
        "",
        "\t四、结转下年度继续办理",
        *[f"\t{NB}"] * 6,
        "\t",
        "",
        "",
        "五、存在的主要问题及改进情况",
        f"{NB}公开形式仍需丰富，解读材料还不够通俗。",
    ]
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "r.txt") -> str:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return str(p)


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def test_tab_export_rows_and_cell_semantics(tmp_path: Path) -> None:
    doc = read_txt(write(tmp_path, TAB_EXPORT))
    t2, t3 = doc.tables
    assert not t2.structured and not t3.structured
    assert t2.texts() == [
        ["第二十条第（一）项"],
        ["信息内容", "本年新\n制作数量", "对外公开总数量"],
        ["规章", "3", "0"],
    ]
    assert t3.texts() == [
        ["三、本年度办理结果", "（一）予以公开", *[NB] * 7],
        ["", "（七）总计", *[NB] * 7],  # bare TAB: an empty cell (here a merge continuation)
        ["四、结转下年度继续办理", *[NB] * 6, ""],  # bare TAB last: still one of the 7 value cells
    ]
    assert paragraphs(doc) == [
        "测试镇2019年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况（无）",
        "五、存在的主要问题及改进情况",
        "公开形式仍需丰富，解读材料还不够通俗。",
    ]
    assert [t.index for t in doc.tables] == [0, 1]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    text = "镕城镇2023年政府信息公开工作年度报告\n一、总体情况\n本镇全年认真推进公开工作。\n"
    doc = read_txt(write(tmp_path, text, encoding))
    assert paragraphs(doc) == [
        "镕城镇2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本镇全年认真推进公开工作。",
    ]


def test_pipe_rows(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "四、政府信息公开行政复议、行政诉讼情况",
            "| 行政复议 | | | | |",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
            "| 1 | 0 | 0 | 0 | 1 |",
            "五、存在的主要问题及改进情况",
        ]
    )
    doc = read_txt(write(tmp_path, text))
    (table,) = doc.tables
    assert table.texts() == [
        ["行政复议", "", "", "", ""],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        ["1", "0", "0", "0", "1"],
    ]
    assert paragraphs(doc) == ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]


def test_pipe_per_cell(tmp_path: Path) -> None:
    """Quirk C, both forms: `cell |` lines, and cells followed by a lone `|` line."""
    ending = ["第二十条第（五）项 |", "信息内容 |", "本年处理决定数量 |", "行政许可 |", "12 |", "|"]
    lone = ["第二十条第（六）项", "|", "行政处罚", "|", "4", "|", "|"]
    for lines, cells in (
        (ending, ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "12", ""]),
        (lone, ["第二十条第（六）项", "行政处罚", "4", ""]),
    ):
        text = "\n".join(["二、主动公开政府信息情况", *lines, "三、收到和处理政府信息公开申请情况"])
        (table,) = read_txt(write(tmp_path, text)).tables
        assert table.texts() == [[c] for c in cells]


def test_one_cell_per_line_with_blank_lines(tmp_path: Path) -> None:
    """Quirk A: every cell on its own line, blank lines between them. The empty lines are kept as
    gaps (a blank cell or a separator, which the parser decides by the rows' widths), never as cells
    with text."""
    cells = ["申请人情况", "自然人", "商业企业", "总计", "一、本年新收政府信息公开申请数量", "6", "1", "7"]
    text = "\n\n".join(
        ["三、收到和处理政府信息公开申请情况", *cells, "四、政府信息公开行政复议、行政诉讼情况"]
    )
    doc = read_txt(write(tmp_path, text))
    (table,) = doc.tables
    printed = [row for row in table.rows if not row[0].gap]
    assert [[c.text for c in row] for row in printed] == [[c] for c in cells]
    gaps = [row[0] for row in table.rows if row[0].gap]
    assert len(gaps) == len(cells) and all(g.text == "" for g in gaps)  # one after every cell
    assert paragraphs(doc) == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


def test_short_lines_without_table_signs_stay_paragraphs(tmp_path: Path) -> None:
    text = "\n".join(
        ["二、主动公开政府信息情况", "（一）制度建设", "（二）平台建设", "（三）队伍建设", "（四）监督保障"]
    )
    doc = read_txt(write(tmp_path, text))
    assert doc.tables == [] and len(paragraphs(doc)) == 5


def test_empty_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="empty file"):
        read_txt(write(tmp_path, "  \n", name="e.txt"))
    p = tmp_path / "b.txt"
    p.write_bytes(b"\x00\x01\x02\x03" * 2000)
    with pytest.raises(UnreadableFile, match="binary"):
        read_txt(str(p))


WANGDIAN = SHARED / "corpus" / "real" / "wangdian_2019.txt"


@pytest.mark.skipif(not WANGDIAN.exists(), reason="../shared/corpus is not beside the repo")
def test_wangdian_carry_over_row_has_seven_value_cells() -> None:
    doc = read_txt(str(WANGDIAN))
    row = next(r for t in doc.tables for r in t.texts() if r and r[0] == "四、结转下年度继续办理")
    assert row[1:] == [NB] * 6 + [""]
    t4_values = next(r for r in doc.tables[-1].texts() if r and r[0] == NB)
    assert t4_values == [NB] * 14 + [""]
    assert doc.tables[0].texts()[1] == ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"]


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): special files and sizes are refused before any blocking read
# ------------------------------------------------------------------------------------------------
def test_fifo_named_report_txt_is_refused_not_read(tmp_path: Path) -> None:
    from nianbao.extractors import extract_file
    from nianbao.schemas import SourceFacts

    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)  # open() on it would block forever: no writer ever comes
    with pytest.raises(UnreadableFile, match=r"not a regular file: a FIFO \(named pipe\)$"):
        read_txt(str(fifo))
    report = extract_file(fifo)
    assert (report.status, report.error) == ("failed", "not a regular file: a FIFO (named pipe)")
    facts = SourceFacts(path=str(fifo), location="http://127.0.0.1/report.txt", sha256="0" * 64, size=0)
    report = extract_file(facts)  # sha256 known: the sniffing open must not block either
    assert (report.status, report.error) == ("failed", "not a regular file: a FIFO (named pipe)")


def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    from nianbao.extractors import extract_file

    link = tmp_path / "report.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(UnreadableFile, match="not a regular file: a character device$"):
        read_txt(str(link))
    report = extract_file(link)
    assert (report.status, report.error) == ("failed", "not a regular file: a character device")


def test_directory_named_like_a_report_is_refused(tmp_path: Path) -> None:
    from nianbao.extractors import extract_file

    d = tmp_path / "x.txt"
    d.mkdir()
    assert extract_file(d).error == "not a regular file: a directory"


def test_text_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * (LIMITS.max_text_bytes + 1))
    with pytest.raises(UnreadableFile, match="text file over the 20 MB limit: not a report$"):
        read_txt(str(p))


def test_too_many_lines_is_refused_blank_lines_are_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nianbao.extractors.readers.guard as guard

    monkeypatch.setattr(guard, "LIMITS", ReaderLimits(max_blocks=50))
    p = tmp_path / "many.txt"
    p.write_text("一、总体情况\n" + "\n" * 10000 + "本年新收12件\n" * 49, "utf-8")
    assert len(read_txt(str(p)).blocks) >= 1  # 10,000 blank lines do not count
    p.write_text("本年新收12件\n" * 51, "utf-8")
    with pytest.raises(UnreadableFile, match=r"51 paragraphs and tables \(limit 50\): not a report$"):
        read_txt(str(p))


def test_sparse_terabyte_file_is_refused_without_hashing_it(tmp_path: Path) -> None:
    from nianbao.extractors import extract_file

    p = tmp_path / "report.txt"
    with open(p, "wb") as fh:
        fh.write("一、总体情况\n".encode())
        fh.truncate(2**40)  # holes: hashing this would read a terabyte of zeros
    report = extract_file(p)
    assert (report.status, report.sha256) == ("failed", "")
    assert report.error == "file is 1048576 MB, over the 200 MB limit"


def test_control_characters_are_reported_and_never_continue_a_cell(tmp_path: Path) -> None:
    p = tmp_path / "damaged.txt"
    p.write_text("一、总体情况\n\t行政处罚\t68\n\x11行政强制\n\t9\n\n\t规章\n\t1\n\n", "utf-8")
    doc = read_txt(str(p))
    assert doc.warnings == ["1 control characters in the text: the file is damaged"]
    assert all("\x11行政强制" not in cell for t in doc.tables for row in t.texts() for cell in row)
