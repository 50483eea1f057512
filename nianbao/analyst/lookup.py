"""Find one report by what an analyst types: issuer, township, region code, or a part of the name."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from nianbao.schemas.template import TEMPLATE


class UnknownReport(ValueError):
    """Nothing (or more than one report) matches; the message lists what there is."""


@dataclass(frozen=True)
class ReportRef:
    """The current version of one report."""

    report_id: int
    report_key: str
    issuer: str
    year: int
    district: str | None
    township: str | None
    variants: dict[str, str | None]  # table id -> the report's variant of it (tables that vary)


_VARIED = TEMPLATE.varied
_SELECT = f"""
SELECT r.report_id, r.report_key, r.issuer, r.year, r.district, r.township, r.region_code,
       {", ".join(f"r.{t.variant_column}" for t in _VARIED)}
FROM current_reports r WHERE r.status <> 'failed' AND r.year IS NOT NULL
"""


def find_report(con: duckdb.DuckDBPyConnection, who: str, year: int | None = None) -> ReportRef:
    """The current report of `who` (issuer, township, region code or a unique part of the issuer).

    Args:
        con: warehouse or snapshot connection.
        who: e.g. 青溪市云岭区松溪镇人民政府, 松溪镇, 松溪, or a 12-digit region code.
        year: report year; None = the latest year of that issuer.

    Raises:
        UnknownReport: naming the candidates or the years there are.
    """
    rows = con.execute(_SELECT).fetchall()
    who = who.strip()
    tests = (
        lambda r: who in (r[2], r[5], r[6]),
        lambda r: who in (r[2] or "") or who in (r[5] or ""),
    )
    hits: list[tuple[object, ...]] = []
    for test in tests:
        hits = [r for r in rows if test(r)]
        if hits:
            break
    if not hits:
        raise UnknownReport(f"no report of {who!r}; try an issuer, a township or a region code")
    issuers = sorted({str(r[2]) for r in hits})
    places = sorted({str(r[5] or r[2]) for r in hits})
    if len(places) > 1:
        raise UnknownReport(f"{who!r} matches {len(places)} issuers: {', '.join(places[:8])}")
    years = sorted({int(str(r[3])) for r in hits})
    chosen = year if year is not None else years[-1]
    same = [r for r in hits if r[3] == chosen]
    if not same:
        raise UnknownReport(f"no {chosen} report of {issuers[0]}; years: {', '.join(map(str, years))}")
    r = max(same, key=lambda x: int(str(x[0])))
    variants = {t.id: r[7 + i] for i, t in enumerate(_VARIED)}
    return ReportRef(int(str(r[0])), str(r[1]), str(r[2]), int(str(r[3])), r[4], r[5], variants)  # type: ignore[arg-type]
