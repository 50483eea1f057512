"""The headline figures and the `report_overview` view generated from them.

One list, in schemas/templates/template.toml (`[[headlines]]`): each figure has a key (its column
in report_overview), the cells it sums, a comment, whether the district outputs show it
(`district`) and which one they chart (`charted`, exactly one). The analysts' outputs read the same
list (nianbao.analyst.words), so a figure added there appears in both without an edit.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from nianbao.schemas.template import TEMPLATE, Template

_IDENT = re.compile(r"[a-z][a-z0-9_]*")
_CODE = "c.table_id || '.' || c.row_code || '.' || c.col_code"


@dataclass(frozen=True)
class HeadlineSpec:
    """One headline figure: a column of report_overview, the sum of `cells` (template codes)."""

    key: str
    cells: tuple[str, ...]
    comment: str
    district: bool = False
    charted: bool = False

    def parts(self) -> tuple[tuple[str, str, str], ...]:
        """(table, row, column) of each cell."""
        return tuple((t, r, c) for t, r, c in (code.split(".") for code in self.cells))


def parse_headlines(text: str, tpl: Template = TEMPLATE) -> tuple[HeadlineSpec, ...]:
    """The `[[headlines]]` of a template TOML, checked against the template.

    Raises:
        ValueError: an unknown cell, a key that is not a column name or is used twice, or not
            exactly one charted figure among those the district outputs show.
    """
    items = tomllib.loads(text).get("headlines", [])
    out: list[HeadlineSpec] = []
    for h in items:
        spec = HeadlineSpec(
            key=str(h["key"]),
            cells=tuple(str(c) for c in h["cells"]),
            comment=str(h.get("comment", "")),
            district=bool(h.get("district", False)),
            charted=bool(h.get("charted", False)),
        )
        if not _IDENT.fullmatch(spec.key):
            raise ValueError(f"headline {spec.key!r}: a key is a column name (a-z, 0-9, _)")
        if not spec.cells:
            raise ValueError(f"headline {spec.key!r} names no cell")
        for code in spec.cells:
            bits = code.split(".")
            table = tpl.table(bits[0]) if len(bits) == 3 and bits[0] in tpl.table_ids else None
            if table is None or bits[1] not in table.row_by_code or bits[2] not in table.column_by_code:
                raise ValueError(f"headline {spec.key!r}: {code!r} is not a template cell")
        out.append(spec)
    keys = [h.key for h in out]
    if len(set(keys)) != len(keys):
        raise ValueError(f"headline keys used twice: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
    charted = [h.key for h in out if h.charted]
    if out and (len(charted) != 1 or not next(h for h in out if h.charted).district):
        raise ValueError(f"exactly one headline shown in the district outputs is charted, not {charted}")
    return tuple(out)


@cache
def headlines() -> tuple[HeadlineSpec, ...]:
    """The headline figures of the bundled template."""
    text = resources.files("nianbao.schemas").joinpath("templates/template.toml").read_text("utf-8")
    return parse_headlines(text)


def charted() -> HeadlineSpec:
    """The figure the district outputs chart."""
    return next(h for h in headlines() if h.charted)


def _measure(table: str, col: str, tpl: Template) -> str:
    return "c.amount" if tpl.table(table).column_by_code[col].amount else "c.count"


def overview_sql(items: tuple[HeadlineSpec, ...] | None = None, tpl: Template = TEMPLATE) -> str:
    """CREATE OR REPLACE VIEW report_overview, with its comments: one row per current report."""
    items = headlines() if items is None else items
    figures = []
    for h in items:
        terms = [
            f"max({_measure(t, c, tpl)}) FILTER (WHERE c.table_id = '{t}' AND c.row_code = '{r}' AND c.col_code = '{c}')"
            for t, r, c in h.parts()
        ]
        figures.append("\n            + ".join(terms) + f" AS {h.key}")
    codes = ", ".join(f"'{code}'" for code in sorted({code for h in items for code in h.cells}))
    head_cols = "".join(f"        {f},\n" for f in figures)
    out_cols = "".join(f"h.{h.key}, " for h in items)
    sql = f"""CREATE OR REPLACE VIEW report_overview AS
WITH head AS (
    SELECT
        c.report_id,
{head_cols}        count(*) AS n_cells,
        count(c.value) AS n_values,
        count(*) FILTER (WHERE c.corrected) AS n_corrected,
        list({_CODE} ORDER BY {_CODE}) FILTER (WHERE c.corrected AND {_CODE} IN ({codes or "''"})) AS corrected_cells
    FROM current_cells c
    GROUP BY c.report_id
), checks AS (
    SELECT
        report_key,
        count(*) FILTER (WHERE severity = 'error')   AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'info')    AS infos
    FROM current_findings WHERE status = 'open'
    GROUP BY report_key
)
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.region_code, r.year,
    r.variant_t2, r.variant_t3, r.status, r.published, r.version, r.source, r.sha256,
    {out_cols}
    coalesce(h.n_cells, 0) AS n_cells, coalesce(h.n_values, 0) AS n_values,
    coalesce(h.n_corrected, 0) AS n_corrected, coalesce(h.corrected_cells, []) AS corrected_cells,
    coalesce(k.errors, 0) AS errors, coalesce(k.warnings, 0) AS warnings, coalesce(k.infos, 0) AS infos
FROM current_reports r
LEFT JOIN head h ON h.report_id = r.report_id
LEFT JOIN checks k ON k.report_key = r.report_key;
COMMENT ON VIEW report_overview IS 'One row per current report: issuer, region, year, the headline figures (schemas/templates/template.toml [[headlines]]; current values, corrections applied; NULL where a cell is blank) and open finding counts by severity.';
"""
    comments = [f"COMMENT ON COLUMN report_overview.{h.key} IS '{_quote(_comment(h))}';" for h in items]
    comments += [
        "COMMENT ON COLUMN report_overview.n_cells IS 'Cells extracted (blank ones included).';",
        "COMMENT ON COLUMN report_overview.n_values IS 'Cells with a number (not blank).';",
        "COMMENT ON COLUMN report_overview.n_corrected IS 'Cells of the report whose value is a correction (current_cells.corrected).';",
        "COMMENT ON COLUMN report_overview.corrected_cells IS 'Cells of the headline figures whose value is a correction (their printed value: current_cells.printed_value).';",
        "COMMENT ON COLUMN report_overview.errors IS 'Open findings of severity error (all parts of the report; current_findings).';",
        "COMMENT ON COLUMN report_overview.warnings IS 'Open findings of severity warning.';",
        "COMMENT ON COLUMN report_overview.infos IS 'Open findings of severity info.';",
    ]
    return sql + "\n".join(comments) + "\n"


def _comment(h: HeadlineSpec) -> str:
    return f"{h.comment} ({' + '.join(h.cells)})" if h.comment else " + ".join(h.cells)


def _quote(text: str) -> str:
    return text.replace("'", "''")


if __name__ == "__main__":
    print(overview_sql(), end="")
