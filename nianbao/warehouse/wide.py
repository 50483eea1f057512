"""The wide views of the statistical tables, generated from the template.

Each table with a `view` in schemas/templates/template.toml gets one: `rows` views have one row per
current report and printed row (table 2 also per block) and one column per template column;
`report` views have one row per current report and a column `<row>_<column>` per cell. Amount
columns read the 万元 amount, the others the count. Values are current ones (`current_cells`: a
correction where one applies); `corrected_columns` names the columns that hold one. A column added to the template appears here
without an edit.
"""

from __future__ import annotations

from nianbao.schemas.template import TEMPLATE, TableSpec, Template, ViewSpec

_REPORT = "r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.year"


def wide_views_sql(tpl: Template = TEMPLATE) -> str:
    """CREATE OR REPLACE VIEW statements (with their comments) for every table that has a view."""
    out = []
    for table in tpl.tables:
        if table.view is not None:
            out.append(_view_sql(table, table.view))
    return "\n\n".join(out) + "\n"


def view_tables(tpl: Template = TEMPLATE) -> dict[str, TableSpec]:
    """View name -> the table it shows."""
    return {t.view.name: t for t in tpl.tables if t.view is not None}


_CORRECTED_COMMENT = (
    "COMMENT ON COLUMN {view}.corrected_columns IS 'Columns of this row whose value is a correction "
    "(nianbao override); the printed value, who, when and why are in current_cells.';"
)


def _view_column_sql(view: ViewSpec) -> str:
    """SQL giving the view's column name of c.col_code (renamed columns included)."""
    if not view.rename:
        return "c.col_code"
    cases = " ".join(f"WHEN '{k}' THEN '{view.column(k)}'" for k in view.rename)
    return f"CASE c.col_code {cases} ELSE c.col_code END"


def _measure(table: TableSpec, code: str) -> str:
    return "c.amount" if table.column_by_code[code].amount else "c.count"


def _view_sql(table: TableSpec, view: ViewSpec) -> str:
    tid = table.id
    if view.shape == "report":
        cols = [
            f"max({_measure(table, c.code)}) FILTER (WHERE c.row_code = '{r.code}' AND c.col_code = '{c.code}') "
            f"AS {r.code}_{c.code}"
            for r in table.rows
            for c in table.columns
        ]
        marked = (
            "coalesce(list(c.row_code || '_' || c.col_code ORDER BY c.row_code, c.col_code) "
            "FILTER (WHERE c.corrected), []) AS corrected_columns"
        )
        return (
            f"CREATE OR REPLACE VIEW {view.name} AS\nSELECT\n    {_REPORT},\n    "
            + ",\n    ".join([*cols, marked])
            + f"\nFROM current_reports r\nJOIN current_cells c ON c.report_id = r.report_id AND c.table_id = '{tid}'\n"
            f"GROUP BY {_REPORT};\n"
            f"COMMENT ON VIEW {view.name} IS 'Table {table.number} ({table.name}) wide: one row per current "
            f"report, {len(cols)} columns <row>_<column>; current values (corrections applied).';\n"
            + _CORRECTED_COMMENT.format(view=view.name)
        )
    variant = f"r.variant_{tid}"
    block = "c.block, " if view.by_block else ""
    cols = [
        f"max({_measure(table, c.code)}) FILTER (WHERE c.col_code = '{c.code}') AS {view.column(c.code)}"
        for c in table.columns
    ]
    cols.append(
        f"coalesce(list({_view_column_sql(view)} ORDER BY c.col_code) FILTER (WHERE c.corrected), []) "
        "AS corrected_columns"
    )
    group = f"{_REPORT}, {variant}, {block}c.row_code"
    return (
        f"CREATE OR REPLACE VIEW {view.name} AS\nSELECT\n    {_REPORT}, {variant} AS variant,\n"
        f"    {block}c.row_code, any_value(c.row_label) AS row_label, any_value(t.row_order) AS row_order,\n    "
        + ",\n    ".join(cols)
        + f"\nFROM current_reports r\nJOIN current_cells c ON c.report_id = r.report_id AND c.table_id = '{tid}'\n"
        f"LEFT JOIN template_rows t ON t.table_id = '{tid}' AND t.row_code = c.row_code\n"
        f"GROUP BY {group};\n"
        f"COMMENT ON VIEW {view.name} IS 'Table {table.number} ({table.name}) wide: one row per current "
        f"report and table row; columns are the column codes of both variants"
        + (f" ({', '.join(f'{view.column(k)} for {k}' for k in view.rename)})" if view.rename else "")
        + "; current values (corrections applied).';\n"
        + _CORRECTED_COMMENT.format(view=view.name)
        + "\n"
        f"COMMENT ON COLUMN {view.name}.variant IS 'Table-{table.number} variant of the report (2019 or 2021).';\n"
        f"COMMENT ON COLUMN {view.name}.row_order IS 'Position of the row in the printed form "
        "(template_rows.row_order).';"
    )


if __name__ == "__main__":
    print(wide_views_sql(), end="")
