"""parse_value's digits and bounds: only ASCII and full-width digits are numbers; huge ones are suspect."""

from __future__ import annotations

import pytest

from nianbao.schemas.text import MAX_VALUE, parse_value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12),
        ("１２", 12),
        ("1,234", 1234),
        ("288.79万元", 288.79),
        ("+1036", 1036),
        ("1000000000", 10**9),
    ],
)
def test_ascii_and_full_width_digits_are_numbers(raw: str, value: float) -> None:
    pv = parse_value(raw)
    assert pv is not None and pv.value == value and pv.suspect is None


@pytest.mark.parametrize(
    ("raw", "char"), [("²", "²"), ("5²", "²"), ("①", "①"), ("٣", "٣"), ("𝟐", "𝟐"), ("१२", "१")]
)
def test_other_numerals_are_never_numbers(raw: str, char: str) -> None:
    pv = parse_value(raw)
    assert pv is not None
    assert (pv.value, pv.suspect) == (None, f"non-ASCII numeral {char!r}, not a digit")


def test_labels_with_circled_numbers_stay_labels() -> None:
    assert parse_value("①属于国家秘密") is None


@pytest.mark.parametrize("raw", ["1e400", "inf", "NaN", "1E5", "0x10"])
def test_exponents_and_specials_are_not_values(raw: str) -> None:
    assert parse_value(raw) is None


def test_counts_over_the_bound_are_left_blank_as_suspect() -> None:
    assert MAX_VALUE == 1_000_000_000  # schemas/templates/rules.toml [numbers] max_value
    pv = parse_value("1,000,000,001")
    assert pv is not None
    assert (pv.value, pv.suspect) == (None, "over 1,000,000,000, the largest plausible count or amount")


@pytest.mark.parametrize("n", [16, 30, 5000])
def test_numbers_with_too_many_digits_are_suspect(n: int) -> None:
    pv = parse_value("9" * n)  # 5,000 digits would also trip int()'s 4,300-digit limit
    assert pv is not None
    assert (pv.value, pv.suspect) == (None, f"{n} digits: not a count or amount")
