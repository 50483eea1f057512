"""Text normalisation and value parsing shared by every stage.

Labels are compared only after `norm_label`; printed values are split into number, unit and note by
`parse_value`. Both are pure functions of their input.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from opencc import OpenCC

from nianbao.schemas.rules import catalogue

_T2S = OpenCC("t2s")
# Whitespace of every kind that Word, HTML and PDF put inside labels (NBSP, ideographic space, ZWSP).
_WS = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
_QUOTES = str.maketrans("", "", "“”„‟\"'‘’「」『』")
_DASHES = str.maketrans({"−": "-", "－": "-", "–": "-", "—": "-"})


def path_text(path: str | os.PathLike[str]) -> str:
    """A local path as text that can be stored and printed: name bytes that are not UTF-8 as `\\xNN`.

    Python decodes such bytes to lone surrogates, which open the file but cannot be written to
    DuckDB, JSON or a terminal; this keeps the path readable and tells the bytes apart.

    Args:
        path: the path as the file system gave it.
    """
    text = os.fspath(path)
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the file system's bytes, as they were
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte: shown as \udXXX
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def clean_space(text: str) -> str:
    """Collapse every run of Unicode whitespace to one ASCII space and strip the ends."""
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional -> Simplified script, with the 文件 -> 檔案 vocabulary conversion undone."""
    if text.isascii():
        return text
    return str(_T2S.convert(text)).replace("档案", "文件").replace("檔案", "文件")


@lru_cache(maxsize=65536)
def norm_label(text: str | None) -> str:
    """Canonical form of a label for matching.

    NFKC (full-width -> half-width punctuation), Traditional -> Simplified, every whitespace and
    quote removed, "1、" -> "1.", trailing colons dropped.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = to_simplified(s)
    s = _WS.sub("", s).translate(_QUOTES)
    s = re.sub(r"(?<=\d)[、,．]", ".", s)
    return s.rstrip(":：")


def strip_parens(text: str) -> str:
    """Remove parenthesised notes from an already normalised label (half-width parentheses)."""
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\([^()]*\)", "", text)
    return text


# ------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------
NULL_MARKERS = frozenset({"-", "--", "/", "无", "\\", "、", "——", "---", "空", "暂无"})
UNITS = ("万元", "亿元", "元", "件", "个", "项", "次", "条", "家", "%")
# ASCII digits only ([0-9], never \d): full-width digits are ASCII after NFKC, and every other
# numeral (², ①, ٣, 𝟐) is caught by `_foreign_digit` before it could pass as one.
_VALUE = re.compile(
    r"^(?P<num>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
    r"(?P<unit>万元|亿元|元|件|个|项|次|条|家|%)?"
    r"(?P<note>\(.*\))?$"
)


@dataclass(frozen=True)
class ParsedValue:
    """A printed cell value split into its parts. `value` is None for blanks and markers."""

    value: int | float | None
    raw: str
    unit: str | None = None
    note: str | None = None
    signed: bool = False  # printed with an explicit + or -
    is_marker: bool = False  # a printed null marker such as "-" or "无"
    suspect: str | None = None  # why the printed text cannot be trusted as a number

    @property
    def is_blank(self) -> bool:
        return self.value is None and not self.is_marker


def _compact(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw).translate(_DASHES)
    return _WS.sub("", s)


MAX_VALUE = catalogue().max_value  # the largest number a cell may hold ([numbers] of rules.toml)
_MAX_DIGITS = 15  # significant digits a float64 holds exactly; more cannot be stored as printed
_FULLWIDTH_DIGITS = frozenset("０１２３４５６７８９")


def _foreign_digit(text: str) -> str | None:
    """The first character that is a numeral but neither an ASCII nor a full-width digit.

    Decided on the raw text: NFKC would turn ² and ① into 2 and 1.
    """
    for ch in text:
        if ch.isascii() or ch in _FULLWIDTH_DIGITS:
            continue
        if unicodedata.category(ch) in ("Nd", "No") or any(
            "0" <= c <= "9" for c in unicodedata.normalize("NFKC", ch)
        ):
            return ch
    return None


def _ascii_digits(text: str) -> str:
    """Other scripts' decimal digits (٣, ३) as ASCII, to tell whether text would read as a number."""
    return "".join(str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text)


def parse_value(raw: str | None) -> ParsedValue | None:
    """Parse a printed cell into a value, or return None when the text is not a value at all.

    Blank text gives a blank value (None, never 0). Null markers ("-", "—", "/", "无") give None with
    the raw text kept. "288.79万元" gives 288.79 with unit 万元; "22（其中修订16件）" gives 22 with the
    note kept; "+1036" keeps its sign. Text such as "1.属于国家秘密" is a label: None is returned.
    """
    text = raw if raw is not None else ""
    s = _compact(text)
    foreign = _foreign_digit(text)
    if foreign is not None:
        if _VALUE.match(_compact(_ascii_digits(text))):
            return ParsedValue(None, text, suspect=f"non-ASCII numeral {foreign!r}, not a digit")
        return None  # text with a circled or superscript number in it: a label, never a value
    if re.search(r"[0-9][\s\u00a0\u3000]+[0-9]", unicodedata.normalize("NFKC", text)):
        # "2 0" may be 20 with its digits split by the layout, or two cells run together: never guess.
        return ParsedValue(None, text, suspect="digits separated by space")
    if s == "":
        return ParsedValue(None, text)
    if s in NULL_MARKERS or set(s) <= {"-", "/", "\\"}:
        return ParsedValue(None, text, is_marker=True)
    m = _VALUE.match(s)
    if not m:
        return None
    num = m.group("num").replace(",", "")
    digits = num.lstrip("+-").replace(".", "").lstrip("0")
    if len(digits) > _MAX_DIGITS:  # also keeps int() away from its 4,300-digit limit
        return ParsedValue(None, text, suspect=f"{len(digits)} digits: not a count or amount")
    number: int | float = float(num) if "." in num else int(num)
    if abs(number) > MAX_VALUE:
        return ParsedValue(None, text, suspect=f"over {MAX_VALUE:,}, the largest plausible count or amount")
    note = m.group("note")
    return ParsedValue(
        number,
        text,
        unit=m.group("unit"),
        note=note[1:-1] if note else None,
        signed=num[0] in "+-",
    )


def is_value_text(raw: str | None) -> bool:
    """True when the text reads as a cell value (number, blank or null marker), not a label."""
    return parse_value(raw) is not None


CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def cn_number(text: str) -> int | None:
    """Read a small Chinese numeral (二〇二〇, 十二, 二十五) as an int; None if it is not one."""
    if not text or any(ch not in CN_DIGITS for ch in text):
        return None
    if "十" not in text:
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


# ------------------------------------------------------------------------------------------------
# Dates: the one parser for signature lines, metadata blocks, list pages and URLs
# ------------------------------------------------------------------------------------------------
DATE = re.compile(r"((?:19|20)\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
"""A date in Arabic digits: 2020年1月15日, 2020-01-15, 2020.1.15, 2020/1/15 (after NFKC)."""
CN_DATE = re.compile(
    r"([二〇○零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
"""A date in Chinese numerals: 二〇二〇年一月十五日."""


def iso_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """yyyy-mm-dd of a calendar date; None for one that does not exist (2023-02-30, month 13)."""
    if not (year and month and day):
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """The first real date a text gives, in Arabic digits or Chinese numerals, as ISO; else None."""
    if not text:
        return None
    for m in DATE.finditer(unicodedata.normalize("NFKC", text)):
        found = iso_date(*(int(g) for g in m.groups()))
        if found:
            return found
    for m in CN_DATE.finditer(text):
        found = iso_date(*(cn_number(g) for g in m.groups()))
        if found:
            return found
    return None
