"""The crawler's vocabulary (labels, tokens, suffixes), read once from `vocabulary.toml`; the words of
page furniture are the page reader's (nianbao.extractors.page)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FILE = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Vocabulary:
    """Every label the crawler matches, grouped as in vocabulary.toml."""

    report_text: tuple[str, ...]
    report_text_needs: tuple[str, ...]
    report_url: tuple[str, ...]
    not_report: tuple[str, ...]
    report_column: tuple[str, ...]
    township_columns: tuple[str, ...]
    township_suffixes: tuple[str, ...]
    not_township: tuple[str, ...]
    street_long: tuple[str, ...]
    street_short: str
    not_township_starts: tuple[str, ...]
    township_max_chars: int
    next_page: tuple[str, ...]
    last_page: tuple[str, ...]
    first_page: tuple[str, ...]
    previous_page: tuple[str, ...]
    attachment_suffixes: tuple[str, ...]
    attachment_link_text: tuple[str, ...]
    image_suffixes: tuple[str, ...]
    page_suffixes: tuple[str, ...]
    year_pattern: str
    admin_prefix_end: tuple[str, ...]


def load_vocabulary(path: str | Path = _FILE) -> Vocabulary:
    """Read a vocabulary file (the bundled one by default).

    Args:
        path: a TOML file with the tables of sources/crawl/vocabulary.toml.
    """
    with open(path, "rb") as fh:
        d: dict[str, Any] = tomllib.load(fh)
    t = tuple
    return Vocabulary(
        report_text=t(d["report"]["text"]),
        report_text_needs=t(d["report"]["text_needs"]),
        report_url=t(s.lower() for s in d["report"]["url"]),
        not_report=t(d["report"]["not_report"]),
        report_column=t(d["columns"]["report_column"]),
        township_columns=t(d["columns"]["townships"]),
        township_suffixes=t(d["columns"]["township_suffixes"]),
        not_township=t(d["columns"]["not_township"]),
        street_long=t(d["columns"]["street_long"]),
        street_short=str(d["columns"]["street_short"]),
        not_township_starts=t(d["columns"]["not_township_starts"]),
        township_max_chars=int(d["columns"]["township_max_chars"]),
        next_page=t(d["paging"]["next"]),
        last_page=t(d["paging"]["last"]),
        first_page=t(d["paging"]["first"]),
        previous_page=t(d["paging"]["previous"]),
        attachment_suffixes=t(d["suffixes"]["attachments"]),
        attachment_link_text=t(d["suffixes"]["attachment_link_text"]),
        image_suffixes=t(d["suffixes"]["images"]),
        page_suffixes=t(d["suffixes"]["pages"]),
        year_pattern=str(d["patterns"]["year"]),
        admin_prefix_end=t(d["patterns"]["admin_prefix_end"]),
    )


VOCAB = load_vocabulary()
