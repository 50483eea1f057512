"""One declaration of each warehouse table's columns: the DDL, the frame schema and the migrations agree."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nianbao.schemas import TEMPLATE
from nianbao.schemas.frames import WAREHOUSE_CELLS, WAREHOUSE_FINDINGS, WAREHOUSE_REPORTS, FrameSchema
from nianbao.warehouse import Warehouse
from nianbao.warehouse.migrate import add_columns, declared_columns
from nianbao.warehouse.store import sql_text

# The SQL types a frame dtype may be stored as (JSON and lists are loaded from JSON text).
STORED_AS = {
    "string": {"VARCHAR", "JSON", "VARCHAR[]", "DATE"},
    "Int64": {"BIGINT", "INTEGER"},
    "Float64": {"DOUBLE"},
    "boolean": {"BOOLEAN"},
    "datetime64[ns]": {"TIMESTAMP"},
}
# Columns only SQL writes: set by UPDATE after the insert, or made from several frame columns.
SQL_ONLY = {
    "reports": {"superseded_by"},
    "cells": {"page", "provenance"},
    "findings": set(),
}
# Frame columns that SQL folds into others on insert (provenance is made JSON in SQL).
FRAME_ONLY = {"cells": {c for c in WAREHOUSE_CELLS.names if c.startswith("prov_")}}


@pytest.mark.parametrize(
    ("table", "frame"),
    [("reports", WAREHOUSE_REPORTS), ("cells", WAREHOUSE_CELLS), ("findings", WAREHOUSE_FINDINGS)],
)
def test_ddl_and_frame_schema_declare_the_same_columns(table: str, frame: FrameSchema) -> None:
    ddl = dict(declared_columns()[table])
    framed = [c for c in frame.columns if c.name not in FRAME_ONLY.get(table, set())]
    assert sorted(c.name for c in framed) == sorted(set(ddl) - SQL_ONLY[table])
    for c in framed:
        sql = ddl[c.name].split("(")[0]  # DECIMAL(18,6) -> DECIMAL
        if c.name == "amount":  # decimal text in the frame, DECIMAL in the table
            assert sql == "DECIMAL"
            continue
        assert sql in STORED_AS[c.dtype], f"{table}.{c.name}: frame {c.dtype}, DDL {ddl[c.name]}"


def test_every_table_that_varies_has_its_variant_column() -> None:
    ddl = dict(declared_columns()["reports"])
    assert {n for n in ddl if n.startswith("variant_")} == {t.variant_column for t in TEMPLATE.varied}


def test_declared_columns_are_the_ones_of_a_new_warehouse(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        for table, columns in declared_columns().items():
            got = wh.query(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                "AND database_name = current_database() ORDER BY column_index",
                [table],
            )
            assert tuple(got) == columns


def test_migrating_an_old_file_gives_every_declared_column(tmp_path: Path) -> None:
    """A v1 file lacks the later columns; add_columns adds exactly what schema.sql declares."""
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text("utf-8"))
        before = set(con.execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall())
        declared = {(t, c) for t, cols in declared_columns().items() for c, _ in cols}
        old_tables = {t for t, _ in before}
        assert {(t, c) for t, c in declared if t in old_tables} - before, "the fixture lacks no column"
        add_columns(con)
        con.execute(sql_text("schema.sql"))
        after = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() ORDER BY table_name, column_index"
        ).fetchall()
    types = {(t, c): ty for t, c, ty in after}
    for table, columns in declared_columns().items():
        for column, type_ in columns:
            assert types.get((table, column)) == type_, f"{table}.{column}"
