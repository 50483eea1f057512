"""Findings judged again on corrected values, after every correction, undo and load.

A correction (`nianbao override`, table `overrides`) changes the current value of one cell; the
findings recorded at load were judged on the printed values. For every report with a correction in
force (on itself, or on the year before for the cross-year checks) the value checks (identities,
cross-year chains, narrative figures) are run twice, on the printed and on the corrected values:

- a recorded finding of those checks that the corrected values no longer raise is answered;
- any other finding about cells (a doubtful reading, a negative count, parts that disagree) is
  answered when every cell it names has been corrected: the value was confirmed with the issuer;
- a finding the corrected values raise and the printed ones did not is recorded anew, with origin
  `correction` (a correction can break an identity too).

An answered finding keeps its row in `findings`; `findings_answered` says which corrections answer
it, and the `current_findings` view gives it the status `corrected` (已更正). Nothing is deleted
but this stage's own rows, which it rewrites for the reports it judges.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb

from nianbao.schemas.records import Finding
from nianbao.schemas.template import TEMPLATE
from nianbao.schemas.validate import RULES, Key, check_cross_year, check_identity, check_narrative

ORIGIN = "correction"
_VALUE_GROUPS = ("identity", "cross_year", "narrative")
_PARTS = ("document", "page", "attachment")
_PREVIOUS = "previous."

Signature = tuple[str, frozenset[str]]


def _years(key: str) -> tuple[str, int] | None:
    who, _, year = key.rpartition("|")
    if not who or not year.isdigit() or key.startswith("sha256:"):
        return None
    return who, int(year)


def _shift(key: str, by: int) -> str | None:
    parts = _years(key)
    return f"{parts[0]}|{parts[1] + by}" if parts else None


def rejudge(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> int:
    """Judge the findings of these reports and of the next year's again; returns how many are answered.

    Args:
        con: the working database, inside the caller's transaction.
        keys: report_keys whose cells or corrections changed.
    """
    todo = sorted({k for key in keys for k in (key, _shift(key, 1)) if k})
    if not todo or not con.execute("SELECT count(*) FROM overrides").fetchone()[0]:  # type: ignore[index]
        return 0
    parts = con.execute(
        "SELECT report_key, report_id, part_rank FROM report_parts WHERE report_key IN (SELECT unnest(?::VARCHAR[]))",
        [todo],
    ).fetchall()
    part_ids = sorted({int(r[1]) for r in parts})
    if part_ids:
        con.execute(
            "DELETE FROM findings WHERE origin = ? AND report_id IN (SELECT unnest(?::BIGINT[]))",
            [ORIGIN, part_ids],
        )
        con.execute(
            "DELETE FROM findings_answered WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [part_ids]
        )
    wanted = sorted(set(todo) | {p for k in todo if (p := _shift(k, -1))})
    corrections: dict[str, dict[Key, tuple[int, float]]] = {}
    for key, t, r, c, oid, value in con.execute(
        "SELECT report_key, table_id, row_code, col_code, override_id, value FROM active_overrides "
        "WHERE report_key IN (SELECT unnest(?::VARCHAR[]))",
        [wanted],
    ).fetchall():
        corrections.setdefault(key, {})[(t, r, c)] = (int(oid), float(value))
    judged = [k for k in todo if k in corrections or (_shift(k, -1) or "") in corrections]
    if not judged:
        return 0
    printed: dict[str, dict[Key, Any]] = {}
    for key, t, r, c, v in con.execute(
        "SELECT report_key, table_id, row_code, col_code, value FROM printed_cells "
        "WHERE report_key IN (SELECT unnest(?::VARCHAR[]))",
        [wanted],
    ).fetchall():
        printed.setdefault(key, {})[(t, r, c)] = v
    by_key: dict[str, list[tuple[int, int]]] = {}
    for key, rid, rank in parts:
        by_key.setdefault(key, []).append((int(rank), int(rid)))
    now = datetime.now(UTC).replace(tzinfo=None)
    answered_rows: list[tuple[int, int, list[int], datetime]] = []
    new_rows: list[tuple[int, Finding]] = []
    for key in judged:
        if key not in printed or key not in by_key:
            continue
        ids = [rid for _, rid in sorted(by_key[key])]
        variants, narrative = _report_context(con, ids)
        prev_key = _shift(key, -1) or ""
        own, before = corrections.get(key, {}), corrections.get(prev_key, {})
        values, prev = printed[key], printed.get(prev_key)
        fixed = _applied(values, own)
        fixed_prev = _applied(prev, before) if prev is not None else None
        as_printed = _value_checks(values, prev, variants, narrative)
        as_fixed = _value_checks(fixed, fixed_prev, variants, narrative)
        sig_printed = {_signature(f.rule, f.cells) for f in as_printed}
        sig_fixed = {_signature(f.rule, f.cells) for f in as_fixed}
        touched = {".".join(k): oid for k, (oid, _) in own.items()}
        touched |= {_PREVIOUS + ".".join(k): oid for k, (oid, _) in before.items()}
        recorded = con.execute(
            "SELECT report_id, seq, rule, cells FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
            [ids],
        ).fetchall()
        seen: set[Signature] = set()
        for rid, seq, rule, cells_json in recorded:
            cells = _cells(cells_json)
            sig = _signature(rule, cells)
            seen.add(sig)
            names = _cell_names(cells)
            by = sorted({touched[n] for n in names if n in touched})
            rule_def = RULES.get(rule)
            if rule_def is not None and rule_def.group in _VALUE_GROUPS:
                answered = sig not in sig_fixed and (sig in sig_printed or bool(by))
            else:
                answered = bool(names) and all(n in touched for n in names)
            if answered:
                answered_rows.append((int(rid), int(seq), by or sorted(set(touched.values())), now))
        primary = ids[0]
        new_rows += [(primary, f) for f in as_fixed if _signature(f.rule, f.cells) not in sig_printed | seen]
    if answered_rows:
        con.executemany("INSERT INTO findings_answered VALUES (?, ?, ?, ?)", answered_rows)
    if new_rows:
        _insert(con, new_rows)
    return len(answered_rows)


def _applied(values: Mapping[Key, Any], corrections: Mapping[Key, tuple[int, float]]) -> dict[Key, Any]:
    """The values with the corrections in force applied (only to cells the report has)."""
    out = dict(values)
    for k, (_, v) in corrections.items():
        if k in out:
            out[k] = v
    return out


def _value_checks(
    values: Mapping[Key, Any],
    previous: Mapping[Key, Any] | None,
    variants: Mapping[str, str | None],
    narrative: Mapping[str, str],
) -> list[Finding]:
    """The checks whose verdict depends on the values only: identities, cross-year, narrative."""
    out: list[Finding] = []
    for ident in TEMPLATE.identities:
        out += check_identity(ident, values, variants.get(ident.table))
    if previous is not None:
        out += check_cross_year(values, previous)
    if narrative:
        out += check_narrative(narrative, values)
    return out


def _report_context(
    con: duckdb.DuckDBPyConnection, ids: list[int]
) -> tuple[dict[str, str | None], dict[str, str]]:
    """The report's table variants (from its primary part) and its narrative (primary part first)."""
    varied = TEMPLATE.varied
    row = con.execute(
        f"SELECT {', '.join(t.variant_column for t in varied)} FROM reports WHERE report_id = ?", [ids[0]]
    ).fetchone()
    variants = {t.id: v for t, v in zip(varied, row, strict=True)} if row else {}
    narrative: dict[str, str] = {}
    order = {rid: i for i, rid in enumerate(ids)}
    rows = con.execute(
        "SELECT report_id, section, text FROM narratives WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    ).fetchall()
    for _rid, section, text in sorted(rows, key=lambda r: order.get(int(r[0]), 99)):
        if text and section not in narrative:
            narrative[section] = text
    return variants, narrative


def _cells(cells_json: Any) -> dict[str, Any]:
    if not cells_json:
        return {}
    try:
        data = json.loads(cells_json) if isinstance(cells_json, str) else cells_json
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _signature(rule: str, cells: Mapping[str, Any] | None) -> Signature:
    return rule, frozenset(cells or {})


def _cell_names(cells: Mapping[str, Any]) -> set[str]:
    """The template cells a finding names, as `<table>.<row>.<column>` (`previous.` kept for last year's);
    the part prefix of parts_disagree (`document.` before a cell code) is dropped."""
    out: set[str] = set()
    for name in cells:
        head, _, rest = name.partition(".")
        if head in _PARTS:
            name = rest
        bare = name.removeprefix(_PREVIOUS)
        bits = bare.split(".")
        if len(bits) == 3 and bits[0] in TEMPLATE_TABLES:
            out.add(name)
    return out


TEMPLATE_TABLES = frozenset(TEMPLATE.table_ids)


def _insert(con: duckdb.DuckDBPyConnection, rows: list[tuple[int, Finding]]) -> None:
    start = dict(
        con.execute(
            "SELECT report_id, max(seq) + 1 FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[])) "
            "GROUP BY report_id",
            [sorted({r for r, _ in rows})],
        ).fetchall()
    )
    out = []
    for rid, f in rows:
        seq = int(start.get(rid) or 0)
        start[rid] = seq + 1
        out.append(
            (rid, seq, ORIGIN, f.rule, f.severity, f.message,
             json.dumps(f.cells, ensure_ascii=False, default=str) if f.cells else None,
             _num(f.expected), _num(f.actual), f.source_inconsistent)
        )  # fmt: skip
    con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", out)


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None
