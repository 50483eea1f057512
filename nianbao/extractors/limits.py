"""Every bound the readers keep, in one place: a frozen dataclass of named limits with defaults.

A 年报 is a few pages with three small tables; every limit below is one to two orders of magnitude
above the largest real report seen (../shared/corpus, 2019-2024), so a real report never meets one.
A file that does is refused (or the offending part skipped) with a reason naming the limit, before
the work that the limit protects is done: sizes are checked before reading, declared zip sizes and
ratios before inflating, decoded PDF stream lengths before interpreting, pixel counts before
rendering, table dimensions before building a grid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class ReaderLimits:
    """Named limits of the readers. `LIMITS` is the instance every reader uses."""

    # files
    max_file_bytes: int = 200 * MiB  # any file; a 年报 is a few MB (scans up to ~30 MB)
    max_text_bytes: int = 20 * MiB  # .txt; real ones are tens of KB
    max_html_bytes: int = 20 * MiB  # .html; a page is < 1 MB, Word-saved HTML a few MB
    max_html_attributes: int = 64  # per tag: libxml2 checks duplicates pairwise (200,000 took 85 s)
    seconds_per_file: float = 300.0  # in-process wall-clock guard of one read (OCR of 12 pages fits)
    memory_per_file: int = 3 * 1024 * MiB  # growth of resident memory during one read

    # zip packages (.docx, .xlsx)
    max_zip_entries: int = 5000
    max_part_bytes: int = 32 * MiB  # one inflated XML part; real word/document.xml < 2 MB
    max_package_bytes: int = 300 * MiB  # all parts together, as declared
    max_zip_ratio: int = 200  # XML compresses ~10:1; 1 MB+ parts at 200:1 are bombs

    # tables (HTML, DOCX, sheets): a 年报 table is < 60 rows x 20 columns
    max_table_rows: int = 2000
    max_table_cols: int = 200
    max_table_cells: int = 100_000  # rows x columns of one expanded grid
    max_document_cells: int = 400_000  # all tables of one document together
    max_blocks: int = 100_000  # paragraphs, headings and tables of one document

    # spreadsheets
    max_sheets: int = 100
    max_sheet_cells: int = 200_000  # used range of one worksheet

    # PDF
    max_pdf_pages: int = 60  # read this far; the rest is skipped with a warning
    max_pdf_stream_bytes: int = 16 * MiB  # one decoded stream; a text page's content is < 200 KB
    max_pdf_decoded_bytes: int = 32 * MiB  # all streams decoded in one file (CMaps parse at ~1 s/MB)
    max_page_content_bytes: int = 1 * MiB  # drawing instructions of one page (pdfminer: ~5 s/MB)
    max_pdf_content_bytes: int = 4 * MiB  # drawing instructions of all pages read
    max_page_side_pt: float = 5000.0  # ~69 in; A0 is 3370 pt, a 200-inch page is 14400 pt
    max_ocr_pages: int = 12  # at ~5 s a page, OCR of a long scan is capped
    ocr_dpi: int = 170
    max_ocr_pixels: int = 16_000_000  # one page rendered for OCR (A3 at 170 dpi is 5.6 M)

    # images
    max_image_pixels: int = 120_000_000  # refused before decoding; larger are downscaled for OCR
    max_image_frames: int = 12  # as many as PDF pages get OCR


LIMITS = ReaderLimits()


# Processes that share this machine's cores for OCR (see share_cores); 0 until told: then every core
# is assumed taken by another worker and the OCR engine runs one thread, so workers never oversubscribe.
# Here, not in readers/ocr.py, so that a worker sets it without loading the OCR libraries.
_SHARING = [0]


def share_cores(processes: int) -> None:
    """Tell OCR how many processes run it side by side (an engine built already is rebuilt).

    The engine then gives onnxruntime the cores this process may use divided by `processes` (at
    least one thread), so that two worker processes never run four OCR threads on two cores.

    Args:
        processes: extraction processes that run at the same time (1 for a single process).
    """
    _SHARING[0] = max(1, processes)


def ocr_threads() -> int:
    """onnxruntime intra-op threads of this process's OCR engine: usable cores / sharing processes.

    One thread until `share_cores` has been called (the safe choice for a worker among several).
    """
    if not _SHARING[0]:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores // _SHARING[0])
