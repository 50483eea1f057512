"""What needs a person after a run, as markdown for the nightly Prefect artifact.

Lists every current report with errors (with its first error, in Chinese) and every township whose
report is missing or late, per district and year, from the `coverage` view.
"""

from __future__ import annotations

import duckdb

from nianbao.analyst.district import report_findings
from nianbao.analyst.words import WORDS


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "/").replace("\n", " ")


def attention_markdown(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[str]:
    """Markdown lines: reports with errors, then missing and late townships (at most `limit` rows each).

    Args:
        con: the working warehouse or a snapshot.
        limit: rows per list; the rest are counted, not listed.
    """
    ids = [
        int(r[0])
        for r in con.execute(
            "SELECT DISTINCT report_id FROM current_findings WHERE severity = 'error' AND status = 'open'"
        ).fetchall()
    ]
    errors = [f for f in report_findings(con, ids) if f["severity"] == "error"]
    by_report: dict[int, list[dict[str, object]]] = {}
    for f in errors:
        by_report.setdefault(int(str(f["report_id"])), []).append(f)
    out = ["", "## " + WORDS["attention_errors"].format(n=len(by_report)), ""]
    if by_report:
        out += [
            f"| {WORDS['township']} | {WORDS['issuer']} | {WORDS['year']} | {WORDS['errors']} | {WORDS['message']} |",
            "|---|---|---:|---:|---|",
        ]
        for items in list(by_report.values())[:limit]:
            f = items[0]
            out.append(
                f"| {_cell(f['township'])} | {_cell(f['issuer'])} | {f['year']} | {len(items)} | {_cell(f['message'])} |"
            )
        if len(by_report) > limit:
            out.append("\n" + WORDS["attention_more"].format(n=len(by_report) - limit))
    else:
        out.append("- " + WORDS["attention_none"])
    late = con.execute(
        "SELECT district, township, year, status, published, days_late FROM coverage "
        "WHERE status IN ('missing', 'late') ORDER BY year DESC, status DESC, district, township"
    ).fetchall()
    out += ["", "## " + WORDS["attention_late"].format(n=len(late)), ""]
    if late:
        out += [
            f"| {WORDS['district']} | {WORDS['township']} | {WORDS['year']} | {WORDS['status']} | "
            f"{WORDS['published']} | {WORDS['days_late']} |",
            "|---|---|---:|---|---|---:|",
        ]
        for district, township, year, status, published, days in late[:limit]:
            out.append(
                f"| {_cell(district)} | {_cell(township)} | {year} | {WORDS[status]} | {_cell(published)} | {_cell(days)} |"
            )
        if len(late) > limit:
            out.append("\n" + WORDS["attention_more"].format(n=len(late) - limit))
    else:
        out.append("- " + WORDS["attention_none"])
    return out
