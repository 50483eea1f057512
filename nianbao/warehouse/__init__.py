"""The DuckDB warehouse: load checked reports, publish snapshots, export Parquet and spreadsheets."""

from nianbao.warehouse.store import LoadResult, Warehouse

__all__ = ["LoadResult", "Warehouse"]
