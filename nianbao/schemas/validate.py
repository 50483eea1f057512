"""Validation of an extracted report: identities, cross-year, narrative, plausibility, completeness.

`validate(report, previous)` returns findings; it never changes the report. Numbers are taken as
extracted: a blank cell (value None) is never read as 0, so a check that involves one is
"undeterminable", and a blank total whose parts are printed gets its own `blank_total` finding
with the sum it would have had. A failed identity is a result (`source_inconsistent=True`, the
printed numbers disagree), never an exception and never a repair.

Rule codes, severities and descriptions live in `templates/rules.toml`; the identities themselves
(which rows and columns add up) in `templates/template.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

from nianbao.schemas.frames import check as check_frames
from nianbao.schemas.records import Finding, Report, cell_path
from nianbao.schemas.rules import RULES, Rule, finding
from nianbao.schemas.template import TEMPLATE, Identity, Template

Key = tuple[str, str, str]  # (table, row code, column code)
Number = int | float
# `previous`: the same issuer's report of year-1, as a mapping (table, row, col) -> value (None =
# blank). A Report is accepted too and converted with `cell_values`. A mapping is the primary form
# because the warehouse reads the previous year from DuckDB, not from a Report.
Previous = Mapping[Key, Number | None] | Report

SECTION_CODES = tuple(s.code for s in TEMPLATE.sections)
TABLES = TEMPLATE.table_ids
__all__ = ["RULES", "Rule", "cell_path", "cell_values", "count_by_severity", "finding", "validate"]
_TOWNSHIP = re.compile(r"(镇|乡|街道|街道办事处)(人民政府)?$")
_TOL = 1e-6  # amounts such as 96171.6 万元 are floats; counts compare exactly anyway


def _check_rules(tpl: Template) -> None:
    """Every identity and narrative check of the template has its rule in rules.toml."""
    codes = {i.code for i in tpl.identities} | {c.code for c in tpl.cross_year}
    codes |= {n.rule for n in tpl.narrative_checks}
    missing = codes - set(RULES)
    if missing:
        raise ValueError(f"rules.toml has no entry for the template's checks {sorted(missing)}")


_check_rules(TEMPLATE)


def cell_values(report: Report) -> dict[Key, Number | None]:
    """(table, row, col) -> value of every cell of a report; a blank or marker is None."""
    return {(c.table, c.row_code, c.col_code): c.value for c in report.cells}


def _fmt(x: Number | None) -> str:
    if x is None:
        return "blank"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _eq(a: Number, b: Number) -> bool:
    return abs(a - b) <= _TOL * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------------------------------------
# Identities 1-4
# ------------------------------------------------------------------------------------------------
def _present_codes(tpl: Template, table: str, variant: str | None) -> tuple[set[str], set[str]]:
    """Row and column codes of a table in the report's variant (all codes when it is unknown)."""
    t = tpl.table(table)
    rows = {r.code for r in (t.rows_for(variant) if variant else t.rows)}
    return rows, {c.code for c in t.columns}


def _identity_positions(
    ident: Identity, variant: str | None, tpl: Template = TEMPLATE
) -> tuple[tuple[str, tuple[Key, ...], tuple[Key, ...]], ...]:
    """(position, lhs keys, rhs keys) of an identity in a variant; computed once, not per report."""
    return _positions(ident, variant, tpl)


@lru_cache(maxsize=256)  # per template (a Template hashes by identity), identity and variant
def _positions(
    ident: Identity, variant: str | None, tpl: Template
) -> tuple[tuple[str, tuple[Key, ...], tuple[Key, ...]], ...]:
    table = tpl.table(ident.table)
    rows, cols = _present_codes(tpl, ident.table, variant)
    lhs_all, rhs_all = table.expand(ident.lhs), table.expand(ident.rhs)
    out = []
    # Along columns: lhs/rhs name rows and we iterate the columns; along rows, the reverse.
    if ident.along == "columns":
        lhs = [c for c in lhs_all if c in rows]
        rhs = [c for c in rhs_all if c in rows]
        for pos in (c.code for c in table.columns if c.code in cols):
            out.append(
                (pos, tuple((ident.table, c, pos) for c in lhs), tuple((ident.table, c, pos) for c in rhs))
            )
    else:
        lhs = [c for c in lhs_all if c in cols]
        rhs = [c for c in rhs_all if c in cols]
        for pos in (r.code for r in table.rows if r.code in rows):
            out.append(
                (pos, tuple((ident.table, pos, c) for c in lhs), tuple((ident.table, pos, c) for c in rhs))
            )
    return tuple(out)


def check_identity(
    ident: Identity, values: Mapping[Key, Number | None], variant: str | None, tpl: Template = TEMPLATE
) -> list[Finding]:
    """Check one identity at every position along its axis; findings for failures and blanks."""
    findings: list[Finding] = []
    undetermined: dict[str, Number | None] = {}
    for pos, lk, rk in _identity_positions(ident, variant, tpl):
        lv = [values.get(k) for k in lk]
        rv = [values.get(k) for k in rk]
        if None not in lv and None not in rv:
            left, right = sum(lv), sum(rv)  # type: ignore[arg-type]
            if _eq(left, right):
                continue
        elif not any(k in values for k in lk + rk):
            continue  # the table is absent from the report: completeness says so
        involved = {cell_path(k): values.get(k) for k in lk + rk}
        if None in lv or None in rv:
            if len(lk) == 1 and lv[0] is None and rv and all(v is not None for v in rv):
                total = sum(v for v in rv if v is not None)
                findings.append(
                    finding(
                        "blank_total",
                        f"{ident.code} at {pos}: total {cell_path(lk[0])} is blank although its "
                        f"parts are printed (they sum to {_fmt(total)}); the blank is not read as 0",
                        cells=involved,
                        expected=total,
                        actual=None,
                    )
                )
            else:
                undetermined.update({p: v for p, v in involved.items() if v is None})
            continue
        # A numeric failure (equal sums were skipped above). Convention: expected = what the
        # parts compute to, actual = the printed total side.
        findings.append(
            finding(
                ident.code,
                f"identity {ident.number} ({ident.rule}) fails at {pos}: "
                f"{' + '.join(cell_path(k) for k in rk)} = {_fmt(right)}, "
                f"but {' + '.join(cell_path(k) for k in lk)} = {_fmt(left)} as printed",
                cells=involved,
                expected=right,
                actual=left,
            )
        )
    # A wholly blank table is reported once as `no_data`, not position by position.
    table_blank = all(v is None for k, v in values.items() if k[0] == ident.table)
    if undetermined and not table_blank:
        findings.append(
            finding(
                "identity_undeterminable",
                f"identity {ident.number} ({ident.code}) cannot be checked where these cells are "
                f"blank or missing: {', '.join(sorted(undetermined))}",
                cells=undetermined,
            )
        )
    return findings


def check_identities(report: Report, tpl: Template = TEMPLATE) -> list[Finding]:
    """Identities 1-4 of the template, each in the variant of its table; one misprint, one finding."""
    values = cell_values(report)
    out: list[Finding] = []
    for ident in tpl.identities:
        out.extend(check_identity(ident, values, report.variants.get(ident.table), tpl))
    return pinpoint_misprint(out, values, report.variants, tpl)


# ------------------------------------------------------------------------------------------------
# One misprinted cell
# ------------------------------------------------------------------------------------------------
Position = tuple[str, tuple[Key, ...], tuple[Key, ...]]  # identity code, lhs keys, rhs keys


def _all_positions(variants: Mapping[str, str | None], tpl: Template) -> list[Position]:
    return [
        (ident.code, lk, rk)
        for ident in tpl.identities
        for _pos, lk, rk in _identity_positions(ident, variants.get(ident.table), tpl)
    ]


def _needed(key: Key, lk: tuple[Key, ...], rk: tuple[Key, ...], values: Mapping[Key, Number | None]) -> float:
    """The value `key` would need for sum(lk) == sum(rk) to hold, the other cells as printed."""
    left = sum(values[k] or 0 for k in lk if k != key)
    right = sum(values[k] or 0 for k in rk if k != key)
    return float(right - left) if key in lk else float(left - right)


def misprint_candidates(
    values: Mapping[Key, Number | None], variants: Mapping[str, str | None], tpl: Template = TEMPLATE
) -> list[tuple[Key, float, list[str]]]:
    """Single cells whose change to one value would make every identity hold: (cell, value, checks).

    Only positions where every cell is printed count. A candidate takes part in every failing
    position, every failing position asks the same value of it, the value is one the cell can hold
    (a whole number >= 0 unless the column is signed or an amount), and no position that holds
    now involves it (changing it would break that one).
    """
    failing: list[Position] = []
    holding: list[Position] = []
    for code, lk, rk in _all_positions(variants, tpl):
        got = [values.get(k) for k in lk + rk]
        if any(v is None for v in got):
            continue
        left = sum(values[k] or 0 for k in lk)
        right = sum(values[k] or 0 for k in rk)
        (holding if _eq(left, right) else failing).append((code, lk, rk))
    if not failing:
        return []
    common = set(failing[0][1] + failing[0][2])
    for _code, lk, rk in failing[1:]:
        common &= set(lk + rk)
    out: list[tuple[Key, float, list[str]]] = []
    for key in sorted(common):
        asked = [_needed(key, lk, rk, values) for _c, lk, rk in failing]
        if any(not _eq(a, asked[0]) for a in asked):
            continue
        value = asked[0]
        col = tpl.table(key[0]).column_by_code.get(key[2])
        if not (col and (col.signed or col.amount)) and (value < 0 or not float(value).is_integer()):
            continue
        if any(key in lk + rk for _c, lk, rk in holding):
            continue
        out.append((key, value, list(dict.fromkeys(c for c, _l, _r in failing))))
    return out


def pinpoint_misprint(
    findings: list[Finding],
    values: Mapping[Key, Number | None],
    variants: Mapping[str, str | None],
    tpl: Template = TEMPLATE,
) -> list[Finding]:
    """Replace the identity failures one misprinted cell explains by one `misprinted_cell` finding.

    It applies when at least two identity positions fail (two checks crossing at one cell) and
    exactly one cell, set to exactly one value, makes them all hold (`misprint_candidates`): that
    cell and value are then fixed by the identities, so the finding names the cell with its printed
    value (`actual`) and the value the identities give (`expected`). Otherwise the failures stay
    as they are, each stating its sums and no "should be".
    """
    failed = [f for f in findings if f.rule in {i.code for i in tpl.identities}]
    if len(failed) < 2:
        return findings
    found = misprint_candidates(values, variants, tpl)
    if len(found) != 1:
        return findings
    key, value, checks = found[0]
    printed = values.get(key)
    shown = int(value) if float(value).is_integer() else value
    merged = finding(
        "misprinted_cell",
        f"{cell_path(key)} printed {_fmt(printed)}: the identities {', '.join(checks)} all hold "
        f"with {_fmt(shown)} and it is the only cell that makes them hold",
        cells={cell_path(key): printed, "checks": checks},
        expected=shown,
        actual=printed,
    )
    gone = {id(f) for f in failed}
    return [merged, *(f for f in findings if id(f) not in gone)]


# ------------------------------------------------------------------------------------------------
# Cross-year
# ------------------------------------------------------------------------------------------------
def check_cross_year(
    values: Mapping[Key, Number | None], previous: Mapping[Key, Number | None], tpl: Template = TEMPLATE
) -> list[Finding]:
    """The template's cross-year chains (carry-over, stock in force, item chain), position by position.

    A position is checked only when every cell it involves is printed in both years; a failure is a
    finding with `expected` = what last year (and this year's parts) compute, `actual` = as printed.
    """
    out: list[Finding] = []
    for chain in tpl.cross_year:
        for pos, lhs, rhs in chain.positions():
            terms = lhs + rhs
            got = [(previous if t.previous else values).get(k) for t, k in terms]
            printed = [v for v in got if v is not None]
            if len(printed) != len(got):
                continue
            signed = [t.sign * v for (t, _), v in zip(terms, printed, strict=True)]
            left, right = sum(signed[: len(lhs)]), sum(signed[len(lhs) :])
            if _eq(left, right):
                continue
            cells = {
                ("previous." if t.previous else "") + cell_path(k): v
                for (t, k), v in zip(terms, got, strict=True)
            }
            out.append(
                finding(
                    chain.code,
                    f"{tpl.table(chain.table).title} at {pos}: {chain.rule} fails: "
                    f"{_fmt(left)} printed, {_fmt(right)} computed from last year",
                    cells=cells,
                    expected=right,
                    actual=left,
                )
            )
    return out


# ------------------------------------------------------------------------------------------------
# Narrative vs tables
# ------------------------------------------------------------------------------------------------
_WS = re.compile(r"[\s\u00a0\u3000]+")


def check_narrative(
    narrative: Mapping[str, str], values: Mapping[Key, Number | None], tpl: Template = TEMPLATE
) -> list[Finding]:
    """Figures stated in the free text against the tables ([narrative] of the template); silent when
    either side is missing."""
    first = {s: k for k, s in enumerate(tpl.narrative_first)}
    order = sorted(narrative, key=lambda s: first.get(s, len(first)))
    text = "".join(_WS.sub("", narrative[s]) for s in order)
    out: list[Finding] = []
    for check in tpl.narrative_checks:
        code, keys = check.rule, check.cells
        m = check.pattern.search(text)
        if not m or any(values.get(k) is None for k in keys):
            continue
        stated = int(m.group(1))
        table_sum = sum(v for v in (values.get(k) for k in keys) if v is not None)
        if not _eq(stated, table_sum):
            out.append(
                finding(
                    code,
                    f"the narrative says “{m.group(0)}” ({stated}), the table gives {_fmt(table_sum)}",
                    cells={cell_path(k): values.get(k) for k in keys} | {"narrative": m.group(0)},
                    expected=table_sum,
                    actual=stated,
                )
            )
    return out


# ------------------------------------------------------------------------------------------------
# Plausibility, types, completeness, timeliness
# ------------------------------------------------------------------------------------------------
def is_township(issuer: str | None) -> bool:
    """True for an issuer that is a township-level government (镇/乡/街道)."""
    return bool(issuer) and bool(_TOWNSHIP.search(_WS.sub("", issuer or "")))


def check_plausibility(report: Report, tpl: Template = TEMPLATE) -> list[Finding]:
    """Township 规章 and non-negative counts (only the signed 本年增/减 may be negative)."""
    out: list[Finding] = []
    if is_township(report.issuer):
        nil = set(tpl.township_nil)
        rules = {cell_path(c.key): c.value for c in report.cells if (c.table, c.row_code) in nil}
        positive = {k: v for k, v in rules.items() if v is not None and v > 0}
        if positive:
            out.append(
                finding(
                    "township_rules",
                    f"{report.issuer} is a township but reports 规章: "
                    + ", ".join(f"{k}={_fmt(v)}" for k, v in positive.items()),
                    cells=rules,
                    expected=0,
                    actual=max(positive.values()),
                )
            )
    for c in report.cells:
        col = tpl.table(c.table).column_by_code.get(c.col_code) if c.table in TABLES else None
        if c.value is not None and c.value < 0 and not (col and col.signed):
            out.append(
                finding(
                    "negative_count",
                    f"{cell_path(c.key)} is negative ({c.raw!r}); only 本年增/减 is signed",
                    cells={cell_path(c.key): c.value},
                    expected=None,
                    actual=c.value,
                )
            )
    return out


def _expected(tpl: Template, report: Report) -> frozenset[Key]:
    """Cells a complete report of its variants has (cached per template and variants)."""
    return _expected_cells(tpl, tuple(report.variants.get(t.id) for t in tpl.varied))


@lru_cache(maxsize=64)
def _expected_cells(tpl: Template, variants: tuple[str | None, ...]) -> frozenset[Key]:
    return frozenset(tpl.expected_cells(dict(zip((t.id for t in tpl.varied), variants, strict=True))))


def check_completeness(report: Report, tpl: Template = TEMPLATE) -> list[Finding]:
    """Six sections, three tables, every expected cell present; a wholly blank table is `no_data`."""
    out: list[Finding] = []
    missing_sections = [s for s in SECTION_CODES if s not in report.sections]
    if missing_sections:
        labels = {s.code: s.label for s in tpl.sections}
        out.append(
            finding(
                "missing_section",
                "sections not found: " + "、".join(labels.get(s, s) for s in missing_sections),
                cells={s: None for s in missing_sections},
            )
        )
    by_table: dict[str, list[Number | None]] = {t: [] for t in TABLES}
    for c in report.cells:
        if c.table in by_table:
            by_table[c.table].append(c.value)
    names = {t: tpl.table(t).title for t in TABLES}
    for t, vals in by_table.items():
        if not vals:
            out.append(finding("missing_table", f"{names[t]} was not found", cells={t: None}))
        elif all(v is None for v in vals):
            out.append(
                finding(
                    "no_data",
                    f"all {len(vals)} cells of {names[t]} are blank: the report gives no data "
                    f"for it (e.g. a heading declared （无）); blanks are not zeros",
                    cells={t: None},
                )
            )
    present = {c.key for c in report.cells}
    missing = sorted(
        k for k in _expected(tpl, report) if k[0] in TABLES and by_table[k[0]] and k not in present
    )
    if missing:
        out.append(
            finding(
                "missing_cells",
                f"{len(missing)} expected cell(s) were not extracted: "
                + ", ".join(cell_path(k) for k in missing[:10]),
                cells={cell_path(k): None for k in missing},
            )
        )
    return out


def check_timeliness(report: Report) -> list[Finding]:
    """Published after 31 January of the following year (条例第五十条)."""
    if not report.published or not report.year:
        return []
    try:
        published = date.fromisoformat(report.published[:10])
    except ValueError:
        return []
    deadline = date(report.year + 1, 1, 31)
    if published <= deadline:
        return []
    return [
        finding(
            "late_publication",
            f"published {published.isoformat()}, after the deadline {deadline.isoformat()} "
            f"(《政府信息公开条例》第五十条), {(published - deadline).days} days late",
            cells={
                "published": published.isoformat(),
                "deadline": deadline.isoformat(),
                "days_late": (published - deadline).days,
            },
            expected=None,
            actual=None,
        )
    ]


# ------------------------------------------------------------------------------------------------
# The front door
# ------------------------------------------------------------------------------------------------
def validate(report: Report, previous: Previous | None = None, tpl: Template = TEMPLATE) -> list[Finding]:
    """Every check on one report.

    Args:
        report: the extracted report; it is not modified.
        previous: the same issuer's report of year-1, as a mapping (table, row, col) -> value
            (None = blank) or as a Report; enables the cross-year checks.
        tpl: the template (tests may pass another).

    Returns:
        Findings, in rule order: types, identities, cross-year, narrative, plausibility,
        completeness, timeliness. A failed extraction gives one `extraction_failed` finding. A check
        that raises (a bug met on an odd report) gives one `validator_error` finding instead: one
        report's validation never stops a run.
    """
    try:
        return _validate(report, previous, tpl)
    except Exception as exc:
        text = (str(exc).strip().splitlines() or [""])[0][:200]
        return [finding("validator_error", f"validation raised {type(exc).__name__}: {text}", cells={})]


def _validate(report: Report, previous: Previous | None, tpl: Template) -> list[Finding]:
    if report.status == "failed":
        return [
            finding(
                "extraction_failed",
                f"{report.source}: extraction failed: {report.error or 'no reason given'}",
                cells={},
            )
        ]
    values = cell_values(report)
    out = check_frames(report, tpl) + check_identities(report, tpl)
    if previous is not None:
        prev = cell_values(previous) if isinstance(previous, Report) else previous
        out += check_cross_year(values, prev, tpl)
    if report.narrative:
        out += check_narrative(report.narrative, values, tpl)
    out += check_plausibility(report, tpl) + check_completeness(report, tpl) + check_timeliness(report)
    return out


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n} for a list of findings."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts
